"""What an injury means for planning: the rules, in plain Python, and the reads behind them.

The medical record (body part, diagnosis, notes) never leaves :mod:`selectors` unless the
reader may see it. What planners, the casting board and the scheduler get is a
:class:`DayLimit` per dancer and day: *unavailable*, or *limited* to a number of minutes a
day with named restrictions (and whether performing is allowed).

The rules:

- a return-to-dance stage is in force from its first day until the next stage begins; a
  *full return* stage ends the plan; the last stage otherwise stays in force until the
  physiotherapist adds the next one;
- before an injury's first stage (or when it has none), the injury's *time lost* counts as
  unavailability from the day of injury: ``time_lost_days`` days;
- several injuries at once combine: unavailable if any says so, else the smallest cap,
  every restriction, and performing only if every stage allows it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from callboard.wellbeing.models import Injury, Restriction, ReturnStage

OUT = "out"
LIMITED = "limited"


@dataclass(frozen=True)
class StageData:
    starts_on: dt.date
    mode: str
    minutes: int | None = None
    restrictions: tuple[str, ...] = ()
    may_perform: bool = False


@dataclass(frozen=True)
class InjuryData:
    injury_id: int
    dancer_id: int
    occurred_on: dt.date
    time_lost_days: int | None
    stages: tuple[StageData, ...] = ()


@dataclass(frozen=True)
class DayLimit:
    """What a planner may know about one dancer on one day."""

    status: str  # OUT or LIMITED
    cap: int | None = None  # minutes a day, when limited
    restrictions: tuple[str, ...] = ()
    may_perform: bool = False

    @property
    def unavailable(self) -> bool:
        return self.status == OUT

    @property
    def restriction_labels(self) -> list[str]:
        return [restriction_label(code) for code in self.restrictions]

    def describe(self) -> str:
        """ "unavailable" or "limited to 90 minutes a day, no jumps, not performing"."""
        if self.unavailable:
            return _("unavailable")
        parts = []
        if self.cap is not None:
            parts.append(_("limited to %(n)d minutes a day") % {"n": self.cap})
        else:
            parts.append(_("limited"))
        parts.extend(self.restriction_labels)
        if not self.may_perform:
            parts.append(_("not performing"))
        return ", ".join(parts)


def restriction_label(code: str) -> str:
    try:
        return str(Restriction(code).label)
    except ValueError:
        return code


def _stage_limit(stage: StageData) -> DayLimit | None:
    if stage.mode == ReturnStage.Mode.OUT:
        return DayLimit(OUT)
    if stage.mode == ReturnStage.Mode.LIMITED:
        return DayLimit(
            LIMITED,
            cap=stage.minutes,
            restrictions=tuple(sorted(set(stage.restrictions))),
            may_perform=stage.may_perform,
        )
    return None


def injury_limit_on(injury: InjuryData, day: dt.date) -> DayLimit | None:
    """The limit one injury puts on ``day`` (``None``: none)."""
    if day < injury.occurred_on:
        return None
    stages = sorted(injury.stages, key=lambda s: s.starts_on)
    current = None
    for stage in stages:
        if stage.starts_on <= day:
            current = stage
        else:
            break
    if current is not None:
        return _stage_limit(current)
    lost = injury.time_lost_days or 0
    if lost and day < injury.occurred_on + dt.timedelta(days=lost):
        return DayLimit(OUT)
    return None


def combine(limits: Iterable[DayLimit | None]) -> DayLimit | None:
    found = [x for x in limits if x is not None]
    if not found:
        return None
    if any(x.unavailable for x in found):
        return DayLimit(OUT)
    caps = [x.cap for x in found if x.cap is not None]
    return DayLimit(
        LIMITED,
        cap=min(caps) if caps else None,
        restrictions=tuple(sorted({r for x in found for r in x.restrictions})),
        may_perform=all(x.may_perform for x in found),
    )


def limit_on(injuries: Iterable[InjuryData], day: dt.date) -> DayLimit | None:
    return combine(injury_limit_on(i, day) for i in injuries)


def restriction_window(injury: InjuryData) -> tuple[dt.date, dt.date | None] | None:
    """The days an injury restricts: (first, last) with ``None`` for open-ended, or ``None``.

    Used by the services to keep :class:`Injury`'s derived window in step.
    """
    stages = sorted(injury.stages, key=lambda s: s.starts_on)
    lost = injury.time_lost_days or 0
    first: dt.date | None = None
    last: dt.date | None = None
    open_ended = False
    if lost:
        fallback_end = injury.occurred_on + dt.timedelta(days=lost - 1)
        if stages:
            fallback_end = min(fallback_end, stages[0].starts_on - dt.timedelta(days=1))
        if fallback_end >= injury.occurred_on:
            first, last = injury.occurred_on, fallback_end
    for i, stage in enumerate(stages):
        if stage.mode == ReturnStage.Mode.FULL:
            continue
        start = max(stage.starts_on, injury.occurred_on)
        first = start if first is None else min(first, start)
        if i + 1 < len(stages):
            end = stages[i + 1].starts_on - dt.timedelta(days=1)
            last = end if last is None else max(last, end)
        else:
            open_ended = True
    if first is None:
        return None
    return first, (None if open_ended else last)


@dataclass(frozen=True)
class Period:
    """Consecutive days with the same limit, for the planning view."""

    first: dt.date
    last: dt.date | None  # None: until further notice
    limit: DayLimit


def periods(injuries: Sequence[InjuryData], start: dt.date, end: dt.date) -> list[Period]:
    """Merge the days ``start``…``end`` into periods of equal limit.

    The last period runs on past ``end`` to its real last day, or is open-ended (``last``
    is ``None``) when nothing recorded ends it.
    """
    out: list[Period] = []
    current: DayLimit | None = None
    first = start
    day = start
    one = dt.timedelta(days=1)
    while day <= end:
        limit = limit_on(injuries, day)
        if limit != current:
            if current is not None:
                out.append(Period(first, day - one, current))
            current, first = limit, day
        day += one
    if current is None:
        return out
    changes = [end]
    for injury in injuries:
        changes.extend(s.starts_on for s in injury.stages)
        changes.append(injury.occurred_on + dt.timedelta(days=injury.time_lost_days or 0))
    horizon = max(changes) + one
    last: dt.date | None = None
    day = end + one
    while day <= horizon:
        if limit_on(injuries, day) != current:
            last = day - one
            break
        day += one
    out.append(Period(first, last, current))
    return out


# --------------------------------------------------------------------------- reads


def _stage_data(stage: ReturnStage) -> StageData:
    codes = stage.restrictions if isinstance(stage.restrictions, list) else []
    return StageData(
        starts_on=stage.starts_on,
        mode=stage.mode,
        minutes=stage.minutes_per_day,
        restrictions=tuple(str(c) for c in codes),
        may_perform=stage.may_perform,
    )


def injury_data(injury: Injury) -> InjuryData:
    """Plain data of an injury whose ``stages`` are prefetched (or cheap to fetch)."""
    return InjuryData(
        injury_id=injury.pk,
        dancer_id=injury.dancer_id,
        occurred_on=injury.occurred_on,
        time_lost_days=injury.time_lost_days,
        stages=tuple(_stage_data(s) for s in injury.stages.all()),
    )


def restricting_injuries(
    *, dancer_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> dict[int, list[InjuryData]]:
    """Injuries that limit any day of ``start``…``end``, per dancer (two queries)."""
    qs = Injury.objects.filter(restricts=True, restricted_from__lte=end).filter(
        Q(restricted_until__isnull=True) | Q(restricted_until__gte=start)
    )
    if dancer_ids is not None:
        qs = qs.filter(dancer_id__in=list(dancer_ids))
    qs = qs.only("pk", "dancer_id", "occurred_on", "time_lost_days").prefetch_related(
        Prefetch("stages", queryset=ReturnStage.objects.order_by("starts_on"))
    )
    result: dict[int, list[InjuryData]] = defaultdict(list)
    for injury in qs:
        result[injury.dancer_id].append(injury_data(injury))
    return result


# --------------------------------------------------------------------------- the snapshot

# Casting asks "is this dancer available on this day?" once per dancer and cell, through a
# function that takes no context (casting.availability.dancer_unavailability). To keep the
# casting board at a fixed number of queries, the answer comes from a snapshot of the
# injuries that restrict anything from SNAPSHOT_DAYS_BACK days ago onwards, loaded with
# one query and reused while nothing can have changed it:
# - a new web request starts a new snapshot (request_started);
# - saving or deleting an injury or a stage in this process starts a new one (signals);
# - a new outermost transaction (each test runs in its own) starts a new one;
# - and whatever happens, a snapshot is never older than SNAPSHOT_MAX_AGE seconds, so a
#   long-running worker sees another process's changes within that time.
# Days older than the snapshot's window are answered with a direct query.

SNAPSHOT_DAYS_BACK = 400
SNAPSHOT_MAX_AGE = 5.0

_generation = 0
_generation_lock = threading.Lock()
_local = threading.local()


def invalidate_snapshot(**_kwargs: Any) -> None:
    global _generation
    with _generation_lock:
        _generation += 1


@dataclass
class _Snapshot:
    generation: int
    connection_id: int
    outer: Any
    loaded_at: float
    since: dt.date
    injuries: dict[int, list[InjuryData]] = field(default_factory=dict)


def _outer_block() -> Any:
    blocks = getattr(connection, "atomic_blocks", None) or []
    return blocks[0] if blocks else None


def _snapshot(today: dt.date) -> _Snapshot:
    snap: _Snapshot | None = getattr(_local, "snapshot", None)
    outer = _outer_block()
    fresh = (
        snap is not None
        and snap.generation == _generation
        and snap.connection_id == id(connection.connection)
        and snap.outer is outer
        and time.monotonic() - snap.loaded_at < SNAPSHOT_MAX_AGE
        and snap.since <= today - dt.timedelta(days=SNAPSHOT_DAYS_BACK - 30)
    )
    if fresh:
        assert snap is not None
        return snap
    since = today - dt.timedelta(days=SNAPSHOT_DAYS_BACK)
    generation = _generation
    injuries = restricting_injuries(dancer_ids=None, start=since, end=dt.date.max)
    snap = _Snapshot(
        generation=generation,
        connection_id=id(connection.connection),
        outer=outer,
        loaded_at=time.monotonic(),
        since=since,
        injuries=dict(injuries),
    )
    _local.snapshot = snap
    return snap


def day_limit(dancer_id: int, day: dt.date, *, today: dt.date | None = None) -> DayLimit | None:
    """The planning limit of one dancer on one day, from the snapshot (see above)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    snap = _snapshot(today)
    if day >= snap.since:
        return limit_on(snap.injuries.get(dancer_id, []), day)
    found = restricting_injuries(dancer_ids=[dancer_id], start=day, end=day)
    return limit_on(found.get(dancer_id, []), day)


def medical_status_on(dancer_ids: Iterable[int] | None, day: dt.date) -> dict[int, str]:
    """Dancer id -> "out" or "limited" on ``day`` (two queries): the roster's medical word.

    Only the planning view's word, never the medical detail; the company's roster reads it
    through :func:`callboard.company.selectors.set_medical_status_reader`.
    """
    found = restricting_injuries(dancer_ids=dancer_ids, start=day, end=day)
    result: dict[int, str] = {}
    for dancer_id, injuries in found.items():
        limit = limit_on(injuries, day)
        if limit is not None:
            result[dancer_id] = limit.status
    return result
