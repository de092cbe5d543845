"""Reads of wellbeing: workload pages, the redacted planning view, medical records,
the scheduler's limits and the company's injury figures.

Two kinds of read, never mixed:

- :func:`planning_view`, :func:`planning_limits` and :func:`scheduling_limits` return only
  what planning needs ("unavailable", "limited to N minutes a day, no jumps"); no body
  part, diagnosis, mechanism or note ever passes through them;
- :func:`dancer_injuries` and :func:`injury_get` return the medical record, and check
  first that the reader is the dancer or medical staff.

Every page-sized read makes a fixed number of queries whatever the size of the company.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from callboard.company.models import Dancer
from callboard.core.errors import NotFound
from callboard.wellbeing import access
from callboard.wellbeing.models import BodyPart, Injury, ReturnStage
from callboard.wellbeing.planning import (
    DayLimit,
    Period,
    limit_on,
    periods,
    restricting_injuries,
)
from callboard.wellbeing.workload import (
    SpikeRule,
    Week,
    days_of,
    spike_rule,
    week_start,
    weekly,
    weeks_from_days,
)

# --------------------------------------------------------------------------- dancers


def dancer_get(*, pk: int) -> Dancer:
    found = Dancer.objects.select_related("person").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No dancer with id %(pk)s.") % {"pk": pk})
    return found


def roster() -> list[Dancer]:
    """Dancers whose workload is followed: everyone on the roster but the retired."""
    return list(
        Dancer.objects.exclude(status=Dancer.Status.RETIRED)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    )


# --------------------------------------------------------------------------- planning view


@dataclass(frozen=True)
class PlanningEntry:
    """A dancer's limits over a date range: no medical detail, by construction."""

    dancer: Dancer
    periods: tuple[Period, ...]

    def on(self, day: dt.date) -> DayLimit | None:
        for p in self.periods:
            if p.first <= day and (p.last is None or day <= p.last):
                return p.limit
        return None


def planning_view(
    *, start: dt.date, end: dt.date, dancers: Sequence[Dancer] | None = None
) -> list[PlanningEntry]:
    """The redacted planning view: who is unavailable or limited between ``start`` and
    ``end``, with dates, caps and restrictions only (three queries)."""
    injuries = restricting_injuries(
        dancer_ids=[d.pk for d in dancers] if dancers is not None else None, start=start, end=end
    )
    if dancers is None:
        found = Dancer.objects.filter(pk__in=list(injuries)).select_related("person")
        dancers = sorted(found, key=lambda d: (d.person.family_name, d.person.given_name))
    out = []
    for dancer in dancers:
        ps = periods(injuries.get(dancer.pk, []), start, end)
        if ps:
            out.append(PlanningEntry(dancer=dancer, periods=tuple(ps)))
    return out


def planning_limits(
    *, dancer_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, DayLimit]]:
    """Per dancer, the days ``start``…``end`` that carry a limit (two queries)."""
    injuries = restricting_injuries(dancer_ids=dancer_ids, start=start, end=end)
    out: dict[int, dict[dt.date, DayLimit]] = {}
    for dancer_id, items in injuries.items():
        days: dict[dt.date, DayLimit] = {}
        day = start
        while day <= end:
            limit = limit_on(items, day)
            if limit is not None:
                days[day] = limit
            day += dt.timedelta(days=1)
        if days:
            out[dancer_id] = days
    return out


# --------------------------------------------------------------------------- scheduler


@dataclass(frozen=True)
class DancerLimits:
    """What the rehearsal scheduler must respect for one dancer over its period.

    - ``unavailable``: days the dancer may not be called at all;
    - ``cap_minutes``: days with a most-minutes-a-day limit (from a *limited* stage);
    - ``restrictions``: per limited day, the restriction names ("no jumps"…), for the
      ballet master to read and for calls that need them to be refused;
    - ``performing_allowed``: per limited day, whether the stage allows performing;
    - ``prior_week_minutes``: minutes in the 7 days before ``start``;
    - ``baseline_minutes``: mean minutes of the four 7-day blocks before that;
    - ``spike``: the 7 days before ``start`` already spiked (see the spike rule);
    - ``week_minutes_cap``: the most minutes in a 7-day block that would not flag a spike
      (``CALLBOARD_SPIKE_RATIO`` × baseline), or ``None`` when the baseline is too small
      to judge.
    """

    dancer_id: int
    person_id: int
    unavailable: frozenset[dt.date] = frozenset()
    cap_minutes: dict[dt.date, int] = field(default_factory=dict)
    restrictions: dict[dt.date, tuple[str, ...]] = field(default_factory=dict)
    performing_allowed: dict[dt.date, bool] = field(default_factory=dict)
    prior_week_minutes: int = 0
    baseline_minutes: float = 0.0
    spike: bool = False
    week_minutes_cap: int | None = None

    def available_on(self, day: dt.date) -> bool:
        return day not in self.unavailable

    def cap_on(self, day: dt.date) -> int | None:
        return self.cap_minutes.get(day)

    @property
    def limited(self) -> bool:
        return bool(self.unavailable or self.cap_minutes or self.restrictions)


