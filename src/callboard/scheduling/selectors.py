"""Reads of the rehearsal schedule, shaped for pages, the API, feeds and the call sheet.

Every list here fetches what it shows in a fixed number of queries, whatever the size
of the company (``select_related`` / ``prefetch_related``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.company.models import Dancer, Person, Staff, Studio
from callboard.core import zones
from callboard.core.errors import NotFound
from callboard.scheduling.models import (
    AvailabilityConflict,
    AvailabilityPeriod,
    AvailabilityReply,
    CalendarFeedToken,
    Call,
    CallPerson,
    CallRequest,
    FixedEvent,
    Notice,
    Schedule,
    SchedulePeriod,
    SolveRun,
    StudioClosure,
    Unavailability,
)
from callboard.season.models import Performance

SLOT = 15  # minutes per row of the grid


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zones.company_zone()
    return zones.local_day_bounds(first, zone)[0], zones.local_day_bounds(last, zone)[1]


def _people_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "called",
        queryset=CallPerson.objects.select_related("person").order_by(
            "person__family_name", "person__given_name"
        ),
    )


def calls_qs() -> QuerySet[Call]:
    return Call.objects.select_related("studio__site", "schedule", "request").prefetch_related(
        _people_prefetch()
    )


# --------------------------------------------------------------------------- plans


def periods(limit: int = 30) -> list[SchedulePeriod]:
    return list(
        SchedulePeriod.objects.annotate(
            versions=Count("schedules", filter=Q(schedules__status="published"))
        ).order_by("-first_day")[:limit]
    )


def period_for_day(day: dt.date) -> SchedulePeriod | None:
    return SchedulePeriod.objects.filter(first_day__lte=day, last_day__gte=day).first()


def plan_inputs(period: SchedulePeriod) -> dict[str, Any]:
    """Everything the plan page lists and edits."""
    start, end = _bounds(period.first_day, period.last_day)
    requests = list(
        CallRequest.objects.filter(period=period)
        .select_related("work", "section")
        .prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("family_name", "given_name")),
            "studios",
        )
        .annotate(placed=Count("calls", filter=Q(calls__schedule__status="draft")))
        .order_by("priority", "pk")
    )
    events = list(
        FixedEvent.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("studio")
        .prefetch_related("people")
    )
    performances = list(
        Performance.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .annotate(cast=Count("cast_assignments", filter=Q(cast_assignments__kind="first")))
    )
    closures = list(
        StudioClosure.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related("studio")
    )
    unavailable = list(
        Unavailability.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related("person")
    )
    approved = list(
        AvailabilityConflict.objects.filter(
            status=AvailabilityConflict.Status.APPROVED, starts_at__lt=end, ends_at__gt=start
        ).select_related("person")
    )
    schedules = list(Schedule.objects.filter(period=period).order_by("-number"))
    draft = next((s for s in schedules if s.status == Schedule.Status.DRAFT), None)
    versions = [s for s in schedules if s.is_published]
    runs = list(SolveRun.objects.filter(period=period).order_by("-created_at", "-pk")[:10])
    return {
        "period": period,
        "requests": requests,
        "events": events,
        "performances": performances,
        "closures": closures,
        "unavailable": unavailable,
        "approved_conflicts": approved,
        "draft": draft,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "runs": runs,
        "active_run": next((r for r in runs if not r.finished), None),
        "minutes": sum(r.minutes for r in requests),
    }


def published_versions(period: SchedulePeriod) -> list[Schedule]:
    """The plan's published versions, newest first (one query)."""
    return list(
        Schedule.objects.filter(period=period, status=Schedule.Status.PUBLISHED).order_by("-number")
    )


# --------------------------------------------------------------------------- grids and lists


@dataclass
class GridCall:
    call: Call
    row: int
    span: int
    column: int
    local_start: dt.datetime
    local_end: dt.datetime
    flags: list[str] = field(default_factory=list)


@dataclass
class GridBlock:
    """A studio taken by something else: company class, a closure."""

    label: str
    row: int
    span: int
    column: int
    kind: str


@dataclass
class Grid:
    day: dt.date
    studios: list[Studio]
    hours: list[tuple[int, str]]  # (grid row, "10:00")
    rows: int
    calls: list[GridCall]
    outside: list[Call]  # calls that fall outside the grid's hours
    blocks: list[GridBlock] = field(default_factory=list)


