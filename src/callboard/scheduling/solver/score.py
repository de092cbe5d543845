"""The goals of a schedule, computed from its calls (independently of the CP-SAT model).

Each goal has a name (``problem.GOALS``) and a cost; each cost comes with the penalties
that make it up, in words, so :func:`callboard.scheduling.solver.explain.explain` can say
why it was paid. The formulas are those of docs/solver.md, "Goals".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from callboard.scheduling.solver.problem import (
    DAY,
    GOALS,
    Person,
    PersonKind,
    Problem,
    clock,
)
from callboard.scheduling.solver.solution import Call


@dataclass(frozen=True)
class Penalty:
    """One reason a goal costs something: ``amount`` (in the goal's own unit) and ``cost``."""

    goal: str
    cost: int
    amount: int
    message: str
    people: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Score:
    penalties: tuple[Penalty, ...]

    @property
    def total(self) -> int:
        return sum(p.cost for p in self.penalties)

    def breakdown(self) -> tuple[tuple[str, int], ...]:
        costs = dict.fromkeys(GOALS, 0)
        for p in self.penalties:
            costs[p.goal] += p.cost
        return tuple(costs.items())

    def amount(self, goal: str) -> int:
        return sum(p.amount for p in self.penalties if p.goal == goal)


@dataclass(frozen=True)
class _Work:
    start: int
    end: int
    is_call: bool


def score(problem: Problem, calls: Sequence[Call]) -> Score:
    """The cost of every goal of a schedule, with the penalties behind each."""
    w = problem.weights
    penalties: list[Penalty] = []
    penalties += _unplaced(problem, calls, w.unplaced)
    per_person = _work_by_person(problem, calls)
    for person in problem.people:
        items = per_person.get(person.id, ([], []))
        penalties += _waiting(problem, person, *items, w.waiting)
        penalties += _long_days(problem, person, *items, w.long_day)
        penalties += _balance(problem, person, *items, w.balance)
        penalties += _spike(problem, person, *items, w.spike)
    penalties += _late(problem, calls, w.late_finish)
    penalties += _preferences(problem, calls, w.preference)
    penalties += _replanning(problem, calls)
    return Score(tuple(p for p in penalties if p.cost or p.amount))


def _unplaced(problem: Problem, calls: Sequence[Call], weight: int) -> Iterable[Penalty]:
    placed = {(c.request, c.part) for c in calls}
    for part in problem.parts:
        if part.key not in placed:
            yield Penalty(
                "unplaced",
                weight * part.request.priority * part.length,
                part.length,
                f"{part.name}: {part.length} minutes not placed "
                f"(priority {part.request.priority}).",
                requests=(part.request.id,),
            )


def _work_by_person(
    problem: Problem, calls: Sequence[Call]
) -> dict[str, tuple[list[_Work], list[_Work]]]:
    """Per person: (all work items, fixed work items), sorted."""
    out: dict[str, tuple[list[_Work], list[_Work]]] = {}
    by_person: dict[str, list[Call]] = defaultdict(list)
    for c in calls:
        for pid in c.people:
            by_person[pid].append(c)
    for person in problem.people:
        rules = problem.labour_for(person)
        fixed = sorted(
            (_Work(c.start, c.end, False) for c in person.commitments if rules.counts_as_work(c)),
            key=lambda x: x.start,
        )
        work = sorted(
            [*fixed, *(_Work(c.start, c.end, True) for c in by_person.get(person.id, []))],
            key=lambda x: x.start,
        )
        out[person.id] = (work, fixed)
    return out


def _by_day(items: Iterable[_Work]) -> dict[int, list[_Work]]:
    out: dict[int, list[_Work]] = defaultdict(list)
    for it in items:
        out[it.start // DAY].append(it)
    return out


def _idle(items: list[_Work]) -> int:
    if not items:
        return 0
    return (
        max(i.end for i in items)
        - min(i.start for i in items)
        - sum(i.end - i.start for i in items)
    )


def _span(items: list[_Work]) -> int:
    return max(i.end for i in items) - min(i.start for i in items) if items else 0


def _waiting(
    problem: Problem, person: Person, work: list[_Work], fixed: list[_Work], weight: int
) -> Iterable[Penalty]:
    fixed_days = _by_day(fixed)
    for day, items in sorted(_by_day(work).items()):
        waited = _idle(items) - _idle(fixed_days.get(day, []))
        if waited > 0:
            yield Penalty(
                "waiting",
                weight * person.weight * waited,
                waited,
                f"{person.name} waits {waited} minutes between calls on {problem.day_label(day)}.",
                people=(person.id,),
            )


def _long_days(
    problem: Problem, person: Person, work: list[_Work], fixed: list[_Work], weight: int
) -> Iterable[Penalty]:
    threshold = problem.weights.long_day_after
    fixed_days = _by_day(fixed)
    for day, items in sorted(_by_day(work).items()):
        extra = _span(items) - max(threshold, _span(fixed_days.get(day, [])))
        if extra > 0:
            yield Penalty(
                "long_day",
                weight * extra,
                extra,
                f"{person.name}'s day on {problem.day_label(day)} runs {extra} minutes longer "
                f"than {threshold // 60} h {threshold % 60:02d}.",
                people=(person.id,),
            )


def _balance(
    problem: Problem, person: Person, work: list[_Work], fixed: list[_Work], weight: int
) -> Iterable[Penalty]:
    if person.kind is not PersonKind.DANCER or not any(i.is_call for i in work):
        return
    loads = {d: sum(i.end - i.start for i in items) for d, items in _by_day(work).items()}
    fixed_loads = [sum(i.end - i.start for i in items) for items in _by_day(fixed).values()]
    busiest_day = max(loads, key=lambda d: (loads[d], -d))
    extra = loads[busiest_day] - max(fixed_loads, default=0)
    if extra > 0:
        yield Penalty(
            "balance",
            weight * extra,
            extra,
            f"{person.name}'s busiest day, {problem.day_label(busiest_day)}, has "
            f"{loads[busiest_day]} minutes of work.",
            people=(person.id,),
        )


def _spike(
    problem: Problem, person: Person, work: list[_Work], fixed: list[_Work], weight: int
) -> Iterable[Penalty]:
    if person.prior_week_minutes is None:
        return
    loads = _by_day(work)
    previous = person.prior_week_minutes
    for week, days in enumerate(problem.weeks()):
        load = sum(i.end - i.start for d in days for i in loads.get(d, []))
        excess = -((person.spike_percent * previous - 100 * load) // 100)  # ceil
        if excess > 0:
            yield Penalty(
                "spike",
                weight * excess,
                excess,
                f"{person.name} works {load} minutes in week {week + 1}, {excess} more than "
                f"{person.spike_percent} % of the week before ({previous}).",
                people=(person.id,),
            )
        previous = load


def _late(problem: Problem, calls: Sequence[Call], weight: int) -> Iterable[Penalty]:
    after = problem.weights.late_after
    for c in calls:
        late = c.end - (c.start // DAY) * DAY - after
        if late > 0:
            yield Penalty(
                "late_finish",
                weight * late * len(c.people),
                late * len(c.people),
                f"{problem.request_label(c.request)} ends at {clock(c.end % DAY or DAY)}, "
                f"{late} minutes after {clock(after)}, for {len(c.people)} people.",
                people=c.people,
                requests=(c.request,),
            )


def _preferences(problem: Problem, calls: Sequence[Call], weight: int) -> Iterable[Penalty]:
    for c in calls:
        request = problem.request_by_id[c.request]
        day = c.start // DAY
        tod, tod_end = c.start - day * DAY, c.end - day * DAY
        if request.preferred and not any(w.holds(tod, tod_end) for w in request.preferred):
            yield Penalty(
                "preference",
                weight * c.minutes,
                c.minutes,
                f"{request.label} at {problem.when(c.start)} is outside its preferred times.",
                requests=(c.request,),
            )
        for pid in c.people:
            person = problem.person_by_id[pid]
            if person.preferred and not any(w.holds(tod, tod_end) for w in person.preferred):
                yield Penalty(
                    "preference",
                    weight * c.minutes,
                    c.minutes,
                    f"{person.name} is called to {request.label} at {problem.when(c.start)}, "
                    "outside the times they prefer.",
                    people=(pid,),
                    requests=(c.request,),
                )


def _replanning(problem: Problem, calls: Sequence[Call]) -> Iterable[Penalty]:
    if not problem.published:
        return
    w = problem.weights
    moved, touched = changes(problem, calls)
    for pub in problem.published:
        if (pub.request, pub.part) in moved:
            yield Penalty(
                "moved_call",
                w.moved_call,
                1,
                f"The published call {problem.request_label(pub.request)} at "
                f"{problem.when(pub.start)} in {problem.studio_name(pub.studio)} changes.",
                requests=(pub.request,),
            )
    for pid in sorted(touched):
        yield Penalty(
            "touched_person",
            w.touched_person,
            1,
            f"{problem.person_name(pid)}'s calls change from the published schedule.",
            people=(pid,),
        )


def changes(problem: Problem, calls: Sequence[Call]) -> tuple[set[tuple[str, int]], set[str]]:
    """Published calls moved or dropped, and people whose calls change (new calls included)."""
    now = {(c.request, c.part): c for c in calls}
    published = {(p.request, p.part): p for p in problem.published}
    moved: set[tuple[str, int]] = set()
    touched: set[str] = set()
    for key, pub in published.items():
        before = set(
            pub.people if pub.people is not None else problem.request_by_id[pub.request].people
        )
        call = now.get(key)
        if call is None or call.studio != pub.studio or call.start != pub.start:
            moved.add(key)
            touched |= before
            if call is not None:
                touched |= set(call.people)
        elif call is not None:
            touched |= before ^ set(call.people)
    for key, call in now.items():
        if key not in published:
            touched |= set(call.people)
    return moved, touched
