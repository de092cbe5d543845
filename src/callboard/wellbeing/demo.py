"""Injuries for the demo company, written through the services a person uses (the rest of
the wellbeing story, the workload history and ratings, is :mod:`callboard.workload.demo`,
which calls :func:`build_injuries` between building the schedule's history and the ratings):

- one dancer on a return-to-dance plan (an ankle sprain: not dancing, then limited to
  90 and to 180 minutes a day with no jumps, then full return), recorded by the
  physiotherapist; Eleonora's own past Achilles record (she can read it when signed in);
- a year of earlier injuries, so the company's figures have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from callboard.company import services as company_services
from callboard.company.models import Dancer
from callboard.core.actors import CALLBOARD
from callboard.core.zones import company_zone
from callboard.wellbeing import services
from callboard.wellbeing.models import ReturnStage


@dataclass
class WellbeingDemoSummary:
    class_events: int = 0
    calls: int = 0
    published_weeks: int = 0
    ratings: int = 0
    injuries: int = 0
    plan_dancer: str = ""
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _dancer(given: str, family: str) -> Dancer | None:
    return (
        Dancer.objects.select_related("person")
        .filter(person__given_name=given, person__family_name=family)
        .first()
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=company_zone())


# --------------------------------------------------------------------------- schedule history


# --------------------------------------------------------------------------- ratings


# --------------------------------------------------------------------------- injuries


PAST_INJURIES = [
    # (body part, side, mechanism, activity, diagnosis, days lost, days ago)
    ("ankle", "left", "acute", "rehearsal", "Lateral ankle sprain, grade I", 6, 300),
    ("ankle", "right", "acute", "performance", "Lateral ankle sprain, grade I", 4, 250),
    ("ankle", "left", "overuse", "class", "Posterior ankle impingement", 12, 210),
    ("foot", "right", "overuse", "rehearsal", "Second metatarsal stress reaction", 35, 190),
    ("foot", "left", "overuse", "class", "Flexor hallucis longus tendinopathy", 0, 160),
    ("foot", "right", "acute", "rehearsal", "Bruised heel", 2, 130),
    ("lower_back", "central", "overuse", "rehearsal", "Lumbar facet irritation", 5, 280),
    ("lower_back", "central", "acute", "rehearsal", "Muscle strain after a lift", 3, 120),
    ("lower_back", "central", "overuse", "class", "Lumbar stiffness", 0, 90),
    ("knee", "right", "overuse", "class", "Patellar tendinopathy", 8, 240),
    ("knee", "left", "acute", "performance", "Medial collateral ligament sprain", 18, 170),
    ("hip_groin", "left", "overuse", "rehearsal", "Adductor strain", 7, 100),
    ("lower_leg", "right", "overuse", "class", "Calf strain", 9, 70),
]


def build_injuries(today: dt.date, now: dt.datetime, summary: WellbeingDemoSummary) -> None:
    physio = _user("physio")
    rng = random.Random(1740)
    pool = list(
        Dancer.objects.filter(status=Dancer.Status.ACTIVE)
        .exclude(rank=Dancer.Rank.GUEST)
        .order_by("person__family_name", "person__given_name")
    )
    klara = _dancer("Klára", "Kalmurzaev")
    pool = [d for d in pool if klara is None or d.pk != klara.pk]
    for part, side, mechanism, activity, diagnosis, lost, ago in PAST_INJURIES:
        if not pool:
            break
        dancer = rng.choice(pool)
        occurred = today - dt.timedelta(days=ago)
        services.injury_record(
            dancer=dancer,
            body_part=part,
            side=side,
            occurred_on=occurred,
            mechanism=mechanism,
            activity=activity,
            diagnosis=diagnosis,
            time_lost_days=lost,
            by=physio,
            now=_at(occurred, 18, 0),
        )
        summary.injuries += 1

    # The dancers the company marked injured by hand: the physiotherapist records their
    # injuries, and the roster's "Injured" then follows the record. The last stays marked
    # by hand (with its reason) until the physiotherapist sees her.
    marked = list(
        Dancer.objects.filter(status=Dancer.Status.INJURED)
        .select_related("person")
        .order_by("person__family_name")
    )
    for dancer in marked[:-1] if len(marked) > 1 else marked:
        company_services.dancer_update(
            dancer=dancer,
            changes={"status": Dancer.Status.ACTIVE},
            by=CALLBOARD,
            now=_at(today - dt.timedelta(days=1), 9, 0),
        )
    for dancer in marked[1:-1]:
        occurred = today - dt.timedelta(days=4)
        open_injury = services.injury_record(
            dancer=dancer,
            body_part="knee",
            side="left",
            occurred_on=occurred,
            mechanism="acute",
            activity="rehearsal",
            diagnosis="Medial meniscus tear, awaiting scan",
            time_lost_days=None,
            notes="Twisted on landing from a tour en l'air; locking on full flexion.",
            by=physio,
            now=_at(occurred, 18, 0),
        )
        services.return_stage_add(
            injury=open_injury,
            starts_on=occurred,
            mode=ReturnStage.Mode.OUT,
            notes="No dancing until the scan; review with the orthopaedic surgeon.",
            by=physio,
            now=_at(occurred, 18, 30),
        )
        summary.injuries += 1

    # One dancer on a return-to-dance plan: a sprained ankle three weeks ago.
    injured = (marked[0] if marked else None) or (pool[0] if pool else None)
    if injured is not None:
        occurred = today - dt.timedelta(days=19)
        injury = services.injury_record(
            dancer=injured,
            body_part="ankle",
            side="right",
            occurred_on=occurred,
            mechanism="acute",
            activity="rehearsal",
            diagnosis="Lateral ankle sprain, grade II (anterior talofibular ligament)",
            time_lost_days=None,
            notes=(
                "Landed from a jeté onto the outside of the foot. Swelling, no fracture on X-ray."
            ),
            by=physio,
            now=_at(occurred, 17, 30),
        )
        for starts, mode, minutes, restrictions, perform, note in [
            (0, ReturnStage.Mode.OUT, None, [], False, "Protect, ice, compression; crutches."),
            (
                14,
                ReturnStage.Mode.LIMITED,
                90,
                ["no_jumps", "no_pointe", "barre_only"],
                False,
                "Barre only; balance work with the physiotherapist daily.",
            ),
            (
                25,
                ReturnStage.Mode.LIMITED,
                180,
                ["no_jumps"],
                False,
                "Centre work, petit allegro on the half-point only.",
            ),
            (35, ReturnStage.Mode.FULL, None, [], True, "Full class and rehearsals."),
        ]:
            services.return_stage_add(
                injury=injury,
                starts_on=occurred + dt.timedelta(days=starts),
                mode=mode,
                minutes_per_day=minutes,
                restrictions=restrictions,
                may_perform=perform,
                notes=note,
                by=physio,
                # Written on the stage's first day, or by now if that is still to come.
                now=min(_at(occurred + dt.timedelta(days=starts), 9, 0), now),
            )
        summary.injuries += 1
        summary.plan_dancer = injured.person.full_name

    eleonora = _dancer("Eleonora", "Kalmurzaev")
    if eleonora is not None:
        occurred = today - dt.timedelta(days=30)
        if eleonora.engagement_start and occurred < eleonora.engagement_start:
            occurred = eleonora.engagement_start
        injury = services.injury_record(
            dancer=eleonora,
            body_part="lower_leg",
            side="left",
            occurred_on=occurred,
            mechanism="overuse",
            activity="rehearsal",
            diagnosis="Achilles tendinopathy, reactive",
            time_lost_days=0,
            notes="Eight years away from the stage: load built up too fast in the first weeks.",
            by=physio,
            now=_at(occurred, 18, 0),
        )
        services.return_stage_add(
            injury=injury,
            starts_on=occurred,
            mode=ReturnStage.Mode.LIMITED,
            minutes_per_day=150,
            restrictions=["no_jumps"],
            may_perform=False,
            notes="Heavy slow calf raises daily.",
            by=physio,
            now=_at(occurred, 18, 30),
        )
        services.return_stage_add(
            injury=injury,
            starts_on=occurred + dt.timedelta(days=10),
            mode=ReturnStage.Mode.FULL,
            by=physio,
            now=min(_at(occurred + dt.timedelta(days=10), 9, 0), now),
        )
        summary.injuries += 1
