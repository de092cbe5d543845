"""The problem JSON format (docs/solver.md, "Problem JSON") and the solution JSON.

``problem_from_json`` parses and validates; every error is a
:class:`~callboard.scheduling.solver.problem.ProblemError` whose message names the bad
item (``people[3] ("d04"), commitments[0]: "start" must be a time like "10:00"``).
Times of day are ``"HH:MM"`` strings or minutes after midnight; an absolute time is
``{"day": 0, "start": "10:00", "end": "11:15"}`` or ``{"start": 600, "end": 675}``
(minutes from the start of the horizon).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from callboard.scheduling.solver.problem import (
    DAY,
    GOALS,
    Commitment,
    CommitmentKind,
    Day,
    Interval,
    LabourRules,
    Person,
    PersonKind,
    Precedence,
    Problem,
    ProblemError,
    PublishedCall,
    Request,
    Studio,
    Travel,
    Weights,
    Window,
    clock,
    validate,
)
from callboard.scheduling.solver.solution import Call, Solution

__all__ = [
    "ProblemError",
    "problem_from_json",
    "problem_to_json",
    "schedule_from_json",
    "solution_to_json",
]

T = TypeVar("T")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")

_LABOUR_TIMES = {"earliest_start", "latest_end"}
_LABOUR_INTS = {
    "max_minutes_per_day",
    "max_minutes_per_week",
    "longest_call",
    "max_span",
    "break_every",
    "break_minutes",
    "meal_within",
    "meal_minutes",
    "min_rest_between_days",
    "free_days_per_week",
}
_LABOUR_BOOLS = {"class_counts_as_work", "performance_counts_as_work"}
_WEIGHT_TIMES = {"late_after"}


class _Reader:
    """Reads one JSON object, naming it in every error."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ProblemError(f"{where} must be an object.")
        self.data: Mapping[str, Any] = data
        self.where = where

    def fail(self, message: str) -> ProblemError:
        return ProblemError(f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            raise self.fail(f"unknown field(s) {', '.join(map(repr, extra))}.")

    def str_(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"{key!r} is missing.")
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(f"{key!r} must be a non-empty string.")
        return value

    def int_(self, key: str, default: int | None = None, *, minimum: int | None = 0) -> int:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"{key!r} is missing.")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{key!r} must be a whole number, not {value!r}.")
        if minimum is not None and value < minimum:
            raise self.fail(f"{key!r} must be at least {minimum}, not {value}.")
        return value

    def opt_int(self, key: str) -> int | None:
        return self.int_(key) if self.has(key) else None

    def bool_(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false.")
        return value

    def time(self, key: str, default: int | None = None) -> int:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"{key!r} is missing.")
        return _time_of_day(value, lambda m: self.fail(f"{key!r} {m}"))

    def opt_time(self, key: str) -> int | None:
        return self.time(key) if self.has(key) else None

    def list_(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{key!r} must be a list.")
        return value

    def str_list(self, key: str) -> tuple[str, ...]:
        items = self.list_(key)
        if not all(isinstance(x, str) for x in items):
            raise self.fail(f"{key!r} must be a list of ids (strings).")
        return tuple(items)

    def items(
        self, key: str, parse: Callable[[_Reader], T], name: Callable[[Any], str] = lambda _: ""
    ) -> tuple[T, ...]:
        out = []
        prefix = f"{self.where}, " if self.where else ""
        for k, item in enumerate(self.list_(key)):
            label = name(item) if isinstance(item, Mapping) else ""
            out.append(parse(_Reader(item, f"{prefix}{key}[{k}]{label}")))
        return tuple(out)


def _time_of_day(value: object, fail: Callable[[str], ProblemError]) -> int:
    if isinstance(value, bool):
        raise fail("must be a time like '10:00'.")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str) and (match := _CLOCK.match(value.strip())):
        hours, mins = int(match.group(1)), int(match.group(2))
        if mins >= 60:
            raise fail(f"is not a time: {value!r}.")
        minutes = hours * 60 + mins
    else:
        raise fail(f"must be a time like '10:00', not {value!r}.")
    if not 0 <= minutes <= DAY:
        raise fail(f"is outside the day (00:00–24:00): {value!r}.")
    return minutes


