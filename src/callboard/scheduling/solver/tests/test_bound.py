"""The person bound is a valid lower bound (brute force on tiny problems), and tight where
the people's problems do not interact."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings

from callboard.scheduling.solver.bound import person_bound, split_evenly
from callboard.scheduling.solver.check import Checker
from callboard.scheduling.solver.explain import explain_lines
from callboard.scheduling.solver.generate import US_BALLET
from callboard.scheduling.solver.io import solution_to_json
from callboard.scheduling.solver.problem import Problem
from callboard.scheduling.solver.solve import solve
from callboard.scheduling.solver.tests.helpers import (
    commitment,
    person,
    problem,
    request,
    solved,
    studio,
)
from callboard.scheduling.solver.tests.oracle import brute_force, options, search_space
from callboard.scheduling.solver.tests.strategies import tiny_problems

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def least_unplaced_minutes(p: Problem) -> int | None:
    """Brute force: the fewest requested minutes any valid schedule leaves out."""
    checker = Checker(p)
    opts = options(p)
    total = sum(part.length for part in p.parts)
    best: int | None = None

    def walk(k: int, calls: list, placed: int) -> None:
        nonlocal best
        if best is not None and total - placed - sum(part.length for part in p.parts[k:]) >= best:
            return
        if k == len(opts):
            if not checker.check(calls):
                best = total - placed
            return
        for option in opts[k]:
            if option is None:
                walk(k + 1, calls, placed)
            else:
                trial = [*calls, option]
                if not any(
                    v.rule not in {"meal_break", "required", "locked_call"}
                    for v in checker.check(trial)
                ):
                    walk(k + 1, trial, placed + option.minutes)

    walk(0, [], 0)
    return best


@FAST
@given(tiny_problems(max_parts=3))
def test_the_person_bound_never_exceeds_the_brute_force_optimum(p: Problem):
    assume(search_space(p) <= 20_000)
    best = brute_force(p)
    assume(best is not None)
    assert best is not None
    result = person_bound(p, time_limit=20.0)
    assert result.complete
    assert result.bound <= best[0]
    fewest = least_unplaced_minutes(p)
    assert fewest is not None
    assert result.unplaceable_minutes <= fewest


def test_shares_add_up_to_the_whole():
    assert split_evenly(100, 3) == [34, 33, 33]
    assert sum(split_evenly(700, 9)) == 700


def _class_day(pid: str, day: int = 0):
    return commitment("class", "10:00", "11:15", day, label="Class")


def test_one_dancer_alone_the_bound_is_the_optimum_breaks_and_meal_included():
    # Class, then three 90-minute calls on one day: a break after class and between calls,
    # and a meal break because the day runs past 14:00.
    dancer = person("ana", commitments=(_class_day("ana"),))
    reqs = [request(f"r{k}", 90, ("ana",)) for k in range(3)]
    p = problem(reqs, [dancer], [studio("A")], open="09:30", close="23:00", labour=US_BALLET)
    optimum = solved(p, time_limit=30.0).objective
    result = person_bound(p)
    assert result.complete and result.bound == optimum
    assert optimum >= 15 * 3 + 45  # three breaks of 15 minutes, one of them the meal hour


def test_the_bound_proves_minutes_that_cannot_be_placed():
    # A dancer back from injury may work 240 minutes a day: class takes 75, so two
    # 120-minute calls on the one day cannot both be placed; the bound says 120 minutes.
    dancer = person("ana", commitments=(_class_day("ana"),), max_minutes_per_day=240)
    reqs = [request("a", 120, ("ana", "ben")), request("b", 120, ("ana",))]
    p = problem(
        reqs,
        [dancer, person("ben")],
        [studio("A")],
        open="09:30",
        close="23:00",
        labour=US_BALLET,
    )
    result = person_bound(p)
    assert result.person_unplaceable == 120
    assert result.unplaceable_minutes == 120
    assert result.bound >= 100 * 120 // 2  # the cheaper part, its cost shared with Ben


def test_studio_capacity_proves_minutes_that_cannot_be_placed():
    # Two dancers, each with their own 4-hour request, but one studio open 10:00-14:00.
    reqs = [request("a", 240, ("ana",)), request("b", 240, ("ben",))]
    p = problem(reqs, studios=[studio("A")], open="10:00", close="14:00")
    result = person_bound(p)
    assert result.person_unplaceable == 0  # each alone fits
    assert result.studio_unplaceable == 240
    assert result.unplaceable_minutes == 240


def test_solve_reports_the_larger_bound_and_says_what_cannot_be_placed():
    dancer = person("ana", commitments=(_class_day("ana"),), max_minutes_per_day=240)
    reqs = [request("a", 120, ("ana", "ben")), request("b", 120, ("ana",))]
    p = problem(
        reqs,
        [dancer, person("ben")],
        [studio("A")],
        open="09:30",
        close="23:00",
        labour=US_BALLET,
    )
    solution = solve(p, time_limit=10, workers=1, bound_share=0.5)
    assert solution.person_bound is not None and solution.bound is not None
    assert solution.bound >= solution.person_bound > 0
    assert solution.unplaceable_minutes == 120
    assert solution.objective == solution.bound  # proved optimal: one call must go
    assert (
        "at least 2 h 00 min of the requested calls cannot be placed"
        in explain_lines(p, solution)[0]
    )
    data = solution_to_json(solution, p)
    assert data["unplaceable_minutes"] == 120 and data["person_bound"] == solution.person_bound
