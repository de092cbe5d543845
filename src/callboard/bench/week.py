"""A company week: Callboard's schedule against a greedy "ballet master by hand".

A seeded week (``solver/generate.py``): 60 dancers, 5 studios on 2 sites 20 minutes apart,
about 120 call requests over 6 days, company class every morning, evening shows, dancers
returning from injury, the US preset labour agreement. Callboard runs twice, as it is
(planning by days first) and with ``by_days=False`` (CP-SAT and neighbourhood search
alone), to show what the day-by-day planning brings. Every schedule is checked by the
independent checker; every gap is measured against the best bound the runs proved
(``own_bound``: the run's own). ``quick``: a smaller week and 10 s.
"""

from __future__ import annotations

from typing import Any

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.generate import QUICK_WEEK, WeekSize, company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.problem import Problem
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Solution, relative_gap
from callboard.scheduling.solver.solve import Trace, solve

SEED = 1
WORKERS = 2


def result_row(
    method: str, problem: Problem, solution: Solution, bound: int | None, **extra: Any
) -> dict[str, Any]:
    result = score(problem, solution.calls)
    requested = sum(part.length for part in problem.parts)
    objective = result.total
    return {
        "method": method,
        "status": solution.status.value,
        "requests": len(problem.requests),
        "calls_to_place": len(problem.parts),
        "requested_min": requested,
        "placed_min": solution.placed_minutes,
        "placed_pct": round(100 * solution.placed_minutes / max(1, requested), 1),
        "unplaced_calls": len(problem.parts) - len(solution.calls),
        "waiting_min": result.amount("waiting"),
        "violations": len(check(problem, solution.calls)),
        "objective": objective,
        "bound": bound,
        "gap_pct": round(100 * relative_gap(objective, bound), 2) if bound is not None else None,
        "seconds": round(solution.seconds, 2),
        **extra,
        "breakdown": dict(result.breakdown()),
    }


def week_and_time(quick: bool) -> tuple[WeekSize, float]:
    """The size of the week and the time limit of a run (``quick``: small, 10 s)."""
    return (QUICK_WEEK, 10.0) if quick else (WeekSize(), 60.0)


def solve_week(
    problem: Problem, time_limit: float, trace: Trace, *, by_days: bool | None = None
) -> Solution:
    """Callboard's solve as every week benchmark runs it: seed 0, ``WORKERS`` workers."""
    return solve(
        problem,
        time_limit=time_limit,
        seed=0,
        workers=WORKERS,
        trace=trace,
        by_days=by_days,
        explain_unplaced=False,
    )


def run(quick: bool) -> list[dict[str, Any]]:
    size, time_limit = week_and_time(quick)
    problem = company_week(SEED, size)
    by_hand = greedy(problem)
    runs = []
    for label, by_days in (("callboard", None), ("callboard, not by days", False)):
        trace = Trace()
        runs.append((label, solve_week(problem, time_limit, trace, by_days=by_days), trace))
    # Every run's proven bound holds for the week: the gaps are measured against the best.
    bounds = [solution.bound for _, solution, _ in runs if solution.bound is not None]
    bound = max(bounds) if bounds else None
    rows = [result_row("greedy (by hand)", problem, by_hand, bound, time_limit_s=None)]
    for label, solution, trace in runs:
        first = trace.points[0][0] if trace.points else None
        rows.append(
            result_row(
                label,
                problem,
                solution,
                bound,
                time_limit_s=time_limit,
                workers=WORKERS,
                own_bound=solution.bound,
                first_solution_s=round(first, 2) if first is not None else None,
                seconds_to_1pct_gap=trace.seconds_to_gap(0.01),
            )
        )
    return rows
