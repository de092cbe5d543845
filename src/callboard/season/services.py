"""Writes and rules of the season app.

Every function here is atomic: when it raises a :class:`DomainError`, nothing was written.
Permissions are checked by the interfaces (pages and API) with ``Cap.EDIT_SEASON``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from callboard.company.models import Person, Staff
from callboard.core.errors import Conflict, ValidationFailed
from callboard.repertoire.models import Work
from callboard.season.models import Performance, Programme, ProgrammeWork, Season, Tour, Venue
from callboard.season.zones import check_year, zone

MAX_INTERVAL_MINUTES = 120


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


# ---------------------------------------------------------------- venues


def _venue_fields(
    *,
    venue: Venue | None,
    name: str,
    city: str,
    country: str,
    time_zone: str,
    capacity: int,
    stage_width_m: Decimal | None,
    stage_depth_m: Decimal | None,
    stage_notes: str,
    orchestra_pit: bool,
    address: str,
) -> dict[str, object]:
    name = _required(name, field="name", message=_("Give the venue a name."))
    city = _required(city, field="city", message=_("Give the city the venue is in."))
    zone(time_zone)  # raises with a message naming the problem
    if capacity is None or capacity < 1:
        raise ValidationFailed(_("A venue seats at least one person."), field="capacity")
    for label, size in (("stage_width_m", stage_width_m), ("stage_depth_m", stage_depth_m)):
        if size is not None and not Decimal(0) < Decimal(size) < Decimal(1000):
            raise ValidationFailed(
                _("Stage sizes are metres between 0 and 1000; leave empty when unknown."),
                field=label,
            )
    duplicate = Venue.objects.filter(name__iexact=name)
    if venue is not None:
        duplicate = duplicate.exclude(pk=venue.pk)
    if duplicate.exists():
        raise Conflict(
            _("A venue called “%(name)s” already exists; open it instead.") % {"name": name},
            field="name",
        )
    return {
        "name": name,
        "city": city,
        "country": (country or "").strip(),
        "time_zone": time_zone.strip(),
        "capacity": capacity,
        "stage_width_m": stage_width_m,
        "stage_depth_m": stage_depth_m,
        "stage_notes": (stage_notes or "").strip(),
        "orchestra_pit": bool(orchestra_pit),
        "address": (address or "").strip(),
    }


@transaction.atomic
def venue_create(
    *,
    name: str,
    city: str,
    time_zone: str,
    capacity: int,
    country: str = "",
    stage_width_m: Decimal | None = None,
    stage_depth_m: Decimal | None = None,
    stage_notes: str = "",
    orchestra_pit: bool = True,
    address: str = "",
) -> Venue:
    venue = Venue(
        **_venue_fields(
            venue=None,
            name=name,
            city=city,
            country=country,
            time_zone=time_zone,
            capacity=capacity,
            stage_width_m=stage_width_m,
            stage_depth_m=stage_depth_m,
            stage_notes=stage_notes,
            orchestra_pit=orchestra_pit,
            address=address,
        )
    )
    _save(venue, _("A venue with that name already exists."))
    return venue


@transaction.atomic
def venue_update(
    *,
    venue: Venue,
    name: str,
    city: str,
    time_zone: str,
    capacity: int,
    country: str = "",
    stage_width_m: Decimal | None = None,
    stage_depth_m: Decimal | None = None,
    stage_notes: str = "",
    orchestra_pit: bool = True,
    address: str = "",
) -> Venue:
    """Change a venue. Performances keep their instant; their local time follows the zone."""
    fields = _venue_fields(
        venue=venue,
        name=name,
        city=city,
        country=country,
        time_zone=time_zone,
        capacity=capacity,
        stage_width_m=stage_width_m,
        stage_depth_m=stage_depth_m,
        stage_notes=stage_notes,
        orchestra_pit=orchestra_pit,
        address=address,
    )
    locked = Venue.objects.select_for_update().get(pk=venue.pk)
    for key, value in fields.items():
        setattr(locked, key, value)
    _save(locked, _("A venue with that name already exists."))
    for key, value in fields.items():
        setattr(venue, key, value)
    return venue


# ---------------------------------------------------------------- seasons


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


@transaction.atomic
def season_create(*, name: str, starts_on: dt.date, ends_on: dt.date) -> Season:
    name = _required(name, field="name", message=_("Give the season a name, e.g. 2026–27."))
    _ordered(starts_on, ends_on, what=_("season"))
    if Season.objects.filter(name__iexact=name).exists():
        raise Conflict(
            _("A season called “%(name)s” already exists.") % {"name": name}, field="name"
        )
    season = Season(name=name, starts_on=starts_on, ends_on=ends_on)
    _save(season, _("A season with that name already exists."))
    return season


@transaction.atomic
def season_update(*, season: Season, name: str, starts_on: dt.date, ends_on: dt.date) -> Season:
    """Rename or move a season; its tours and performances must still fit inside it."""
    name = _required(name, field="name", message=_("Give the season a name, e.g. 2026–27."))
    _ordered(starts_on, ends_on, what=_("season"))
    if Season.objects.filter(name__iexact=name).exclude(pk=season.pk).exists():
        raise Conflict(
            _("A season called “%(name)s” already exists.") % {"name": name}, field="name"
        )
    locked = Season.objects.select_for_update().get(pk=season.pk)
    outside_tours = [
        t.name for t in locked.tours.all() if t.starts_on < starts_on or t.ends_on > ends_on
    ]
    if outside_tours:
        raise ValidationFailed(
            _("These tours would fall outside the season: %(tours)s. Move them first.")
            % {"tours": ", ".join(outside_tours)},
            field="starts_on",
        )
    performances = list(
        Performance.objects.filter(programme__season=locked)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue")
    )
    outside = _performances_outside(performances, starts_on, ends_on)
    if outside:
        raise ValidationFailed(
            _(
                "%(n)s performance(s) would fall outside the season, the first on %(day)s. "
                "Move or cancel them first."
            )
            % {
                "n": len(outside),
                "day": _day(outside[0].starts_at.astimezone(outside[0].venue.zone).date()),
            },
            field="starts_on",
        )
    locked.name, locked.starts_on, locked.ends_on = name, starts_on, ends_on
    _save(locked, _("A season with that name already exists."))
    season.name, season.starts_on, season.ends_on = name, starts_on, ends_on
    return season


# ---------------------------------------------------------------- tours


def _tour_checks(
    *, tour: Tour | None, season: Season, name: str, starts_on: dt.date, ends_on: dt.date
) -> str:
    name = _required(name, field="name", message=_("Give the tour a name, e.g. Volga tour."))
    _ordered(starts_on, ends_on, what=_("tour"))
    if starts_on < season.starts_on or ends_on > season.ends_on:
        raise ValidationFailed(
            _("The tour must lie inside the season %(season)s (%(start)s – %(end)s).")
            % {"season": season.name, "start": _day(season.starts_on), "end": _day(season.ends_on)},
            field="starts_on",
        )
    duplicate = Tour.objects.filter(season=season, name__iexact=name)
    if tour is not None:
        duplicate = duplicate.exclude(pk=tour.pk)
    if duplicate.exists():
        raise Conflict(
            _("The season already has a tour called “%(name)s”.") % {"name": name}, field="name"
        )
    return name


@transaction.atomic
def tour_create(
    *, season: Season, name: str, starts_on: dt.date, ends_on: dt.date, notes: str = ""
) -> Tour:
    name = _tour_checks(tour=None, season=season, name=name, starts_on=starts_on, ends_on=ends_on)
    tour = Tour(
        season=season, name=name, starts_on=starts_on, ends_on=ends_on, notes=(notes or "").strip()
    )
    _save(tour, _("The season already has a tour with that name."))
    return tour


@transaction.atomic
def tour_update(
    *, tour: Tour, season: Season, name: str, starts_on: dt.date, ends_on: dt.date, notes: str = ""
) -> Tour:
    """Change a tour; its performances must still fall on its days and in its season."""
    name = _tour_checks(tour=tour, season=season, name=name, starts_on=starts_on, ends_on=ends_on)
    locked = Tour.objects.select_for_update().get(pk=tour.pk)
    performances = list(
        locked.performances.exclude(status=Performance.Status.CANCELLED).select_related(
            "venue", "programme"
        )
    )
    if season.pk != locked.season_id and performances:
        raise ValidationFailed(
            _(
                "The tour has performances of this season's programmes; it cannot move to "
                "another season."
            ),
            field="season",
        )
    outside = _performances_outside(performances, starts_on, ends_on)
    if outside:
        raise ValidationFailed(
            _(
                "%(n)s of the tour's performances would fall outside its new dates, the first on "
                "%(day)s. Move them first."
            )
            % {
                "n": len(outside),
                "day": _day(outside[0].starts_at.astimezone(outside[0].venue.zone).date()),
            },
            field="starts_on",
        )
    locked.season, locked.name, locked.starts_on, locked.ends_on = season, name, starts_on, ends_on
    locked.notes = (notes or "").strip()
    _save(locked, _("The season already has a tour with that name."))
    tour.season, tour.name, tour.starts_on, tour.ends_on, tour.notes = (
        season,
        name,
        starts_on,
        ends_on,
        locked.notes,
    )
    return tour


# ---------------------------------------------------------------- programmes


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
    *, season: Season, title: str, items: Sequence[ProgrammeItem], notes: str = ""
) -> Programme:
    title = _programme_checks(programme=None, season=season, title=title, items=items)
    programme = Programme(season=season, title=title, notes=(notes or "").strip())
    _save(programme, _("The season already has a programme with that title."))
    _write_items(programme, items)
    return programme


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    season: Season,
    title: str,
    items: Sequence[ProgrammeItem],
    notes: str = "",
) -> Programme:
    """Change a programme and its works. Booked performances keep their end times."""
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
    return programme


# ---------------------------------------------------------------- performances


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
def performance_create(*, data: PerformanceData, now: dt.datetime) -> Performance:
    """Book a performance. Its end, when not given, is the programme's running time."""
    performance = Performance(**_performance_checks(performance=None, data=data, now=now))
    _save(performance, _slot_taken())
    return performance


