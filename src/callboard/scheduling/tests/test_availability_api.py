"""Availability in the API (/api/v1/schedule/availability/…): a dancer lists the periods and
their own conflicts, gives one with a reason and takes it back; the ballet master lists the
answers and approves or declines. Bad input is a 422 naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from callboard.core.roles import Role
from callboard.core.services import api_token_create
from callboard.scheduling import services
from callboard.scheduling.models import AvailabilityConflict, AvailabilityReply

pytestmark = pytest.mark.django_db

API = "/api/v1/schedule/availability"


@pytest.fixture
def coming(world):
    """A period ahead of the real clock (the API reads it)."""
    today = timezone.localdate()
    return services.availability_period_open(
        first_day=today + dt.timedelta(days=10),
        last_day=today + dt.timedelta(days=16),
        deadline=timezone.now() + dt.timedelta(days=5),
        note="The Nutcracker weeks",
        by=world.master,
        now=timezone.now(),
    )


def _when(period, days: int, hour: int) -> str:
    day = period.first_day + dt.timedelta(days=days)
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
    return moment.isoformat()


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="phone", now=timezone.now())
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_dancer_gives_a_conflict_sees_it_and_takes_it_back(client, world, coming):
    auth = _bearer(world.klara_user)
    periods = client.get(f"{API}/periods", **auth)
    assert periods.status_code == 200
    (listed,) = periods.json()
    assert listed["id"] == coming.pk and listed["open"] and not listed["answered"]
    assert listed["note"] == "The Nutcracker weeks"
    given = client.post(
        f"{API}/periods/{coming.pk}/conflicts",
        {
            "starts_at": _when(coming, 1, 9),
            "ends_at": _when(coming, 1, 11),
            "kind": "school",
            "reason": "School exam",
        },
        content_type="application/json",
        **auth,
    )
    assert given.status_code == 201, given.content
    conflict = given.json()
    assert conflict["status"] == "pending" and conflict["reason"] == "School exam"
    assert conflict["person"]["name"] == "Klára Kalmurzaev"
    mine = client.get(f"{API}/conflicts", **auth).json()
    assert [c["id"] for c in mine] == [conflict["id"]]
    assert client.get(f"{API}/periods", **auth).json()[0]["answered"] is True
    gone = client.delete(f"{API}/conflicts/{conflict['id']}", **auth)
    assert gone.status_code == 204
    assert not AvailabilityConflict.objects.exists()
    # With no conflict left, Klára has not answered any more.
    assert not AvailabilityReply.objects.filter(period=coming, person=world.klara).exists()


def test_bad_conflicts_are_422_naming_the_field(client, world, coming):
    client.force_login(world.klara_user)
    url = f"{API}/periods/{coming.pk}/conflicts"
    good = {
        "starts_at": _when(coming, 1, 9),
        "ends_at": _when(coming, 1, 11),
        "kind": "doctor",
        "reason": "Dentist",
    }
    cases = {
        "kind": {**good, "kind": "holiday"},
        "reason": {**good, "reason": ""},
        "starts_at": {**good, "starts_at": "2026-12-01T09:00"},  # no offset
    }
    for field, body in cases.items():
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 422, field
        assert field in str(response.json()["detail"]), field
    outside = client.post(
        url,
        {**good, "starts_at": _when(coming, 20, 9), "ends_at": _when(coming, 20, 11)},
        content_type="application/json",
    )
    assert outside.status_code == 422
    assert outside.json()["detail"] == {"field": "starts_at"}
    assert "outside the period asked about" in outside.json()["message"]
    assert not AvailabilityConflict.objects.exists()


def test_another_dancer_cannot_take_back_my_conflict(client, world, coming, make_user):
    conflict = services.conflict_submit(
        period=coming,
        person=world.klara,
        starts_at=dt.datetime.fromisoformat(_when(coming, 1, 9)),
        ends_at=dt.datetime.fromisoformat(_when(coming, 1, 11)),
        kind="family",
        reason="Grandmother's birthday",
        by=world.klara_user,
        now=timezone.now(),
    )
    world.boris.user = make_user(Role.DANCER, username="boris")
    world.boris.save()
    client.force_login(world.boris.user)
    response = client.delete(f"{API}/conflicts/{conflict.pk}")
    assert response.status_code == 403
    assert AvailabilityConflict.objects.filter(pk=conflict.pk).exists()


def test_the_ballet_master_lists_answers_and_decides(client, world, coming):
    conflict = services.conflict_submit(
        period=coming,
        person=world.klara,
        starts_at=dt.datetime.fromisoformat(_when(coming, 2, 14)),
        ends_at=dt.datetime.fromisoformat(_when(coming, 2, 16)),
        kind="doctor",
        reason="Dentist",
        by=world.klara_user,
        now=timezone.now(),
    )
    client.force_login(world.klara_user)
    assert client.get(f"{API}/periods/{coming.pk}/answers").status_code == 403
    denied = client.post(
        f"{API}/conflicts/{conflict.pk}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert denied.status_code == 403
    client.force_login(world.master)
    answers = client.get(f"{API}/periods/{coming.pk}/answers").json()
    assert [c["reason"] for c in answers["conflicts"]] == ["Dentist"]
    assert [p["name"] for p in answers["answered"]] == ["Klára Kalmurzaev"]
    assert "Boris Belov" in [p["name"] for p in answers["waiting"]]
    not_a_flag = client.post(
        f"{API}/conflicts/{conflict.pk}/decision",
        {"approve": "yes"},
        content_type="application/json",
    )
    assert not_a_flag.status_code == 422 and "approve" in str(not_a_flag.json()["detail"])
    decided = client.post(
        f"{API}/conflicts/{conflict.pk}/decision",
        {"approve": True, "note": "Get well"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved" and decided.json()["answer_note"] == "Get well"
    conflict.refresh_from_db()
    assert conflict.status == "approved"
    assert client.get(f"{API}/periods/999999/answers").status_code == 404
