"""The scheduling problem as frozen dataclasses: minutes everywhere.

Absolute times are minutes from the start of the horizon; day ``d`` covers
``[d * 1440, (d + 1) * 1440)``. Times of day (windows, earliest start, latest end) are
minutes from that day's midnight. :func:`validate` checks a problem and raises
:class:`ProblemError` naming the bad item; the solver, the checker and the greedy
baseline may assume a validated problem.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

DAY = 1440
WEEK_DAYS = 7


class ProblemError(ValueError):
    """The problem cannot be solved as given; the message names the bad item."""


@dataclass(frozen=True)
class Interval:
    """``[start, end)`` in minutes from the horizon start."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Window:
    """``[start, end)`` in minutes from a day's midnight (0..1440)."""

    start: int
    end: int

    def holds(self, start_of_day: int, end_of_day: int) -> bool:
        """Whether a call from ``start_of_day`` to ``end_of_day`` lies inside this window."""
        return self.start <= start_of_day and end_of_day <= self.end


@dataclass(frozen=True)
class Day:
    """One day of the horizon and the company's working window on it (minutes of the day)."""

    open: int = 0
    close: int = DAY
    label: str = ""


class CommitmentKind(StrEnum):
    CLASS = "class"
    PERFORMANCE = "performance"
    FITTING = "fitting"
    MEDICAL = "medical"
    OTHER = "other"


@dataclass(frozen=True)
class Commitment:
    """A fixed commitment: it occupies the person; whether it is work depends on its kind.

    ``counts_as_work=None`` means: as the labour rules say for its kind (class and
    performance follow ``class_counts_as_work`` / ``performance_counts_as_work``; a fitting
    and "other" are work, a medical appointment is not).
    """

    kind: CommitmentKind
    start: int
    end: int
    label: str = ""
    site: str | None = None
    counts_as_work: bool | None = None

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class LabourRules:
    """The labour agreement as data. ``None`` (or 0 for a break length) means no such rule."""

    max_minutes_per_day: int | None = None
    max_minutes_per_week: int | None = None
    longest_call: int | None = None
    max_span: int | None = None
    break_every: int | None = None
    break_minutes: int = 0
    meal_within: int | None = None
    meal_minutes: int = 0
    min_rest_between_days: int | None = None
    earliest_start: int | None = None
    latest_end: int | None = None
    free_days_per_week: int = 0
    class_counts_as_work: bool = True
    performance_counts_as_work: bool = True

    @property
    def has_break_rule(self) -> bool:
        return self.break_every is not None and self.break_minutes > 0

    @property
    def has_meal_rule(self) -> bool:
        return self.meal_within is not None and self.meal_minutes > 0

    def counts_as_work(self, commitment: Commitment) -> bool:
        if commitment.counts_as_work is not None:
            return commitment.counts_as_work
        if commitment.kind is CommitmentKind.CLASS:
            return self.class_counts_as_work
        if commitment.kind is CommitmentKind.PERFORMANCE:
            return self.performance_counts_as_work
        return commitment.kind is not CommitmentKind.MEDICAL


class PersonKind(StrEnum):
    DANCER = "dancer"
    STAFF = "staff"