@transaction.atomic
def performance_update(
    *, performance: Performance, data: PerformanceData, now: dt.datetime
) -> Performance:
    """Change a performance; the same rules as booking it apply."""
    fields = _performance_checks(performance=performance, data=data, now=now)
    locked = Performance.objects.select_for_update().get(pk=performance.pk)
    for key, value in fields.items():
        setattr(locked, key, value)
    _save(locked, _slot_taken())
    for key, value in fields.items():
        setattr(performance, key, value)
    return performance


@transaction.atomic
def performance_cancel(
    *, performance: Performance, now: dt.datetime, reason: str = ""
) -> Performance:
    """Cancel a performance that has not taken place; cancelling twice changes nothing."""
    locked = Performance.objects.select_for_update().get(pk=performance.pk)
    if locked.status == Performance.Status.CANCELLED:
        return locked
    if locked.status == Performance.Status.PERFORMED:
        raise ValidationFailed(
            _("This performance has already taken place; it cannot be cancelled."), field="status"
        )
    locked.status = Performance.Status.CANCELLED
    reason = (reason or "").strip()
    if reason:
        stamp = dateformat.format(now.astimezone(locked.venue.zone), "j M Y")
        line = _("Cancelled on %(day)s: %(reason)s") % {"day": stamp, "reason": reason}
        locked.notes = f"{locked.notes}\n{line}".strip()
    locked.save(update_fields=["status", "notes"])
    performance.status, performance.notes = locked.status, locked.notes
    return locked
