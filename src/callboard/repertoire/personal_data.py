"""The roles a person knows, for their data on request (see core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from callboard.core.personal_data import Part, when
from callboard.repertoire.models import DancerRole


def export(person: Any, viewer: Any) -> list[dict[str, Any]] | None:
    rows = DancerRole.objects.filter(dancer__person=person).select_related("role__work")
    return [
        {
            "work": r.role.work.title,
            "role": r.role.name,
            "status": r.status,
            "since": when(r.since),
            "first_danced_on": when(r.first_danced_on),
            "times_danced": r.times_danced,
        }
        for r in rows
    ] or None


PART = Part("roles_known", export)
