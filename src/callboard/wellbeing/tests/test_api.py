"""The wellbeing API: happy and unhappy paths of each endpoint."""

from __future__ import annotations

import json

import pytest

from callboard.wellbeing.tests.conftest import dancer_with_user

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


def test_a_stage_without_sense_is_422_and_the_plan_unchanged(me, now):
    client, dancer = me
    created = send(
        client,
        "post",
        f"/dancers/{dancer.pk}/injuries",
        {"body_part": "knee", "occurred_on": "2026-11-20"},
    ).json()
    response = send(
        client,
        "post",
        f"/injuries/{created['id']}/stages",
        {"starts_on": "2026-11-21", "mode": "limited"},
    )
    assert response.status_code == 422
    assert client.get(f"{API}/injuries/{created['id']}").json()["stages"] == []
    response = send(client, "patch", f"/injuries/{created['id']}", {"body_part": "heart"})
    assert response.status_code == 422


def test_emptying_a_required_field_of_an_injury_is_422_and_changes_nothing(me, now):
    """Found by the API fuzzer: ``{"occurred_on": null}`` was a 500."""
    client, dancer = me
    created = send(
        client,
        "post",
        f"/dancers/{dancer.pk}/injuries",
        {"body_part": "knee", "occurred_on": "2026-11-20"},
    ).json()
    for field in ("occurred_on", "body_part", "diagnosis"):
        response = send(client, "patch", f"/injuries/{created['id']}", {field: None})
        assert response.status_code == 422, (field, response.content)
        assert field in response.json()["message"]
    after = client.get(f"{API}/injuries/{created['id']}").json()
    assert after["occurred_on"] == "2026-11-20" and after["body_part"] == "knee"
    # Time lost may be emptied: it is not known yet.
    emptied = send(client, "patch", f"/injuries/{created['id']}", {"time_lost_days": None})
    assert emptied.status_code == 200
