"""The workload's endpoints: ratings of exertion and the hand-computed weeks."""

from __future__ import annotations

import json

import pytest

from callboard.core.roles import Role
from callboard.wellbeing.models import ExertionRating
from callboard.workload.tests.conftest import HAND_FOCUS, company_class, dancer_with_user

pytestmark = pytest.mark.django_db

API = "/api/v1/wellbeing"


def send(client, method, url, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json")


@pytest.fixture
def me(client, make_user):
    dancer, user = dancer_with_user(make_user)
    client.force_login(user)
    return client, dancer


def test_a_dancer_rates_a_session_and_reads_it_back(me, now):
    from django.utils import timezone

    client, dancer = me
    today = timezone.localdate()
    company_class([today], now=now)
    response = send(
        client,
        "post",
        f"/dancers/{dancer.pk}/exertion",
        {"day": today.isoformat(), "session": "class", "rpe": 6},
    )
    assert response.status_code == 201
    assert response.json()["rpe"] == 6
    listed = client.get(f"{API}/dancers/{dancer.pk}/exertion").json()
    assert [(r["day"], r["session"], r["rpe"]) for r in listed] == [(today.isoformat(), "class", 6)]


@pytest.mark.parametrize(
    "payload",
    [
        {"day": "2026-11-23", "rpe": 11},
        {"day": "2026-11-23", "rpe": -1},
        {"day": "2026-11-23", "rpe": 5, "session": "nap"},
        {"day": "23/11/2026", "rpe": 5},
        {"day": "2026-11-23", "rpe": 5, "note": "a\x00b"},
        "{not json",
    ],
)
def test_bad_exertion_is_refused_with_a_message(me, payload):
    client, dancer = me
    response = send(client, "post", f"/dancers/{dancer.pk}/exertion", payload)
    assert response.status_code in (400, 422)
    assert "message" in response.json()
    assert not ExertionRating.objects.exists()


def test_rating_a_session_that_did_not_happen_names_the_field(me):
    from django.utils import timezone

    client, dancer = me
    response = send(
        client,
        "post",
        f"/dancers/{dancer.pk}/exertion",
        {"day": timezone.localdate().isoformat(), "session": "rehearsal", "rpe": 5},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "session"}


def test_the_workload_endpoint_gives_the_hand_computed_weeks(hand, client):
    client.force_login(hand["user"])
    data = client.get(
        f"{API}/dancers/{hand['dancer'].pk}/workload", {"week": HAND_FOCUS.isoformat(), "weeks": 2}
    ).json()
    last = data["weeks"][-1]
    assert (last["minutes"], last["load"], last["minutes_spike"]) == (1080, 3255, True)
    assert last["minutes_ratio"] == pytest.approx(1080 / 495)


def test_unknown_records_are_404_and_bad_ranges_422(client_as):
    client = client_as(Role.PHYSIOTHERAPIST)
    assert client.get(f"{API}/dancers/999999/workload").status_code == 404
    assert client.get(f"{API}/injuries/999999").status_code == 404
    response = client.get(f"{API}/planning", {"from": "2026-12-01", "to": "2026-11-01"})
    assert response.status_code == 422
    response = client.get(f"{API}/figures", {"from": "2020-01-01", "to": "2026-11-01"})
    assert response.status_code == 422
