"""What the scheduler must respect for each dancer: return-to-dance caps, unavailable days,
restriction names, and the load of the seven days before the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.scheduling.limits import scheduling_limits
from callboard.scheduling.tests.builders import at, company_class, publish_calls
from callboard.season.tests import factories as f
from callboard.wellbeing.tests.conftest import TODAY, plan

pytestmark = pytest.mark.django_db


def test_scheduling_limits_give_caps_unavailable_days_and_restriction_names(physio, now):
    dancer = f.DancerFactory()
    plan(
        dancer,
        physio,
        now,
        (0, "out", {}),
        (2, "limited", {"minutes_per_day": 90, "restrictions": ["no_jumps", "no_partnering"]}),
        (5, "full", {}),
    )
    free = f.DancerFactory()
    limits = scheduling_limits(
        dancers=[dancer, free], start=TODAY, end=TODAY + dt.timedelta(days=6), today=TODAY
    )
    mine = limits[dancer.pk]
    assert mine.person_id == dancer.person_id
    assert mine.unavailable == {TODAY, TODAY + dt.timedelta(days=1)}
    assert mine.cap_minutes == {TODAY + dt.timedelta(days=k): 90 for k in (2, 3, 4)}
    assert mine.restrictions[TODAY + dt.timedelta(days=2)] == ("no jumps", "no partnering or lifts")
    assert mine.performing_allowed[TODAY + dt.timedelta(days=2)] is False
    assert not mine.available_on(TODAY) and mine.available_on(TODAY + dt.timedelta(days=5))
    assert not limits[free.pk].limited


def test_scheduling_limits_measure_the_seven_days_before_the_period(now):
    dancer = f.DancerFactory()
    start = TODAY
    # Four blocks of 7 days before the last one: 300 minutes each (class 4 × 75).
    history = [start - dt.timedelta(days=k) for k in range(8, 36) if k % 7 in (1, 2, 3, 4)]
    company_class(history, now=now)
    # The last 7 days: 2 classes and a published 6-hour day.
    company_class([start - dt.timedelta(days=2), start - dt.timedelta(days=3)], now=now)
    day = start - dt.timedelta(days=4)
    publish_calls(
        [(at(day, 12), at(day, 15), [dancer.person]), (at(day, 15), at(day, 18), [dancer.person])],
        now=now,
    )
    limits = scheduling_limits(
        dancers=[dancer], start=start, end=start + dt.timedelta(days=6), today=TODAY
    )[dancer.pk]
    assert limits.prior_week_minutes == 150 + 360
    assert limits.baseline_minutes == 300
    assert limits.spike  # 510 > 1.5 × 300
    assert limits.week_minutes_cap == 450


def test_scheduling_limits_make_a_fixed_number_of_queries(physio, now):
    few = [f.DancerFactory() for _ in range(3)]
    many = few + [f.DancerFactory() for _ in range(20)]
    plan(few[0], physio, now, (0, "out", {}))
    plan(many[-1], physio, now, (0, "out", {}))
    end = TODAY + dt.timedelta(days=6)
    with CaptureQueriesContext(connection) as small:
        scheduling_limits(dancers=few, start=TODAY, end=end, today=TODAY)
    with CaptureQueriesContext(connection) as large:
        scheduling_limits(dancers=many, start=TODAY, end=end, today=TODAY)
    assert len(large.captured_queries) == len(small.captured_queries)
