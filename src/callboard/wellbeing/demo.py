"""Workload and injuries for the demo company.

``build_wellbeing_demo(now=...)`` runs after the company demo (and after the casting and
scheduling demos, if they run at all) and writes through the services a person uses:

- the past six weeks of the schedule, so workload has a history to derive from: company
  class every morning but Sunday, and published rehearsal calls — Klára Kalmurzaev's
  creation sessions for Dance of the Seven Veils (doubled in the last full week: the
  spike), Eleonora Kalmurzaev's coaching, and Swan Lake corps rehearsals;
- ratings of exertion for Klára, Eleonora and a handful of dancers, recorded on the day;
- one dancer on a return-to-dance plan (an ankle sprain: not dancing, then limited to
  90 and to 180 minutes a day with no jumps, then full return), recorded by the
  physiotherapist; Eleonora's own past Achilles record (she can read it when signed in);
- a year of earlier injuries, so the company's figures have something to show.

Deterministic for the same demo records and ``now``; running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from callboard.company.models import Dancer, Person, Staff, Studio
from callboard.core.errors import DomainError
from callboard.wellbeing import services
from callboard.wellbeing.models import ExertionRating, Injury, ReturnStage
from callboard.wellbeing.workload import company_zone, derive_minutes, week_start

WEEKS_BACK = 12  # weeks of schedule history, so every baseline is full


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


def _class_history(
    first: dt.date, last: dt.date, now: dt.datetime, summary: WellbeingDemoSummary
) -> None:
    from callboard.scheduling import services as sched
    from callboard.scheduling.models import FixedEvent

    big = Studio.objects.filter(active=True).order_by("-capacity", "name").first()
    have = {
        e.starts_at.astimezone(company_zone()).date()
        for e in FixedEvent.objects.filter(
            kind=FixedEvent.Kind.CLASS,
            starts_at__gte=_at(first, 0),
            starts_at__lt=_at(last + dt.timedelta(days=1), 0),
        )
    }
    day = first
    while day <= last:
        if day.weekday() != 6 and day not in have:
            sched.fixed_event_create(
                kind=FixedEvent.Kind.CLASS,
                label="Company class",
                starts_at=_at(day, 10, 0),
                ends_at=_at(day, 11, 15),
                everyone=True,
                studio=big,
                by=None,
                now=now,
            )
            summary.class_events += 1
        day += dt.timedelta(days=1)


def _rehearsal_history(
    monday: dt.date, weeks: int, now: dt.datetime, summary: WellbeingDemoSummary
) -> None:
    """Past weeks' plans, with calls added by hand and published as they were."""
    from callboard.scheduling import services as sched
    from callboard.scheduling.models import SchedulePeriod

    klara = _dancer("Klára", "Kalmurzaev")
    eleonora = _dancer("Eleonora", "Kalmurzaev")
    pavlov = Person.objects.filter(given_name="Sergei", family_name="Pavlov").first()
    semenova = Person.objects.filter(given_name="Lyudmila", family_name="Semenova").first()
    pianists = list(
        Person.objects.filter(staff_roles__kind=Staff.Kind.PIANIST).order_by("family_name")
    )
    swans = list(
        Dancer.objects.filter(
            roles_known__role__work__title="Swan Lake",
            roles_known__role__name="Swans",
            status=Dancer.Status.ACTIVE,
        )
        .select_related("person")
        .order_by("person__family_name")[:12]
    )
    studios = list(Studio.objects.filter(active=True, has_piano=True).order_by("-capacity", "name"))
    if not studios:
        summary.notes.append("No studio with a piano: no rehearsal history.")
        return
    for w in range(weeks):
        first = monday + dt.timedelta(weeks=w)
        last = first + dt.timedelta(days=6)
        if SchedulePeriod.objects.filter(first_day__lte=last, last_day__gte=first).exists():
            continue
        spike = w == weeks - 1  # the last full week: Klára's creation doubles
        period = sched.period_open(first_day=first, last_day=last, by=None, now=now)
        calls: list[tuple[dt.datetime, dt.datetime, str, list[Person], Studio]] = []
        for k in range(6 if spike else 5):
            day = first + dt.timedelta(days=k)
            if klara and pavlov:
                people = [klara.person, pavlov, *pianists[:1]]
                label = "Creation: Dance of the Seven Veils"
                calls.append((_at(day, 12, 0), _at(day, 14, 0), label, people, studios[-1]))
                if spike:
                    calls.append((_at(day, 15, 0), _at(day, 17, 30), label, people, studios[-1]))
            if (
                eleonora
                and semenova
                and k in (1, 3)
                and (eleonora.engagement_start is None or day >= eleonora.engagement_start)
            ):
                people = [eleonora.person, semenova, *pianists[1:2]]
                calls.append(
                    (
                        _at(day, 14, 30),
                        _at(day, 16, 0),
                        "Coaching: Odette/Odile",
                        people,
                        studios[0],
                    )
                )
            if swans and k in (0, 2, 4):
                people = [d.person for d in swans] + pianists[2:3]
                calls.append(
                    (
                        _at(day, 12, 0),
                        _at(day, 13, 30),
                        "Swan Lake: Act II swans",
                        people,
                        studios[0],
                    )
                )
        added = 0
        for starts_at, ends_at, label, people, studio in calls:
            try:
                sched.call_add(
                    period=period,
                    studio=studio,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    label=label,
                    people=people,
                    by=None,
                    now=now,
                    override_reason="Recorded afterwards from the ballet master's book.",
                )
                added += 1
            except DomainError as exc:
                summary.notes.append(f"{label} on {starts_at:%d %b} left out: {exc.message}")
        try:
            sched.schedule_publish(
                period=period,
                by=None,
                now=_at(first, 8, 0) - dt.timedelta(days=1),
                firm=True,
                note="Posted on the callboard.",
                send_email=False,
            )
            summary.published_weeks += 1
            summary.calls += added
        except DomainError as exc:
            summary.notes.append(f"The week of {first:%d %b} was not published: {exc.message}")


