"""Builders for wellbeing tests: dancers with sign-ins, class, published calls, performances.

Times are in Moscow (the company's zone); conftest's NOW is Monday 23 November 2026.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callboard.casting.models import CastAssignment
from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.core.testing import factories as f
from callboard.scheduling import services as sched
from callboard.scheduling.models import FixedEvent
from callboard.season.models import Performance
from callboard.wellbeing.workload import week_start

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def dancer_with_user(make_user: Any, *, rank: str = "corps", **kw: Any) -> tuple[cm.Dancer, Any]:
    user = make_user(Role.DANCER)
    person = f.PersonFactory(user=user)
    return f.DancerFactory(person=person, rank=rank, **kw), user


def company_class(days: Iterable[dt.date], *, minutes: int = 75, now: dt.datetime) -> None:
    """Company class for everyone at 10:00 on each of ``days``."""
    for day in days:
        sched.fixed_event_create(
            kind=FixedEvent.Kind.CLASS,
            label="Company class",
            starts_at=at(day, 10),
            ends_at=at(day, 10) + dt.timedelta(minutes=minutes),
            everyone=True,
            by=None,
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
            first_day=monday, last_day=monday + dt.timedelta(days=6), by=None, now=now
        )
        for starts_at, ends_at, people in items:
            sched.call_add(
                period=period,
                studio=studio,
                starts_at=starts_at,
                ends_at=ends_at,
                label="Rehearsal",
                people=list(people),
                by=None,
                now=now,
                override_reason="test",
            )
        if publish:
            sched.schedule_publish(period=period, by=None, now=now, send_email=False)


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


@pytest.fixture
def physio(make_user: Any) -> Any:
    return make_user(Role.PHYSIOTHERAPIST)


# --------------------------------------------------------------------------- the hand world
#
# One corps dancer over six weeks, every number worked out by hand in the tests:
# - class 10:00–11:15 (75 min) Monday to Friday, 12 Oct – 20 Nov: 375 min a week;
# - a published two-hour call every Tuesday, 13 Oct – 10 Nov: 120 min a week;
# - the week of 16 Nov: published calls Tue, Wed, Thu 14:00–17:00 (180 min each), a
#   draft-only call on Friday (not counted), the first cast of a 165-minute performance
#   on Saturday 21 Nov, and a cover on Sunday 22 Nov (not counted);
# - ratings in the week of 16 Nov: Monday day 4; Tuesday day 5 and rehearsal 7;
#   Saturday performance 8.

HAND_FIRST = dt.date(2026, 10, 12)
HAND_FOCUS = dt.date(2026, 11, 16)


@pytest.fixture
def hand(make_user: Any, now: dt.datetime) -> dict[str, Any]:
    dancer, user = dancer_with_user(make_user)
    weekdays = [
        HAND_FIRST + dt.timedelta(days=k)
        for k in range(42)
        if (HAND_FIRST + dt.timedelta(days=k)).weekday() < 5
    ]
    company_class(weekdays, now=now)
    person = dancer.person
    calls = [
        (
            at(HAND_FIRST + dt.timedelta(weeks=w, days=1), 14),
            at(HAND_FIRST + dt.timedelta(weeks=w, days=1), 16),
            [person],
        )
        for w in range(5)
    ]
    calls += [
        (
            at(HAND_FOCUS + dt.timedelta(days=k), 14),
            at(HAND_FOCUS + dt.timedelta(days=k), 17),
            [person],
        )
        for k in (1, 2, 3)
    ]
    publish_calls(calls, now=now)
    # A draft-only call on Friday of the focus week: added after publishing, never posted.
    from callboard.scheduling.models import SchedulePeriod

    studio = cm.Studio.objects.first()
    sched.call_add(
        period=SchedulePeriod.objects.get(first_day=HAND_FOCUS),
        studio=studio,
        starts_at=at(HAND_FOCUS + dt.timedelta(days=4), 14),
        ends_at=at(HAND_FOCUS + dt.timedelta(days=4), 15),
        label="Draft only",
        people=[person],
        by=None,
        now=now,
        override_reason="test",
    )
    dance(dancer, at(HAND_FOCUS + dt.timedelta(days=5), 19), minutes=165)
    dance(
        dancer,
        at(HAND_FOCUS + dt.timedelta(days=6), 19),
        minutes=120,
        kind=CastAssignment.Kind.COVER,
    )
    from callboard.wellbeing import services

    for offset, session, rpe in [
        (0, "day", 4),
        (1, "day", 5),
        (1, "rehearsal", 7),
        (5, "performance", 8),
    ]:
        day = HAND_FOCUS + dt.timedelta(days=offset)
        services.exertion_record(
            dancer=dancer, day=day, session=session, rpe=rpe, by=user, now=at(day, 22)
        )
    return {"dancer": dancer, "user": user}
