"""The independent checker: every hard rule of a schedule, verified against its problem.

Written from the rules in docs/solver.md, without the model-building code: it looks at
the calls as a ballet master would, person by person, day by day. ``check`` returns one
:class:`Violation` per broken rule instance, named by the rule (see :data:`RULES`).

Fixed commitments (class, performances, fittings...) are the company's given: a rule is
only broken when the calls make a figure worse than the limit *and* worse than the fixed
commitments alone already make it (docs/solver.md, "fixed commitments").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from callboard.scheduling.solver.messages import (
    Joined,
    Label,
    Minutes,
    Text,
    Value,
    gettext_noop,
    say,
)
from callboard.scheduling.solver.problem import (
    DAY,
    WEEK_DAYS,
    LabourRules,
    Person,
    Problem,
    clock,
)
from callboard.scheduling.solver.solution import Call

RULES: dict[str, str] = {
    "unknown_call": gettext_noop("a call must be a part of a request of the problem"),
    "duplicate_call": gettext_noop("each part of a request is placed at most once"),
    "call_length": gettext_noop("a call lasts exactly the minutes of its part"),
    "call_people": gettext_noop("a call calls exactly the request's people"),
    "studio_fit": gettext_noop(
        "a studio on the request's list, large enough, with a piano if needed"
    ),
    "studio_clash": gettext_noop("one call per studio at a time"),
    "studio_unavailable": gettext_noop("no call in a studio while it is unavailable"),
    "time_grid": gettext_noop("calls start on the time grid (every 15 minutes by default)"),
    "working_day": gettext_noop("calls lie inside the company's working window of their day"),
    "allowed_days": gettext_noop("calls fall on a day the request allows"),
    "time_window": gettext_noop("calls lie inside one of the request's time windows"),
    "person_clash": gettext_noop("nobody in two places at once (calls and fixed commitments)"),
    "person_unavailable": gettext_noop("nobody is called while unavailable"),
    "earliest_start": gettext_noop("no call starts before the earliest start"),
    "latest_end": gettext_noop("no call ends after the latest end"),
    "longest_call": gettext_noop("no call is longer than the longest call allowed"),
    "max_minutes_per_day": gettext_noop("most minutes of work a day"),
    "personal_daily_cap": gettext_noop("a person's own daily cap (returning from injury)"),
    "max_minutes_per_week": gettext_noop("most minutes of work a week"),
    "max_span": gettext_noop("longest span of a working day"),
    "short_break": gettext_noop("back-to-back work longer than break_every needs a short break"),
    "meal_break": gettext_noop("a longer rest within the first hours of a long day"),
    "rest_between_days": gettext_noop("least rest between two working days"),
    "free_days": gettext_noop("free days a week"),
    "travel": gettext_noop("time to travel between sites"),
    "precedence": gettext_noop("a request's calls come after those of the requests it follows"),
    "required": gettext_noop("required requests are placed in full"),
    "locked_call": gettext_noop("locked published calls stay where they are"),
}


# What each broken rule says (the app translates them; ``callboard check`` writes English).
PLACED_TWICE = gettext_noop("%(call)s is placed more than once.")
NOT_A_REQUEST = gettext_noop("%(call)s is not part of any request.")
WRONG_LENGTH = gettext_noop("%(call)s lasts %(duration)s instead of %(length)s.")
WRONG_PEOPLE = gettext_noop("%(call)s does not call the request's people.")
UNKNOWN_STUDIO = gettext_noop("%(call)s is in unknown studio “%(studio)s”.")
NOT_ON_LIST = gettext_noop("is not on the request's list")
TOO_SMALL = gettext_noop("holds %(capacity)s, %(called)s are called")
NO_PIANO = gettext_noop("has no piano")
STUDIO_DOES_NOT_FIT = gettext_noop("%(call)s is in %(studio)s, which %(problems)s.")
STUDIO_UNAVAILABLE = gettext_noop("%(call)s is in %(studio)s while it is unavailable.")
OFF_GRID = gettext_noop(
    "%(call)s starts at %(start)s, off the %(grid)s-minute grid calls start on."
)
OUTSIDE_HORIZON = gettext_noop("%(call)s is outside the horizon.")
OUTSIDE_WORKING_DAY = gettext_noop(
    "%(call)s (%(start)s–%(end)s) is outside the working day %(open)s–%(close)s of %(day)s."
)
DAY_NOT_ALLOWED = gettext_noop("%(call)s is on %(day)s, a day it does not allow.")
OUTSIDE_WINDOWS = gettext_noop(
    "%(call)s (%(start)s–%(end)s) is outside the request's time windows."
)
TOO_EARLY = gettext_noop(
    "%(who)s is called at %(start)s for %(call)s, before the earliest start %(earliest)s."
)
TOO_LATE = gettext_noop("%(who)s's call %(call)s ends at %(end)s, after the latest end %(latest)s.")
TOO_LONG = gettext_noop(
    "%(call)s lasts %(duration)s; %(who)s may be called for at most %(longest)s at a stretch."
)
UNAVAILABLE_BUT_CALLED = gettext_noop(
    "%(who)s is unavailable %(start)s–%(end)s but is called for %(call)s."
)
COMMITMENT_DURING = gettext_noop("%(who)s has %(commitment)s at %(when)s during %(call)s.")
STUDIO_TWICE = gettext_noop("%(first)s and %(second)s are both in %(studio)s at %(when)s.")
CALLED_TWICE = gettext_noop(
    "%(who)s is called to %(first)s and %(second)s at the same time (%(when)s)."
)
DAY_OVER_AGREEMENT = gettext_noop(
    "%(who)s works %(duration)s on %(day)s; the agreement allows %(allowed)s."
)
DAY_OVER_OWN_CAP = gettext_noop("%(who)s works %(duration)s on %(day)s; their own cap is %(cap)s.")
WEEK_OVER_AGREEMENT = gettext_noop(
    "%(who)s works %(duration)s in week %(week)s; the agreement allows %(allowed)s."
)
SPAN_OVER_AGREEMENT = gettext_noop(
    "%(who)s's working day on %(day)s spans %(duration)s; the agreement allows %(allowed)s."
)
NO_SHORT_BREAK = gettext_noop(
    "%(who)s works %(duration)s without a break of %(pause)s (%(start)s–%(end)s: %(calls)s); "
    "the agreement allows %(allowed)s back to back."
)
NO_MEAL_BREAK = gettext_noop(
    "%(who)s has no rest of %(rest)s starting by %(deadline)s on %(day)s (work from %(start)s "
    "to %(end)s)."
)
SHORT_REST = gettext_noop(
    "%(who)s rests only %(rest)s between %(day)s and %(next)s; the agreement asks for %(asked)s."
)
TOO_FEW_FREE_DAYS = gettext_noop(
    "%(who)s has %(free)s free day(s) in week %(week)s; the agreement asks for %(asked)s a "
    "week (%(need)s within these %(days)s days)."
)
NO_TIME_TO_TRAVEL = gettext_noop(
    "%(who)s has %(duration)s to go from %(first)s (%(first_site)s) to %(second)s "
    "(%(second_site)s); the journey takes %(journey)s."
)
BEFORE_ITS_PREDECESSOR = gettext_noop(
    "%(after)s starts at %(start)s, before %(before)s is over (%(end)s)."
)
REQUIRED_MISSING = gettext_noop("Required request %(what)s is missing %(missing)s call(s).")
LOCKED_MOVED = gettext_noop("The locked call %(what)s at %(when)s in %(studio)s was moved.")


@dataclass(frozen=True)
class Violation:
    """One broken rule: its name (a key of :data:`RULES`), what happened, and who/what."""

    rule: str
    text: Text
    """What happened, as a sentence the app writes in the reader's language."""
    items: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """What happened, in English."""
        return str(self.text)


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    work: bool
    site: str | None
    call: Call | None = None
    name: str = ""
    day: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", self.start // DAY)

    @property
    def is_call(self) -> bool:
        return self.call is not None


