"""Casting obeys return-to-dance plans: it refuses a dancer who is not dancing, or limited and
not cleared to perform, and names no diagnosis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.casting.availability import dancer_unavailability
from callboard.season.tests import factories as f
from callboard.wellbeing import services
from callboard.wellbeing.tests.conftest import TODAY, plan

pytestmark = pytest.mark.django_db


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


def test_time_lost_without_a_plan_makes_the_dancer_unavailable_for_those_days(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, time_lost_days=3)
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=2))
    assert dancer_unavailability(dancer, TODAY + dt.timedelta(days=3)) is None
