"""The "ballet master by hand" baseline: highest priority first, earliest slot that fits.

It checks every candidate call with the independent checker (the same hard rules as the
solver), so its schedules are valid by construction; it is the solver's first hint and the
benchmark's point of comparison.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence

from callboard.scheduling.solver.check import Checker
from callboard.scheduling.solver.explain import GREEDY_FOUND_NO_SLOT, explained
from callboard.scheduling.solver.messages import say
from callboard.scheduling.solver.problem import DAY, Part, Problem, studio_fits
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call, Solution, Status, Unplaced

# Rules that a call breaks at any time of its day if at one (they count minutes or days).
_WHOLE_DAY_RULES = {
    "max_minutes_per_day",
    "personal_daily_cap",
    "max_minutes_per_week",
    "free_days",
}

_STATIC_RULES = {
    "working_day",
    "allowed_days",
    "time_window",
    "person_unavailable",
    "person_clash",
    "earliest_start",
    "latest_end",
    "longest_call",
}


class GreedyScheduler:
    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.checker = Checker(problem)
        self.calls: list[Call] = []
        self.by_person: dict[str, list[Call]] = defaultdict(list)
        self.by_studio: dict[str, list[Call]] = defaultdict(list)
        self.by_request: dict[str, list[Call]] = defaultdict(list)

    def fits(self, call: Call) -> bool:
        """Whether ``call`` can join the schedule without breaking a hard rule."""
        return self.verdict(call) is None

    def verdict(self, call: Call, *, static_checked: bool = False) -> str | None:
        """The first rule ``call`` would break if added (``None``: it fits)."""
        for other in self.by_studio[call.studio]:
            if other.start < call.end and call.start < other.end:
                return "studio_clash"
        for pid in call.people:
            for other in self.by_person[pid]:
                if other.start < call.end and call.start < other.end:
                    return "person_clash"
        local = self.checker.check_call(call)
        if static_checked:
            local = [v for v in local if v.rule not in _STATIC_RULES]
        if local:
            return local[0].rule
        if not self._precedence_ok(call):
            return "precedence"
        day = call.start // DAY
        for pid in call.people:
            found = self.checker.check_person(pid, [*self.by_person[pid], call], focus_day=day)
            if found:
                return found[0].rule
        return None

    def _precedence_ok(self, call: Call) -> bool:
        for pr in self.p.precedences:
            if pr.after == call.request and any(
                c.end > call.start for c in self.by_request[pr.before]
            ):
                return False
            if pr.before == call.request and any(
                c.start < call.end for c in self.by_request[pr.after]
            ):
                return False
        return True

    def add(self, call: Call) -> None:
        self.calls.append(call)
        self.by_studio[call.studio].append(call)
        self.by_request[call.request].append(call)
        for pid in call.people:
            self.by_person[pid].append(call)

    def candidates(self, part: Part) -> Iterator[Call]:
        """Every call this part could become, earliest first (smallest fitting studio first)."""
        p, r = self.p, part.request
        studios = sorted(
            (s for s in p.studios if studio_fits(s, r)), key=lambda s: (s.capacity, s.id)
        )
        for d in sorted(r.days or range(len(p.days))):
            for start in p.grid_starts(d, part.length):
                static = Call(r.id, part.part, studios[0].id, start, start + part.length, r.people)
                if any(v.rule in _STATIC_RULES for v in self.checker.check_call(static)):
                    continue
                for s in studios:
                    yield Call(r.id, part.part, s.id, start, start + part.length, r.people)

    def place(self, part: Part) -> Call | None:
        dead_days: set[int] = set()
        for call in self.candidates(part):
            day = call.start // DAY
            if day in dead_days:
                continue
            rule = self.verdict(call, static_checked=True)
            if rule is None:
                self.add(call)
                return call
            if rule in _WHOLE_DAY_RULES:
                dead_days.add(day)
        return None


def greedy(problem: Problem, *, keep: Sequence[Call] = ()) -> Solution:
    """Schedule by hand: keep the given calls that still fit (a published schedule), then
    place the remaining parts by priority (required first), each at its earliest slot."""
    started = time.perf_counter()
    g = GreedyScheduler(problem)
    for call in keep:
        if g.fits(call):
            g.add(call)
    placed = {c.key for c in g.calls}
    order = sorted(
        (part for part in problem.parts if part.key not in placed),
        key=lambda part: (
            not part.request.required,
            -part.request.priority,
            -len(part.people) * part.length,
            part.request.id,
            part.part,
        ),
    )
    unplaced: list[Unplaced] = []
    for part in order:
        if g.place(part) is None:
            unplaced.append(explained(part, say(GREEDY_FOUND_NO_SLOT)))
    calls = tuple(sorted(g.calls, key=lambda c: (c.start, c.studio)))
    result = score(problem, calls)
    missing_required = any(problem.request_by_id[u.request].required for u in unplaced)
    return Solution(
        status=Status.UNKNOWN if missing_required else Status.FEASIBLE,
        calls=calls,
        unplaced=tuple(unplaced),
        objective=result.total,
        bound=None,
        gap=None,
        breakdown=result.breakdown(),
        seconds=time.perf_counter() - started,
        method="greedy",
    )
