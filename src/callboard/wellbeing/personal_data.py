"""A dancer's injuries and return-to-dance plans: only for those who may see medical data
(the dancer and the medical staff, wellbeing/access.py). Erasure keeps each injury for the
company's injury figures and blanks its free text. See core/personal_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.core.personal_data import Part, when
from callboard.wellbeing.access import may_see_medical
from callboard.wellbeing.models import Injury, ReturnStage


def export(person: Any, viewer: Any) -> list[dict[str, Any]] | None:
    dancer = getattr(person, "dancer", None)
    if dancer is None or not may_see_medical(viewer, dancer.pk):
        return None
    injuries = Injury.objects.filter(dancer=dancer).prefetch_related("stages")
    return [
        {
            "date": when(i.occurred_on),
            "body_part": i.body_part,
            "side": i.side,
            "mechanism": i.mechanism,
            "doing_what": i.activity,
            "diagnosis": i.diagnosis,
            "time_lost_days": i.time_lost_days,
            "notes": i.notes,
            "return_to_dance": [{"stage": s.mode, "notes": s.notes} for s in i.stages.all()],
        }
        for i in injuries
    ] or None


def erase(person: Any, now: dt.datetime) -> int:
    injuries = Injury.objects.filter(dancer__person=person)
    touched = injuries.update(diagnosis="", notes="")
    touched += ReturnStage.objects.filter(injury__in=injuries).update(notes="")
    return int(touched)


PART = Part("injuries", export, erase)
