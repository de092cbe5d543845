"""Planted weeks: Callboard against weeks whose optimum is known (``solver/planted.py``).

For each planted week (60 dancers, 5 studios on 2 sites, 6 days, US preset, default
weights) the optimum is the planted schedule's objective; the person bound
(``solver/bound.py``) is computed once, on its own, to show that it proves that optimum.
Callboard then runs with each of ``SEEDS`` solver seeds at each time limit (2 workers):
the table gives the median and the worst ratio of its objective to the optimum, the runs
that kept every rule (the checker) and the runs that placed every call. The
over-subscribed week has no known optimum: its row gives the gap against the bound the
run reports (the larger of CP-SAT's and the person bound) and the minutes that bound
proves cannot be placed. Every row says the machine's load average when it ran.

``quick``: one smaller week (24 dancers), two seeds, 15 s.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from callboard.scheduling.solver.bound import person_bound
from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.planted import QUICK_PLANTED, PlantedSize, planted_week
from callboard.scheduling.solver.solution import relative_gap
from callboard.scheduling.solver.solve import solve

WEEKS = (1, 2, 3)
SEEDS = (0, 1, 2, 3, 4)
LIMITS = (60.0, 300.0)
WORKERS = 2


def _load() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - no load average on this platform
        return -1.0


def run(
    quick: bool,
    limits: tuple[float, ...] | None = None,
    weeks: tuple[int, ...] | None = None,
    seeds: tuple[int, ...] | None = None,
) -> list[dict[str, Any]]:
    size = QUICK_PLANTED if quick else PlantedSize()
    limits = limits or ((15.0,) if quick else LIMITS)
    weeks = weeks or ((2,) if quick else WEEKS)
    seeds = seeds or ((0, 1) if quick else SEEDS)
    rows: list[dict[str, Any]] = []
    for week_seed in weeks:
        week = planted_week(week_seed, size)
        problem = week.problem
        assert week.optimum is not None
        started = time.perf_counter()
        proof = person_bound(problem, time_limit=600.0)
        bound_seconds = time.perf_counter() - started
        by_hand = greedy(problem)
        requested = sum(part.length for part in problem.parts)
        base = {
            "week": f"planted {week_seed}",
            "calls": len(problem.parts),
            "optimum": week.optimum,
            "person_bound": proof.bound,
            "bound_proves_optimum": proof.complete and proof.bound == week.optimum,
            "bound_s": round(bound_seconds, 1),
        }
        rows.append(
            {
                **base,
                "method": "greedy",
                "time_limit_s": None,
                "runs": 1,
                "median_ratio": round(by_hand.objective / week.optimum, 3)
                if by_hand.objective is not None
                else None,
                "worst_ratio": None,
                "placed_pct": round(100 * by_hand.placed_minutes / requested, 1),
                "runs_valid": int(not check(problem, by_hand.calls)),
                "load": _load(),
            }
        )
        for limit in limits:
            ratios, objectives, valid, complete, loads = [], [], 0, 0, []
            for seed in seeds:
                loads.append(_load())
                solution = solve(
                    problem,
                    time_limit=limit,
                    seed=seed,
                    workers=WORKERS,
                    explain_unplaced=False,
                )
                loads.append(_load())
                objective = solution.objective if solution.objective is not None else 10**9
                objectives.append(objective)
                ratios.append(objective / week.optimum)
                valid += int(not check(problem, solution.calls))
                complete += int(not solution.unplaced)
            rows.append(
                {
                    **base,
                    "method": "callboard",
                    "time_limit_s": limit,
                    "runs": len(seeds),
                    "median_ratio": round(statistics.median(ratios), 3),
                    "worst_ratio": round(max(ratios), 3),
                    "best_ratio": round(min(ratios), 3),
                    "runs_within_2pct": sum(1 for r in ratios if r <= 1.02),
                    "runs_within_1pct": sum(1 for r in ratios if r <= 1.01),
                    "runs_valid": valid,
                    "runs_placing_all": complete,
                    "objectives": objectives,
                    "load": round(statistics.mean(loads), 2),
                }
            )
    rows.append(_over_subscribed(size, limits[0], seeds[:1] if quick else seeds[:2]))
    return rows


def _over_subscribed(size: PlantedSize, limit: float, seeds: tuple[int, ...]) -> dict[str, Any]:
    week = planted_week(1, size, over=True)
    problem = week.problem
    gaps, objectives, proved, bounds, loads = [], [], [], [], []
    for seed in seeds:
        loads.append(_load())
        solution = solve(
            problem, time_limit=limit, seed=seed, workers=WORKERS, explain_unplaced=False
        )
        loads.append(_load())
        if solution.objective is None or solution.bound is None:
            continue
        objectives.append(solution.objective)
        bounds.append(solution.bound)
        gaps.append(relative_gap(solution.objective, solution.bound))
        proved.append(solution.unplaceable_minutes)
    requested = sum(part.length for part in problem.parts)
    return {
        "week": "planted 1, over-subscribed",
        "calls": len(problem.parts),
        "method": "callboard",
        "time_limit_s": limit,
        "runs": len(seeds),
        "requested_min": requested,
        "objectives": objectives,
        "bounds": bounds,
        "median_gap_pct": round(100 * statistics.median(gaps), 1) if gaps else None,
        "worst_gap_pct": round(100 * max(gaps), 1) if gaps else None,
        "unplaceable_min_proved": max(proved) if proved else None,
        "load": round(statistics.mean(loads), 2) if loads else None,
    }
