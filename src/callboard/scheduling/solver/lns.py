"""Large neighbourhood search around the CP-SAT model, with the company's own neighbourhoods.

After a first full CP-SAT solve (which also proves the bound), the search repeatedly frees
a small part of the schedule, fixes the rest to the best schedule so far, and lets CP-SAT
re-optimise the freed part (starting from the current schedule, so it can only improve):

- **day**: every call of one day, with the calls left out that may go on it;
- **repair**: one left-out call and every call sharing a person with it;
- **people**: one call and every call of its people on its day (waiting, long days);
- **two days**: every call of two days, so calls can change days;
- **excess**: the person who costs most above their own optimum (the person bound's
  schedule of them alone), all their calls and the calls of their days sharing a person
  with one of them.

Each sub-solve sees the whole model, so every hard rule still holds; only the variables
outside the neighbourhood are fixed (by narrowing their domains in a copy of the model).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from callboard.scheduling.solver.model import CallboardModel, read_calls
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.stopping import solve_stoppable

Values = list[int]
Improved = Callable[[Values, int], None]


class Neighbourhoods:
    """Chooses which parts to free, from the current schedule."""

    def __init__(
        self, b: CallboardModel, rng: random.Random, floors: dict[str, int] | None = None
    ) -> None:
        self.b = b
        self.rng = rng
        self.floors = floors or {}
        self.people = [set(part.people) for part in b.parts]
        self.candidates = [i for i in range(len(b.parts)) if b.possible[i]]

    def placed(self, values: Values) -> list[bool]:
        return [bool(values[self.b.x[i].index]) for i in range(len(self.b.parts))]

    def day_of(self, values: Values, i: int) -> int | None:
        for d, lit in self.b.y[i].items():
            if values[lit.index]:
                return d
        return None

    def choose(self, values: Values) -> tuple[str, set[int]]:
        placed = self.placed(values)
        left_out = [i for i in self.candidates if not placed[i]]
        roll = self.rng.random()
        if left_out and roll < 0.5:
            # A minute left out costs far more than a minute of waiting: repair first.
            return "repair", self._repair(left_out, placed)
        if roll < 0.55:
            return "day", self._day(values, placed)
        if roll < 0.75 and len(self.b.p.days) > 1:
            return "two days", self._two_days(values, placed)
        if roll < 0.9 and self.floors:
            return "excess", self._excess(values, placed)
        return "people", self._people(values, placed)

    def _two_days(self, values: Values, placed: list[bool]) -> set[int]:
        days = set(self.rng.sample(range(len(self.b.p.days)), 2))
        return {
            i
            for i in self.candidates
            if days & set(self.b.y[i])
            and (
                not placed[i] or any(values[self.b.y[i][d].index] for d in days & set(self.b.y[i]))
            )
        }

    def _excess(self, values: Values, placed: list[bool]) -> set[int]:
        calls = read_calls(self.b, lambda var: values[var.index])
        result = score(self.b.p, calls)
        cost: dict[str, int] = {}
        for pen in result.penalties:
            if pen.goal in ("waiting", "long_day", "late_finish", "spike", "balance"):
                for pid in pen.people:
                    cost[pid] = cost.get(pid, 0) + pen.cost // max(1, len(pen.people))
        excess = {pid: c - self.floors.get(pid, 0) for pid, c in cost.items()}
        worst = [pid for pid, e in excess.items() if e > 0]
        if not worst:
            return self._people(values, placed)
        pid = self.rng.choices(worst, weights=[excess[x] for x in worst])[0]
        mine = [i for i in self.candidates if pid in self.people[i]]
        days = {d for i in mine if placed[i] and (d := self.day_of(values, i)) is not None}
        around = set().union(*(self.people[i] for i in mine)) if mine else set()
        return set(mine) | {
            j
            for j in self.candidates
            if placed[j]
            and self.people[j] & around
            and (d := self.day_of(values, j)) is not None
            and d in days
        }

    def _repair(self, left_out: list[int], placed: list[bool]) -> set[int]:
        weights = [self.b.parts[i].length * self.b.parts[i].request.priority for i in left_out]
        i = self.rng.choices(left_out, weights=weights)[0]
        return {i} | {j for j in self.candidates if placed[j] and self.people[j] & self.people[i]}

    def _day(self, values: Values, placed: list[bool]) -> set[int]:
        day = self.rng.randrange(len(self.b.p.days))
        return {
            i
            for i in self.candidates
            if day in self.b.y[i] and (not placed[i] or values[self.b.y[i][day].index])
        }

    def _people(self, values: Values, placed: list[bool]) -> set[int]:
        busy = [i for i in self.candidates if placed[i]]
        if not busy:
            return set(self.candidates)
        i = self.rng.choice(busy)
        day = self.day_of(values, i)
        return {
            j
            for j in self.candidates
            if self.people[j] & self.people[i]
            and (
                not placed[j]
                or (day is not None and day in self.b.y[j] and values[self.b.y[j][day].index])
            )
        }


def all_values(b: CallboardModel, value: Callable[[cp_model.IntVar], int]) -> Values:
    """The value of every variable of the model, by proto index."""
    return [value(b.m.get_int_var_from_proto_index(k)) for k in range(len(b.m.proto.variables))]


def improve(
    b: CallboardModel,
    values: Values,
    objective: int,
    *,
    deadline: float,
    seed: int,
    workers: int,
    on_improve: Improved,
    stop: Callable[[], bool],
    step_seconds: float = 3.0,
    poll_seconds: float = 0.5,
    floors: dict[str, int] | None = None,
    subsolvers: Sequence[str] = (),
) -> tuple[Values, int]:
    """Re-optimise neighbourhoods until ``deadline``; returns the best values and objective.

    One neighbourhood at a time, solved with all ``workers`` (measured better on the
    company week than several neighbourhoods at once with one worker each); ``subsolvers``
    names CP-SAT's workers (default: its own choice)."""
    rng = random.Random(seed)
    hoods = Neighbourhoods(b, rng, floors)
    fixed_vars = [
        [b.x[i], b.u[i], *b.z[i].values(), *b.y[i].values()] if b.possible[i] else []
        for i in range(len(b.parts))
    ]
    while not stop():
        left = deadline - time.perf_counter()
        if left < 0.3:
            break
        _, free = hoods.choose(values)
        sub = _fixed_copy(b, fixed_vars, free, values)
        found = _solve(
            sub,
            min(step_seconds, left),
            rng.randrange(1 << 30),
            workers,
            stop,
            poll_seconds,
            subsolvers,
        )
        if found is not None and found[0] < objective:
            objective, values = found
            on_improve(values, objective)
    return values, objective


def _fixed_copy(
    b: CallboardModel, fixed_vars: list[list[cp_model.IntVar]], free: set[int], values: Values
) -> cp_model.CpModel:
    """A copy of the model with every part outside ``free`` fixed, hinted with ``values``."""
    sub = b.m.clone()
    sub.clear_hints()
    for i, variables in enumerate(fixed_vars):
        if i in free:
            continue
        for var in variables:
            domain = sub.proto.variables[var.index].domain
            domain.clear()
            domain.extend([values[var.index], values[var.index]])
    for k in range(len(values)):
        sub.add_hint(sub.get_int_var_from_proto_index(k), values[k])
    return sub


def _solve(
    sub: cp_model.CpModel,
    seconds: float,
    seed: int,
    workers: int,
    stop: Callable[[], bool],
    poll_seconds: float,
    subsolvers: Sequence[str] = (),
) -> tuple[int, Values] | None:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.subsolvers.extend(subsolvers)
    status = solve_stoppable(solver, sub, stop=stop, poll=poll_seconds)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    n = len(sub.proto.variables)
    return round(solver.objective_value), [
        solver.value(sub.get_int_var_from_proto_index(k)) for k in range(n)
    ]
