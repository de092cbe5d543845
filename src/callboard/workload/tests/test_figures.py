"""The company's injury figures: per 1,000 hours danced, small counts hidden from management."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core.roles import Role
from callboard.scheduling.tests.builders import company_class
from callboard.season.tests import factories as f
from callboard.wellbeing.tests.conftest import TODAY, plan
from callboard.workload import selectors as workload_selectors

pytestmark = pytest.mark.django_db


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
    figures = workload_selectors.injury_figures(
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
    figures = workload_selectors.injury_figures(
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
    figures = workload_selectors.injury_figures(
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
