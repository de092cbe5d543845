"""Performances: booked at a venue, changed and cancelled, one at a time per venue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Person, Staff
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, ValidationFailed, reject_unknown_fields
from callboard.core.roles import Cap, require
from callboard.core.zones import check_year, zone
from callboard.season.models import Performance, Programme, Tour, Venue
from callboard.season.services.common import PERFORMANCE_FIELDS, _day, _save


@dataclass(frozen=True)
class PerformanceData:
    """Everything a performance is made of; ``ends_at=None`` means "from the running time"."""

    programme: Programme
    venue: Venue
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    tour: Tour | None = None
    status: str = Performance.Status.PLANNED
    music: str = Performance.Music.ORCHESTRA
    conductor: Person | None = None
    orchestra: str = ""
    title: str = ""
    notes: str = ""


def _aware(value: dt.datetime, *, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(
            _("Give the time with its time zone (or as local time at the venue)."), field=field
        )


def _performance_checks(
    *, performance: Performance | None, data: PerformanceData, now: dt.datetime
) -> dict[str, object]:
    if data.programme is None:
        raise ValidationFailed(_("Choose the programme to perform."), field="programme")
    if data.venue is None:
        raise ValidationFailed(_("Choose the venue."), field="venue")
    if data.starts_at is None:
        raise ValidationFailed(_("Give the start date and time."), field="starts_at")
    _aware(data.starts_at, field="starts_at")
    check_year(data.starts_at, field="starts_at")
    venue_zone = zone(data.venue.time_zone)
    starts_at = data.starts_at.astimezone(dt.UTC)
    if data.ends_at is None:
        running = data.programme.running_minutes
        if running <= 0:
            raise ValidationFailed(
                _(
                    "The programme has no works yet, so its end cannot be worked out; give the end "
                    "time."
                ),
                field="ends_at",
            )
        ends_at = starts_at + dt.timedelta(minutes=running)
    else:
        _aware(data.ends_at, field="ends_at")
        check_year(data.ends_at, field="ends_at")
        ends_at = data.ends_at.astimezone(dt.UTC)
    if ends_at <= starts_at:
        raise ValidationFailed(
            _("The performance ends (%(end)s) before it starts (%(start)s); check the end time.")
            % {
                "end": dateformat.format(ends_at.astimezone(venue_zone), "j M Y H:i"),
                "start": dateformat.format(starts_at.astimezone(venue_zone), "j M Y H:i"),
            },
            field="ends_at",
        )
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise ValidationFailed(
            _("A performance lasts at most 12 hours; check the end date."), field="ends_at"
        )

    day = starts_at.astimezone(venue_zone).date()
    season = data.programme.season
    if not season.starts_on <= day <= season.ends_on:
        raise ValidationFailed(
            _(
                "%(day)s is outside the season %(season)s (%(start)s – %(end)s) of the programme "
                "“%(programme)s”."
            )
            % {
                "day": _day(day),
                "season": season.name,
                "start": _day(season.starts_on),
                "end": _day(season.ends_on),
                "programme": data.programme.title,
            },
            field="starts_at",
        )
    if data.tour is not None:
        if data.tour.season_id != season.pk:
            raise ValidationFailed(
                _("The tour “%(tour)s” belongs to another season than the programme.")
                % {"tour": data.tour.name},
                field="tour",
            )
        if not data.tour.starts_on <= day <= data.tour.ends_on:
            raise ValidationFailed(
                _("%(day)s is outside the tour “%(tour)s” (%(start)s – %(end)s).")
                % {
                    "day": _day(day),
                    "tour": data.tour.name,
                    "start": _day(data.tour.starts_on),
                    "end": _day(data.tour.ends_on),
                },
                field="tour",
            )

    if data.status not in Performance.Status.values:
        raise ValidationFailed(
            _("Status must be one of: %(choices)s.")
            % {"choices": ", ".join(Performance.Status.values)},
            field="status",
        )
    if data.status == Performance.Status.PERFORMED and starts_at > now:
        raise ValidationFailed(
            _("A performance can be marked performed only once it has begun."), field="status"
        )
    if data.music not in Performance.Music.values:
        raise ValidationFailed(
            _("Music must be one of: %(choices)s.")
            % {"choices": ", ".join(Performance.Music.values)},
            field="music",
        )
    orchestra = (data.orchestra or "").strip()
    if data.music != Performance.Music.ORCHESTRA:
        if data.conductor is not None:
            raise ValidationFailed(
                _(
                    "Only a live orchestra has a conductor; remove the conductor or choose live "
                    "orchestra."
                ),
                field="conductor",
            )
        if orchestra:
            raise ValidationFailed(
                _(
                    "Only a live orchestra has an orchestra name; clear it or choose live "
                    "orchestra."
                ),
                field="orchestra",
            )
    if (
        data.conductor is not None
        and not Staff.objects.filter(person=data.conductor, kind=Staff.Kind.CONDUCTOR).exists()
    ):
        raise ValidationFailed(
            _(
                "%(person)s is not on the staff as a conductor. Add the post on the staff page "
                "first, or choose another conductor."
            )
            % {"person": data.conductor.full_name},
            field="conductor",
        )

    if data.status != Performance.Status.CANCELLED:
        # One booking at a time per venue: lock the venue row, then look for an overlap.
        list(Venue.objects.select_for_update().filter(pk=data.venue.pk))
        clash = (
            Performance.objects.filter(
                venue=data.venue, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .exclude(status=Performance.Status.CANCELLED)
            .select_related("programme")
        )
        if performance is not None:
            clash = clash.exclude(pk=performance.pk)
        other = clash.order_by("starts_at").first()
        if other is not None:
            raise Conflict(
                _(
                    "%(venue)s is already booked from %(start)s to %(end)s for %(other)s; choose "
                    "another time or venue."
                )
                % {
                    "venue": data.venue.name,
                    "start": dateformat.format(other.starts_at.astimezone(venue_zone), "j M Y H:i"),
                    "end": dateformat.format(other.ends_at.astimezone(venue_zone), "H:i"),
                    "other": other.billing,
                },
                detail={"field": "starts_at", "performance_id": other.pk},
                field="starts_at",
            )
    return {
        "programme": data.programme,
        "venue": data.venue,
        "tour": data.tour,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "status": data.status,
        "music": data.music,
        "conductor": data.conductor if data.music == Performance.Music.ORCHESTRA else None,
        "orchestra": orchestra,
        "title": (data.title or "").strip(),
        "notes": (data.notes or "").strip(),
    }


def _slot_taken() -> str:
    return _("The venue already has a performance starting at that moment.")


@transaction.atomic
def performance_create(*, data: PerformanceData, by: Actor, now: dt.datetime) -> Performance:
    """Book a performance. Its end, when not given, is the programme's running time."""
    require(by, Cap.EDIT_SEASON)
    performance = Performance(**_performance_checks(performance=None, data=data, now=now))
    _save(performance, _slot_taken())
    audit.record(
        actor=by,
        action="season.performance_create",
        obj=performance,
        at=now,
        summary=_("Performance %(billing)s booked") % {"billing": performance.billing},
        changes=audit.diff({}, audit.fields_of(performance, PERFORMANCE_FIELDS)),
    )
    return performance


