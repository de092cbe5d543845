"""Workload and injuries for the demo company (the injuries through
:func:`callboard.wellbeing.demo.build_injuries`).

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

from django.db import transaction

from callboard.company.models import Dancer, Person, Staff, Studio
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from callboard.core.zones import company_zone
from callboard.scheduling import services as sched
from callboard.scheduling.models import FixedEvent, SchedulePeriod
from callboard.scheduling.workload import derive_minutes, week_start
from callboard.season.models import Performance
from callboard.wellbeing.demo import WellbeingDemoSummary, _at, _dancer, _user, build_injuries
from callboard.wellbeing.models import ExertionRating, Injury
from callboard.workload import services

WEEKS_BACK = 12  # weeks of schedule history, so every baseline is full


def _class_history(
    first: dt.date, last: dt.date, now: dt.datetime, summary: WellbeingDemoSummary
) -> None:

    big = Studio.objects.filter(active=True, is_stage=False).order_by("-capacity", "name").first()
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
                by=CALLBOARD,
                now=now,
            )
            summary.class_events += 1
        day += dt.timedelta(days=1)


def _rehearsal_history(
    monday: dt.date, weeks: int, now: dt.datetime, summary: WellbeingDemoSummary
) -> None:
    """Past weeks' plans, with calls added by hand and published as they were."""

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
    studios = list(
        Studio.objects.filter(active=True, has_piano=True, is_stage=False).order_by(
            "-capacity", "name"
        )
    )
    if not studios:
        summary.notes.append("No studio with a piano: no rehearsal history.")
        return
    # Creation ends with the premiere: no creation call on or after the gala's day.
    gala = (
        Performance.objects.filter(programme__title="Annual Gala")
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    premiere = gala.astimezone(company_zone()).date() if gala is not None else None
    for w in range(weeks):
        first = monday + dt.timedelta(weeks=w)
        last = first + dt.timedelta(days=6)
        if SchedulePeriod.objects.filter(first_day__lte=last, last_day__gte=first).exists():
            continue
        spike = w == weeks - 1  # the last full week: Klára's creation doubles
        period = sched.period_open(first_day=first, last_day=last, by=CALLBOARD, now=now)
        calls: list[tuple[dt.datetime, dt.datetime, str, list[Person], Studio]] = []
        for k in range(6 if spike else 5):
            day = first + dt.timedelta(days=k)
            if klara and pavlov and (premiere is None or day < premiere):
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
                    by=CALLBOARD,
                    now=now,
                    override_reason="Recorded afterwards from the ballet master's book.",
                )
                added += 1
            except DomainError as exc:
                summary.notes.append(f"{label} on {starts_at:%d %b} left out: {exc.message}")
        try:
            sched.schedule_publish(
                period=period,
                by=CALLBOARD,
                now=_at(first, 8, 0) - dt.timedelta(days=1),
                firm=True,
                note="Posted on the callboard.",
                send_email=False,
            )
            summary.published_weeks += 1
            summary.calls += added
        except DomainError as exc:
            summary.notes.append(f"The week of {first:%d %b} was not published: {exc.message}")


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
    build_injuries(today, now, summary)
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
