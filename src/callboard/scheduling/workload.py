"""Dancers' minutes, derived, never typed: class, rehearsal calls and performances.

Sources, all read in a fixed number of queries whatever the size of the company:

- **company class** and other fixed events of kind *class* (scheduling's
  :class:`~callboard.scheduling.models.FixedEvent`): an event for *everyone* counts for
  every dancer on the roster that day (joined, not retired, inside a guest's engagement,
  not ruled out by a return-to-dance stage, and — from today on — not marked injured, on
  leave or guesting); an event naming people counts for those people;
- **rehearsal calls** of the *published* schedule (scheduling's ``published_calls``: the
  latest published version of each plan; drafts never count);
- **performances** danced: first cast only (covers and later casts do not dance), every
  performance not cancelled, for its whole running time (start to end).

Minutes count on the local day they start (the company's time zone for class and calls,
the venue's for performances). Load is minutes × the session rating of perceived exertion
(RPE, 0–10): a rating for the kind of session wins over a rating for the whole day; minutes
without any rating add no load and are shown as unrated.

Weekly spike rule (acute:chronic style): a week is flagged when its minutes (or its load)
exceed ``CALLBOARD_SPIKE_RATIO`` times the mean of the previous
``CALLBOARD_SPIKE_BASELINE_WEEKS`` weeks, unless that mean is below
``CALLBOARD_SPIKE_MIN_BASELINE_MINUTES`` (or ``…_LOAD``): a tiny baseline says nothing.
Load is compared only when ratings cover at least ``CALLBOARD_SPIKE_MIN_RATED_SHARE`` of
the minutes of the week and of each baseline week (a week nobody rated has no load).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from callboard.casting.models import CastAssignment
from callboard.company.models import Dancer
from callboard.core.zones import company_zone
from callboard.scheduling.models import FixedEvent
from callboard.scheduling.selectors import published_calls
from callboard.season.models import Performance
from callboard.wellbeing.models import ExertionRating, Session
from callboard.wellbeing.planning import InjuryData, limit_on, restricting_injuries

ONE_DAY = dt.timedelta(days=1)
KINDS = ("class", "rehearsal", "performance")


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SpikeRule:
    ratio: float
    baseline_weeks: int
    min_baseline_minutes: int
    min_baseline_load: int
    min_rated_share: float = 0.5

    @property
    def min_rated_percent(self) -> int:
        return round(self.min_rated_share * 100)


def spike_rule() -> SpikeRule:
    return SpikeRule(
        ratio=float(settings.CALLBOARD_SPIKE_RATIO),
        baseline_weeks=max(1, int(settings.CALLBOARD_SPIKE_BASELINE_WEEKS)),
        min_baseline_minutes=int(settings.CALLBOARD_SPIKE_MIN_BASELINE_MINUTES),
        min_baseline_load=int(settings.CALLBOARD_SPIKE_MIN_BASELINE_LOAD),
        min_rated_share=float(settings.CALLBOARD_SPIKE_MIN_RATED_SHARE),
    )


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]


def _minutes(starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    return max(0, int((ends_at - starts_at).total_seconds() // 60))


# --------------------------------------------------------------------------- days


@dataclass
class DayMinutes:
    class_minutes: int = 0
    rehearsal: int = 0
    performance: int = 0

    @property
    def total(self) -> int:
        return self.class_minutes + self.rehearsal + self.performance

    def of(self, kind: str) -> int:
        return {
            "class": self.class_minutes,
            "rehearsal": self.rehearsal,
            "performance": self.performance,
        }[kind]

    def add(self, kind: str, minutes: int) -> None:
        if kind == "class":
            self.class_minutes += minutes
        elif kind == "rehearsal":
            self.rehearsal += minutes
        else:
            self.performance += minutes


@dataclass
class Day:
    day: dt.date
    minutes: DayMinutes
    ratings: dict[str, int] = field(default_factory=dict)  # session -> RPE

    def rpe_for(self, kind: str) -> int | None:
        if kind in self.ratings:
            return self.ratings[kind]
        return self.ratings.get(Session.DAY)

    @property
    def rating_items(self) -> list[tuple[str, int]]:
        """(short session name, RPE) in the order day, class, rehearsal, performance."""
        names: dict[str, str] = {
            Session.DAY.value: _("day"),
            Session.CLASS.value: _("class"),
            Session.REHEARSAL.value: _("rehearsal"),
            Session.PERFORMANCE.value: _("performance"),
        }
        return [(str(names[s]), self.ratings[s]) for s in Session.values if s in self.ratings]

    @property
    def load(self) -> int:
        total = 0
        for kind in KINDS:
            rpe = self.rpe_for(kind)
            if rpe is not None:
                total += self.minutes.of(kind) * rpe
        return total

    @property
    def rated_minutes(self) -> int:
        return sum(self.minutes.of(k) for k in KINDS if self.rpe_for(k) is not None)

    @property
    def unrated_minutes(self) -> int:
        return self.minutes.total - self.rated_minutes


def _everyone_eligible(
    dancer: Dancer, day: dt.date, today: dt.date, injuries: Sequence[InjuryData]
) -> bool:
    if dancer.status == Dancer.Status.RETIRED:
        return False
    if dancer.joined_on is not None and day < dancer.joined_on:
        return False
    if dancer.engagement_start is not None and day < dancer.engagement_start:
        return False
    if dancer.engagement_end is not None and day > dancer.engagement_end:
        return False
    if day >= today and dancer.status in (
        Dancer.Status.INJURED,
        Dancer.Status.ON_LEAVE,
        Dancer.Status.GUESTING,
    ):
        return False
    limit = limit_on(injuries, day) if injuries else None
    return not (limit is not None and limit.unavailable)


def _published_calls(
    start: dt.date, end: dt.date
) -> list[tuple[dt.datetime, dt.datetime, list[int]]]:
    """(start, end, person ids) of the calls in force on the published schedule, as the
    scheduling app defines them (the latest published version of each plan). Three queries.
    """

    return [
        (c.starts_at, c.ends_at, [cp.person_id for cp in c.called.all()])
        for c in published_calls(start, end)
    ]


def derive_minutes(
    *, dancers: Sequence[Dancer], start: dt.date, end: dt.date, today: dt.date
) -> dict[int, dict[dt.date, DayMinutes]]:
    """Minutes per dancer per day, ``start``…``end`` inclusive (a fixed number of queries)."""

    result: dict[int, dict[dt.date, DayMinutes]] = {
        d.pk: {day: DayMinutes() for day in days_between(start, end)} for d in dancers
    }
    if not dancers or end < start:
        return result
    zone = company_zone()
    start_at = dt.datetime.combine(start, dt.time(0, 0), tzinfo=zone)
    end_at = dt.datetime.combine(end + ONE_DAY, dt.time(0, 0), tzinfo=zone)
    by_person = {d.person_id: d for d in dancers}
    ids = set(result)
    injuries = restricting_injuries(dancer_ids=ids, start=start, end=end)

    # Class (and other fixed class events).
    events = (
        FixedEvent.objects.filter(
            kind=FixedEvent.Kind.CLASS, starts_at__gte=start_at, starts_at__lt=end_at
        )
        .only("pk", "starts_at", "ends_at", "everyone")
        .prefetch_related("people")
    )
    for event in events:
        day = event.starts_at.astimezone(zone).date()
        minutes = _minutes(event.starts_at, event.ends_at)
        named = {p.pk for p in event.people.all()}
        for dancer in dancers:
            if dancer.person_id in named or (
                event.everyone
                and _everyone_eligible(dancer, day, today, injuries.get(dancer.pk, []))
            ):
                result[dancer.pk][day].add("class", minutes)

    # Rehearsal calls of the published schedule.
    for call_start, call_end, person_ids in _published_calls(start, end):
        day = call_start.astimezone(zone).date()
        minutes = _minutes(call_start, call_end)
        for person_id in set(person_ids):
            called = by_person.get(person_id)
            if called is not None:
                result[called.pk][day].add("rehearsal", minutes)

    # Performances danced (first cast), once per performance whatever the number of roles.
    rows = (
        CastAssignment.objects.filter(
            dancer_id__in=ids,
            kind=CastAssignment.Kind.FIRST,
            performance__starts_at__gte=start_at - ONE_DAY,
            performance__starts_at__lt=end_at + ONE_DAY,
        )
        .exclude(performance__status=Performance.Status.CANCELLED)
        .values_list(
            "dancer_id",
            "performance_id",
            "performance__starts_at",
            "performance__ends_at",
            "performance__venue__time_zone",
        )
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    for dancer_id, perf_id, starts_at, ends_at, tz_name in rows:
        if (dancer_id, perf_id) in seen:
            continue
        seen.add((dancer_id, perf_id))
        try:
            venue_zone: dt.tzinfo = ZoneInfo(tz_name)
        except (ValueError, KeyError):
            venue_zone = zone
        day = starts_at.astimezone(venue_zone).date()
        if start <= day <= end:
            result[dancer_id][day].add("performance", _minutes(starts_at, ends_at))
    return result


def ratings_for(
    dancer_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, dict[str, int]]]:
    out: dict[int, dict[dt.date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for dancer_id, day, session, rpe in ExertionRating.objects.filter(
        dancer_id__in=list(dancer_ids), day__gte=start, day__lte=end
    ).values_list("dancer_id", "day", "session", "rpe"):
        out[dancer_id][day][session] = rpe
    return out


def days_of(
    *, dancers: Sequence[Dancer], start: dt.date, end: dt.date, today: dt.date
) -> dict[int, list[Day]]:
    """Each dancer's days with minutes and ratings (a fixed number of queries)."""
    minutes = derive_minutes(dancers=dancers, start=start, end=end, today=today)
    ratings = ratings_for(minutes.keys(), start, end)
    return {
        dancer_id: [
            Day(day=day, minutes=dm, ratings=dict(ratings.get(dancer_id, {}).get(day, {})))
            for day, dm in sorted(per_day.items())
        ]
        for dancer_id, per_day in minutes.items()
    }


