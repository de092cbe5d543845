"""When the mandatory items cannot all hold: which ones conflict, and under which rules.

Placing a request is optional, so a problem is only infeasible because of mandatory
items: required requests and locked published calls. We solve again with one CP-SAT
assumption per mandatory item, take ``sufficient_assumptions_for_infeasibility``, shrink
it to a minimal set by deletion, then try relaxing each rule family on that set alone: a
rule whose relaxation makes the set fit is part of the conflict.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from callboard.scheduling.solver.check import RULES, Checker
from callboard.scheduling.solver.explain import why_unplaced_text
from callboard.scheduling.solver.messages import (
    Joined,
    Label,
    Minutes,
    Text,
    gettext_noop,
    say,
)
from callboard.scheduling.solver.model import CallboardModel
from callboard.scheduling.solver.problem import LabourRules, Problem, Travel
from callboard.scheduling.solver.solution import Conflict, Status

Item = tuple[str, str]  # ("request", id) or ("call", "request#part")


def _labour(problem: Problem, change: Callable[[LabourRules], LabourRules]) -> Problem:
    people = tuple(
        dataclasses.replace(p, labour=change(p.labour)) if p.labour is not None else p
        for p in problem.people
    )
    return dataclasses.replace(problem, labour=change(problem.labour), people=people)


RELAXATIONS: dict[str, Callable[[Problem], Problem]] = {
    "max_minutes_per_day": lambda p: _labour(
        p, lambda r: dataclasses.replace(r, max_minutes_per_day=None)
    ),
    "personal_daily_cap": lambda p: dataclasses.replace(
        p, people=tuple(dataclasses.replace(x, max_minutes_per_day=None) for x in p.people)
    ),
    "max_minutes_per_week": lambda p: _labour(
        p, lambda r: dataclasses.replace(r, max_minutes_per_week=None)
    ),
    "longest_call": lambda p: _labour(p, lambda r: dataclasses.replace(r, longest_call=None)),
    "max_span": lambda p: _labour(p, lambda r: dataclasses.replace(r, max_span=None)),
    "short_break": lambda p: _labour(p, lambda r: dataclasses.replace(r, break_every=None)),
    "meal_break": lambda p: _labour(p, lambda r: dataclasses.replace(r, meal_within=None)),
    "rest_between_days": lambda p: _labour(
        p, lambda r: dataclasses.replace(r, min_rest_between_days=None)
    ),
    "earliest_start": lambda p: _labour(p, lambda r: dataclasses.replace(r, earliest_start=None)),
    "latest_end": lambda p: _labour(p, lambda r: dataclasses.replace(r, latest_end=None)),
    "free_days": lambda p: _labour(p, lambda r: dataclasses.replace(r, free_days_per_week=0)),
    "travel": lambda p: dataclasses.replace(
        p, travel=tuple(Travel(t.from_site, t.to_site, 0) for t in p.travel)
    ),
    "person_unavailable": lambda p: dataclasses.replace(
        p, people=tuple(dataclasses.replace(x, unavailable=()) for x in p.people)
    ),
    "studio_unavailable": lambda p: dataclasses.replace(
        p, studios=tuple(dataclasses.replace(s, unavailable=()) for s in p.studios)
    ),
    "precedence": lambda p: dataclasses.replace(p, precedences=()),
    "time_window": lambda p: dataclasses.replace(
        p, requests=tuple(dataclasses.replace(r, windows=()) for r in p.requests)
    ),
}


# What a conflict says (the app translates it; ``callboard solve`` writes English).
OUT_OF_TIME = gettext_noop(
    "The required requests and locked calls cannot all be scheduled, but Callboard ran out of "
    "time finding which ones conflict."
)
CANNOT_BE_SCHEDULED = gettext_noop(
    "The required request “%(what)s” (%(duration)s) cannot be scheduled."
)
CANNOT_ALL = gettext_noop("These cannot all be scheduled: %(items)s.")
FIT_WITHOUT = gettext_noop("They would fit without the rule(s): %(rules)s.")
SAME_PEOPLE_OR_STUDIOS = gettext_noop("They need the same people or studios at the same times.")
REQUIRED_REQUEST = gettext_noop("the required request “%(what)s” (%(duration)s)")
LOCKED_CALL = gettext_noop("the locked call “%(what)s” on %(when)s in %(studio)s")


def find_conflicts(problem: Problem, *, time_limit: float = 20.0, most: int = 3) -> list[Conflict]:
    """Up to ``most`` independent minimal sets of mandatory items that cannot all hold."""
    deadline = time.perf_counter() + time_limit
    items: list[Item] = [("request", r.id) for r in problem.requests if r.required]
    items += [("call", f"{c.request}#{c.part}") for c in problem.published if c.locked]
    conflicts: list[Conflict] = []
    remaining = list(items)
    while remaining and len(conflicts) < most and time.perf_counter() < deadline:
        core = _minimal_core(problem, remaining, deadline)
        if not core:
            break
        conflicts.append(_describe(problem, core, deadline))
        remaining = [it for it in remaining if it not in core]
    if not conflicts:
        text = say(OUT_OF_TIME)
        conflicts.append(Conflict(str(text), text=text))
    return conflicts


def _restrict(problem: Problem, items: list[Item]) -> Problem:
    """The problem with only the given mandatory items (and the requests they belong to)."""
    required = {key for kind, key in items if kind == "request"}
    calls = {key for kind, key in items if kind == "call"}
    locked = [c for c in problem.published if f"{c.request}#{c.part}" in calls]
    keep = required | {c.request for c in locked}
    requests = tuple(
        dataclasses.replace(r, required=r.id in required) for r in problem.requests if r.id in keep
    )
    return dataclasses.replace(
        problem,
        requests=requests,
        published=tuple(locked),
        precedences=tuple(
            pr for pr in problem.precedences if pr.before in keep and pr.after in keep
        ),
    )


def _feasible(problem: Problem, deadline: float) -> bool | None:
    model = CallboardModel(problem).build()
    model.m.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, min(5.0, deadline - time.perf_counter()))
    solver.parameters.num_workers = 1
    status = solver.solve(model.m)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def _minimal_core(problem: Problem, items: list[Item], deadline: float) -> list[Item]:
    sub = _restrict(problem, items)
    model = CallboardModel(sub, mandatory_as_assumptions=True).build()
    model.m.clear_objective()
    flags = {(kind, key): lit for lit, kind, key in model.mandatory}
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1

    def infeasible(subset: list[Item]) -> bool | None:
        model.m.clear_assumptions()
        model.m.add_assumptions([flags[it] for it in subset if it in flags])
        solver.parameters.max_time_in_seconds = max(0.5, min(5.0, deadline - time.perf_counter()))
        status = solver.solve(model.m)
        if status == cp_model.INFEASIBLE:
            return True
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        return None

    if not infeasible(items):
        return []
    by_index = {lit.index: it for it, lit in flags.items()}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    core = core or list(items)
    for it in list(core):
        if time.perf_counter() > deadline or len(core) == 1:
            break
        trial = [x for x in core if x != it]
        if infeasible(trial):
            core = trial
    return core


def _describe(problem: Problem, core: list[Item], deadline: float) -> Conflict:
    sub = _restrict(problem, core)
    requests = tuple(sorted({key for kind, key in core if kind == "request"}))
    calls = tuple(
        (key.rsplit("#", 1)[0], int(key.rsplit("#", 1)[1])) for kind, key in core if kind == "call"
    )
    names = [_item_name(problem, it) for it in core]
    people = sorted({pid for r in sub.requests for pid in r.people})
    if len(core) == 1 and core[0][0] == "request":
        r = problem.request_by_id[core[0][1]]
        checker = Checker(sub)
        reasons = [
            why_unplaced_text(sub, checker, [], part, status=Status.INFEASIBLE)
            for part in sub.parts
            if part.request.id == r.id
        ]
        text = Text(
            "%(first)s %(then)s",
            (
                (
                    "first",
                    say(CANNOT_BE_SCHEDULED, what=Label(r.label), duration=Minutes(r.minutes)),
                ),
                ("then", reasons[0]),
            ),
        )
        return Conflict(
            str(text),
            text=text,
            requests=requests,
            calls=calls,
            rules=(),
            people=tuple(r.people),
        )
    rules = []
    for rule, relax in RELAXATIONS.items():
        if time.perf_counter() > deadline:
            break
        if _feasible(relax(sub), deadline):
            rules.append(rule)
    together = Joined(tuple(names), "; ")
    if rules:
        why = say(FIT_WITHOUT, rules=Joined(tuple(say(RULES[r]) for r in rules), "; "))
    else:
        why = say(SAME_PEOPLE_OR_STUDIOS)
    text = Text("%(first)s %(then)s", (("first", say(CANNOT_ALL, items=together)), ("then", why)))
    return Conflict(
        str(text),
        text=text,
        requests=requests,
        calls=calls,
        rules=tuple(rules),
        people=tuple(people),
    )


def _item_name(problem: Problem, item: Item) -> Text:
    kind, key = item
    if kind == "request":
        r = problem.request_by_id[key]
        return say(REQUIRED_REQUEST, what=Label(r.label), duration=Minutes(r.minutes))
    rid, part = key.rsplit("#", 1)
    pub = next(c for c in problem.published if c.request == rid and c.part == int(part))
    return say(
        LOCKED_CALL,
        what=Label(problem.request_label(rid)),
        when=problem.when(pub.start),
        studio=problem.studio_name(pub.studio),
    )
