"""Tiny problems for the solver tests: builders with sensible defaults."""

from __future__ import annotations

from typing import Any

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.problem import (
    DAY,
    Commitment,
    CommitmentKind,
    Day,
    Interval,
    LabourRules,
    Person,
    Problem,
    Request,
    Studio,
    Weights,
    Window,
)
from callboard.scheduling.solver.solution import Call, Solution, Status
from callboard.scheduling.solver.solve import solve


def at(hhmm: str, day: int = 0) -> int:
    """Absolute minute of ``"HH:MM"`` on ``day``."""
    hours, minutes = hhmm.split(":")
    return day * DAY + int(hours) * 60 + int(minutes)


def tod(hhmm: str) -> int:
    return at(hhmm)


def window(start: str, end: str) -> Window:
    return Window(tod(start), tod(end))


def interval(start: str, end: str, day: int = 0) -> Interval:
    return Interval(at(start, day), at(end, day))


def commitment(kind: str, start: str, end: str, day: int = 0, **kw: Any) -> Commitment:
    return Commitment(
        CommitmentKind(kind), at(start, day), at(end, day), kw.pop("label", kind), **kw
    )


def person(pid: str, **kw: Any) -> Person:
    return Person(pid, kw.pop("name", pid.capitalize()), **kw)


def studio(sid: str, capacity: int = 10, **kw: Any) -> Studio:
    return Studio(sid, kw.pop("name", f"Studio {sid}"), capacity, **kw)


def request(rid: str, minutes: int, people: tuple[str, ...], **kw: Any) -> Request:
    return Request(rid, kw.pop("label", rid.capitalize()), minutes, people, **kw)


def problem(
    requests: list[Request],
    people: list[Person] | None = None,
    studios: list[Studio] | None = None,
    *,
    days: int = 1,
    open: str = "10:00",
    close: str = "14:00",
    labour: LabourRules | None = None,
    weights: Weights | None = None,
    **kw: Any,
) -> Problem:
    """A problem whose people default to everyone the requests name."""
    if people is None:
        ids = sorted({pid for r in requests for pid in r.people})
        people = [person(pid) for pid in ids]
    return Problem(
        days=tuple(Day(tod(open), tod(close), f"D{d}") for d in range(days)),
        people=tuple(people),
        studios=tuple(studios or [studio("A")]),
        requests=tuple(requests),
        labour=labour or LabourRules(),
        weights=weights or Weights(),
        **kw,
    )


def solved(p: Problem, **kw: Any) -> Solution:
    """Solve a tiny problem to optimality and check every hard rule of the result."""
    kw.setdefault("time_limit", 10.0)
    kw.setdefault("workers", 1)
    solution = solve(p, **kw)
    assert solution.status is Status.OPTIMAL, (solution.status, solution.conflicts)
    assert check(p, solution.calls) == []
    return solution


def call_of(solution: Solution, rid: str, part: int = 0) -> Call:
    return next(c for c in solution.calls if c.request == rid and c.part == part)


def placed(solution: Solution) -> set[str]:
    return {c.request for c in solution.calls}


def rules_broken(p: Problem, calls: list[Call]) -> set[str]:
    return {v.rule for v in check(p, calls)}


def make_call(p: Problem, rid: str, start: int, studio_id: str = "A", part: int = 0) -> Call:
    r = p.request_by_id[rid]
    return Call(rid, part, studio_id, start, start + r.part_lengths[part], r.people)
