"""Why a schedule costs what it costs, and why a request was left out, in words.

``explain(problem, solution)`` lists every penalty by goal name with the people and
requests it concerns. ``unplaced_reasons`` tries every slot a left-out call could take
and reports, with the independent checker, which rules block them (or that a slot was
free but not worth its cost).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from callboard.scheduling.solver.check import Checker
from callboard.scheduling.solver.messages import (
    UNPLACEABLE,
    Joined,
    Label,
    Text,
    Value,
    duration,
    gettext_noop,
    say,
)
from callboard.scheduling.solver.problem import DAY, Part, Problem, Studio, studio_fits
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call, Solution, Status, Unplaced

GOAL_TITLES: dict[str, str] = {
    "unplaced": gettext_noop("Requested minutes not placed"),
    "waiting": gettext_noop("People waiting between calls"),
    "late_finish": gettext_noop("Calls finishing late"),
    "long_day": gettext_noop("Long working days"),
    "preference": gettext_noop("Calls outside preferred times"),
    "balance": gettext_noop("Dancers' busiest days"),
    "spike": gettext_noop("Week-to-week load spikes"),
    "moved_call": gettext_noop("Published calls moved"),
    "touched_person": gettext_noop("People whose calls change"),
}

# Why a start time is refused, per rule: (said of one person, said of several).
_RULE_PHRASES: dict[str, tuple[str, str]] = {
    "person_clash": (
        gettext_noop("%(who)s already has a call or a commitment"),
        gettext_noop("%(who)s already have a call or a commitment"),
    ),
    "person_unavailable": (
        gettext_noop("%(who)s is unavailable"),
        gettext_noop("%(who)s are unavailable"),
    ),
    "studio_clash": (gettext_noop("every studio that fits is taken"),) * 2,
    "studio_unavailable": (gettext_noop("the studio is unavailable"),) * 2,
    "studio_fit": (gettext_noop("no studio fits"),) * 2,
    "working_day": (gettext_noop("it would fall outside the working day"),) * 2,
    "allowed_days": (gettext_noop("it is not allowed that day"),) * 2,
    "time_window": (gettext_noop("it would fall outside its time windows"),) * 2,
    "earliest_start": (gettext_noop("%(who)s may not start so early"),) * 2,
    "latest_end": (gettext_noop("%(who)s may not finish so late"),) * 2,
    "longest_call": (gettext_noop("it is longer than the longest call allowed"),) * 2,
    "max_minutes_per_day": (gettext_noop("%(who)s would work more than the most minutes a day"),)
    * 2,
    "personal_daily_cap": (gettext_noop("%(who)s would go over their own daily cap"),) * 2,
    "max_minutes_per_week": (gettext_noop("%(who)s would work more than the most minutes a week"),)
    * 2,
    "max_span": (gettext_noop("%(who)s would have too long a working day"),) * 2,
    "short_break": (gettext_noop("%(who)s would work too long without a short break"),) * 2,
    "meal_break": (gettext_noop("%(who)s would miss the longer rest"),) * 2,
    "rest_between_days": (gettext_noop("%(who)s would not rest long enough between days"),) * 2,
    "free_days": (gettext_noop("%(who)s would lose a free day"),) * 2,
    "travel": (gettext_noop("%(who)s could not travel between sites in time"),) * 2,
}
SOMEONE = gettext_noop("someone")
MUST_COME_AFTER = gettext_noop("it must come after “%(other)s”")
MUST_COME_BEFORE = gettext_noop("it must come before “%(other)s”")
UNKNOWN_RULE = gettext_noop("the rule “%(rule)s” forbids it")
START_TIMES = (
    gettext_noop("%(reason)s (%(count)d start time)"),
    gettext_noop("%(reason)s (%(count)d start times)"),
)
NO_TIME_WORKS = gettext_noop("No time works: %(reasons)s.")
NO_TIME_ALLOWED = gettext_noop(
    "No time of the working day fits the days and time windows it allows."
)
FITS_BUT_COSTS = gettext_noop(
    "Left out although it would fit (e.g. %(when)s in %(studio)s): placing it costs more in "
    "other goals than it gains."
)
FITS_BUT_STOPPED = gettext_noop(
    "Not placed before the search stopped; it would fit, e.g. %(when)s in %(studio)s."
)
NO_TIME_TO_SAY = gettext_noop("Not placed (no time was left to work out why).")
NOT_PLACED = gettext_noop("Not placed.")
GREEDY_FOUND_NO_SLOT = gettext_noop("The greedy baseline found no slot for it.")


def explained(part: Part, text: Text) -> Unplaced:
    """A left-out part with its reason, in English and as a sentence the app translates."""
    return Unplaced(part.request.id, part.part, part.length, str(text), text)


@dataclass(frozen=True)
class Explanation:
    goal: str
    cost: int
    message: str
    people: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    text: Text | None = None


def explain(problem: Problem, solution: Solution) -> list[Explanation]:
    """Every penalty of the schedule, by goal, costliest goal first."""
    result = score(problem, solution.calls)
    unplaced_reason = {(u.request, u.part): u for u in solution.unplaced}
    out: list[Explanation] = []
    for p in result.penalties:
        message, text = p.message, p.text
        if p.goal == "unplaced" and p.requests:
            reason = next(
                (r for (rid, _), r in unplaced_reason.items() if rid == p.requests[0]), None
            )
            if reason:
                message = f"{message} {reason.reason}"
                if text is not None:
                    text = Text(
                        "%(penalty)s %(reason)s", (("penalty", text), ("reason", _text(reason)))
                    )
        out.append(Explanation(p.goal, p.cost, message, p.people, p.requests, text))
    totals = Counter[str]()
    for e in out:
        totals[e.goal] += e.cost
    out.sort(key=lambda e: (-totals[e.goal], e.goal, -e.cost, e.message))
    return out


def _text(u: Unplaced) -> Text:
    return u.text if u.text is not None else Text(u.reason)


def explain_lines(problem: Problem, solution: Solution) -> list[str]:
    """:func:`explain` as readable lines, grouped by goal."""
    lines: list[str] = []
    if solution.unplaceable_minutes:
        lines.append(UNPLACEABLE % {"duration": duration(solution.unplaceable_minutes)})
    current = None
    explanations = explain(problem, solution)
    for e in explanations:
        if e.goal != current:
            current = e.goal
            total = sum(x.cost for x in explanations if x.goal == e.goal)
            lines.append(f"{GOAL_TITLES.get(e.goal, e.goal)} ({e.goal}): cost {total}")
        lines.append(f"  - {e.message} [cost {e.cost}]")
    return lines


# -- why a call was left out ---------------------------------------------------------------


def unplaced_reasons(
    problem: Problem,
    calls: Sequence[Call],
    *,
    status: Status,
    budget_seconds: float = 5.0,
) -> list[Unplaced]:
    """For every part not in ``calls``, the reason in words."""
    placed = {c.key for c in calls}
    missing = [part for part in problem.parts if part.key not in placed]
    out: list[Unplaced] = []
    deadline = time.perf_counter() + budget_seconds
    checker = Checker(problem)
    for part in missing:
        if time.perf_counter() > deadline:
            reason = say(NO_TIME_TO_SAY)
        else:
            reason = why_unplaced_text(problem, checker, calls, part, status=status)
        out.append(explained(part, reason))
    return out


def why_unplaced(
    problem: Problem, checker: Checker, calls: Sequence[Call], part: Part, *, status: Status
) -> str:
    """:func:`why_unplaced_text` in English."""
    return str(why_unplaced_text(problem, checker, calls, part, status=status))


def why_unplaced_text(
    problem: Problem, checker: Checker, calls: Sequence[Call], part: Part, *, status: Status
) -> Text:
    """Try every start time for ``part`` against the other calls; say what blocks them.

    For each start the people are looked at first (their availability, other calls and
    labour rules), then the studios, so the reason names the real bottleneck."""
    r = part.request
    by_person: dict[str, list[Call]] = {pid: [] for pid in r.people}
    by_studio: dict[str, list[Call]] = {}
    for c in calls:
        by_studio.setdefault(c.studio, []).append(c)
        for pid in c.people:
            if pid in by_person:
                by_person[pid].append(c)
    studios = [s for s in problem.studios if studio_fits(s, r)]
    sites = sorted({s.site for s in studios})
    blocked: Counter[tuple[str, tuple[str, ...]]] = Counter()
    free_slot: Call | None = None
    for d in sorted(r.days or range(len(problem.days))):
        for start in problem.grid_starts(d, part.length):
            end = start + part.length

            def at(studio: str) -> Call:
                return Call(r.id, part.part, studio, start, end, r.people)  # noqa: B023

            reason = _people_reason(checker, calls, by_person, at(studios[0].id), sites, studios)
            if reason is not None and reason[0] in _NOT_A_SLOT:
                continue
            if reason is not None:
                blocked[reason] += 1
                continue
            free = [
                s
                for s in studios
                if not any(c.start < end and start < c.end for c in by_studio.get(s.id, []))
                and not any(u.start < end and start < u.end for u in s.unavailable)
                and not _site_blocked(checker, by_person, at(s.id))
            ]
            if free:
                free_slot = free_slot or at(free[0].id)
            else:
                blocked[("studio_clash", ())] += 1
    if free_slot is not None:
        where = {
            "when": problem.when(free_slot.start),
            "studio": problem.studio_name(free_slot.studio),
        }
        if status is Status.OPTIMAL:
            return say(FITS_BUT_COSTS, **where)
        return say(FITS_BUT_STOPPED, **where)
    if not blocked:
        return say(NO_TIME_ALLOWED)
    reasons: list[Value] = []
    for (rule, people), count in blocked.most_common(3):
        phrase: Text
        if rule == "precedence":
            phrase = _precedence_phrase(problem, r.id, people[0] if people else "")
        elif rule in _RULE_PHRASES:
            who: Value = ", ".join(problem.person_name(pid) for pid in people) or say(SOMEONE)
            phrase = say(_RULE_PHRASES[rule][len(people) > 1], who=who)
        else:
            phrase = say(UNKNOWN_RULE, rule=rule)
        reasons.append(say(START_TIMES[count != 1], reason=phrase, count=count))
    return say(NO_TIME_WORKS, reasons=Joined(tuple(reasons), "; "))


_STUDIO_RULES = {"studio_fit", "studio_unavailable"}
# Where the request itself allows no call: not a reason it was left out, just not a slot.
_NOT_A_SLOT = {"working_day", "allowed_days", "time_window"}


def _precedence_phrase(problem: Problem, request: str, other: str) -> Text:
    label = Label(problem.request_label(other))
    if any(pr.after == request and pr.before == other for pr in problem.precedences):
        return say(MUST_COME_AFTER, other=label)
    return say(MUST_COME_BEFORE, other=label)


def _people_reason(
    checker: Checker,
    calls: Sequence[Call],
    by_person: dict[str, list[Call]],
    call: Call,
    sites: list[str],
    studios: list[Studio],
) -> tuple[str, tuple[str, ...]] | None:
    """Why nobody-in-particular's rules allow ``call`` at its time (studio aside)."""
    local = [v for v in checker.check_call(call) if v.rule not in _STUDIO_RULES]
    if local:
        rule = local[0].rule
        people = sorted(
            {v.items[0] for v in local if v.rule == rule and v.items and v.items[0] in by_person}
        )
        return (rule, tuple(people))
    busy = sorted(
        pid
        for pid, theirs in by_person.items()
        if any(c.start < call.end and call.start < c.end for c in theirs)
    )
    if busy:
        return ("person_clash", tuple(busy))
    order = checker.check_precedence([*calls, call])
    if order:
        before, after = order[0].items
        return ("precedence", (before if after == call.request else after,))
    first: tuple[str, tuple[str, ...]] | None = None
    for site in sites:
        studio = next(s for s in studios if s.site == site)
        found = _labour_reason(
            checker,
            by_person,
            Call(call.request, call.part, studio.id, call.start, call.end, call.people),
        )
        if found is None:
            return None
        first = first or found
    return first


def _labour_reason(
    checker: Checker, by_person: dict[str, list[Call]], call: Call
) -> tuple[str, tuple[str, ...]] | None:
    for pid, theirs in by_person.items():
        found = checker.check_person(pid, [*theirs, call], focus_day=call.start // DAY)
        if found:
            return (found[0].rule, (pid,))
    return None


def _site_blocked(checker: Checker, by_person: dict[str, list[Call]], call: Call) -> bool:
    return _labour_reason(checker, by_person, call) is not None
