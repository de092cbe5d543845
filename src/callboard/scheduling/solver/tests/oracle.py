"""Brute force for tiny problems: every schedule, checked and scored independently."""

from __future__ import annotations

from callboard.scheduling.solver.check import Checker
from callboard.scheduling.solver.problem import Problem
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call

# Rules that adding a call can never repair; a partial schedule breaking one is a dead end.
_MONOTONE_EXEMPT = {"meal_break", "required", "locked_call"}


def options(problem: Problem) -> list[list[Call | None]]:
    """For each part: absent, or every studio and grid start inside a working day."""
    out: list[list[Call | None]] = []
    for part in problem.parts:
        opts: list[Call | None] = [None]
        for d in range(len(problem.days)):
            for start in problem.grid_starts(d, part.length):
                for s in problem.studios:
                    opts.append(
                        Call(
                            part.request.id,
                            part.part,
                            s.id,
                            start,
                            start + part.length,
                            part.people,
                        )
                    )
        out.append(opts)
    return out


def search_space(problem: Problem) -> int:
    size = 1
    for opts in options(problem):
        size *= len(opts)
    return size


def brute_force(problem: Problem) -> tuple[int, list[Call]] | None:
    """The least objective over all valid schedules (None if none is valid)."""
    checker = Checker(problem)
    opts = options(problem)
    best: tuple[int, list[Call]] | None = None

    def dead(calls: list[Call]) -> bool:
        return any(v.rule not in _MONOTONE_EXEMPT for v in checker.check(calls))

    def walk(k: int, calls: list[Call]) -> None:
        nonlocal best
        if k == len(opts):
            if checker.check(calls):
                return
            total = score(problem, calls).total
            if best is None or total < best[0]:
                best = (total, list(calls))
            return
        for option in opts[k]:
            if option is None:
                walk(k + 1, calls)
                continue
            trial = [*calls, option]
            if not dead(trial):
                walk(k + 1, trial)

    walk(0, [])
    return best
