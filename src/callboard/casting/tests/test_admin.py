"""Casting is read only in the admin: it changes through the board, the API and the services,
which keep the casting rules and write the history."""

from __future__ import annotations

import pytest

from callboard.casting import services
from callboard.casting.models import CastAssignment
from callboard.casting.tests.conftest import make_world
from callboard.core.actors import CALLBOARD
from callboard.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_cast_assignment_can_be_read_but_not_added_changed_or_removed_in_the_admin(client, now):
    world = make_world()
    dancer = world.dancer(world.queen, rank="principal")
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=dancer, by=CALLBOARD, now=now
    )
    assignment = CastAssignment.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    base = "/admin/casting/castassignment/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{assignment.pk}/change/").status_code == 200  # view only
    assert client.get(f"{base}add/").status_code == 403
    response = client.post(f"{base}{assignment.pk}/change/", {"rank": 2})
    assert response.status_code == 403
    assert client.post(f"{base}{assignment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CastAssignment.objects.get().dancer == dancer
