"""The generated company week, the solver's interface (progress, seed, limits) on it."""

from __future__ import annotations

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.generate import QUICK_WEEK, US_BALLET, WeekSize, company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.problem import CommitmentKind, validate
from callboard.scheduling.solver.solve import Trace, solve

TINY_WEEK = WeekSize(dancers=12, studios=2, requests=12, days=3, injured=1, performances=1)


def test_same_seed_same_week_and_a_valid_problem():
    assert company_week(5, QUICK_WEEK) == company_week(5, QUICK_WEEK)
    assert company_week(5, QUICK_WEEK) != company_week(6, QUICK_WEEK)
    week = validate(company_week(5))
    assert len([p for p in week.people if p.kind == "dancer"]) == 60
    assert len(week.studios) == 5 and len({s.site for s in week.studios}) == 2
    assert 115 <= len(week.requests) <= 125
    assert week.labour == US_BALLET
    classes = [c for p in week.people for c in p.commitments if c.kind is CommitmentKind.CLASS]
    assert {(c.start % 1440, c.end % 1440) for c in classes} == {(600, 675)}


def test_no_two_people_of_a_week_share_a_name():
    for size in (WeekSize(), WeekSize(dancers=150, requests=400, studios=7)):
        names = [p.name for p in company_week(3, size).people]
        assert len(set(names)) == len(names)


def test_greedy_week_keeps_every_rule():
    week = company_week(1, QUICK_WEEK)
    result = greedy(week)
    assert check(week, result.calls) == []
    assert result.placed_minutes > 0


def test_solver_reports_progress_and_keeps_every_rule():
    week = company_week(3, TINY_WEEK)
    seen: list[tuple[float, int, int]] = []
    trace = Trace()
    solution = solve(
        week, time_limit=4, seed=7, workers=2, progress=lambda *p: seen.append(p), trace=trace
    )
    assert solution.has_schedule
    assert check(week, solution.calls) == []
    assert seen and all(bound <= objective for _, objective, bound in seen)
    assert solution.seconds < 30
    assert solution.objective is not None and solution.bound is not None
    assert solution.objective <= greedy(week).objective


def test_stop_ends_the_search_with_the_best_schedule_so_far():
    week = company_week(4, TINY_WEEK)
    solution = solve(week, time_limit=60, workers=2, stop=lambda: True, explain_unplaced=False)
    assert solution.has_schedule
    assert solution.seconds < 30
    assert check(week, solution.calls) == []
