"""A company week: Callboard's CP-SAT schedule against a greedy "ballet master by hand".

A seeded week (``solver/generate.py``): 60 dancers, 5 studios on 2 sites 20 minutes apart,
about 120 call requests over 6 days, company class every morning, evening shows, dancers
returning from injury, the US preset labour agreement. Both schedules are checked by the
independent checker; the gap of each is measured against the bound CP-SAT proved.
``quick``: a smaller week and 10 s.
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


def run(quick: bool) -> list[dict[str, Any]]:
    size = QUICK_WEEK if quick else WeekSize()
    time_limit = 10.0 if quick else 60.0
    problem = company_week(SEED, size)
    by_hand = greedy(problem)
    trace = Trace()
    callboard = solve(
        problem,
        time_limit=time_limit,
        seed=0,
        workers=WORKERS,
        trace=trace,
        explain_unplaced=False,
    )
    bound = callboard.bound
    first = trace.points[0][0] if trace.points else None
    return [
        result_row("greedy (by hand)", problem, by_hand, bound, time_limit_s=None),
        result_row(
            "callboard (CP-SAT)",
            problem,
            callboard,
            bound,
            time_limit_s=time_limit,
            workers=WORKERS,
            first_solution_s=round(first, 2) if first is not None else None,
            seconds_to_1pct_gap=trace.seconds_to_gap(0.01),
        ),
    ]
