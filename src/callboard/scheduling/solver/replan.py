"""Minimal-change re-planning of a published schedule.

A published schedule goes into ``Problem.published``; the goals ``moved_call`` and
``touched_person`` then make the solver keep as much of it as the changed situation
allows (locked calls are kept whatever it costs). :func:`compare` measures any new
schedule against the published one, so a re-plan from scratch can be judged the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callboard.scheduling.solver.problem import DAY, Interval, Problem, PublishedCall
from callboard.scheduling.solver.score import changes
from callboard.scheduling.solver.solution import Call, Solution
from callboard.scheduling.solver.solve import solve


def published_from(calls: Iterable[Call], *, locked: bool = False) -> tuple[PublishedCall, ...]:
    """The calls of a schedule as published calls."""
    return tuple(
        PublishedCall(c.request, c.part, c.studio, c.start, people=tuple(c.people), locked=locked)
        for c in calls
    )


def with_published(problem: Problem, calls: Iterable[Call], *, locked: bool = False) -> Problem:
    return dataclasses.replace(problem, published=published_from(calls, locked=locked))


def person_unavailable(problem: Problem, person_id: str, first_day: int, days: int) -> Problem:
    """The problem with a person unavailable for ``days`` whole days from ``first_day``
    (ill, say): fixed commitments on those days are dropped too."""
    start, end = first_day * DAY, (first_day + days) * DAY
    people = []
    for p in problem.people:
        if p.id == person_id:
            p = dataclasses.replace(
                p,
                unavailable=(*p.unavailable, Interval(start, end)),
                commitments=tuple(c for c in p.commitments if not (start <= c.start < end)),
            )
        people.append(p)
    return dataclasses.replace(problem, people=tuple(people))


@dataclass(frozen=True)
class Comparison:
    """How a new schedule differs from the published one."""

    calls_moved: int
    people_touched: int
    placed_minutes: int

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def compare(problem: Problem, calls: Sequence[Call]) -> Comparison:
    """Calls moved (or dropped) and people touched, against ``problem.published``."""
    moved, touched = changes(problem, calls)
    return Comparison(len(moved), len(touched), sum(c.minutes for c in calls))


def replan(problem: Problem, **solve_options: Any) -> Solution:
    """Re-plan keeping as much of ``problem.published`` as possible (minimal change)."""
    return solve(problem, **solve_options)


def replan_from_scratch(problem: Problem, **solve_options: Any) -> Solution:
    """Plan again ignoring the published schedule (what minimal change is measured against)."""
    return solve(dataclasses.replace(problem, published=()), **solve_options)