def check(problem: Problem, calls: Iterable[Call]) -> list[Violation]:
    """Every hard-rule violation of ``calls`` (a schedule) against ``problem``."""
    return Checker(problem).check(list(calls))


class Checker:
    """Reusable checks: the whole schedule, one call, one studio or one person."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self._fixed: dict[str, list[_Item]] = {}

    def _fixed_items(self, person: Person, rules: LabourRules) -> list[_Item]:
        items = self._fixed.get(person.id)
        if items is None:
            items = [
                _Item(
                    c.start, c.end, rules.counts_as_work(c), c.site, None, c.label or c.kind.value
                )
                for c in person.commitments
            ]
            self._fixed[person.id] = items
        return items

    def _label(self, item: _Item) -> Value:
        return self._call_title(item.call) if item.call is not None else Label(item.name)

    # -- the whole schedule ----------------------------------------------------------------

    def check(self, calls: Sequence[Call]) -> list[Violation]:
        out: list[Violation] = []
        seen: set[tuple[str, int]] = set()
        by_studio: dict[str, list[Call]] = defaultdict(list)
        by_person: dict[str, list[Call]] = defaultdict(list)
        for call in calls:
            if (call.request, call.part) in seen:
                out.append(
                    Violation(
                        "duplicate_call",
                        say(PLACED_TWICE, call=self._call_title(call)),
                        (call.request,),
                    )
                )
            seen.add((call.request, call.part))
            out.extend(self.check_call(call))
            by_studio[call.studio].append(call)
            for pid in call.people:
                by_person[pid].append(call)
        for sid, studio_calls in by_studio.items():
            out.extend(self.check_studio(sid, studio_calls))
        for pid, person_calls in by_person.items():
            if pid in self.p.person_by_id:
                out.extend(self.check_person(pid, person_calls))
        out.extend(self.check_precedence(calls))
        out.extend(self.check_mandatory(calls))
        return out

    # -- one call ----------------------------------------------------------------------------

    def check_call(self, call: Call) -> list[Violation]:
        p = self.p
        out: list[Violation] = []
        name = self._call_title(call)
        request = p.request_by_id.get(call.request)
        if request is None or not 0 <= call.part < len(request.part_lengths):
            return [Violation("unknown_call", say(NOT_A_REQUEST, call=name), (call.request,))]
        length = request.part_lengths[call.part]
        if call.end - call.start != length:
            out.append(
                Violation(
                    "call_length",
                    say(
                        WRONG_LENGTH,
                        call=name,
                        duration=Minutes(call.end - call.start),
                        length=Minutes(length),
                    ),
                    (call.request,),
                )
            )
        if tuple(sorted(call.people)) != tuple(sorted(request.people)):
            out.append(Violation("call_people", say(WRONG_PEOPLE, call=name), (call.request,)))
        studio = p.studio_by_id.get(call.studio)
        if studio is None:
            out.append(
                Violation(
                    "studio_fit",
                    say(UNKNOWN_STUDIO, call=name, studio=call.studio),
                    (call.request,),
                )
            )
        else:
            problems: list[Value] = []
            if request.studios and studio.id not in request.studios:
                problems.append(say(NOT_ON_LIST))
            if studio.capacity < len(request.people):
                problems.append(
                    say(TOO_SMALL, capacity=studio.capacity, called=len(request.people))
                )
            if request.needs_piano and not studio.piano:
                problems.append(say(NO_PIANO))
            if problems:
                out.append(
                    Violation(
                        "studio_fit",
                        say(
                            STUDIO_DOES_NOT_FIT,
                            call=name,
                            studio=studio.name,
                            problems=Joined(tuple(problems), "; "),
                        ),
                        (call.request, studio.id),
                    )
                )
            for gone in studio.unavailable:
                if gone.start < call.end and call.start < gone.end:
                    out.append(
                        Violation(
                            "studio_unavailable",
                            say(STUDIO_UNAVAILABLE, call=name, studio=studio.name),
                            (call.request, studio.id),
                        )
                    )
        day, tod = divmod(call.start, DAY)
        tod_end = call.end - day * DAY
        if call.start % p.granularity:
            out.append(
                Violation(
                    "time_grid",
                    say(OFF_GRID, call=name, start=clock(tod), grid=p.granularity),
                    (call.request,),
                )
            )
        if not 0 <= day < len(p.days):
            out.append(Violation("working_day", say(OUTSIDE_HORIZON, call=name), (call.request,)))
            return out
        window = p.days[day]
        if tod < window.open or tod_end > window.close:
            out.append(
                Violation(
                    "working_day",
                    say(
                        OUTSIDE_WORKING_DAY,
                        call=name,
                        start=clock(tod),
                        end=clock(tod_end),
                        open=clock(window.open),
                        close=clock(window.close),
                        day=p.day_label(day),
                    ),
                    (call.request,),
                )
            )
        if request.days and day not in request.days:
            out.append(
                Violation(
                    "allowed_days",
                    say(DAY_NOT_ALLOWED, call=name, day=p.day_label(day)),
                    (call.request,),
                )
            )
        if request.windows and not any(
            w.start <= tod and tod_end <= w.end for w in request.windows
        ):
            out.append(
                Violation(
                    "time_window",
                    say(OUTSIDE_WINDOWS, call=name, start=clock(tod), end=clock(tod_end)),
                    (call.request,),
                )
            )
        for pid in call.people:
            person = p.person_by_id.get(pid)
            if person is None:
                continue
            out.extend(self._call_person_rules(call, name, person, tod, tod_end))
        return out

    def _call_person_rules(
        self, call: Call, name: Value, person: Person, tod: int, tod_end: int
    ) -> Iterable[Violation]:
        rules = self.p.labour_for(person)
        who = (person.id, call.request)
        if rules.earliest_start is not None and tod < rules.earliest_start:
            yield Violation(
                "earliest_start",
                say(
                    TOO_EARLY,
                    who=person.name,
                    start=clock(tod),
                    call=name,
                    earliest=clock(rules.earliest_start),
                ),
                who,
            )
        if rules.latest_end is not None and tod_end > rules.latest_end:
            yield Violation(
                "latest_end",
                say(
                    TOO_LATE,
                    who=person.name,
                    call=name,
                    end=clock(tod_end),
                    latest=clock(rules.latest_end),
                ),
                who,
            )
        if rules.longest_call is not None and call.end - call.start > rules.longest_call:
            yield Violation(
                "longest_call",
                say(
                    TOO_LONG,
                    call=name,
                    duration=Minutes(call.end - call.start),
                    who=person.name,
                    longest=Minutes(rules.longest_call),
                ),
                who,
            )
        for gone in person.unavailable:
            if gone.start < call.end and call.start < gone.end:
                yield Violation(
                    "person_unavailable",
                    say(
                        UNAVAILABLE_BUT_CALLED,
                        who=person.name,
                        start=self.p.when(gone.start),
                        end=clock(gone.end - gone.start // DAY * DAY),
                        call=name,
                    ),
                    who,
                )
        for c in person.commitments:
            if c.start < call.end and call.start < c.end:
                yield Violation(
                    "person_clash",
                    say(
                        COMMITMENT_DURING,
                        who=person.name,
                        commitment=Label(c.label or c.kind.value),
                        when=self.p.when(c.start),
                        call=name,
                    ),
                    who,
                )

    # -- one studio ------------------------------------------------------------------------

    def check_studio(self, studio_id: str, calls: Sequence[Call]) -> list[Violation]:
        out: list[Violation] = []
        ordered = sorted(calls, key=lambda c: (c.start, c.end))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.start >= a.end:
                    break
                out.append(
                    Violation(
                        "studio_clash",
                        say(
                            STUDIO_TWICE,
                            first=self._call_title(a),
                            second=self._call_title(b),
                            studio=self.p.studio_name(studio_id),
                            when=self.p.when(b.start),
                        ),
                        (studio_id, a.request, b.request),
                    )
                )
        return out

    # -- one person --------------------------------------------------------------------------

    def check_person(
        self, person_id: str, calls: Sequence[Call], *, focus_day: int | None = None
    ) -> list[Violation]:
        """Clashes between the person's calls and every labour rule over their week.

        With ``focus_day``, only the rules a call on that day can break are checked: that
        day's, the rest on either side of it, and its week's (the caller knows the rest
        of the schedule is valid)."""
        p = self.p
        person = p.person_by_id[person_id]
        rules = p.labour_for(person)
        out: list[Violation] = []
        ordered = sorted(calls, key=lambda c: (c.start, c.end))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.start >= a.end:
                    break
                out.append(
                    Violation(
                        "person_clash",
                        say(
                            CALLED_TWICE,
                            who=person.name,
                            first=self._call_title(a),
                            second=self._call_title(b),
                            when=p.when(b.start),
                        ),
                        (person.id, a.request, b.request),
                    )
                )
        items = [
            _Item(
                c.start,
                c.end,
                True,
                p.studio_by_id[c.studio].site if c.studio in p.studio_by_id else None,
                c,
            )
            for c in ordered
        ]
        items += self._fixed_items(person, rules)
        items.sort(key=lambda it: (it.start, it.end))
        work = [it for it in items if it.work]
        fixed_work = [it for it in work if not it.is_call]
        days = None if focus_day is None else {focus_day}
        out.extend(self._daily_minutes(person, rules, work, fixed_work, days))
        out.extend(self._weekly_minutes(person, rules, work, fixed_work, days))
        out.extend(self._span(person, rules, work, fixed_work, days))
        out.extend(self._short_breaks(person, rules, work, days))
        out.extend(self._meal_break(person, rules, work, days))
        out.extend(self._rest_between_days(person, rules, work, fixed_work, days))
        out.extend(self._free_days(person, rules, work, fixed_work, days))
        out.extend(self._travel(person, items, days))
        return out

    def _daily_minutes(
        self, person: Person, rules: LabourRules, work: list[_Item], fixed: list[_Item], only: Days
    ) -> Iterable[Violation]:
        total = _minutes_by_day(work)
        given = _minutes_by_day(fixed)
        for day, minutes in sorted(total.items()):
            if (only is not None and day not in only) or minutes <= given.get(day, 0):
                continue
            label = self.p.day_label(day)
            if rules.max_minutes_per_day is not None and minutes > rules.max_minutes_per_day:
                yield Violation(
                    "max_minutes_per_day",
                    say(
                        DAY_OVER_AGREEMENT,
                        who=person.name,
                        duration=Minutes(minutes),
                        day=label,
                        allowed=Minutes(rules.max_minutes_per_day),
                    ),
                    (person.id,),
                )
            if person.max_minutes_per_day is not None and minutes > person.max_minutes_per_day:
                yield Violation(
                    "personal_daily_cap",
                    say(
                        DAY_OVER_OWN_CAP,
                        who=person.name,
                        duration=Minutes(minutes),
                        day=label,
                        cap=Minutes(person.max_minutes_per_day),
                    ),
                    (person.id,),
                )

    def _weekly_minutes(
        self, person: Person, rules: LabourRules, work: list[_Item], fixed: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if rules.max_minutes_per_week is None:
            return
        total = _minutes_by_day(work)
        given = _minutes_by_day(fixed)
        for week, days in enumerate(self.p.weeks()):
            if only is not None and only.isdisjoint(days):
                continue
            minutes = sum(total.get(d, 0) for d in days)
            if minutes > rules.max_minutes_per_week and minutes > sum(
                given.get(d, 0) for d in days
            ):
                yield Violation(
                    "max_minutes_per_week",
                    say(
                        WEEK_OVER_AGREEMENT,
                        who=person.name,
                        duration=Minutes(minutes),
                        week=week + 1,
                        allowed=Minutes(rules.max_minutes_per_week),
                    ),
                    (person.id,),
                )

    def _span(
        self, person: Person, rules: LabourRules, work: list[_Item], fixed: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if rules.max_span is None:
            return
        spans = _span_by_day(_on(work, only))
        given = _span_by_day(_on(fixed, only))
        for day, span in sorted(spans.items()):
            if span > rules.max_span and span > given.get(day, 0):
                yield Violation(
                    "max_span",
                    say(
                        SPAN_OVER_AGREEMENT,
                        who=person.name,
                        day=self.p.day_label(day),
                        duration=Minutes(span),
                        allowed=Minutes(rules.max_span),
                    ),
                    (person.id,),
                )

    def _short_breaks(
        self, person: Person, rules: LabourRules, work: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if not rules.has_break_rule or rules.break_every is None:
            return
        stretches: list[list[_Item]] = []
        end = None
        near = None if only is None else {d + k for d in only for k in (-1, 0, 1)}
        for it in _on(work, near):
            if end is not None and it.start - end < rules.break_minutes:
                stretches[-1].append(it)
                end = max(end, it.end)
            else:
                stretches.append([it])
                end = it.end
        for stretch in stretches:
            first = stretch[0].start
            last = max(it.end for it in stretch)
            if (
                len(stretch) >= 2
                and any(it.is_call for it in stretch)
                and last - first > rules.break_every
            ):
                yield Violation(
                    "short_break",
                    say(
                        NO_SHORT_BREAK,
                        who=person.name,
                        duration=Minutes(last - first),
                        pause=Minutes(rules.break_minutes),
                        start=self.p.when(first),
                        end=clock(last % DAY),
                        calls=Joined(tuple(self._label(it) for it in stretch), ", "),
                        allowed=Minutes(rules.break_every),
                    ),
                    (person.id,),
                )

    def _meal_break(
        self, person: Person, rules: LabourRules, work: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if not rules.has_meal_rule or rules.meal_within is None:
            return
        by_day: dict[int, list[_Item]] = defaultdict(list)
        for it in _on(work, only):
            by_day[it.day].append(it)
        for day, items in sorted(by_day.items()):
            if not any(it.is_call for it in items):
                continue
            first = min(it.start for it in items)
            last = max(it.end for it in items)
            if last - first <= rules.meal_within:
                continue
            deadline = first + rules.meal_within
            ok = False
            covered_to = first
            for it in sorted(items, key=lambda i: i.start):
                if it.start - covered_to >= rules.meal_minutes and covered_to <= deadline:
                    ok = True
                    break
                covered_to = max(covered_to, it.end)
            if not ok:
                yield Violation(
                    "meal_break",
                    say(
                        NO_MEAL_BREAK,
                        who=person.name,
                        rest=Minutes(rules.meal_minutes),
                        deadline=clock(deadline % DAY),
                        day=self.p.day_label(day),
                        start=clock(first % DAY),
                        end=clock(last - day * DAY),
                    ),
                    (person.id,),
                )

    def _rest_between_days(
        self, person: Person, rules: LabourRules, work: list[_Item], fixed: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if rules.min_rest_between_days is None:
            return
        bounds = _first_last_by_day(work)
        given = _first_last_by_day(fixed)
        for day in range(len(self.p.days) - 1):
            if only is not None and day not in only and day + 1 not in only:
                continue
            if day not in bounds or day + 1 not in bounds:
                continue
            rest = bounds[day + 1][0] - bounds[day][1]
            given_rest = (
                given[day + 1][0] - given[day][1] if day in given and day + 1 in given else None
            )
            if rest < rules.min_rest_between_days and (given_rest is None or rest < given_rest):
                yield Violation(
                    "rest_between_days",
                    say(
                        SHORT_REST,
                        who=person.name,
                        rest=Minutes(rest),
                        day=self.p.day_label(day),
                        next=self.p.day_label(day + 1),
                        asked=Minutes(rules.min_rest_between_days),
                    ),
                    (person.id,),
                )

    def _free_days(
        self, person: Person, rules: LabourRules, work: list[_Item], fixed: list[_Item], only: Days
    ) -> Iterable[Violation]:
        if rules.free_days_per_week <= 0:
            return
        worked = {it.day for it in work}
        given = {it.day for it in fixed}
        for week, days in enumerate(self.p.weeks()):
            if only is not None and only.isdisjoint(days):
                continue
            need = max(0, rules.free_days_per_week - (WEEK_DAYS - len(days)))
            free = sum(1 for d in days if d not in worked)
            given_free = sum(1 for d in days if d not in given)
            if free < need and free < given_free:
                yield Violation(
                    "free_days",
                    say(
                        TOO_FEW_FREE_DAYS,
                        who=person.name,
                        free=free,
                        week=week + 1,
                        asked=rules.free_days_per_week,
                        need=need,
                        days=len(days),
                    ),
                    (person.id,),
                )

    def _travel(self, person: Person, items: list[_Item], only: Days) -> Iterable[Violation]:
        near = None if only is None else {d + k for d in only for k in (-1, 0, 1)}
        located = [it for it in _on(items, near) if it.site is not None]
        for i, a in enumerate(located):
            for b in located[i + 1 :]:
                if not (a.is_call or b.is_call) or a.site == b.site:
                    continue
                first, second = (a, b) if (a.start, a.end) <= (b.start, b.end) else (b, a)
                if second.start < first.end:
                    continue  # a clash, reported as such
                assert first.site is not None and second.site is not None
                need = self.p.travel_minutes(first.site, second.site)
                if second.start - first.end < need:
                    yield Violation(
                        "travel",
                        say(
                            NO_TIME_TO_TRAVEL,
                            who=person.name,
                            duration=Minutes(second.start - first.end),
                            first=self._label(first),
                            first_site=first.site,
                            second=self._label(second),
                            second_site=second.site,
                            journey=Minutes(need),
                        ),
                        (person.id,),
                    )

    # -- across requests ---------------------------------------------------------------------

    def check_precedence(self, calls: Sequence[Call]) -> list[Violation]:
        by_request: dict[str, list[Call]] = defaultdict(list)
        for c in calls:
            by_request[c.request].append(c)
        out: list[Violation] = []
        for pr in self.p.precedences:
            before, after = by_request.get(pr.before, []), by_request.get(pr.after, [])
            if not before or not after:
                continue
            last_end = max(c.end for c in before)
            first_start = min(c.start for c in after)
            if last_end > first_start:
                out.append(
                    Violation(
                        "precedence",
                        say(
                            BEFORE_ITS_PREDECESSOR,
                            after=Label(self.p.request_label(pr.after)),
                            start=self.p.when(first_start),
                            before=Label(self.p.request_label(pr.before)),
                            end=self.p.when(last_end),
                        ),
                        (pr.before, pr.after),
                    )
                )
        return out

    def check_mandatory(self, calls: Sequence[Call]) -> list[Violation]:
        placed = {(c.request, c.part): c for c in calls}
        out: list[Violation] = []
        for r in self.p.requests:
            if r.required:
                missing = [k for k in range(len(r.part_lengths)) if (r.id, k) not in placed]
                if missing:
                    out.append(
                        Violation(
                            "required",
                            say(REQUIRED_MISSING, what=Label(r.label), missing=len(missing)),
                            (r.id,),
                        )
                    )
        for pub in self.p.published:
            if not pub.locked:
                continue
            call = placed.get((pub.request, pub.part))
            if call is None or call.studio != pub.studio or call.start != pub.start:
                out.append(
                    Violation(
                        "locked_call",
                        say(
                            LOCKED_MOVED,
                            what=Label(self.p.request_label(pub.request)),
                            when=self.p.when(pub.start),
                            studio=self.p.studio_name(pub.studio),
                        ),
                        (pub.request,),
                    )
                )
        return out

    # -- helpers -----------------------------------------------------------------------------

    def _call_name(self, call: Call) -> str:
        return str(self._call_title(call))

    def _call_title(self, call: Call) -> Value:
        request = self.p.request_by_id.get(call.request)
        if request is None:
            return repr(call.request)
        n = len(request.part_lengths)
        if n == 1:
            return Label(request.label)
        return Text(
            "%(label)s (%(part)s/%(parts)s)",
            (("label", Label(request.label)), ("part", call.part + 1), ("parts", n)),
        )


Days = set[int] | None


def _on(items: Iterable[_Item], days: Days) -> list[_Item]:
    return list(items) if days is None else [it for it in items if it.day in days]


def _minutes_by_day(items: Iterable[_Item]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for it in items:
        out[it.day] += it.end - it.start
    return out


def _first_last_by_day(items: Iterable[_Item]) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {}
    for it in items:
        first, last = out.get(it.day, (it.start, it.end))
        out[it.day] = (min(first, it.start), max(last, it.end))
    return out


def _span_by_day(items: Iterable[_Item]) -> dict[int, int]:
    return {d: last - first for d, (first, last) in _first_last_by_day(items).items()}