def scheduling_limits(
    *, dancers: Iterable[Dancer], start: dt.date, end: dt.date, today: dt.date | None = None
) -> dict[int, DancerLimits]:
    """Limits per dancer id for the scheduler (a fixed number of queries).

    Workload before ``start`` is measured in 7-day blocks ending the day before ``start``
    (not calendar weeks), so the scheduler sees exactly the load it adds to.
    """
    from django.utils import timezone

    dancers = list(dancers)
    today = today or timezone.localdate()
    rule = spike_rule()
    limits = planning_limits(dancer_ids=[d.pk for d in dancers], start=start, end=end)
    first = start - dt.timedelta(weeks=rule.baseline_weeks + 1)
    history = days_of(dancers=dancers, start=first, end=start - dt.timedelta(days=1), today=today)
    out: dict[int, DancerLimits] = {}
    for dancer in dancers:
        last_block = start - dt.timedelta(weeks=1)
        weeks = weeks_from_days(history.get(dancer.pk, []), last_block, 1, rule)
        prior = weeks[0]
        days = limits.get(dancer.pk, {})
        baseline = prior.baseline_minutes or 0.0
        cap = int(rule.ratio * baseline) if baseline >= rule.min_baseline_minutes else None
        out[dancer.pk] = DancerLimits(
            dancer_id=dancer.pk,
            person_id=dancer.person_id,
            unavailable=frozenset(d for d, x in days.items() if x.unavailable),
            cap_minutes={d: x.cap for d, x in days.items() if x.cap is not None},
            restrictions={
                d: tuple(x.restriction_labels)
                for d, x in days.items()
                if not x.unavailable and x.restrictions
            },
            performing_allowed={d: x.may_perform for d, x in days.items() if not x.unavailable},
            prior_week_minutes=prior.minutes,
            baseline_minutes=baseline,
            spike=prior.spike,
            week_minutes_cap=cap,
        )
    return out


# --------------------------------------------------------------------------- workload pages


@dataclass
class DancerWorkload:
    dancer: Dancer
    weeks: list[Week]
    focus: Week
    rule: SpikeRule
    planning: PlanningEntry | None
    today: dt.date

    @property
    def flagged_weeks(self) -> list[Week]:
        return [w for w in self.weeks if w.spike]

    @property
    def max_minutes(self) -> int:
        return max([w.minutes for w in self.weeks] + [1])

    @property
    def max_load(self) -> int:
        return max([w.load for w in self.weeks] + [1])


def dancer_workload(
    *, dancer: Dancer, user: Any, focus_week: dt.date, weeks: int, today: dt.date
) -> DancerWorkload:
    """A dancer's weeks ending with ``focus_week``, with their days and flags."""
    access.require_workload(user, dancer.pk)
    weeks = max(1, min(weeks, 52))
    focus_week = week_start(focus_week)
    first = focus_week - dt.timedelta(weeks=weeks - 1)
    rule = spike_rule()
    series = weekly(dancers=[dancer], first_week=first, count=weeks, today=today, rule=rule)[
        dancer.pk
    ]
    plan = planning_view(start=today, end=today + dt.timedelta(days=56), dancers=[dancer])
    return DancerWorkload(
        dancer=dancer,
        weeks=series,
        focus=series[-1],
        rule=rule,
        planning=plan[0] if plan else None,
        today=today,
    )


@dataclass
class CompanyRow:
    dancer: Dancer
    focus: Week
    previous: Week
    limit: DayLimit | None


