"""Random small problems: the solver's schedules always pass the independent checker, and
on tiny ones a brute-force search over every schedule confirms the solver's optimum."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.problem import Problem
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Status
from callboard.scheduling.solver.solve import solve
from callboard.scheduling.solver.tests.oracle import brute_force, search_space
from callboard.scheduling.solver.tests.strategies import tiny_problems

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@FAST
@given(tiny_problems(max_parts=4))
def test_every_solver_schedule_passes_the_checker(problem: Problem):
    solution = solve(problem, time_limit=5.0, workers=1, explain_unplaced=False)
    if solution.has_schedule:
        assert check(problem, solution.calls) == []
        assert solution.objective == score(problem, solution.calls).total
        assert solution.bound is not None and solution.bound <= solution.objective
    else:
        assert solution.status is Status.INFEASIBLE
        assert solution.conflicts


@FAST
@given(tiny_problems(max_parts=3))
def test_solver_optimum_matches_brute_force(problem: Problem):
    assume(search_space(problem) <= 20_000)
    solution = solve(problem, time_limit=10.0, workers=1, explain_unplaced=False)
    best = brute_force(problem)
    if best is None:
        assert solution.status is Status.INFEASIBLE
        return
    assert solution.status is Status.OPTIMAL
    assert solution.objective == best[0]


@FAST
@given(tiny_problems(max_parts=4, published=False))
def test_greedy_schedule_passes_the_checker(problem: Problem):
    result = greedy(problem)
    violations = check(problem, result.calls)
    assert {v.rule for v in violations} <= {"required"}  # greedy may fail a required request
    assert (result.status is Status.UNKNOWN) == bool(violations)