def studio_blocks(day: dt.date) -> list[tuple[int, dt.datetime, dt.datetime, str, str]]:
    """Fixed events that take a studio, and studio closures, on ``day``."""
    start, end = _bounds(day, day)
    out = [
        (e.studio_id, e.starts_at, e.ends_at, e.label, "event")
        for e in FixedEvent.objects.filter(
            studio__isnull=False, starts_at__lt=end, ends_at__gt=start
        )
    ]
    out += [
        (c.studio_id, c.starts_at, c.ends_at, c.reason, "closure")
        for c in StudioClosure.objects.filter(starts_at__lt=end, ends_at__gt=start)
    ]
    return out  # type: ignore[return-value]  # studio__isnull=False above


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(zones.company_zone())


def build_grid(
    calls: Sequence[Call],
    day: dt.date,
    studios: Sequence[Studio],
    *,
    flagged: dict[int, list[str]] | None = None,
    blocks: Sequence[tuple[int, dt.datetime, dt.datetime, str, str]] = (),
    open_minute: int = 9 * 60,
    close_minute: int = 22 * 60,
) -> Grid:
    """The day's calls as a grid: a column per studio, a row per quarter hour."""
    mine = [c for c in calls if local(c.starts_at).date() == day]
    for c in mine:
        s, e = local(c.starts_at), local(c.ends_at)
        open_minute = min(open_minute, s.hour * 60 + s.minute)
        close_minute = max(close_minute, e.hour * 60 + e.minute if e.date() == day else 24 * 60)
    open_minute -= open_minute % 60
    close_minute += (-close_minute) % 60
    columns = list(studios)
    known = {s.pk for s in columns}
    for c in mine:
        if c.studio_id not in known:
            columns.append(c.studio)
            known.add(c.studio_id)
    index = {s.pk: k for k, s in enumerate(columns)}
    placed = []
    for c in mine:
        s, e = local(c.starts_at), local(c.ends_at)
        start = s.hour * 60 + s.minute
        end = e.hour * 60 + e.minute if e.date() == day else 24 * 60
        placed.append(
            GridCall(
                call=c,
                row=(start - open_minute) // SLOT + 2,
                span=max(1, -(-(end - start) // SLOT)),
                column=index[c.studio_id] + 2,
                local_start=s,
                local_end=e,
                flags=(flagged or {}).get(c.pk, []),
            )
        )
    day_start, day_end = _bounds(day, day)
    shown = []
    for studio_pk, b_start, b_end, label, kind in blocks:
        if studio_pk not in index:
            continue
        s = local(max(b_start, day_start))
        e = local(min(b_end, day_end))
        start = max(open_minute, s.hour * 60 + s.minute)
        end = min(close_minute, e.hour * 60 + e.minute if e.date() == day else 24 * 60)
        if end <= start:
            continue
        shown.append(
            GridBlock(
                label=label,
                row=(start - open_minute) // SLOT + 2,
                span=max(1, -(-(end - start) // SLOT)),
                column=index[studio_pk] + 2,
                kind=kind,
            )
        )
    hours = [
        ((h * 60 - open_minute) // SLOT + 2, f"{h:02d}:00")
        for h in range(open_minute // 60, close_minute // 60)
    ]
    return Grid(
        day=day,
        studios=columns,
        hours=hours,
        rows=(close_minute - open_minute) // SLOT,
        calls=placed,
        outside=[],
        blocks=shown,
    )


@dataclass
class PersonCalls:
    person: Person
    calls: list[Call]
    minutes: int


def by_person(calls: Iterable[Call]) -> list[PersonCalls]:
    out: dict[int, PersonCalls] = {}
    for c in calls:
        for cp in c.called.all():
            entry = out.setdefault(cp.person_id, PersonCalls(cp.person, [], 0))
            entry.calls.append(c)
            entry.minutes += c.minutes
    return sorted(out.values(), key=lambda pc: (pc.person.family_name, pc.person.given_name))


def schedule_calls(schedule: Schedule) -> list[Call]:
    return list(calls_qs().filter(schedule=schedule).order_by("starts_at", "studio__name", "pk"))


def studios_in_use() -> list[Studio]:
    return list(
        Studio.objects.filter(active=True).select_related("site").order_by("site__name", "name")
    )


# --------------------------------------------------------------------------- published calls


def current_versions(first: dt.date, last: dt.date) -> list[Schedule]:
    """The latest published version of every plan that meets these days."""
    rows = Schedule.objects.filter(
        status=Schedule.Status.PUBLISHED,
        period__first_day__lte=last,
        period__last_day__gte=first,
    ).order_by("period_id", "-number")
    latest: dict[int, Schedule] = {}
    for s in rows:
        latest.setdefault(s.period_id, s)
    return list(latest.values())


def published_calls(first: dt.date, last: dt.date, *, person: Person | None = None) -> list[Call]:
    """Published calls from ``first`` to ``last`` (of one person, or everyone's)."""
    versions = current_versions(first, last)
    if not versions:
        return []
    start, end = _bounds(first, last)
    # Published calls never need their request; a person's calls are found by a subquery
    # (no join, so no DISTINCT over the calls' columns).
    qs = (
        Call.objects.select_related("studio__site", "schedule")
        .prefetch_related(_people_prefetch())
        .filter(schedule__in=versions, starts_at__gte=start, starts_at__lt=end)
    )
    if person is not None:
        qs = qs.filter(pk__in=CallPerson.objects.filter(person=person).values("call_id"))
    calls = list(qs.order_by("starts_at", "studio__name", "pk"))
    out = []
    for c in calls:
        day = local(c.starts_at).date()
        s = c.schedule
        if s.published_from and s.published_to and s.published_from <= day <= s.published_to:
            out.append(c)
    return out


def is_firm(call: Call) -> bool:
    return call.schedule.is_firm(local(call.starts_at).date())


@dataclass
class DayCalls:
    day: dt.date
    calls: list[Call]


def group_by_day(calls: Iterable[Call], days: Sequence[dt.date]) -> list[DayCalls]:
    grouped: dict[dt.date, list[Call]] = defaultdict(list)
    for c in calls:
        grouped[local(c.starts_at).date()].append(c)
    return [DayCalls(d, grouped.get(d, [])) for d in days]


def notices_for(person: Person | None, limit: int = 30) -> list[Notice]:
    if person is None:
        return []
    return list(
        Notice.objects.filter(person=person)
        .select_related("old_call__studio", "new_call__studio", "email")  # what "my calls" shows
        .order_by("-created_at", "-pk")[:limit]
    )


def my_week(person: Person | None, today: dt.date, *, everyone: bool) -> dict[str, Any]:
    """Today's and this week's published calls (one person's, or the company's)."""
    days = [today + dt.timedelta(days=k) for k in range(7)]
    calls = published_calls(days[0], days[-1], person=None if everyone else person)
    if person is None and not everyone:
        calls = []
    for c in calls:
        c.firm = is_firm(c)  # type: ignore[attr-defined]
        c.others = [  # type: ignore[attr-defined]
            cp.person for cp in c.called.all() if person is None or cp.person_id != person.pk
        ]
    week = group_by_day(calls, days)
    notices = notices_for(person)
    return {
        "today": week[0],
        "week": week[1:],
        "notices": notices,
        "unread": sum(1 for n in notices if n.read_at is None),
        "everyone": everyone,
    }


def board(day: dt.date) -> dict[str, Any]:
    """The day's published calls for the whole company, for the callboard and call sheet."""
    calls = published_calls(day, day)
    for c in calls:
        c.firm = is_firm(c)  # type: ignore[attr-defined]
        # Joined here once, not in a template loop: a company's day has hundreds of names.
        c.names = ", ".join(cp.person.full_name for cp in c.called.all())  # type: ignore[attr-defined]
    versions = sorted({c.schedule for c in calls}, key=lambda s: (s.period_id, s.number or 0))
    start, end = _bounds(day, day)
    performances = list(
        Performance.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
    )
    events = list(
        FixedEvent.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related("studio")
    )
    return {
        "day": day,
        "calls": calls,
        "versions": versions,
        "performances": performances,
        "events": events,
        "firm": bool(calls) and all(c.firm for c in calls),  # type: ignore[attr-defined]
    }


def feed_calls(*, person: Person | None, first: dt.date, last: dt.date) -> list[Call]:
    return published_calls(first, last, person=person)


def runs(period: SchedulePeriod, limit: int = 20) -> list[SolveRun]:
    return list(SolveRun.objects.filter(period=period).order_by("-created_at", "-pk")[:limit])


def get_period(pk: Any) -> SchedulePeriod:
    try:
        return SchedulePeriod.objects.get(pk=int(pk))
    except (SchedulePeriod.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("There is no such plan. Open the callboard to see the plans.")) from None


def latest_version(period: SchedulePeriod) -> Schedule | None:
    return (
        Schedule.objects.filter(period=period, status=Schedule.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def get_run(pk: Any) -> SolveRun:
    try:
        return SolveRun.objects.select_related("period").get(pk=int(pk))
    except (SolveRun.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("There is no such solver run.")) from None


def dancers_active() -> list[Person]:
    return list(
        Person.objects.filter(dancer__status=Dancer.Status.ACTIVE).order_by(
            "family_name", "given_name"
        )
    )


def staff_persons() -> list[Person]:
    return list(Person.objects.filter(staff_roles__isnull=False).distinct().order_by("family_name"))


def feed_tokens_of(user: Any) -> dict[str, CalendarFeedToken]:
    """A user's calendar-feed addresses in force, by scope."""
    return {
        t.scope: t
        for t in CalendarFeedToken.objects.filter(user_id=user.pk or 0, revoked_at__isnull=True)
    }


# --------------------------------------------------------------------------- availability


def expected_people() -> list[Person]:
    """Who is asked for their availability: the dancers who are not away, and the staff."""
    return list(
        Person.objects.filter(
            Q(dancer__status=Dancer.Status.ACTIVE) | Q(pk__in=Staff.objects.values("person_id"))
        )
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


def availability_periods(limit: int = 20) -> list[AvailabilityPeriod]:
    return list(
        AvailabilityPeriod.objects.annotate(
            answers=Count("replies", distinct=True),
            pending=Count(
                "conflicts",
                filter=Q(conflicts__status=AvailabilityConflict.Status.PENDING),
                distinct=True,
            ),
        ).order_by("-first_day", "-pk")[:limit]
    )


@dataclass
class AvailabilityOverview:
    """A period as the planner sees it: every conflict, who answered and who has not."""

    period: AvailabilityPeriod
    conflicts: list[AvailabilityConflict]
    answered: list[tuple[Person, AvailabilityReply]]
    waiting: list[Person]

    @property
    def pending(self) -> list[AvailabilityConflict]:
        return [c for c in self.conflicts if c.status == AvailabilityConflict.Status.PENDING]


def availability_overview(period: AvailabilityPeriod) -> AvailabilityOverview:
    """Four queries, whatever the size of the company."""
    conflicts = list(
        period.conflicts.select_related("person").order_by(
            "person__family_name", "person__given_name", "starts_at", "pk"
        )
    )
    replies = {r.person_id: r for r in period.replies.all()}
    answered, waiting = [], []
    for person in expected_people():
        reply = replies.pop(person.pk, None)
        if reply is None:
            waiting.append(person)
        else:
            answered.append((person, reply))
    # Someone who answered though not asked (a guest, say) still counts as answered.
    for person in Person.objects.filter(pk__in=list(replies)).order_by("family_name"):
        answered.append((person, replies[person.pk]))
    return AvailabilityOverview(period, conflicts, answered, waiting)


@dataclass
class MyPeriod:
    period: AvailabilityPeriod
    conflicts: list[AvailabilityConflict]
    reply: AvailabilityReply | None
    open: bool


def my_availability(person: Person, now: dt.datetime) -> list[MyPeriod]:
    """The periods not yet over, with the person's own conflicts and answer (three queries)."""
    periods = list(
        AvailabilityPeriod.objects.filter(last_day__gte=zones.company_today(now)).order_by(
            "first_day", "pk"
        )
    )
    mine: dict[int, list[AvailabilityConflict]] = defaultdict(list)
    for c in AvailabilityConflict.objects.filter(period__in=periods, person=person).order_by(
        "starts_at", "pk"
    ):
        mine[c.period_id].append(c)
    replies = {
        r.period_id: r for r in AvailabilityReply.objects.filter(period__in=periods, person=person)
    }
    return [MyPeriod(p, mine.get(p.pk, []), replies.get(p.pk), now <= p.deadline) for p in periods]
