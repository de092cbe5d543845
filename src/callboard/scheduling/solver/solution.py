"""What the solver returns: calls, what it could not place and why, status and objective."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callboard.scheduling.solver.messages import Text


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Call:
    """Part ``part`` of ``request`` in ``studio`` from ``start`` to ``end`` (absolute minutes)."""

    request: str
    part: int
    studio: str
    start: int
    end: int
    people: tuple[str, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.request, self.part)

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Unplaced:
    """A part of a request the schedule leaves out, and why, in words."""

    request: str
    part: int
    minutes: int
    reason: str
    text: Text | None = None
    """``reason`` as a sentence the app writes in the reader's language."""


@dataclass(frozen=True)
class Conflict:
    """Mandatory items and rules that cannot all hold together, in words."""

    message: str
    requests: tuple[str, ...] = ()
    calls: tuple[tuple[str, int], ...] = ()
    rules: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    text: Text | None = None
    """``message`` as a sentence the app writes in the reader's language."""


@dataclass(frozen=True)
class Solution:
    """A schedule and how good it is.

    ``objective`` is the weighted sum of the goals of this schedule (recomputed from the
    calls); ``bound`` is the best proven lower bound on any schedule's objective (CP-SAT's
    or the person bound, whichever is higher); ``gap``
    is ``(objective - bound) / max(1, objective)``. ``breakdown`` gives each goal's cost.
    """

    status: Status
    calls: tuple[Call, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    breakdown: tuple[tuple[str, int], ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    seconds: float = 0.0
    method: str = "cp-sat"
    person_bound: int | None = None
    """The person bound (``bound.py``), when it was computed; ``bound`` is the larger of
    it and CP-SAT's proven bound."""
    unplaceable_minutes: int = 0
    """Requested minutes the bound proves no schedule can place (over-subscription)."""

    @property
    def has_schedule(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def placed_minutes(self) -> int:
        return sum(c.minutes for c in self.calls)

    @property
    def unplaced_minutes(self) -> int:
        return sum(u.minutes for u in self.unplaced)

    def goal(self, name: str) -> int:
        return dict(self.breakdown).get(name, 0)


def relative_gap(objective: int, bound: int) -> float:
    return max(0.0, (objective - bound) / max(1, abs(objective)))