@dataclass(frozen=True)
class Person:
    """A dancer or a member of staff.

    ``weight`` is what an hour of their waiting costs; ``max_minutes_per_day`` is a personal
    cap (a dancer returning from injury); ``labour`` overrides the company's rules for this
    person; ``preferred`` are the times of day they prefer to be called;
    ``prior_week_minutes`` is last week's load, against which a spike above
    ``spike_percent`` % is a penalty.
    """

    id: str
    name: str
    kind: PersonKind = PersonKind.DANCER
    weight: int = 1
    unavailable: tuple[Interval, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    max_minutes_per_day: int | None = None
    labour: LabourRules | None = None
    preferred: tuple[Window, ...] = ()
    prior_week_minutes: int | None = None
    spike_percent: int = 130


@dataclass(frozen=True)
class Studio:
    id: str
    name: str
    capacity: int
    piano: bool = False
    site: str = "main"
    unavailable: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Request:
    """What must be rehearsed, by whom, where and when.

    ``studios`` is an explicit list (empty: any studio); only those that also fit
    (capacity >= people, a piano if ``needs_piano``) are used. ``days`` are the allowed day
    indexes (empty: every day); ``windows`` the allowed times of day (empty: the whole
    working day). ``split`` cuts the minutes into that many equal calls; ``split_lengths``
    gives the length of each call instead. ``required`` requests must be placed.
    """

    id: str
    label: str
    minutes: int
    people: tuple[str, ...]
    section: str = ""
    studios: tuple[str, ...] = ()
    needs_piano: bool = False
    days: tuple[int, ...] = ()
    windows: tuple[Window, ...] = ()
    priority: int = 1
    split: int = 1
    split_lengths: tuple[int, ...] = ()
    required: bool = False
    preferred: tuple[Window, ...] = ()

    @cached_property
    def part_lengths(self) -> tuple[int, ...]:
        """The length of each call this request becomes (equal parts share the remainder)."""
        if self.split_lengths:
            return self.split_lengths
        n = max(1, self.split)
        base, extra = divmod(self.minutes, n)
        return tuple(base + (1 if k < extra else 0) for k in range(n))


@dataclass(frozen=True)
class Precedence:
    """Every call of request ``before`` ends before any call of request ``after`` starts."""

    before: str
    after: str


@dataclass(frozen=True)
class PublishedCall:
    """A call already announced: part ``part`` of ``request`` at ``start`` in ``studio``.

    ``people`` are the people it called when published (``None``: the request's people).
    A ``locked`` call must stay exactly where it is.
    """

    request: str
    part: int
    studio: str
    start: int
    people: tuple[str, ...] | None = None
    locked: bool = False


@dataclass(frozen=True)
class Travel:
    """Minutes a person needs to go from one site to another."""

    from_site: str
    to_site: str
    minutes: int


@dataclass(frozen=True)
class Weights:
    """Weights of the goals (all integers; the objective is minimised).

    Each goal has a name (see :data:`GOALS`): ``unplaced`` per minute not placed, times the
    request's priority; ``waiting`` per minute a person waits, times the person's weight;
    ``late_finish`` per person-minute of a call after ``late_after`` (time of day);
    ``long_day`` per minute of a working day beyond ``long_day_after``; ``preference`` per
    minute of a call outside the preferred times (of the request, and of each person);
    ``balance`` per minute of a dancer's busiest day; ``spike`` per minute of a week's load
    above the person's spike threshold; ``moved_call`` per published call moved or dropped;
    ``touched_person`` per person whose calls change.
    """

    unplaced: int = 100
    waiting: int = 1
    late_finish: int = 1
    late_after: int = 18 * 60
    long_day: int = 1
    long_day_after: int = 8 * 60
    preference: int = 1
    balance: int = 0
    spike: int = 1
    moved_call: int = 6000
    touched_person: int = 1000


GOALS: tuple[str, ...] = (
    "unplaced",
    "waiting",
    "late_finish",
    "long_day",
    "preference",
    "balance",
    "spike",
    "moved_call",
    "touched_person",
)


@dataclass(frozen=True)
class Part:
    """One call to place: part ``part`` of ``request`` (derived, not input)."""

    request: Request
    part: int
    length: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.request.id, self.part)

    @property
    def people(self) -> tuple[str, ...]:
        return self.request.people

    @property
    def name(self) -> str:
        if len(self.request.part_lengths) == 1:
            return self.request.label
        return f"{self.request.label} ({self.part + 1}/{len(self.request.part_lengths)})"


