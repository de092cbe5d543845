"""Worlds for tests that sweep the whole product (the authorization matrix, the API fuzzer).

The full demo takes minutes to build because of two slow parts: a casting suggestion (a
solve) and twelve weeks of workload history. These worlds leave those out and add the
few wellbeing records the sweeps need instead, so every kind of record exists at least once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from callboard.boxoffice.demo import build_boxoffice_demo
from callboard.casting.demo import build_casting_demo
from callboard.company.models import Dancer
from callboard.reception.demo import build_reception_demo
from callboard.scheduling.demo import build_schedule_demo
from callboard.site.demo import build_demo, demo_now, demo_today
from callboard.wellbeing import models as wm
from callboard.wellbeing import services as wb


def build_company_quickly() -> dt.datetime:
    """The demo company without a casting suggestion or workload history; returns its "now"
    (9:00 today in Moscow, or the clock if earlier: the box office sells from the real clock,
    so it is built around today)."""

    today = demo_today()
    now = demo_now(today, timezone.now())
    build_demo(today=today)
    build_casting_demo(now=now, suggest=False)
    build_boxoffice_demo(now=now)
    build_schedule_demo(now=now)
    build_reception_demo(now=now)
    return now


@dataclass
class Wellbeing:
    injury: Any
    stage: Any
    rating: Any


def add_wellbeing_records(*, now: dt.datetime, diagnosis: str) -> Wellbeing:
    """An injury of Klára's with a return-to-dance stage, recorded by the physiotherapist, and
    one exertion rating of hers."""

    users = get_user_model().objects
    klara_user = users.get(username="klara")
    physio = users.get(username="physio")
    klara = Dancer.objects.get(person__user=klara_user)
    injury = wb.injury_record(
        dancer=klara,
        body_part=wm.BodyPart.values[0],
        occurred_on=now.date() - dt.timedelta(days=3),
        diagnosis=diagnosis,
        by=physio,
        now=now,
    )
    stage = wb.return_stage_add(
        injury=injury,
        starts_on=now.date() - dt.timedelta(days=3),
        mode=wm.ReturnStage.Mode.values[0],
        by=physio,
        now=now,
    )
    rating = wm.ExertionRating.objects.filter(dancer=klara).order_by("pk").first()
    if rating is None:
        rating = wm.ExertionRating.objects.create(
            dancer=klara,
            day=now.date() - dt.timedelta(days=1),
            session=wm.Session.values[0],
            rpe=6,
            recorded_at=now,
            recorded_by=klara_user,
        )
    return Wellbeing(injury=injury, stage=stage, rating=rating)
