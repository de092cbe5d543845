"""Turning two-factor sign-in on and off is in the history (kind "signin")."""

from __future__ import annotations

import pytest
from django.utils import timezone

from callboard.audit.models import AuditEntry
from callboard.core import twofactor
from callboard.core.testing.factories import UserFactory
from callboard.core.testing.twofactor import code_now

pytestmark = pytest.mark.django_db


def test_turning_two_factor_on_and_off_is_in_the_history():
    user = UserFactory(username="klara", first_name="Klára", last_name="Kalmurzaev")
    device = twofactor.pending_device(user=user)
    twofactor.turn_on(user=user, token=code_now(device), now=timezone.now())
    twofactor.turn_off(user=user, token=code_now(device), now=timezone.now())
    on, off = AuditEntry.objects.filter(kind=AuditEntry.Kind.SIGNIN).order_by("pk")
    assert (on.action, on.actor, on.record_id) == ("signin.two_factor_on", user, user.pk)
    assert (off.action, off.who, off.changes) == (
        "signin.two_factor_off",
        "Klára Kalmurzaev",
        {"two_factor": [True, False]},
    )


def test_a_wrong_code_turns_nothing_on_and_records_nothing():
    from callboard.core.errors import ValidationFailed

    user = UserFactory(username="vera")
    twofactor.pending_device(user=user)
    with pytest.raises(ValidationFailed):
        twofactor.turn_on(user=user, token="000000", now=timezone.now())
    assert not twofactor.is_on(user)
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.SIGNIN).exists()
