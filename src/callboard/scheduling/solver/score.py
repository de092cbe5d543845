"""The goals of a schedule, computed from its calls (independently of the CP-SAT model).

Each goal has a name (``problem.GOALS``) and a cost; each cost comes with the penalties
that make it up, in words, so :func:`callboard.scheduling.solver.explain.explain` can say
why it was paid. The formulas are those of docs/solver.md, "Goals".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callboard.scheduling.solver.messages import Label, Minutes, Text, gettext_noop, say
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
    text: Text | None = None
    """``message`` as a sentence the app writes in the reader's language."""


# What each penalty says (the app translates them; ``callboard solve`` writes them in English).
NOT_PLACED = gettext_noop("%(what)s: %(duration)s not placed (priority %(priority)s).")
WAITS = gettext_noop("%(who)s waits %(duration)s between calls on %(day)s.")
LONG_DAY = gettext_noop("%(who)s's day on %(day)s runs %(duration)s longer than %(usual)s.")
BUSIEST_DAY = gettext_noop("%(who)s's busiest day, %(day)s, has %(duration)s of work.")
SPIKE = gettext_noop(
    "%(who)s works %(duration)s in week %(week)s, %(excess)s more than %(percent)s %% of the "
    "week before (%(before)s)."
)
LATE = gettext_noop(
    "%(what)s ends at %(end)s, %(duration)s after %(after)s, for %(people)s people."
)
OUTSIDE_PREFERRED = gettext_noop("%(what)s at %(when)s is outside its preferred times.")
OUTSIDE_THEIR_PREFERRED = gettext_noop(
    "%(who)s is called to %(what)s at %(when)s, outside the times they prefer."
)
PUBLISHED_MOVES = gettext_noop("The published call %(what)s at %(when)s in %(studio)s changes.")
CALLS_CHANGE = gettext_noop("%(who)s's calls change from the published schedule.")


def _said(msgid: str, **values: Any) -> dict[str, Any]:
    """A penalty's ``message`` (English) and ``text`` (for the app to translate)."""
    text = say(msgid, **values)
    return {"message": str(text), "text": text}


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
                **_said(
                    NOT_PLACED,
                    what=Label(part.name),
                    duration=Minutes(part.length),
                    priority=part.request.priority,
                ),
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
                **_said(
                    WAITS, who=person.name, duration=Minutes(waited), day=problem.day_label(day)
                ),
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
                **_said(
                    LONG_DAY,
                    who=person.name,
                    day=problem.day_label(day),
                    duration=Minutes(extra),
                    usual=Minutes(threshold),
                ),
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
            **_said(
                BUSIEST_DAY,
                who=person.name,
                day=problem.day_label(busiest_day),
                duration=Minutes(loads[busiest_day]),
            ),
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
                **_said(
                    SPIKE,
                    who=person.name,
                    duration=Minutes(load),
                    week=week + 1,
                    excess=Minutes(excess),
                    percent=person.spike_percent,
                    before=Minutes(previous),
                ),
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
                **_said(
                    LATE,
                    what=Label(problem.request_label(c.request)),
                    end=clock(c.end % DAY or DAY),
                    duration=Minutes(late),
                    after=clock(after),
                    people=len(c.people),
                ),
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
                **_said(OUTSIDE_PREFERRED, what=Label(request.label), when=problem.when(c.start)),
                requests=(c.request,),
            )
        for pid in c.people:
            person = problem.person_by_id[pid]
            if person.preferred and not any(w.holds(tod, tod_end) for w in person.preferred):
                yield Penalty(
                    "preference",
                    weight * c.minutes,
                    c.minutes,
                    **_said(
                        OUTSIDE_THEIR_PREFERRED,
                        who=person.name,
                        what=Label(request.label),
                        when=problem.when(c.start),
                    ),
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
                **_said(
                    PUBLISHED_MOVES,
                    what=Label(problem.request_label(pub.request)),
                    when=problem.when(pub.start),
                    studio=problem.studio_name(pub.studio),
                ),
                requests=(pub.request,),
            )
    for pid in sorted(touched):
        yield Penalty(
            "touched_person",
            w.touched_person,
            1,
            **_said(CALLS_CHANGE, who=problem.person_name(pid)),
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
