"""Programmes: one or more works, in order, with the intervals between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, ValidationFailed, reject_unknown_fields
from callboard.core.roles import Cap, require
from callboard.repertoire.models import Work
from callboard.season.models import Programme, ProgrammeWork, Season
from callboard.season.services.common import (
    MAX_INTERVAL_MINUTES,
    PROGRAMME_FIELDS,
    _required,
    _save,
)


@dataclass(frozen=True)
class ProgrammeItem:
    """A work on a programme, in order, and the interval that follows it."""

    work: Work
    interval_after_minutes: int = 0


def _programme_checks(
    *, programme: Programme | None, season: Season, title: str, items: Sequence[ProgrammeItem]
) -> str:
    title = _required(title, field="title", message=_("Give the programme a title."))
    if not items:
        raise ValidationFailed(_("A programme needs at least one work."), field="items")
    seen: set[int] = set()
    for item in items:
        if item.work.pk in seen:
            raise ValidationFailed(
                _("“%(work)s” is on the programme twice; list each work once.")
                % {"work": item.work.title},
                field="items",
            )
        seen.add(item.work.pk)
        if not 0 <= item.interval_after_minutes <= MAX_INTERVAL_MINUTES:
            raise ValidationFailed(
                _("An interval lasts between 0 and %(max)s minutes.")
                % {"max": MAX_INTERVAL_MINUTES},
                field="items",
            )
    duplicate = Programme.objects.filter(season=season, title__iexact=title)
    if programme is not None:
        duplicate = duplicate.exclude(pk=programme.pk)
    if duplicate.exists():
        raise Conflict(
            _("The season already has a programme called “%(title)s”.") % {"title": title},
            field="title",
        )
    return title


def _items_of(programme: Programme) -> list[ProgrammeItem]:
    return [
        ProgrammeItem(work=pw.work, interval_after_minutes=pw.interval_after_minutes)
        for pw in programme.items.select_related("work").order_by("order")
    ]


def _write_items(programme: Programme, items: Sequence[ProgrammeItem]) -> None:
    programme.items.all().delete()
    ProgrammeWork.objects.bulk_create(
        ProgrammeWork(
            programme=programme,
            work=item.work,
            order=index,
            interval_after_minutes=item.interval_after_minutes,
        )
        for index, item in enumerate(items)
    )


@transaction.atomic
def programme_create(
    *,
    season: Season,
    title: str,
    items: Sequence[ProgrammeItem],
    notes: str = "",
    by: Actor,
    now: dt.datetime,
) -> Programme:
    require(by, Cap.EDIT_SEASON)
    title = _programme_checks(programme=None, season=season, title=title, items=items)
    programme = Programme(season=season, title=title, notes=(notes or "").strip())
    _save(programme, _("The season already has a programme with that title."))
    _write_items(programme, items)
    audit.record(
        actor=by,
        action="season.programme_create",
        obj=programme,
        at=now,
        summary=_("Programme %(title)s added") % {"title": programme.title},
        changes=audit.diff({}, audit.fields_of(programme, ("season", "title", "notes"))),
    )
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Programme:
    """Change a programme and its works (``changes``: the fields that change; ``items`` is the
    whole list of works). Booked performances keep their end times."""
    require(by, Cap.EDIT_SEASON)
    reject_unknown_fields(changes, PROGRAMME_FIELDS)
    before = {
        **audit.fields_of(programme, ("season", "title", "notes")),
        "items": _items_of(programme) if "items" not in changes else None,
    }
    values = {**before, **changes}
    season, title, notes = values["season"], values["title"], values["notes"]
    items: Sequence[ProgrammeItem] = values["items"]
    title = _programme_checks(programme=programme, season=season, title=title, items=items)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if season.pk != locked.season_id and locked.performances.exists():
        raise ValidationFailed(
            _("The programme has performances; it cannot move to another season."), field="season"
        )
    locked.season, locked.title, locked.notes = season, title, (notes or "").strip()
    _save(locked, _("The season already has a programme with that title."))
    _write_items(locked, items)
    programme.season, programme.title, programme.notes = season, title, locked.notes
    audit.record(
        actor=by,
        action="season.programme_update",
        obj=programme,
        at=now,
        summary=_("Programme %(title)s changed") % {"title": programme.title},
        changes=audit.diff(
            {k: v for k, v in before.items() if k != "items"},
            audit.fields_of(programme, ("season", "title", "notes")),
        ),
    )
    return programme
