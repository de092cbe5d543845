"""The demo company's coming week on the callboard.

``build_schedule_demo(now=...)`` runs after the company demo (and casting's, when there):
it opens the plan of the week starting on ``now``'s day, brings in casting's rehearsal
needs, adds the calls a ballet master adds by hand (Klára's time with Sergei Pavlov on
Dance of the Seven Veils: notes after the gala's premiere, or creation before it; the Swan
Lake corps; Eleonora's coaching), company class every morning but Sunday, solves it in a
few seconds with a fixed seed, and publishes the first day, firm (through the first day that
holds a call, should the solver leave the first one free). Signing in as the ballet master or
as Klára then shows a living callboard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from callboard.company.models import Person, Site, Staff, Studio
from callboard.core import zones
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from callboard.core.text import search_key
from callboard.repertoire.models import Role, Work
from callboard.scheduling import services
from callboard.scheduling.models import (
    Call,
    CallRequest,
    FixedEvent,
    Schedule,
    SchedulePeriod,
    SolveRun,
)
from callboard.season import services as season_services
from callboard.season.models import Venue

TIME_LIMIT = 8.0
SEED = 2026
WORKERS = 2
DAYS = 7


@dataclass
class ScheduleDemoSummary:
    period_id: int | None = None
    requests: int = 0
    imported: int = 0
    calls: int = 0
    run_status: str = ""
    published_version: int | None = None
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def _person(name: str) -> Person | None:
    return Person.objects.filter(search_name=search_key(name)).first()


def _staff(kind: str) -> list[Person]:
    return list(Person.objects.filter(staff_roles__kind=kind).order_by("family_name"))


def _cast_of(work_title: str, role_name: str, limit: int) -> list[Person]:
    """Who knows a role (first the learned ones), for the corps call."""
    role = Role.objects.filter(work__title=work_title, name=role_name).first()
    if role is None:
        return []
    return [
        dr.dancer.person
        for dr in role.dancers_knowing.select_related("dancer__person")
        .filter(dancer__status="active")
        .order_by("status", "dancer__person__family_name")[:limit]
    ]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zones.company_zone())


def build_schedule_demo(*, now: dt.datetime) -> ScheduleDemoSummary:
    """Plan, solve and publish the demo's coming week (deterministic for the same ``now``)."""
    summary = ScheduleDemoSummary()
    zone = zones.company_zone()
    first = now.astimezone(zone).date()
    last = first + dt.timedelta(days=DAYS - 1)
    if SchedulePeriod.objects.filter(first_day__lte=last, last_day__gte=first).exists():
        summary.skipped = True
        summary.notes.append("The callboard already has a plan for these days; left as it is.")
        return summary
    period = services.period_open(first_day=first, last_day=last, by=CALLBOARD, now=now)
    summary.period_id = period.pk

    # Company class every morning but Sunday, in the big studio.
    big = Studio.objects.filter(active=True, is_stage=False).order_by("-capacity", "name").first()
    for day in period.days:
        if day.weekday() == 6:
            continue
        services.fixed_event_create(
            kind=FixedEvent.Kind.CLASS,
            label="Company class",
            starts_at=_at(day, 10, 0),
            ends_at=_at(day, 11, 15),
            everyone=True,
            studio=big,
            by=CALLBOARD,
            now=now,
        )

    # The theatre's stage is a room of its building: stage and dress rehearsals are planned
    # there, around the performances' get-in and get-out.
    main = Venue.objects.filter(name="Pavlov Theatre Main Stage", stage__isnull=True).first()
    home = Site.objects.filter(name="Pavlov Theatre").first()
    if main is not None and home is not None:
        season_services.venue_stage_open(
            venue=main,
            site=home,
            get_in_minutes=240,
            get_out_minutes=90,
            by=CALLBOARD,
            now=now,
        )

    imported = services.requests_import(period=period, by=CALLBOARD, now=now)
    summary.imported = imported.created
    summary.notes.extend(imported.skipped[:3])

    klara = _person("Klára Kalmurzaev")
    eleonora = _person("Eleonora Kalmurzaev")
    pavlov = _person("Sergei Pavlov")
    semenova = _person("Lyudmila Semenova")
    pianists = _staff(Staff.Kind.PIANIST)
    masters = _staff(Staff.Kind.BALLET_MASTER)
    veils = Work.objects.filter(title="Dance of the Seven Veils").first()
    swan = Work.objects.filter(title="Swan Lake").first()
    hand: list[tuple[dict[str, Any], list[Person]]] = []
    if klara and pavlov and veils is not None and veils.status == Work.Status.PREMIERED:
        # After the gala's premiere: the work is set down before it enters the repertoire.
        hand.append(
            (
                {
                    "label": "Dance of the Seven Veils: notes after the premiere — Klára "
                    "with Sergei Pavlov",
                    "kind": CallRequest.Kind.REHEARSAL,
                    "minutes": 240,
                    "call_minutes": 120,
                    "priority": 1,
                    "needs_piano": True,
                    "work": veils,
                    "notes": "Sergei Pavlov's notes from the gala; the veils sequence set down "
                    "for the repertoire.",
                },
                [klara, pavlov, *pianists[:1]],
            )
        )
    elif klara and pavlov:
        hand.append(
            (
                {
                    "label": "Creation: Dance of the Seven Veils — Klára with Sergei Pavlov",
                    "kind": CallRequest.Kind.CREATION,
                    "minutes": 360,
                    "call_minutes": 120,
                    "priority": 1,
                    "needs_piano": True,
                    "work": veils,
                    "notes": "Klára's creation time for the Annual Gala; the veils sequence.",
                },
                [klara, pavlov, *pianists[:1]],
            )
        )
    corps = _cast_of("Swan Lake", "Swans", 16)
    if corps and masters:
        hand.append(
            (
                {
                    "label": "Swan Lake: Act II swans (corps de ballet)",
                    "kind": CallRequest.Kind.REHEARSAL,
                    "minutes": 180,
                    "call_minutes": 90,
                    "priority": 2,
                    "needs_piano": True,
                    "work": swan,
                    "window_start": dt.time(11, 30),
                    "window_end": dt.time(18, 0),
                },
                [*corps, masters[0], *pianists[1:2]],
            )
        )
    if eleonora and semenova:
        hand.append(
            (
                {
                    "label": "Coaching: Eleonora Kalmurzaev — Odette/Odile with Lyudmila Semenova",
                    "kind": CallRequest.Kind.COACHING,
                    "minutes": 180,
                    "call_minutes": 90,
                    "priority": 1,
                    "needs_piano": True,
                    "work": swan,
                },
                [eleonora, semenova, *pianists[2:3]],
            )
        )
    for values, people in hand:
        try:
            services.call_request_create(
                period=period,
                values={k: v for k, v in values.items() if v is not None},
                people=people,
                by=CALLBOARD,
                now=now,
            )
        except DomainError as exc:
            summary.notes.append(f"Left out “{values['label']}”: {exc.message}")
    summary.requests = CallRequest.objects.filter(period=period).count()

    run = services.solve_run_start(
        period=period,
        by=CALLBOARD,
        now=now,
        time_limit=TIME_LIMIT,
        seed=SEED,
        workers=WORKERS,
        enqueue=False,
    )
    run = services.solve_run_execute(run_id=run.pk)
    summary.run_status = run.status
    summary.calls = int(run.result.get("calls", 0)) if run.result else 0
    if run.status not in (SolveRun.Status.DONE, SolveRun.Status.STOPPED):
        summary.notes.append(f"The solver found no schedule: {run.error or run.log[-300:]}")
        return summary
    # The solve stops on the clock, so on a busy machine its schedule may leave the first day
    # free: the published days then run on to the first day that holds a call.
    starts = Call.objects.filter(
        schedule__period=period, schedule__status=Schedule.Status.DRAFT
    ).values_list("starts_at", flat=True)
    days_with_calls = sorted({s.astimezone(zone).date() for s in starts})
    through = max(first, days_with_calls[0]) if days_with_calls else first
    try:
        result = services.schedule_publish(
            period=period,
            by=CALLBOARD,
            now=now,
            first_day=first,
            last_day=through,
            firm=True,
            note="Posted by the ballet mistress.",
            send_email=False,
        )
        summary.published_version = result.version.number
    except DomainError as exc:
        summary.notes.append(f"The first day was not published: {exc.message}")
    return summary


def describe(summary: ScheduleDemoSummary) -> list[str]:
    """Lines for the demo command to print."""
    if summary.skipped:
        return summary.notes
    lines = [
        f"Callboard: the week's plan has {summary.requests} call requests "
        f"({summary.imported} from casting); the solver ({summary.run_status}) placed "
        f"{summary.calls} calls"
        + (
            f"; the first day is published as version {summary.published_version}."
            if summary.published_version
            else "."
        ),
        f"Plan the week at /schedule/plans/{summary.period_id}/ ; dancers see /schedule/me/",
    ]
    return lines + summary.notes