# --------------------------------------------------------------------------- weeks


@dataclass
class Week:
    start: dt.date
    days: list[Day]
    class_minutes: int = 0
    rehearsal: int = 0
    performance: int = 0
    load: int = 0
    rated_minutes: int = 0
    baseline_minutes: float | None = None
    baseline_load: float | None = None
    minutes_ratio: float | None = None
    load_ratio: float | None = None
    minutes_spike: bool = False
    load_spike: bool = False

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def minutes(self) -> int:
        return self.class_minutes + self.rehearsal + self.performance

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def unrated_minutes(self) -> int:
        return self.minutes - self.rated_minutes

    @property
    def spike(self) -> bool:
        return self.minutes_spike or self.load_spike


def _sum_week(start: dt.date, days: list[Day]) -> Week:
    week = Week(start=start, days=days)
    for d in days:
        week.class_minutes += d.minutes.class_minutes
        week.rehearsal += d.minutes.rehearsal
        week.performance += d.minutes.performance
        week.load += d.load
        week.rated_minutes += d.rated_minutes
    return week


def _ratio(value: float, baseline: float | None, floor: int) -> float | None:
    if baseline is None or baseline < floor or baseline <= 0:
        return None
    return value / baseline


def apply_spike_rule(weeks: list[Week], rule: SpikeRule) -> None:
    """Fill baseline, ratio and flags of each week that has ``rule.baseline_weeks`` before it."""
    n = rule.baseline_weeks
    for i, week in enumerate(weeks):
        if i < n:
            continue
        before = weeks[i - n : i]
        week.baseline_minutes = sum(w.minutes for w in before) / n
        week.baseline_load = sum(w.load for w in before) / n
        week.minutes_ratio = _ratio(week.minutes, week.baseline_minutes, rule.min_baseline_minutes)
        # Load is compared only when ratings cover most minutes of every week compared:
        # a week without ratings has no load, and must not make the next one look heavy.
        rated = all(w.rated_minutes >= rule.min_rated_share * w.minutes for w in [*before, week])
        week.load_ratio = (
            _ratio(week.load, week.baseline_load, rule.min_baseline_load) if rated else None
        )
        week.minutes_spike = week.minutes_ratio is not None and week.minutes_ratio > rule.ratio
        week.load_spike = week.load_ratio is not None and week.load_ratio > rule.ratio


