"""Reads of the workload pages: a dancer's weeks and the company's, with their flags, and the
company's injury figures (injuries per 1,000 hours danced, which needs the hours)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from callboard.company.models import Dancer
from callboard.scheduling.workload import SpikeRule, Week, days_of, spike_rule, week_start, weekly
from callboard.wellbeing import access
from callboard.wellbeing.models import BodyPart, Injury
from callboard.wellbeing.planning import DayLimit
from callboard.wellbeing.selectors import PlanningEntry, planning_limits, planning_view, roster


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
    k = int(settings.CALLBOARD_INJURY_MIN_CELL)
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
