"""Injuries limit casting and the scheduler; the company's figures hide small counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.casting.selectors import dancer_unavailability
from callboard.core.roles import Role
from callboard.core.testing import factories as f
from callboard.wellbeing import selectors, services
from callboard.wellbeing.tests.conftest import at, company_class, publish_calls

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def plan(dancer, physio, now, *stages, occurred=TODAY, **injury):
    record = services.injury_record(
        dancer=dancer,
        body_part=injury.pop("body_part", "ankle"),
        occurred_on=occurred,
        by=physio,
        now=now,
        **injury,
    )
    for offset, mode, extra in stages:
        services.return_stage_add(
            injury=record,
            starts_on=occurred + dt.timedelta(days=offset),
            mode=mode,
            by=physio,
            now=now,
            **extra,
        )
    return record


# --------------------------------------------------------------------------- casting


def test_casting_refuses_a_dancer_who_is_not_dancing_and_names_no_diagnosis(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, (0, "out", {}), (10, "full", {}), diagnosis="Fractured fibula")
    reason = dancer_unavailability(dancer, TODAY + dt.timedelta(days=3))
    assert reason and "not available" in reason
    assert "fibula" not in reason.lower() and "ankle" not in reason.lower()
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=10)) is None


def test_casting_refuses_a_limited_dancer_not_cleared_to_perform(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, (0, "limited", {"minutes_per_day": 90, "restrictions": ["no_jumps"]}))
    reason = dancer_unavailability(dancer, TODAY + dt.timedelta(days=40))
    assert "not cleared to perform" in reason and "90 minutes a day, no jumps" in reason


def test_casting_accepts_a_limited_dancer_cleared_to_perform(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, (0, "limited", {"minutes_per_day": 180, "may_perform": True}))
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=1)) is None


def test_time_lost_without_a_plan_makes_the_dancer_unavailable_for_those_days(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, time_lost_days=3)
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=2))
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=3)) is None


def test_a_new_stage_is_seen_by_casting_at_once(physio, now):
    dancer = f.DancerFactory()
    record = plan(dancer, physio, now)
    day = TODAY + dt.timedelta(days=1)
    assert dancer_unavailability(dancer, day) is None
    services.return_stage_add(injury=record, starts_on=TODAY, mode="out", by=physio, now=now)
    assert dancer_unavailability(dancer, day)


def test_casting_asks_about_many_dancers_with_one_query_for_injuries(physio, now):
    dancers = [f.DancerFactory() for _ in range(12)]
    plan(dancers[0], physio, now, (0, "out", {}))
    dancer_unavailability(dancers[0], TODAY)  # loads the snapshot
    with CaptureQueriesContext(connection) as ctx:
        reasons = [dancer_unavailability(d, TODAY) for d in dancers]
    assert len(ctx.captured_queries) == 0
    assert reasons[0] and not any(reasons[1:])


# --------------------------------------------------------------------------- scheduler


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
    limits = selectors.scheduling_limits(
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
    limits = selectors.scheduling_limits(
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
        selectors.scheduling_limits(dancers=few, start=TODAY, end=end, today=TODAY)
    with CaptureQueriesContext(connection) as large:
        selectors.scheduling_limits(dancers=many, start=TODAY, end=end, today=TODAY)
    assert len(large.captured_queries) == len(small.captured_queries)


# --------------------------------------------------------------------------- figures


@pytest.fixture
def injured_company(physio, now):
    corps = [f.DancerFactory(rank="corps") for _ in range(6)]
    principal = f.DancerFactory(rank="principal")
    for i, part in enumerate(["ankle", "ankle", "ankle", "ankle", "knee", "foot"]):
        plan(
            corps[i],
            physio,
            now,
            body_part=part,
            occurred=TODAY - dt.timedelta(days=10 + i),
            time_lost_days=i,
        )
    plan(
        principal,
        physio,
        now,
        body_part="knee",
        occurred=TODAY - dt.timedelta(days=30),
        time_lost_days=7,
    )
    company_class([TODAY - dt.timedelta(days=k) for k in range(1, 41)], minutes=90, now=now)
    return corps, principal


def test_the_medical_staff_see_every_count_and_the_rate_per_1000_hours(injured_company, physio):
    figures = selectors.injury_figures(
        user=physio, start=TODAY - dt.timedelta(days=364), end=TODAY, today=TODAY
    )
    assert figures.medical
    assert figures.total.injuries == 7
    assert figures.total.days_lost == 0 + 1 + 2 + 3 + 4 + 5 + 7
    # 7 dancers × 40 classes × 90 min, minus the days each injury took out of class.
    hours = figures.total.hours
    assert hours == pytest.approx((7 * 40 * 90 - 90 * (1 + 2 + 3 + 4 + 5 + 7)) / 60)
    assert figures.total.rate == pytest.approx(7 / hours * 1000)
    parts = {c.label: c.injuries for c in figures.by_body_part}
    assert parts == {"Ankle": 4, "Knee": 2, "Foot and toes": 1}
    ranks = {c.label: c.injuries for c in figures.by_rank}
    assert ranks["Principal"] == 1 and ranks["Corps de ballet"] == 6


def test_management_see_small_counts_and_small_ranks_hidden(injured_company, make_user):
    figures = selectors.injury_figures(
        user=make_user(Role.ARTISTIC_DIRECTOR),
        start=TODAY - dt.timedelta(days=364),
        end=TODAY,
        today=TODAY,
    )
    parts = {c.label: c.injuries for c in figures.by_body_part}
    # Knee (2) and foot (1) are under 3; both hidden, so neither can be worked out.
    assert parts == {"Ankle": 4, "Knee": None, "Foot and toes": None}
    ranks = {c.label: (c.injuries, c.days_lost) for c in figures.by_rank}
    assert ranks["Principal"] == (None, None)  # one principal: her injuries are hers
    # …and the corps too, or the principal's count would be the total minus the corps'.
    assert ranks["Corps de ballet"] == (None, None)
    assert figures.total.injuries == 7


def test_a_single_small_count_takes_the_next_smallest_down_with_it(physio, make_user, now):
    dancers = [f.DancerFactory(rank="corps") for _ in range(8)]
    for i, part in enumerate(["ankle"] * 4 + ["knee"] * 3 + ["foot"]):
        plan(dancers[i], physio, now, body_part=part, occurred=TODAY - dt.timedelta(days=5))
    figures = selectors.injury_figures(
        user=make_user(Role.BALLET_MASTER),
        start=TODAY - dt.timedelta(days=30),
        end=TODAY,
        today=TODAY,
    )
    parts = {c.label: c.injuries for c in figures.by_body_part}
    assert parts == {"Ankle": 4, "Knee": None, "Foot and toes": None}
    assert figures.total.injuries == 8


def test_dancers_and_other_staff_see_no_figures(client_as):
    for role in (Role.DANCER, Role.PRESS, Role.BOX_OFFICE):
        assert client_as(role).get("/wellbeing/figures/").status_code == 403