@dataclass
class RankRow:
    rank: str
    label: str
    dancers: int
    minutes: int
    flagged: int

    @property
    def mean_minutes(self) -> float:
        return self.minutes / self.dancers if self.dancers else 0.0


@dataclass
class CompanyWorkload:
    rows: list[CompanyRow]
    week_starts: list[dt.date]
    totals: list[int]  # company minutes per week
    loads: list[int]
    flagged: list[int]  # dancers flagged per week
    focus: dt.date
    rule: SpikeRule
    by_rank: list[RankRow]
    today: dt.date

    @property
    def max_total(self) -> int:
        return max([*self.totals, 1])

    @property
    def flagged_rows(self) -> list[CompanyRow]:
        """Dancers flagged this week or last week."""
        return [r for r in self.rows if r.focus.spike or r.previous.spike]


def company_workload(
    *, user: Any, focus_week: dt.date, weeks: int, today: dt.date
) -> CompanyWorkload:
    """Every dancer's focus week and the company's weekly totals (a fixed number of queries)."""
    access.require_company_workload(user)
    weeks = max(2, min(weeks, 26))
    focus_week = week_start(focus_week)
    first = focus_week - dt.timedelta(weeks=weeks - 1)
    rule = spike_rule()
    dancers = roster()
    series = weekly(dancers=dancers, first_week=first, count=weeks, today=today, rule=rule)
    limits = planning_limits(dancer_ids=[d.pk for d in dancers], start=today, end=today)
    rows = [
        CompanyRow(
            dancer=d,
            focus=series[d.pk][-1],
            previous=series[d.pk][-2],
            limit=limits.get(d.pk, {}).get(today),
        )
        for d in dancers
    ]
    rows.sort(
        key=lambda r: (
            not (r.focus.spike or r.previous.spike),
            r.dancer.rank_index,
            r.dancer.person.family_name,
        )
    )
    week_starts = [first + dt.timedelta(weeks=k) for k in range(weeks)]
    totals = [sum(series[d.pk][k].minutes for d in dancers) for k in range(weeks)]
    loads = [sum(series[d.pk][k].load for d in dancers) for k in range(weeks)]
    flagged = [sum(1 for d in dancers if series[d.pk][k].spike) for k in range(weeks)]
    by_rank = []
    for rank, label in Dancer.Rank.choices:
        members = [r for r in rows if r.dancer.rank == rank]
        if not members:
            continue
        by_rank.append(
            RankRow(
                rank=rank,
                label=str(label),
                dancers=len(members),
                minutes=sum(r.focus.minutes for r in members),
                flagged=sum(1 for r in members if r.focus.spike),
            )
        )
    return CompanyWorkload(
        rows=rows,
        week_starts=week_starts,
        totals=totals,
        loads=loads,
        flagged=flagged,
        focus=focus_week,
        rule=rule,
        by_rank=by_rank,
        today=today,
    )


# --------------------------------------------------------------------------- medical records


def _injuries_qs() -> QuerySet[Injury]:
    return Injury.objects.select_related("dancer__person", "recorded_by").prefetch_related(
        Prefetch("stages", queryset=ReturnStage.objects.order_by("starts_on"))
    )


def dancer_injuries(*, dancer: Dancer, user: Any) -> list[Injury]:
    """A dancer's medical record: the dancer and the medical staff only."""
    access.require_medical(user, dancer.pk)
    return list(_injuries_qs().filter(dancer=dancer).order_by("-occurred_on", "-pk"))


def injury_get(*, pk: int, user: Any) -> Injury:
    injury = _injuries_qs().filter(pk=pk).first()
    if injury is None:
        raise NotFound(_("No injury record with id %(pk)s.") % {"pk": pk})
    access.require_medical(user, injury.dancer_id)
    return injury


def medical_caseload(*, user: Any, today: dt.date) -> list[Injury]:
    """Injuries of every dancer that restrict today or later: medical staff only."""
    from callboard.core.errors import PermissionDenied

    if not access.is_medical(user):
        raise PermissionDenied(_("The caseload is for the medical staff."))
    return list(
        _injuries_qs()
        .filter(restricts=True)
        .exclude(restricted_until__lt=today)
        .order_by("dancer__person__family_name", "-occurred_on")[:200]
    )


# --------------------------------------------------------------------------- injury figures


