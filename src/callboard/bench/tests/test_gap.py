"""The gap benchmark's weeks without over-subscription: every request in them fits."""

from __future__ import annotations

from collections import Counter

from callboard.bench.gap import fitting_requests, restricted
from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.generate import QUICK_WEEK, company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.problem import DAY, validate


def _fits(problem, ids, day=None):
    """The greedy week's calls of ``ids`` are a schedule of the restricted week placing all."""
    small = restricted(problem, ids, day)
    validate(small)
    calls = [c for c in greedy(problem).calls if c.request in ids]
    assert check(small, calls) == []
    assert Counter(c.request for c in calls) == Counter(p.request.id for p in small.parts)
    return small, calls


def test_the_week_of_requests_that_fit_keeps_only_those_the_greedy_placed_in_full():
    week = company_week(3, QUICK_WEEK)
    ids = fitting_requests(week)
    assert 0 < len(ids) < len(week.requests)  # the quick week is over-subscribed too
    small, _ = _fits(week, ids)
    assert {r.id for r in small.requests} == ids
    assert all(p.before in ids and p.after in ids for p in small.precedences)


def test_one_day_holds_every_request_to_that_day():
    week = company_week(3, QUICK_WEEK)
    ids = fitting_requests(week, day=1)
    assert ids
    small, calls = _fits(week, ids, day=1)
    assert all(r.days == (1,) for r in small.requests)
    assert all(c.start // DAY == 1 for c in calls)