def _named(item: Any) -> str:
    ident = item.get("id")
    return f" ({ident!r})" if isinstance(ident, str) else ""


def _absolute(r: _Reader, n_days: int) -> tuple[int, int]:
    """``{"day", "start", "end"}`` (times of that day) or absolute ``{"start", "end"}``."""
    if r.has("day"):
        day = r.int_("day")
        if day >= n_days:
            raise r.fail(f"day {day} is outside the horizon (days 0–{n_days - 1}).")
        start, end = day * DAY + r.time("start"), day * DAY + r.time("end")
    else:
        start, end = r.int_("start"), r.int_("end")
    if end <= start:
        raise r.fail("it ends before it starts (a negative duration).")
    return start, end


def _labour(r: _Reader) -> LabourRules:
    r.unknown(_LABOUR_TIMES | _LABOUR_INTS | _LABOUR_BOOLS)
    values: dict[str, Any] = {}
    for key in _LABOUR_INTS:
        if r.has(key):
            values[key] = r.int_(key)
    for key in _LABOUR_TIMES:
        if r.has(key):
            values[key] = r.time(key)
    for key in _LABOUR_BOOLS:
        if key in r.data:
            values[key] = r.bool_(key, True)
    return LabourRules(**values)


def _weights(r: _Reader) -> Weights:
    allowed = {f for f in Weights.__dataclass_fields__}
    r.unknown(allowed)
    values: dict[str, int] = {}
    for key in allowed:
        if r.has(key):
            values[key] = r.time(key) if key in _WEIGHT_TIMES else r.int_(key)
    return Weights(**values)


def _window(r: _Reader) -> Window:
    r.unknown({"start", "end"})
    start, end = r.time("start"), r.time("end")
    if end <= start:
        raise r.fail("the window ends before it starts.")
    return Window(start, end)


