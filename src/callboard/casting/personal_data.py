"""A person's casting (kept on erasure: the casting history is the company's record) and the
casting messages sent to them (removed on erasure). See core/personal_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.casting.models import CastAssignment, Notification
from callboard.core.personal_data import Part, when


def export(person: Any, viewer: Any) -> dict[str, Any] | None:
    cast = CastAssignment.objects.filter(dancer__person=person).select_related(
        "performance", "role__work"
    )
    messages = Notification.objects.filter(person=person)
    data = {
        "cast": [
            {
                "performance": str(a.performance),
                "starts_at": when(a.performance.starts_at),
                "work": a.role.work.title,
                "role": a.role.name,
                "cast": a.kind,
                "cover_rank": a.rank if a.kind == CastAssignment.Kind.COVER else None,
                "assigned_at": when(a.assigned_at),
            }
            for a in cast
        ],
        "messages": [
            {"subject": n.subject, "body": n.body, "sent_at": when(n.created_at)} for n in messages
        ],
    }
    return data if any(data.values()) else None


def erase(person: Any, now: dt.datetime) -> int:
    return int(Notification.objects.filter(person=person).delete()[0])


PART = Part("casting", export, erase)
