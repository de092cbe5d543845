"""Who acts: a person, or Callboard itself, which may do everything and has no user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from callboard.core.actors import CALLBOARD, Callboard, is_callboard, user_of
from callboard.core.errors import PermissionDenied
from callboard.core.roles import Cap, Role, can, require

pytestmark = pytest.mark.django_db


def test_callboard_itself_holds_every_capability_and_is_no_user():
    assert all(can(CALLBOARD, cap) for cap in Cap)
    require(CALLBOARD, Cap.EDIT_PEOPLE)  # does not raise
    assert user_of(CALLBOARD) is None
    assert is_callboard(CALLBOARD) and Callboard() is CALLBOARD
    assert str(CALLBOARD) == "Callboard"


def test_a_person_holds_only_their_roles_capabilities(make_user):
    dancer = make_user(Role.DANCER)
    assert user_of(dancer) == dancer and not is_callboard(dancer)
    with pytest.raises(PermissionDenied):
        require(dancer, Cap.EDIT_PEOPLE)
    require(make_user(Role.COMPANY_MANAGER), Cap.EDIT_PEOPLE)


def test_nobody_signed_in_may_do_nothing():
    anonymous = AnonymousUser()
    assert user_of(anonymous) is None
    assert not any(can(anonymous, cap) for cap in Cap)
    with pytest.raises(PermissionDenied):
        require(anonymous, Cap.VIEW_COMPANY)
