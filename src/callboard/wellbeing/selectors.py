"""Reads of wellbeing's medical part: the redacted planning view, medical records, the
scheduler's limits and the company's injury figures (the workload pages' reads are
:mod:`callboard.workload.selectors`).

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from callboard.company.models import Dancer
from callboard.core.errors import NotFound, PermissionDenied
from callboard.wellbeing import access
from callboard.wellbeing.models import Injury, ReturnStage
from callboard.wellbeing.planning import (
    DayLimit,
    Period,
    limit_on,
    periods,
    restricting_injuries,
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

    if not access.is_medical(user):
        raise PermissionDenied(_("The caseload is for the medical staff."))
    return list(
        _injuries_qs()
        .filter(restricts=True)
        .exclude(restricted_until__lt=today)
        .order_by("dancer__person__family_name", "-occurred_on")[:200]
    )
