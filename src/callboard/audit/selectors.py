"""Reading the history, with its one rule of access.

Medical entries (injuries and return-to-dance plans) are read only by the medical staff
(``Cap.VIEW_MEDICAL``, with no superuser bypass, as in :mod:`callboard.wellbeing.access`)
and by the dancer the record is about. Every other entry is shown to whoever may open the
page of its record; the company-wide history is for ``Cap.VIEW_AUDIT``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from callboard.audit.models import AuditEntry
from callboard.audit.services import record_key
from callboard.core.roles import CAPABILITIES, Cap, user_roles

TRAIL_LIMIT = 50


def may_see_medical(user: Any) -> bool:
    """The medical staff (no superuser bypass: running the installation is no reason)."""
    return bool(user_roles(user) & CAPABILITIES[Cap.VIEW_MEDICAL])


def visible_to(user: Any, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """``entries`` without the medical ones ``user`` may not read."""
    if may_see_medical(user):
        return entries
    own = Q(subject__user_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    return entries.filter(Q(sensitivity=AuditEntry.Sensitivity.GENERAL) | own)


def trail_for(
    user: Any,
    obj: models.Model,
    *,
    kinds: Iterable[str] | None = None,
    limit: int = TRAIL_LIMIT,
) -> list[AuditEntry]:
    """The newest entries about ``obj`` and the records under it (one query)."""
    record_type, record_id = record_key(obj)
    entries = AuditEntry.objects.filter(
        Q(record_type=record_type, record_id=record_id)
        | Q(parent_type=record_type, parent_id=record_id)
    )
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return list(visible_to(user, entries).order_by("-at", "-pk")[:limit])


@dataclass(frozen=True)
class HistoryFilter:
    kind: str = ""
    actor_id: int | None = None
    system: bool = False  # only the changes Callboard made itself
    first_day: dt.date | None = None
    last_day: dt.date | None = None


def company_history(user: Any, which: HistoryFilter) -> QuerySet[AuditEntry]:
    """Every entry ``user`` may read, newest first, narrowed by ``which``."""
    entries = AuditEntry.objects.all()
    if which.kind:
        entries = entries.filter(kind=which.kind)
    if which.system:
        entries = entries.filter(actor__isnull=True)
    elif which.actor_id is not None:
        entries = entries.filter(actor_id=which.actor_id)
    zone = timezone.get_current_timezone()
    if which.first_day is not None:
        start = dt.datetime.combine(which.first_day, dt.time.min, tzinfo=zone)
        entries = entries.filter(at__gte=start)
    if which.last_day is not None:
        end = dt.datetime.combine(which.last_day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        entries = entries.filter(at__lt=end)
    return visible_to(user, entries).order_by("-at", "-pk")


def actors() -> list[tuple[int, str]]:
    """The people who have changed something, for the history's filter (one query)."""
    rows = (
        AuditEntry.objects.filter(actor__isnull=False)
        .order_by()
        .values_list("actor_id", "actor_name")
        .distinct()
    )
    names: dict[int, str] = {}
    for actor_id, name in rows:
        names.setdefault(actor_id, name)
    return sorted(names.items(), key=lambda item: item[1].lower())