@transaction.atomic
def performance_update(
    *, performance: Performance, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Performance:
    """Change a performance (``changes``: fields of :class:`PerformanceData` that change); the
    same rules as booking it apply."""
    require(by, Cap.EDIT_SEASON)
    reject_unknown_fields(changes, PERFORMANCE_FIELDS)
    before = audit.fields_of(performance, PERFORMANCE_FIELDS)
    data = PerformanceData(**{**before, **changes})
    fields = _performance_checks(performance=performance, data=data, now=now)
    locked = Performance.objects.select_for_update().get(pk=performance.pk)
    for key, value in fields.items():
        setattr(locked, key, value)
    _save(locked, _slot_taken())
    for key, value in fields.items():
        setattr(performance, key, value)
    audit.record(
        actor=by,
        action="season.performance_update",
        obj=performance,
        at=now,
        summary=_("Performance %(billing)s changed") % {"billing": performance.billing},
        changes=audit.diff(before, fields),
    )
    return performance


@transaction.atomic
def performance_cancel(
    *, performance: Performance, by: Actor, now: dt.datetime, reason: str = ""
) -> Performance:
    """Cancel a performance that has not taken place; cancelling twice changes nothing."""
    require(by, Cap.EDIT_SEASON)
    locked = Performance.objects.select_for_update().get(pk=performance.pk)
    if locked.status == Performance.Status.CANCELLED:
        return locked
    if locked.status == Performance.Status.PERFORMED:
        raise ValidationFailed(
            _("This performance has already taken place; it cannot be cancelled."), field="status"
        )
    was = locked.status
    locked.status = Performance.Status.CANCELLED
    reason = (reason or "").strip()
    if reason:
        stamp = dateformat.format(now.astimezone(locked.venue.zone), "j M Y")
        line = _("Cancelled on %(day)s: %(reason)s") % {"day": stamp, "reason": reason}
        locked.notes = f"{locked.notes}\n{line}".strip()
    locked.save(update_fields=["status", "notes"])
    performance.status, performance.notes = locked.status, locked.notes
    audit.record(
        actor=by,
        action="season.performance_cancel",
        obj=locked,
        at=now,
        summary=_("Performance %(billing)s cancelled") % {"billing": locked.billing},
        changes={"status": [was, locked.status], **({"reason": [None, reason]} if reason else {})},
    )
    return locked


@transaction.atomic
def performance_stage_times_set(
    *,
    performance: Performance,
    get_in_minutes: int | None,
    get_out_minutes: int | None,
    by: Actor,
    now: dt.datetime,
) -> Performance:
    """How long before its curtain a performance takes its venue's stage (the get-in) and how
    long after it the stage stays taken (the get-out); None: the venue's, else Callboard's."""
    require(by, Cap.EDIT_SEASON)
    for name, value in (("get_in_minutes", get_in_minutes), ("get_out_minutes", get_out_minutes)):
        if value is not None and not 0 <= value <= 24 * 60:
            raise ValidationFailed(_("Give between 0 minutes and a day."), field=name)
    locked = Performance.objects.select_for_update().get(pk=performance.pk)
    if locked.status == Performance.Status.CANCELLED:
        raise ValidationFailed(
            _("This performance is cancelled: it takes no stage time."), field="get_in_minutes"
        )
    before = {"get_in_minutes": locked.get_in_minutes, "get_out_minutes": locked.get_out_minutes}
    after = {"get_in_minutes": get_in_minutes, "get_out_minutes": get_out_minutes}
    locked.get_in_minutes, locked.get_out_minutes = get_in_minutes, get_out_minutes
    locked.save(update_fields=["get_in_minutes", "get_out_minutes"])
    performance.get_in_minutes, performance.get_out_minutes = get_in_minutes, get_out_minutes
    audit.record(
        actor=by,
        action="season.performance_stage_times",
        obj=performance,
        at=now,
        summary=_("Get-in and get-out of %(billing)s changed") % {"billing": performance.billing},
        changes=audit.diff(before, after),
    )
    return performance