def problem_from_json(data: Mapping[str, Any]) -> Problem:
    """Parse and validate a problem; raise :class:`ProblemError` naming the bad item."""
    root = _Reader(data, "")
    root.where = "problem"
    root.unknown(
        {
            "name",
            "granularity",
            "days",
            "labour",
            "weights",
            "travel",
            "studios",
            "people",
            "requests",
            "precedences",
            "published",
        }
    )
    root.where = ""
    days = root.items("days", _day)
    if not days:
        raise ProblemError("days: give at least one day with its working window.")
    n_days = len(days)

    def studio(r: _Reader) -> Studio:
        r.unknown({"id", "name", "capacity", "piano", "site", "unavailable"})
        return Studio(
            id=r.str_("id"),
            name=r.str_("name", r.str_("id")),
            capacity=r.int_("capacity"),
            piano=r.bool_("piano", False),
            site=r.str_("site", "main"),
            unavailable=r.items("unavailable", lambda x: Interval(*_absolute(x, n_days))),
        )

    def commitment(r: _Reader) -> Commitment:
        r.unknown({"kind", "day", "start", "end", "label", "site", "counts_as_work"})
        kind = r.str_("kind", "other")
        if kind not in {k.value for k in CommitmentKind}:
            raise r.fail(
                f"unknown kind {kind!r}: use one of {', '.join(k.value for k in CommitmentKind)}."
            )
        start, end = _absolute(r, n_days)
        counts = r.data.get("counts_as_work")
        if counts is not None and not isinstance(counts, bool):
            raise r.fail("'counts_as_work' must be true, false or null.")
        return Commitment(
            CommitmentKind(kind),
            start,
            end,
            label=r.str_("label", ""),
            site=r.str_("site") if r.has("site") else None,
            counts_as_work=counts,
        )

    def person(r: _Reader) -> Person:
        r.unknown(
            {
                "id",
                "name",
                "kind",
                "weight",
                "unavailable",
                "commitments",
                "max_minutes_per_day",
                "labour",
                "preferred",
                "prior_week_minutes",
                "spike_percent",
            }
        )
        kind = r.str_("kind", "dancer")
        if kind not in {k.value for k in PersonKind}:
            raise r.fail(f"unknown kind {kind!r}: use 'dancer' or 'staff'.")
        return Person(
            id=r.str_("id"),
            name=r.str_("name", r.str_("id")),
            kind=PersonKind(kind),
            weight=r.int_("weight", 1),
            unavailable=r.items("unavailable", lambda x: Interval(*_absolute(x, n_days))),
            commitments=r.items("commitments", commitment),
            max_minutes_per_day=r.opt_int("max_minutes_per_day"),
            labour=_labour(_Reader(r.data["labour"], f"{r.where}, labour"))
            if r.has("labour")
            else None,
            preferred=r.items("preferred", _window),
            prior_week_minutes=r.opt_int("prior_week_minutes"),
            spike_percent=r.int_("spike_percent", 130, minimum=100),
        )

    def request(r: _Reader) -> Request:
        r.unknown(
            {
                "id",
                "label",
                "section",
                "minutes",
                "people",
                "studios",
                "needs_piano",
                "days",
                "windows",
                "priority",
                "split",
                "required",
                "preferred",
            }
        )
        split = r.data.get("split", 1)
        lengths: tuple[int, ...] = ()
        if isinstance(split, list):
            if not split or not all(isinstance(x, int) and not isinstance(x, bool) for x in split):
                raise r.fail(
                    "'split' must be a number of calls or a list of call lengths in minutes."
                )
            lengths, split = tuple(split), len(split)
        elif isinstance(split, bool) or not isinstance(split, int) or split < 1:
            raise r.fail("'split' must be a number of calls (1 or more) or a list of call lengths.")
        days_value = r.list_("days")
        if not all(isinstance(d, int) and not isinstance(d, bool) for d in days_value):
            raise r.fail("'days' must be a list of day numbers (0 is the first day).")
        return Request(
            id=r.str_("id"),
            label=r.str_("label", r.str_("id")),
            section=r.str_("section", ""),
            minutes=r.int_("minutes", minimum=None),
            people=r.str_list("people"),
            studios=r.str_list("studios"),
            needs_piano=r.bool_("needs_piano", False),
            days=tuple(days_value),
            windows=r.items("windows", _window),
            priority=r.int_("priority", 1, minimum=1),
            split=split,
            split_lengths=lengths,
            required=r.bool_("required", False),
            preferred=r.items("preferred", _window),
        )

    def travel(r: _Reader) -> Travel:
        r.unknown({"from", "to", "minutes"})
        return Travel(r.str_("from"), r.str_("to"), r.int_("minutes"))

    def precedence(r: _Reader) -> Precedence:
        r.unknown({"before", "after"})
        return Precedence(r.str_("before"), r.str_("after"))

    def published(r: _Reader) -> PublishedCall:
        r.unknown({"request", "part", "studio", "day", "start", "people", "locked"})
        if r.has("day"):
            day = r.int_("day")
            if day >= n_days:
                raise r.fail(f"day {day} is outside the horizon (days 0–{n_days - 1}).")
            start = day * DAY + r.time("start")
        else:
            start = r.int_("start")
        return PublishedCall(
            request=r.str_("request"),
            part=r.int_("part", 0),
            studio=r.str_("studio"),
            start=start,
            people=r.str_list("people") if r.has("people") else None,
            locked=r.bool_("locked", False),
        )

    precedences_raw = root.list_("precedences")
    precedences = tuple(
        Precedence(str(p[0]), str(p[1]))
        if isinstance(p, list) and len(p) == 2
        else precedence(_Reader(p, f"precedences[{k}]"))
        for k, p in enumerate(precedences_raw)
    )
    problem = Problem(
        name=root.str_("name", ""),
        granularity=root.int_("granularity", 15, minimum=1),
        days=days,
        labour=_labour(_Reader(data["labour"], "labour")) if root.has("labour") else LabourRules(),
        weights=_weights(_Reader(data["weights"], "weights")) if root.has("weights") else Weights(),
        travel=root.items("travel", travel),
        studios=root.items("studios", studio, _named),
        people=root.items("people", person, _named),
        requests=root.items("requests", request, _named),
        precedences=precedences,
        published=root.items("published", published),
    )
    return validate(problem)


