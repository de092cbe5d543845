"""The scheduler obeys the medical plan: a return-to-dance cap and a not-dancing stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.company.tests.plans import DAY1
from callboard.core.roles import Role
from callboard.scheduling.models import Call
from callboard.scheduling.tests.conftest import solve
from callboard.wellbeing import services as wellbeing
from callboard.wellbeing.models import BodyPart

pytestmark = pytest.mark.django_db


def _injure(world, now, make_user, *, mode: str, minutes: int | None = None):
    physio = make_user(Role.PHYSIOTHERAPIST, username="physio")
    injury = wellbeing.injury_record(
        dancer=world.klara.dancer,
        body_part=BodyPart.values[0],
        occurred_on=DAY1 - dt.timedelta(days=10),
        by=physio,
        now=now,
    )
    wellbeing.return_stage_add(
        injury=injury,
        starts_on=DAY1 - dt.timedelta(days=3),
        mode=mode,
        minutes_per_day=minutes,
        by=physio,
        now=now,
    )


def _klara_minutes_per_day(world) -> dict[dt.date, int]:
    per_day: dict[dt.date, int] = {}
    for call in Call.objects.filter(people=world.klara).distinct():
        day = call.starts_at.date()
        per_day[day] = per_day.get(day, 0) + int(
            (call.ends_at - call.starts_at).total_seconds() // 60
        )
    return per_day


def test_a_dancer_limited_to_45_minutes_a_day_is_never_called_longer(world, now, make_user):
    _injure(world, now, make_user, mode="limited", minutes=45)
    run = solve(world, now)
    assert run.status == "done"
    # The 60-minute pas de deux needs her: it cannot be placed within her cap.
    assert all(minutes <= 45 for minutes in _klara_minutes_per_day(world).values())
    assert not Call.objects.filter(request=world.pdd).exists()


def test_a_dancer_who_is_not_dancing_is_never_called(world, now, make_user):
    _injure(world, now, make_user, mode="out")
    solve(world, now)
    assert _klara_minutes_per_day(world) == {}


def test_a_rehearsal_is_planned_without_the_injured_dancer_and_says_so(
    world, now, make_user, client
):
    _injure(world, now, make_user, mode="out")
    run = solve(world, now)
    # The pas de deux is not dropped: it is planned without her, and the run says why.
    calls = Call.objects.filter(request=world.pdd)
    assert calls.exists()
    assert not calls.filter(people=world.klara).exists()
    said = run.log
    assert "Klára Kalmurzaev cannot dance on any day of “Pas de deux”" in said
    assert "unavailable (medical)" in said
    # The plan page names her and the reason, never the medical detail.
    client.force_login(world.master)
    body = client.get(reverse("scheduling:plan", args=[world.period.pk])).content.decode()
    assert 'id="cannot-dance"' in body
    assert "Klára Kalmurzaev cannot dance" in body and "unavailable (medical)" in body
    assert BodyPart.values[0] not in body.split('id="cannot-dance"')[1].split("</section>")[0]


def test_a_dancer_marked_on_leave_is_named_on_the_plan(world, now, client):
    world.klara.dancer.status = "on_leave"
    world.klara.dancer.save()
    client.force_login(world.master)
    body = client.get(reverse("scheduling:plan", args=[world.period.pk])).content.decode()
    assert "Klára Kalmurzaev cannot dance on any day of “Pas de deux” (on leave)" in body


def test_without_an_injury_the_pas_de_deux_is_placed(world, now):
    solve(world, now)
    assert Call.objects.filter(request=world.pdd).exists()
