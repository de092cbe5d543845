"""What the rehearsal scheduler must respect for each dancer: the medical limits of
return-to-dance plans (wellbeing's planning view, no medical detail) and the load of the
weeks before (derived from published calls, :mod:`callboard.scheduling.workload`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from callboard.company.models import Dancer
from callboard.scheduling.workload import days_of, spike_rule, weeks_from_days
from callboard.wellbeing.selectors import planning_limits


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
