"""A dancer's ratings of exertion, for those who may see their workload (the dancer,
management, the medical staff). See core/personal_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.core.personal_data import Part, when
from callboard.wellbeing.access import may_see_workload
from callboard.wellbeing.models import ExertionRating


def export(person: Any, viewer: Any) -> list[dict[str, Any]] | None:
    dancer = getattr(person, "dancer", None)
    if dancer is None or not may_see_workload(viewer, dancer.pk):
        return None
    return [
        {"day": when(r.day), "session": r.session, "exertion": r.rpe, "note": r.note}
        for r in ExertionRating.objects.filter(dancer=dancer).order_by("day", "session")
    ] or None


def erase(person: Any, now: dt.datetime) -> int:
    return int(
        ExertionRating.objects.filter(dancer__person=person).exclude(note="").update(note="")
    )


PART = Part("workload_ratings", export, erase)