# --------------------------------------------------------------------------- ratings


def _ratings(today: dt.date, first: dt.date, summary: WellbeingDemoSummary) -> None:
    rng = random.Random(2026)
    klara = _dancer("Klára", "Kalmurzaev")
    eleonora = _dancer("Eleonora", "Kalmurzaev")
    others = list(
        Dancer.objects.filter(status=Dancer.Status.ACTIVE)
        .exclude(rank=Dancer.Rank.GUEST)
        .exclude(pk__in=[d.pk for d in (klara, eleonora) if d])
        .select_related("person")
        .order_by("person__family_name")
    )
    chosen = [d for d in (klara, eleonora) if d] + rng.sample(others, min(6, len(others)))
    days = [first + dt.timedelta(days=k) for k in range((today - first).days)]
    minutes = derive_minutes(dancers=chosen, start=first, end=today, today=today)
    for dancer in chosen:
        user = getattr(dancer.person, "user", None)
        base = 4 if dancer.rank in (Dancer.Rank.CORPS, Dancer.Rank.APPRENTICE) else 5
        for day in days:
            dm = minutes[dancer.pk][day]
            if dm.total == 0 or rng.random() < 0.15:  # a day off, or forgotten
                continue
            heavy = dm.total > 240
            rpe = min(10, base + (2 if heavy else 0) + rng.choice([-1, 0, 0, 1]))
            when = _at(day, 21, 0)
            services.exertion_record(
                dancer=dancer,
                day=day,
                session="day",
                rpe=rpe,
                by=user if user is not None else _user("physio"),
                now=when,
            )
            summary.ratings += 1
            if dm.performance and rng.random() < 0.8:
                services.exertion_record(
                    dancer=dancer,
                    day=day,
                    session="performance",
                    rpe=min(10, rpe + 2),
                    by=user if user is not None else _user("physio"),
                    now=when,
                )
                summary.ratings += 1


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


def _injuries(today: dt.date, now: dt.datetime, summary: WellbeingDemoSummary) -> None:
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

    # One dancer on a return-to-dance plan: a sprained ankle three weeks ago.
    injured = (
        Dancer.objects.filter(status=Dancer.Status.INJURED)
        .select_related("person")
        .order_by("person__family_name")
        .first()
    ) or (pool[0] if pool else None)
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
                now=_at(min(occurred + dt.timedelta(days=starts), today), 9, 0),
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
            now=_at(min(occurred + dt.timedelta(days=10), today), 9, 0),
        )
        summary.injuries += 1


@transaction.atomic
def build_wellbeing_demo(*, now: dt.datetime) -> WellbeingDemoSummary:
    summary = WellbeingDemoSummary()
    if Injury.objects.exists() or ExertionRating.objects.exists():
        summary.skipped = True
        summary.notes.append("Workload ratings or injuries already exist; left as they are.")
        return summary
    today = now.astimezone(company_zone()).date()
    this_monday = week_start(today)
    first_monday = this_monday - dt.timedelta(weeks=WEEKS_BACK)
    _class_history(first_monday, today - dt.timedelta(days=1), now, summary)
    _rehearsal_history(first_monday, WEEKS_BACK, now, summary)
    _injuries(today, now, summary)
    _ratings(today, first_monday, summary)
    return summary


def describe(summary: WellbeingDemoSummary) -> list[str]:
    if summary.skipped:
        return summary.notes
    lines = [
        f"Workload: {summary.class_events} company classes and {summary.calls} rehearsal "
        f"calls in {summary.published_weeks} published past weeks; {summary.ratings} "
        "ratings of exertion; Klára Kalmurzaev's last full week is flagged as a spike.",
        f"Injuries: {summary.injuries} records; {summary.plan_dancer or 'nobody'} is on a "
        "return-to-dance plan (sign in as physio to read it).",
    ]
    return lines + summary.notes[:5]
