"""What the season's services share: the fields each record takes, and checking and saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.zones import check_year
from callboard.season.models import Performance

MAX_INTERVAL_MINUTES = 120


VENUE_FIELDS = (
    "name",
    "city",
    "country",
    "time_zone",
    "capacity",
    "stage_width_m",
    "stage_depth_m",
    "stage_notes",
    "orchestra_pit",
    "address",
    "get_in_minutes",
    "get_out_minutes",
)


SEASON_FIELDS = ("name", "starts_on", "ends_on")


TOUR_FIELDS = ("season", "name", "starts_on", "ends_on", "notes")


PROGRAMME_FIELDS = ("season", "title", "items", "notes")


PERFORMANCE_FIELDS = (
    "programme",
    "venue",
    "starts_at",
    "ends_at",
    "tour",
    "status",
    "music",
    "conductor",
    "orchestra",
    "title",
    "notes",
)


def _required(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _day(value: dt.date) -> str:
    return dateformat.format(value, "j M Y")


def _save(obj: object, conflict_message: str) -> None:
    """Save inside a savepoint so a constraint the checks missed becomes a Conflict."""
    try:
        with transaction.atomic():
            obj.save()  # type: ignore[attr-defined]
    except IntegrityError as exc:
        raise Conflict(conflict_message) from exc


def _ordered(starts_on: dt.date, ends_on: dt.date, *, what: str) -> None:
    if starts_on is None or ends_on is None:
        raise ValidationFailed(_("Give both the first and the last day."), field="starts_on")
    check_year(starts_on, field="starts_on")
    check_year(ends_on, field="ends_on")
    if ends_on < starts_on:
        raise ValidationFailed(
            _("The %(what)s ends (%(end)s) before it starts (%(start)s); swap the dates.")
            % {"what": what, "end": _day(ends_on), "start": _day(starts_on)},
            field="ends_on",
        )


def _performances_outside(
    performances: Sequence[Performance], starts_on: dt.date, ends_on: dt.date
) -> list[Performance]:
    return [
        p
        for p in performances
        if not starts_on <= p.starts_at.astimezone(p.venue.zone).date() <= ends_on
    ]