@dataclass(frozen=True)
class Problem:
    days: tuple[Day, ...]
    people: tuple[Person, ...]
    studios: tuple[Studio, ...]
    requests: tuple[Request, ...]
    labour: LabourRules = LabourRules()
    travel: tuple[Travel, ...] = ()
    precedences: tuple[Precedence, ...] = ()
    published: tuple[PublishedCall, ...] = ()
    weights: Weights = Weights()
    granularity: int = 15
    name: str = ""

    # -- lookups ---------------------------------------------------------------------------

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def studio_by_id(self) -> dict[str, Studio]:
        return {s.id: s for s in self.studios}

    @cached_property
    def request_by_id(self) -> dict[str, Request]:
        return {r.id: r for r in self.requests}

    @cached_property
    def parts(self) -> tuple[Part, ...]:
        return tuple(
            Part(request=r, part=k, length=length)
            for r in self.requests
            for k, length in enumerate(r.part_lengths)
        )

    @cached_property
    def travel_table(self) -> dict[tuple[str, str], int]:
        table: dict[tuple[str, str], int] = {}
        for t in self.travel:
            table[(t.from_site, t.to_site)] = t.minutes
            table.setdefault((t.to_site, t.from_site), t.minutes)
        return table

    def travel_minutes(self, from_site: str, to_site: str) -> int:
        """Minutes to go between two sites (0 on the same site; see :func:`validate`)."""
        if from_site == to_site:
            return 0
        return self.travel_table.get((from_site, to_site), 0)

    def labour_for(self, person: Person) -> LabourRules:
        return person.labour if person.labour is not None else self.labour

    @property
    def horizon(self) -> int:
        return len(self.days) * DAY

    def grid_starts(self, day: int, length: int) -> range:
        """Start times on the grid for a call of ``length`` inside the working window of
        ``day`` (absolute minutes)."""
        g, window = self.granularity, self.days[day]
        first = -(-(day * DAY + window.open) // g) * g
        return range(first, day * DAY + window.close - length + 1, g)

    def weeks(self) -> list[list[int]]:
        """Day indexes of each week of the horizon (7-day chunks from day 0)."""
        n = len(self.days)
        return [list(range(w, min(n, w + WEEK_DAYS))) for w in range(0, n, WEEK_DAYS)]

    # -- words -----------------------------------------------------------------------------

    def day_label(self, day: int) -> str:
        if 0 <= day < len(self.days) and self.days[day].label:
            return self.days[day].label
        return f"day {day + 1}"

    def when(self, minute: int) -> str:
        """``"Tue 10:00"`` for an absolute minute."""
        day, tod = divmod(minute, DAY)
        return f"{self.day_label(day)} {clock(tod)}"

    def person_name(self, person_id: str) -> str:
        person = self.person_by_id.get(person_id)
        return person.name if person else person_id

    def studio_name(self, studio_id: str) -> str:
        studio = self.studio_by_id.get(studio_id)
        return studio.name if studio else studio_id

    def request_label(self, request_id: str) -> str:
        request = self.request_by_id.get(request_id)
        return request.label if request else request_id


def clock(minute_of_day: int) -> str:
    """``615`` -> ``"10:15"`` (``1440`` -> ``"24:00"``)."""
    hours, minutes = divmod(minute_of_day, 60)
    return f"{hours:02d}:{minutes:02d}"


# -- validation --------------------------------------------------------------------------


def studio_fits(studio: Studio, request: Request) -> bool:
    """Capacity for everyone in the request, a piano if it needs one, and on its list."""
    if request.studios and studio.id not in request.studios:
        return False
    if studio.capacity < len(request.people):
        return False
    return studio.piano or not request.needs_piano


def validate(problem: Problem) -> Problem:
    """Check a problem; raise :class:`ProblemError` naming the first bad item."""
    _validate_basics(problem)
    _validate_people(problem)
    _validate_studios(problem)
    _validate_requests(problem)
    _validate_links(problem)
    return problem


def _fail(message: str) -> None:
    raise ProblemError(message)


def _check_interval(what: str, start: int, end: int, horizon: int) -> None:
    if end <= start:
        _fail(f"{what}: it ends ({end}) before or when it starts ({start}).")
    if start < 0 or start >= horizon + DAY:
        _fail(f"{what}: it starts outside the horizon.")


def _check_labour(what: str, rules: LabourRules) -> None:
    for field in dataclasses.fields(rules):
        value = getattr(rules, field.name)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            _fail(f"{what}: {field.name} is negative ({value}).")
    for field_name in ("earliest_start", "latest_end"):
        value = getattr(rules, field_name)
        if value is not None and not 0 <= value <= DAY:
            _fail(f"{what}: {field_name} must be a time of day between 00:00 and 24:00.")
    if rules.free_days_per_week > WEEK_DAYS:
        _fail(f"{what}: free_days_per_week cannot exceed {WEEK_DAYS}.")


def _validate_basics(problem: Problem) -> None:
    if not problem.days:
        _fail("The problem has no days: give at least one day with its working window.")
    g = problem.granularity
    if g <= 0 or DAY % g:
        _fail(f"granularity {g} must be a positive number of minutes that divides 1440.")
    for d, day in enumerate(problem.days):
        if not 0 <= day.open < day.close <= DAY:
            _fail(
                f"Day {problem.day_label(d)}: its working window {clock(day.open)}–"
                f"{clock(day.close)} is not a window inside the day."
            )
    _check_labour("The labour rules", problem.labour)
    for t in problem.travel:
        if t.minutes < 0:
            _fail(f"Travel from {t.from_site} to {t.to_site}: negative minutes ({t.minutes}).")
    weights = problem.weights
    for field in dataclasses.fields(weights):
        if getattr(weights, field.name) < 0:
            _fail(f"Weight {field.name} is negative.")


def _validate_people(problem: Problem) -> None:
    seen: set[str] = set()
    for person in problem.people:
        what = f"Person {person.id!r} ({person.name})"
        if person.id in seen:
            _fail(f"{what} is listed twice.")
        seen.add(person.id)
        if person.weight < 0:
            _fail(f"{what}: weight is negative.")
        if person.max_minutes_per_day is not None and person.max_minutes_per_day < 0:
            _fail(f"{what}: max_minutes_per_day is negative.")
        if person.prior_week_minutes is not None and person.prior_week_minutes < 0:
            _fail(f"{what}: prior_week_minutes is negative.")
        if person.spike_percent < 100:
            _fail(f"{what}: spike_percent must be at least 100.")
        for interval in person.unavailable:
            _check_interval(
                f"{what}, an unavailable time", interval.start, interval.end, problem.horizon
            )
        for c in person.commitments:
            _check_interval(
                f"{what}, commitment {c.label or c.kind}", c.start, c.end, problem.horizon
            )
        for w in person.preferred:
            _check_window(f"{what}, a preferred time", w)
        if person.labour is not None:
            _check_labour(f"{what}'s labour rules", person.labour)


def _validate_studios(problem: Problem) -> None:
    seen: set[str] = set()
    for studio in problem.studios:
        what = f"Studio {studio.id!r} ({studio.name})"
        if studio.id in seen:
            _fail(f"{what} is listed twice.")
        seen.add(studio.id)
        if studio.capacity < 0:
            _fail(f"{what}: capacity is negative.")
        for interval in studio.unavailable:
            _check_interval(
                f"{what}, an unavailable time", interval.start, interval.end, problem.horizon
            )


def _check_window(what: str, w: Window) -> None:
    if not 0 <= w.start < w.end <= DAY:
        _fail(f"{what} {clock(max(0, w.start))}–{clock(max(0, w.end))} is outside the day.")


def _validate_requests(problem: Problem) -> None:
    seen: set[str] = set()
    n_days = len(problem.days)
    for r in problem.requests:
        what = f"Request {r.id!r} ({r.label})"
        if r.id in seen:
            _fail(f"{what} is listed twice.")
        seen.add(r.id)
        if r.minutes <= 0:
            _fail(f"{what}: minutes must be positive, not {r.minutes}.")
        if not r.people:
            _fail(f"{what} needs nobody: list the people it calls.")
        for pid in r.people:
            if pid not in problem.person_by_id:
                _fail(f"{what} calls unknown person {pid!r}.")
        if len(set(r.people)) != len(r.people):
            _fail(f"{what} lists a person twice.")
        for sid in r.studios:
            if sid not in problem.studio_by_id:
                _fail(f"{what} names unknown studio {sid!r}.")
        if r.priority < 1:
            _fail(f"{what}: priority must be 1 or more.")
        if r.split < 1:
            _fail(f"{what}: split must be 1 or more.")
        if r.split_lengths:
            if any(length <= 0 for length in r.split_lengths):
                _fail(f"{what}: every call length in split_lengths must be positive.")
            if sum(r.split_lengths) != r.minutes:
                _fail(
                    f"{what}: split_lengths add up to {sum(r.split_lengths)} minutes, "
                    f"not the {r.minutes} requested."
                )
        elif r.minutes < r.split:
            _fail(f"{what}: {r.minutes} minutes cannot be split into {r.split} calls.")
        for d in r.days:
            if not 0 <= d < n_days:
                _fail(f"{what}: day {d} is outside the horizon (days 0–{n_days - 1}).")
        days = r.days or tuple(range(n_days))
        for w in (*r.windows, *r.preferred):
            _check_window(f"{what}: time window", w)
        for w in r.windows:
            if not any(
                w.start < problem.days[d].close and problem.days[d].open < w.end for d in days
            ):
                _fail(
                    f"{what}: time window {clock(w.start)}–{clock(w.end)} is outside the "
                    "working day of every day it allows."
                )
        if not any(studio_fits(s, r) for s in problem.studios):
            piano = " with a piano" if r.needs_piano else ""
            listed = f" among {', '.join(r.studios)}" if r.studios else ""
            _fail(
                f"{what} fits no studio: it needs room for {len(r.people)} people{piano}{listed}."
            )


def _validate_links(problem: Problem) -> None:
    for pr in problem.precedences:
        for rid in (pr.before, pr.after):
            if rid not in problem.request_by_id:
                _fail(f"Precedence {pr.before!r} before {pr.after!r}: unknown request {rid!r}.")
        if pr.before == pr.after:
            _fail(f"Precedence: request {pr.before!r} cannot come before itself.")
    seen: set[tuple[str, int]] = set()
    for c in problem.published:
        what = f"Published call of request {c.request!r} (part {c.part + 1})"
        request = problem.request_by_id.get(c.request)
        if request is None:
            _fail(f"{what}: unknown request {c.request!r}.")
            return
        if not 0 <= c.part < len(request.part_lengths):
            _fail(f"{what}: the request has {len(request.part_lengths)} part(s).")
        if (c.request, c.part) in seen:
            _fail(f"{what} is published twice.")
        seen.add((c.request, c.part))
        if c.studio not in problem.studio_by_id:
            _fail(f"{what}: unknown studio {c.studio!r}.")
        if not 0 <= c.start < problem.horizon:
            _fail(f"{what}: it starts outside the horizon.")
        for pid in c.people or ():
            if pid not in problem.person_by_id:
                _fail(f"{what} calls unknown person {pid!r}.")
    sites = {s.site for s in problem.studios}
    sites |= {c.site for p in problem.people for c in p.commitments if c.site is not None}
    for a in sorted(sites):
        for b in sorted(sites):
            if a != b and (a, b) not in problem.travel_table:
                _fail(f"No travel time from site {a!r} to site {b!r}: add it to travel.")
