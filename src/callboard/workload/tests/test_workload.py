"""Minutes derived from class, the published schedule and casting; the weekly spike rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from callboard.casting.models import CastAssignment
from callboard.company.models import Dancer
from callboard.scheduling.workload import (
    Day,
    DayMinutes,
    SpikeRule,
    Week,
    apply_spike_rule,
    derive_minutes,
    spike_rule,
    weekly,
)
from callboard.season.tests import factories as f
from callboard.wellbeing import services
from callboard.workload.tests.conftest import (
    HAND_FOCUS,
    at,
    company_class,
    dance,
    publish_calls,
)

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 16)


def minutes_on(dancer: Dancer, day: dt.date, today: dt.date = MON) -> DayMinutes:
    return derive_minutes(dancers=[dancer], start=day, end=day, today=today)[dancer.pk][day]


def test_company_class_counts_for_every_dancer_on_the_roster(now):
    a, b = f.DancerFactory(), f.DancerFactory()
    company_class([MON], now=now)
    found = derive_minutes(dancers=[a, b], start=MON, end=MON, today=MON)
    assert found[a.pk][MON].class_minutes == 75
    assert found[b.pk][MON].class_minutes == 75


def test_class_does_not_count_before_joining_after_retiring_or_outside_a_guest_engagement(now):
    new = f.DancerFactory(joined_on=MON + dt.timedelta(days=1))
    retired = f.DancerFactory(status=Dancer.Status.RETIRED)
    guest = f.DancerFactory(
        rank=Dancer.Rank.GUEST, engagement_start=MON + dt.timedelta(days=3), engagement_end=None
    )
    company_class([MON], now=now)
    for dancer in (new, retired, guest):
        assert minutes_on(dancer, MON).class_minutes == 0


def test_a_status_of_injured_removes_class_from_today_on_but_not_before(now):
    dancer = f.DancerFactory(status=Dancer.Status.INJURED)
    yesterday = MON - dt.timedelta(days=1)
    company_class([yesterday, MON], now=now)
    assert minutes_on(dancer, yesterday, today=MON).class_minutes == 75
    assert minutes_on(dancer, MON, today=MON).class_minutes == 0


def test_a_stage_of_not_dancing_removes_class(now, physio):
    dancer = f.DancerFactory()
    company_class([MON], now=now)
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=MON - dt.timedelta(days=2), by=physio, now=now
    )
    services.return_stage_add(
        injury=injury, starts_on=MON - dt.timedelta(days=2), mode="out", by=physio, now=now
    )
    assert minutes_on(dancer, MON).class_minutes == 0


def test_only_published_calls_count(now):
    dancer = f.DancerFactory()
    publish_calls([(at(MON, 12), at(MON, 14), [dancer.person])], now=now)
    publish_calls(
        [(at(MON + dt.timedelta(days=7), 12), at(MON + dt.timedelta(days=7), 13), [dancer.person])],
        now=now,
        publish=False,
    )
    assert minutes_on(dancer, MON).rehearsal == 120
    assert minutes_on(dancer, MON + dt.timedelta(days=7)).rehearsal == 0


def test_a_performance_counts_for_the_first_cast_only_and_once_per_dancer(now):
    first, cover = f.DancerFactory(), f.DancerFactory()
    performance = dance(first, at(MON, 19), minutes=150)
    role = f.RoleFactory()
    CastAssignment.objects.create(
        performance=performance, role=role, dancer=first, assigned_at=now, slot=0
    )
    CastAssignment.objects.create(
        performance=performance, role=role, dancer=cover, kind="cover", assigned_at=now
    )
    assert minutes_on(first, MON).performance == 150
    assert minutes_on(cover, MON).performance == 0


def test_a_cancelled_performance_counts_nothing(now):
    dancer = f.DancerFactory()
    dance(dancer, at(MON, 19), status="cancelled")
    assert minutes_on(dancer, MON).performance == 0


def test_a_performance_counts_on_its_day_at_the_venue(now):
    dancer = f.DancerFactory()
    venue = f.VenueFactory(time_zone="Asia/Vladivostok")  # 7 hours ahead of Moscow
    starts = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # 12:00 in Vladivostok, 16 Nov
    dance(dancer, starts, minutes=120, venue=venue)
    assert minutes_on(dancer, MON).performance == 120


def test_load_is_minutes_times_the_rating_of_the_session_or_else_of_the_day():
    day = Day(
        day=MON,
        minutes=DayMinutes(class_minutes=60, rehearsal=100, performance=0),
        ratings={"day": 4, "rehearsal": 8},
    )
    assert day.load == 60 * 4 + 100 * 8
    assert day.rated_minutes == 160
    unrated = Day(day=MON, minutes=DayMinutes(class_minutes=60), ratings={"rehearsal": 8})
    assert unrated.load == 0
    assert unrated.unrated_minutes == 60


def _week(minutes: int, load: int = 0, rated: int | None = None) -> Week:
    w = Week(start=MON, days=[], class_minutes=minutes, load=load)
    w.rated_minutes = minutes if rated is None else rated
    return w


RULE = SpikeRule(ratio=1.5, baseline_weeks=4, min_baseline_minutes=300, min_baseline_load=1500)


def test_a_week_above_one_and_a_half_times_the_mean_of_the_four_before_is_flagged():
    weeks = [_week(m) for m in (400, 600, 500, 500, 751)]
    apply_spike_rule(weeks, RULE)
    assert weeks[-1].baseline_minutes == 500
    assert weeks[-1].minutes_ratio == pytest.approx(1.502)
    assert weeks[-1].minutes_spike


def test_a_week_at_exactly_the_ratio_is_not_flagged():
    weeks = [_week(500) for _ in range(4)] + [_week(750)]
    apply_spike_rule(weeks, RULE)
    assert not weeks[-1].minutes_spike


def test_a_tiny_baseline_is_not_judged():
    weeks = [_week(m) for m in (0, 0, 0, 1000, 900)]  # mean 250 < 300: back from a break
    apply_spike_rule(weeks, RULE)
    assert weeks[-1].minutes_ratio is None
    assert not weeks[-1].spike


def test_load_is_compared_only_when_ratings_cover_the_weeks():
    weeks = [_week(500, load=2500) for _ in range(4)] + [_week(500, load=6000)]
    apply_spike_rule(weeks, RULE)
    assert weeks[-1].load_spike
    weeks = [_week(500, load=2500) for _ in range(3)] + [_week(500, 0, rated=0), _week(500, 6000)]
    apply_spike_rule(weeks, RULE)
    assert weeks[-1].load_ratio is None and not weeks[-1].load_spike


@override_settings(CALLBOARD_SPIKE_RATIO=2.5, CALLBOARD_SPIKE_BASELINE_WEEKS=2)
def test_the_thresholds_are_settings():
    rule = spike_rule()
    assert (rule.ratio, rule.baseline_weeks) == (2.5, 2)


def test_the_hand_world_weeks_match_a_hand_computation(hand, now):
    dancer = hand["dancer"]
    weeks = weekly(
        dancers=[dancer], first_week=HAND_FOCUS - dt.timedelta(weeks=1), count=2, today=now.date()
    )[dancer.pk]
    before, focus = weeks
    assert (before.class_minutes, before.rehearsal, before.performance) == (375, 120, 0)
    assert before.baseline_minutes == 495 and before.minutes_ratio == 1.0
    assert (focus.class_minutes, focus.rehearsal, focus.performance) == (375, 540, 165)
    assert focus.minutes == 1080
    assert focus.load == 75 * 4 + 75 * 5 + 180 * 7 + 165 * 8 == 3255
    assert focus.rated_minutes == 75 + 255 + 165
    assert focus.minutes_ratio == pytest.approx(1080 / 495)
    assert focus.minutes_spike and not focus.load_spike
