"""Who may see medical detail: only the dancer themself and the medical staff.

Every page and every endpoint of wellbeing is requested as every kind of user; the medical
markers (diagnosis, notes, a stage's medical notes) must appear exactly for the dancer and
the physiotherapist, and only where medical detail belongs. Planners see limits only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing import services
from callboard.wellbeing.models import Injury, ReturnStage
from callboard.wellbeing.tests.conftest import dancer_with_user

pytestmark = pytest.mark.django_db

DIAGNOSIS = "Zebra-diagnosis: os trigonum syndrome"
NOTES = "Zebra-notes: flared after the Nutcracker run"
STAGE_NOTES = "Zebra-stage: hydrotherapy twice a day"
MARKERS = (DIAGNOSIS, NOTES, STAGE_NOTES)

WHO = [
    "the_dancer",
    "physio",
    "other_dancer",
    "artistic_director",
    "ballet_master",
    "company_manager",
    "box_office",
    "press",
    "superuser",
    "anonymous",
]
MEDICAL = {"the_dancer", "physio"}
WORKLOAD = {
    "the_dancer",
    "physio",
    "artistic_director",
    "ballet_master",
    "company_manager",
    "superuser",
}
COMPANY = WORKLOAD - {"the_dancer"}


@pytest.fixture
def world(make_user: Any, now: dt.datetime) -> dict[str, Any]:
    dancer, dancer_user = dancer_with_user(make_user)
    _other, other_user = dancer_with_user(make_user)
    physio = make_user(Role.PHYSIOTHERAPIST)
    injury = services.injury_record(
        dancer=dancer,
        body_part="ankle",
        side="right",
        occurred_on=now.date() - dt.timedelta(days=5),
        mechanism="overuse",
        diagnosis=DIAGNOSIS,
        notes=NOTES,
        time_lost_days=4,
        by=dancer_user,
        now=now,
    )
    stage = services.return_stage_add(
        injury=injury,
        starts_on=now.date() - dt.timedelta(days=1),
        mode="limited",
        minutes_per_day=120,
        restrictions=["no_jumps"],
        notes=STAGE_NOTES,
        by=physio,
        now=now,
    )
    users = {
        "the_dancer": dancer_user,
        "physio": physio,
        "other_dancer": other_user,
        "artistic_director": make_user(Role.ARTISTIC_DIRECTOR),
        "ballet_master": make_user(Role.BALLET_MASTER),
        "company_manager": make_user(Role.COMPANY_MANAGER),
        "box_office": make_user(Role.BOX_OFFICE),
        "press": make_user(Role.PRESS),
        "superuser": f.UserFactory(is_superuser=True, is_staff=True),
        "anonymous": None,
    }
    return {"dancer": dancer, "injury": injury, "stage": stage, "users": users}


def _client(client: Any, user: Any) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _pages(w: dict[str, Any]) -> list[tuple[str, set[str], bool]]:
    """(url, who may open it, whether it shows medical detail)."""
    d, i = w["dancer"].pk, w["injury"].pk
    return [
        (f"/wellbeing/dancers/{d}/", WORKLOAD, False),
        (f"/wellbeing/dancers/{d}/injuries/", MEDICAL, True),
        (f"/wellbeing/injuries/{i}/", MEDICAL, True),
        ("/wellbeing/workload/", COMPANY, False),
        ("/wellbeing/planning/", COMPANY, False),
        ("/wellbeing/figures/", COMPANY, False),
        ("/wellbeing/caseload/", {"physio"}, True),
    ]


def _endpoints(w: dict[str, Any]) -> list[tuple[str, set[str], bool]]:
    d, i = w["dancer"].pk, w["injury"].pk
    api = "/api/v1/wellbeing"
    return [
        (f"{api}/dancers/{d}/workload", WORKLOAD, False),
        (f"{api}/dancers/{d}/exertion", WORKLOAD, False),
        (f"{api}/dancers/{d}/injuries", MEDICAL, True),
        (f"{api}/injuries/{i}", MEDICAL, True),
        (f"{api}/workload", COMPANY, False),
        (f"{api}/planning", COMPANY, False),
        (f"{api}/figures", COMPANY, False),
    ]


@pytest.mark.parametrize("who", WHO)
def test_medical_detail_shows_only_to_the_dancer_and_the_medical_staff_on_every_page(
    client, world, who
):
    c = _client(client, world["users"][who])
    for url, allowed, medical in _pages(world):
        response = c.get(url)
        body = response.content.decode()
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response.url, url
        elif who in allowed:
            assert response.status_code == 200, (who, url)
        else:
            assert response.status_code == 403, (who, url)
        shows = [m for m in MARKERS if m in body]
        if medical and who in allowed and who in MEDICAL | {"physio"}:
            assert shows, (who, url)
        else:
            assert not shows, (who, url, shows)


@pytest.mark.parametrize("who", WHO)
def test_medical_detail_shows_only_to_the_dancer_and_the_medical_staff_on_every_endpoint(
    client, world, who
):
    c = _client(client, world["users"][who])
    for url, allowed, medical in _endpoints(world):
        response = c.get(url)
        body = response.content.decode()
        if who == "anonymous":
            assert response.status_code == 401, url
        elif who in allowed:
            assert response.status_code == 200, (who, url, body[:200])
        else:
            assert response.status_code == 403, (who, url)
            assert "message" in response.json()
        shows = [m for m in MARKERS if m in body]
        assert bool(shows) == (medical and who in allowed and who != "anonymous"), (who, url)


@pytest.mark.parametrize("who", [w for w in WHO if w not in MEDICAL])
def test_nobody_else_may_write_or_remove_medical_records(client, world, who, now):
    c = _client(client, world["users"][who])
    d, i, s = world["dancer"].pk, world["injury"].pk, world["stage"].pk
    api = "/api/v1/wellbeing"
    record = {"body_part": "knee", "occurred_on": "2026-11-20"}
    form = {
        "body_part": "knee",
        "side": "left",
        "occurred_on": "2026-11-20",
        "mechanism": "acute",
        "activity": "class",
    }
    stage_form = {"stage-starts_on": "2026-11-30", "stage-mode": "full"}
    stage = {"starts_on": "2026-11-30", "mode": "full"}
    attempts = [
        c.post(f"{api}/dancers/{d}/injuries", json.dumps(record), content_type="application/json"),
        c.patch(f"{api}/injuries/{i}", json.dumps({"notes": "x"}), content_type="application/json"),
        c.post(f"{api}/injuries/{i}/stages", json.dumps(stage), content_type="application/json"),
        c.delete(f"{api}/stages/{s}"),
        c.delete(f"{api}/injuries/{i}"),
        c.post(f"/wellbeing/injuries/{i}/stages/", stage_form),
        c.post(f"/wellbeing/stages/{s}/remove/"),
        c.post(f"/wellbeing/injuries/{i}/delete/"),
        c.post(f"/wellbeing/dancers/{d}/injuries/", form),
    ]  # fmt: skip
    for response in attempts:
        assert response.status_code in (401, 403, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" in response.url
    assert Injury.objects.count() == 1
    injury = Injury.objects.get()
    assert injury.notes == NOTES and injury.body_part == "ankle"
    assert ReturnStage.objects.count() == 1


def test_the_dancer_records_their_own_injury_and_the_physiotherapist_its_plan(client, world):
    dancer = world["dancer"]
    c = _client(client, world["users"]["the_dancer"])
    response = c.post(
        f"/api/v1/wellbeing/dancers/{dancer.pk}/injuries",
        json.dumps({"body_part": "foot", "occurred_on": "2026-11-22", "diagnosis": "Blister"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    injury_id = response.json()["id"]
    c = _client(client, world["users"]["physio"])
    response = c.post(
        f"/api/v1/wellbeing/injuries/{injury_id}/stages",
        json.dumps({"starts_on": "2026-11-22", "mode": "out"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["stages"][0]["mode"] == "out"


def test_planners_see_the_limit_in_the_planning_view_and_nothing_more(client, world):
    c = _client(client, world["users"]["ballet_master"])
    rows = c.get("/api/v1/wellbeing/planning").json()
    limit = rows[0]["periods"][0]["limit"]
    assert limit == {
        "status": "limited",
        "minutes_per_day": 120,
        "restrictions": ["no_jumps"],
        "may_perform": False,
        "text": "limited to 120 minutes a day, no jumps, not performing",
    }
    assert set(rows[0]) == {"dancer_id", "name", "periods"}
    html = c.get("/wellbeing/planning/").content.decode()
    assert "limited to" in html and "no jumps" in html
    assert "Ankle" not in html and "overuse" not in html.lower()