@dataclass
class FigureCell:
    label: str
    injuries: int | None  # None: suppressed
    days_lost: int | None
    hours: float | None = None

    @property
    def rate(self) -> float | None:
        if self.injuries is None or not self.hours:
            return None
        return self.injuries / self.hours * 1000


@dataclass
class InjuryFigures:
    start: dt.date
    end: dt.date
    medical: bool
    min_cell: int
    total: FigureCell
    by_body_part: list[FigureCell]
    by_rank: list[FigureCell]
    suppressed: int

    @property
    def max_body_part(self) -> int:
        return max([c.injuries or 0 for c in self.by_body_part] + [1])


def _suppress(
    cells: list[FigureCell], k: int, *, also: set[str] | frozenset[str] = frozenset()
) -> int:
    """Hide every count under ``k`` (zero included, so that a hidden cell never tells that
    someone was injured) and the cells named in ``also``; if only one count with injuries
    is hidden, hide the next smallest too, so it cannot be worked out from the total."""
    hidden = [c for c in cells if c.injuries is not None and (c.injuries < k or c.label in also)]
    if sum(1 for c in hidden if c.injuries) == 1:
        others = sorted(
            (c for c in cells if c not in hidden and c.injuries), key=lambda c: c.injuries or 0
        )
        if others:
            hidden.append(others[0])
    for c in hidden:
        c.injuries = None
        c.days_lost = None
    return len(hidden)


def injury_figures(*, user: Any, start: dt.date, end: dt.date, today: dt.date) -> InjuryFigures:
    """Injuries per 1,000 hours danced, time lost, by body part and by rank.

    Medical staff see every cell. Management see the same tables with every count under
    ``CALLBOARD_INJURY_MIN_CELL`` hidden (zero too, so a hidden cell never says whether
    anyone was hurt), every rank with fewer dancers than that hidden (one guest artist's
    injuries are that guest's), and one more count where a single hidden one could be
    worked out from the total, so no dancer can be recognised. Nobody else sees them.
    """
    access.require_company_workload(user)
    medical = access.is_medical(user)
    k = int(getattr(settings, "CALLBOARD_INJURY_MIN_CELL", 3))
    injuries = list(
        Injury.objects.filter(occurred_on__gte=start, occurred_on__lte=end).values_list(
            "body_part", "time_lost_days", "dancer__rank"
        )
    )
    dancers = list(Dancer.objects.all().select_related("person"))
    days = days_of(dancers=dancers, start=start, end=end, today=today)
    minutes_by_rank: Counter[str] = Counter()
    rank_of = {d.pk: d.rank for d in dancers}
    for dancer_id, per in days.items():
        minutes_by_rank[rank_of[dancer_id]] += sum(d.minutes.total for d in per)
    total_hours = sum(minutes_by_rank.values()) / 60
    count_part: Counter[str] = Counter()
    lost_part: Counter[str] = Counter()
    count_rank: Counter[str] = Counter()
    lost_rank: Counter[str] = Counter()
    for part, lost, rank in injuries:
        count_part[part] += 1
        lost_part[part] += lost or 0
        count_rank[rank] += 1
        lost_rank[rank] += lost or 0
    by_part = [
        FigureCell(str(label), count_part[value], lost_part[value])
        for value, label in BodyPart.choices
        if count_part[value]
    ]
    by_part.sort(key=lambda c: -(c.injuries or 0))
    by_rank = [
        FigureCell(str(label), count_rank[value], lost_rank[value], minutes_by_rank[value] / 60)
        for value, label in Dancer.Rank.choices
        if count_rank[value] or minutes_by_rank[value]
    ]
    suppressed = 0
    if not medical:
        headcount = Counter(d.rank for d in dancers if d.status != Dancer.Status.RETIRED)
        few = {str(label) for value, label in Dancer.Rank.choices if headcount[value] < k}
        suppressed = _suppress(by_part, k) + _suppress(by_rank, k, also=few)
    total = FigureCell(
        _("All dancers"), len(injuries), sum(lost or 0 for _p, lost, _r in injuries), total_hours
    )
    if not medical and 0 < len(injuries) < k:
        total.injuries = None
        total.days_lost = None
        suppressed += 1
    return InjuryFigures(
        start=start,
        end=end,
        medical=medical,
        min_cell=k,
        total=total,
        by_body_part=by_part,
        by_rank=by_rank,
        suppressed=suppressed,
    )