def weeks_from_days(days: list[Day], first: dt.date, count: int, rule: SpikeRule) -> list[Week]:
    """``count`` weeks of 7 days from ``first`` (plus the baseline weeks before them, which
    ``days`` must cover); only the ``count`` weeks are returned, with their flags."""
    by_day = {d.day: d for d in days}
    total = count + rule.baseline_weeks
    origin = first - dt.timedelta(weeks=rule.baseline_weeks)
    weeks = []
    for w in range(total):
        start = origin + dt.timedelta(weeks=w)
        week_days = [
            by_day.get(start + dt.timedelta(days=k))
            or Day(day=start + dt.timedelta(days=k), minutes=DayMinutes())
            for k in range(7)
        ]
        weeks.append(_sum_week(start, week_days))
    apply_spike_rule(weeks, rule)
    return weeks[rule.baseline_weeks :]


def weekly(
    *,
    dancers: Sequence[Dancer],
    first_week: dt.date,
    count: int,
    today: dt.date,
    rule: SpikeRule | None = None,
) -> dict[int, list[Week]]:
    """``count`` weeks per dancer from ``first_week`` (a Monday, or any day to align to)."""
    rule = rule or spike_rule()
    origin = first_week - dt.timedelta(weeks=rule.baseline_weeks)
    last = first_week + dt.timedelta(weeks=count) - ONE_DAY
    days = days_of(dancers=dancers, start=origin, end=last, today=today)
    return {
        dancer_id: weeks_from_days(per, first_week, count, rule) for dancer_id, per in days.items()
    }
