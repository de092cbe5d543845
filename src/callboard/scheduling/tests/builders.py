"""Builders for tests that need a schedule's history: company class, published calls, and
performances danced (first cast). Times are in Moscow, the company's zone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from callboard.casting.models import CastAssignment
from callboard.company import models as cm
from callboard.core.actors import CALLBOARD
from callboard.scheduling import services as sched
from callboard.scheduling.models import FixedEvent
from callboard.scheduling.workload import week_start
from callboard.season.models import Performance
from callboard.season.tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def company_class(days: Iterable[dt.date], *, minutes: int = 75, now: dt.datetime) -> None:
    """Company class for everyone at 10:00 on each of ``days``."""
    for day in days:
        sched.fixed_event_create(
            kind=FixedEvent.Kind.CLASS,
            label="Company class",
            starts_at=at(day, 10),
            ends_at=at(day, 10) + dt.timedelta(minutes=minutes),
            everyone=True,
            by=CALLBOARD,
            now=now,
        )


def publish_calls(
    calls: Sequence[tuple[dt.datetime, dt.datetime, Sequence[cm.Person]]],
    *,
    now: dt.datetime,
    publish: bool = True,
) -> None:
    """Add ``calls`` to week plans (Monday to Sunday) and publish them (or leave drafts)."""
    studio = cm.Studio.objects.filter(active=True).first() or f.StudioFactory()
    by_week: dict[dt.date, list[tuple[dt.datetime, dt.datetime, Sequence[cm.Person]]]] = (
        defaultdict(list)
    )
    for call in calls:
        by_week[week_start(call[0].astimezone(MOSCOW).date())].append(call)
    for monday, items in sorted(by_week.items()):
        period = sched.period_open(
            first_day=monday, last_day=monday + dt.timedelta(days=6), by=CALLBOARD, now=now
        )
        for starts_at, ends_at, people in items:
            sched.call_add(
                period=period,
                studio=studio,
                starts_at=starts_at,
                ends_at=ends_at,
                label="Rehearsal",
                people=list(people),
                by=CALLBOARD,
                now=now,
                override_reason="test",
            )
        if publish:
            sched.schedule_publish(period=period, by=CALLBOARD, now=now, send_email=False)


def dance(
    dancer: cm.Dancer,
    starts_at: dt.datetime,
    *,
    minutes: int = 165,
    kind: str = CastAssignment.Kind.FIRST,
    rank: int = 1,
    **perf: Any,
) -> Performance:
    """A performance of ``minutes`` with ``dancer`` cast (first cast by default)."""
    performance = f.PerformanceFactory(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes), **perf
    )
    role = f.RoleFactory()
    CastAssignment.objects.create(
        performance=performance,
        role=role,
        kind=kind,
        rank=rank,
        dancer=dancer,
        assigned_at=starts_at - dt.timedelta(days=30),
    )
    return performance
