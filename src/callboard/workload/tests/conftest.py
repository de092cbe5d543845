"""Builders for workload tests: the medical ones (dancers with sign-ins, the physiotherapist),
the schedule's (class, published calls, performances), and the hand world.

Times are in Moscow (the company's zone); conftest's NOW is Monday 23 November 2026.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from callboard.casting.models import CastAssignment
from callboard.company import models as cm
from callboard.core.actors import CALLBOARD
from callboard.scheduling import services as sched
from callboard.scheduling.models import SchedulePeriod
from callboard.scheduling.tests.builders import MOSCOW, at, company_class, dance, publish_calls
from callboard.wellbeing.tests.conftest import dancer_with_user, physio
from callboard.workload import services

__all__ = ["MOSCOW", "at", "company_class", "dance", "dancer_with_user", "physio", "publish_calls"]


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
    studio = cm.Studio.objects.first()
    sched.call_add(
        period=SchedulePeriod.objects.get(first_day=HAND_FOCUS),
        studio=studio,
        starts_at=at(HAND_FOCUS + dt.timedelta(days=4), 14),
        ends_at=at(HAND_FOCUS + dt.timedelta(days=4), 15),
        label="Draft only",
        people=[person],
        by=CALLBOARD,
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
