"""Where the company week's gap comes from: the same week with only requests that fit.

The ``week`` benchmark leaves 15–20 % of the requested minutes out, and CP-SAT proves
almost nothing about which requests cannot be placed together, so its gap mixes two
causes. Here the over-subscription is taken away to measure the second one, the bound on
people's waiting, alone:

- **fits**: the week with only the requests the greedy baseline placed in full (so every
  request fits: the greedy schedule is a valid one);
- **one day**: the requests the greedy placed in full on one day (``DAY``), all held to that
  day: tomorrow's call, as a ballet master fits it the afternoon before.

Each is solved like the week (60 s, 2 workers, seed 0); the row reports minutes placed,
waiting, objective, CP-SAT's proven bound and the gap. ``quick``: the small week, 10 s.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from callboard.bench.week import SEED, WORKERS, result_row, solve_week, week_and_time
from callboard.scheduling.solver.generate import company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.problem import DAY, Problem
from callboard.scheduling.solver.solve import Trace

DAY_OF_WEEK = 2
"""The day of the ``one day`` row (a Wednesday: class, no show, everyone working)."""


def restricted(problem: Problem, ids: set[str], day: int | None = None) -> Problem:
    """``problem`` with only the requests ``ids`` (held to ``day`` if given)."""
    requests = tuple(
        r if day is None else dataclasses.replace(r, days=(day,))
        for r in problem.requests
        if r.id in ids
    )
    precedences = tuple(p for p in problem.precedences if p.before in ids and p.after in ids)
    suffix = "requests that fit" if day is None else f"day {day + 1}"
    return dataclasses.replace(
        problem,
        requests=requests,
        precedences=precedences,
        name=f"{problem.name}, {suffix}",
    )


def fitting_requests(problem: Problem, day: int | None = None) -> set[str]:
    """The requests the greedy baseline places in full (on ``day``, if given)."""
    parts = Counter(part.request.id for part in problem.parts)
    placed = Counter(
        call.request for call in greedy(problem).calls if day is None or call.start // DAY == day
    )
    return {rid for rid, count in placed.items() if count == parts[rid]}


def run(quick: bool) -> list[dict[str, Any]]:
    size, time_limit = week_and_time(quick)
    week = company_week(SEED, size)
    day = min(DAY_OF_WEEK, size.days - 1)
    rows = []
    for label, problem in (
        ("requests that fit", restricted(week, fitting_requests(week))),
        (f"one day (day {day + 1})", restricted(week, fitting_requests(week, day), day)),
    ):
        trace = Trace()
        solution = solve_week(problem, time_limit, trace)
        rows.append(
            result_row(
                f"callboard, {label}",
                problem,
                solution,
                solution.bound,
                time_limit_s=time_limit,
                workers=WORKERS,
                seconds_to_1pct_gap=trace.seconds_to_gap(0.01),
            )
        )
    return rows