def _day(r: _Reader) -> Day:
    r.unknown({"label", "open", "close"})
    return Day(open=r.time("open", 0), close=r.time("close", DAY), label=r.str_("label", ""))


# -- writing -------------------------------------------------------------------------------------


def _span(start: int, end: int) -> dict[str, Any]:
    day = start // DAY
    return {"day": day, "start": clock(start - day * DAY), "end": clock(end - day * DAY)}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The problem in the JSON format :func:`problem_from_json` reads."""

    def labour(rules: LabourRules) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in sorted(_LABOUR_INTS | _LABOUR_BOOLS | _LABOUR_TIMES):
            value = getattr(rules, key)
            if value is None:
                continue
            out[key] = clock(value) if key in _LABOUR_TIMES else value
        return out

    def windows(ws: tuple[Window, ...]) -> list[dict[str, str]]:
        return [{"start": clock(w.start), "end": clock(w.end)} for w in ws]

    weights = {
        key: clock(getattr(problem.weights, key))
        if key in _WEIGHT_TIMES
        else getattr(problem.weights, key)
        for key in Weights.__dataclass_fields__
    }
    return {
        "name": problem.name,
        "granularity": problem.granularity,
        "days": [
            {"label": d.label, "open": clock(d.open), "close": clock(d.close)} for d in problem.days
        ],
        "labour": labour(problem.labour),
        "weights": weights,
        "travel": [
            {"from": t.from_site, "to": t.to_site, "minutes": t.minutes} for t in problem.travel
        ],
        "studios": [
            {
                "id": s.id,
                "name": s.name,
                "capacity": s.capacity,
                "piano": s.piano,
                "site": s.site,
                "unavailable": [_span(u.start, u.end) for u in s.unavailable],
            }
            for s in problem.studios
        ],
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind.value,
                "weight": p.weight,
                "unavailable": [_span(u.start, u.end) for u in p.unavailable],
                "commitments": [
                    {
                        "kind": c.kind.value,
                        **_span(c.start, c.end),
                        "label": c.label,
                        "site": c.site,
                        "counts_as_work": c.counts_as_work,
                    }
                    for c in p.commitments
                ],
                "max_minutes_per_day": p.max_minutes_per_day,
                "labour": labour(p.labour) if p.labour is not None else None,
                "preferred": windows(p.preferred),
                "prior_week_minutes": p.prior_week_minutes,
                "spike_percent": p.spike_percent,
            }
            for p in problem.people
        ],
        "requests": [
            {
                "id": r.id,
                "label": r.label,
                "section": r.section,
                "minutes": r.minutes,
                "people": list(r.people),
                "studios": list(r.studios),
                "needs_piano": r.needs_piano,
                "days": list(r.days),
                "windows": windows(r.windows),
                "priority": r.priority,
                "split": list(r.split_lengths) if r.split_lengths else r.split,
                "required": r.required,
                "preferred": windows(r.preferred),
            }
            for r in problem.requests
        ],
        "precedences": [{"before": p.before, "after": p.after} for p in problem.precedences],
        "published": [
            {
                "request": c.request,
                "part": c.part,
                "studio": c.studio,
                "day": c.start // DAY,
                "start": clock(c.start % DAY),
                "people": list(c.people) if c.people is not None else None,
                "locked": c.locked,
            }
            for c in problem.published
        ],
    }


def solution_to_json(solution: Solution, problem: Problem | None = None) -> dict[str, Any]:
    """The solution as JSON; with the problem, calls carry labels and names too."""

    def label(rid: str) -> dict[str, str]:
        return {"label": problem.request_label(rid)} if problem is not None else {}

    breakdown = dict(solution.breakdown) if solution.breakdown else {}
    return {
        "status": solution.status.value,
        "method": solution.method,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "person_bound": solution.person_bound,
        "unplaceable_minutes": solution.unplaceable_minutes,
        "seconds": round(solution.seconds, 3),
        "breakdown": {goal: breakdown.get(goal, 0) for goal in GOALS} if breakdown else {},
        "calls": [
            {
                "request": c.request,
                **label(c.request),
                "part": c.part,
                "studio": c.studio,
                **_span(c.start, c.end),
                "start_minute": c.start,
                "end_minute": c.end,
                "people": list(c.people),
            }
            for c in solution.calls
        ],
        "unplaced": [
            {
                "request": u.request,
                **label(u.request),
                "part": u.part,
                "minutes": u.minutes,
                "reason": u.reason,
            }
            for u in solution.unplaced
        ],
        "conflicts": [
            {
                "message": c.message,
                "requests": list(c.requests),
                "calls": [{"request": r, "part": k} for r, k in c.calls],
                "rules": list(c.rules),
                "people": list(c.people),
            }
            for c in solution.conflicts
        ],
    }


_CALL_FIELDS = {
    "request",
    "label",
    "part",
    "studio",
    "day",
    "start",
    "end",
    "start_minute",
    "end_minute",
    "people",
}


def schedule_from_json(data: object, problem: Problem) -> list[Call]:
    """The calls of a schedule someone gives: a solution JSON (``{"calls": [...]}``, what
    ``callboard solve --json`` prints) or a bare list of calls.

    A call names its ``request``, ``part`` (default 0) and ``studio``, and its start as
    ``"day"`` and ``"start"`` (``"HH:MM"``) or as ``"start_minute"`` (from the start of the
    horizon); its end is the start plus the part's length unless ``end``/``end_minute``
    says otherwise, and its people are the request's unless ``people`` lists them. Raises
    :class:`ProblemError` naming the call on anything malformed; whether the calls keep the
    rules is for the checker to say.
    """
    if isinstance(data, Mapping):
        if "calls" not in data:
            raise ProblemError("schedule: it has no 'calls' list (give a solution JSON).")
        items = data["calls"]
    else:
        items = data
    if not isinstance(items, list):
        raise ProblemError("schedule: 'calls' must be a list of calls.")
    n_days = len(problem.days)
    calls: list[Call] = []
    for k, item in enumerate(items):
        r = _Reader(item, f"calls[{k}]{_request_named(item)}")
        r.unknown(_CALL_FIELDS)
        rid = r.str_("request")
        part = r.int_("part", 0)
        studio = r.str_("studio")
        request = problem.request_by_id.get(rid)
        length = (
            request.part_lengths[part]
            if request is not None and part < len(request.part_lengths)
            else None
        )
        if r.has("start_minute"):
            start = r.int_("start_minute")
        elif r.has("day"):
            day = r.int_("day")
            if day >= n_days:
                raise r.fail(f"day {day} is outside the horizon (days 0–{n_days - 1}).")
            start = day * DAY + r.time("start")
        else:
            raise r.fail("give its start as 'day' and 'start' (\"HH:MM\") or 'start_minute'.")
        if r.has("end_minute"):
            end = r.int_("end_minute")
        elif r.has("end") and r.has("day"):
            end = start // DAY * DAY + r.time("end")
        elif length is not None:
            end = start + length
        else:
            raise r.fail(f"unknown request {rid!r} or part {part}, and no 'end' is given.")
        if end <= start:
            raise r.fail("it ends before it starts (a negative duration).")
        if r.has("people"):
            people = r.str_list("people")
        elif request is not None:
            people = request.people
        else:
            people = ()
        calls.append(Call(rid, part, studio, start, end, tuple(people)))
    return calls


def _request_named(item: object) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("request"), str):
        return f" ({item['request']!r})"
    return ""
