"""A person's calls (kept on erasure: published versions never change), their unavailability
and the notices of changes sent to them; calendar feeds are revoked on erasure. See
core/personal_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.core.personal_data import Part, when
from callboard.scheduling.models import (
    CalendarFeedToken,
    CallPerson,
    Notice,
    Schedule,
    Unavailability,
)


def export(person: Any, viewer: Any) -> dict[str, Any] | None:
    called = (
        CallPerson.objects.filter(person=person, call__schedule__status=Schedule.Status.PUBLISHED)
        .select_related("call__studio", "call__schedule")
        .order_by("call__starts_at", "call__schedule__number")
    )
    data = {
        "calls": [
            {
                "starts_at": when(c.call.starts_at),
                "ends_at": when(c.call.ends_at),
                "what": c.call.label,
                "studio": c.call.studio.name,
                "schedule_version": c.call.schedule.number,
            }
            for c in called
        ],
        "unavailability": [
            {"from": when(u.starts_at), "until": when(u.ends_at), "reason": u.reason}
            for u in Unavailability.objects.filter(person=person)
        ],
        "notices": [
            {"kind": n.kind, "subject": n.subject, "body": n.body}
            for n in Notice.objects.filter(person=person)
        ],
    }
    return data if any(data.values()) else None


def erase(person: Any, now: dt.datetime) -> int:
    touched = Unavailability.objects.filter(person=person).exclude(reason="").update(reason="")
    touched += Notice.objects.filter(person=person).delete()[0]
    touched += CalendarFeedToken.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return int(touched)


PART = Part("schedule", export, erase)
