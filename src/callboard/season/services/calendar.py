"""Venues (time zone, stage, seats), seasons and tours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Site, Studio
from callboard.company.services import studio_create
from callboard.core.actors import CALLBOARD, Actor
from callboard.core.errors import Conflict, ValidationFailed, reject_unknown_fields
from callboard.core.roles import Cap, require
from callboard.core.zones import zone
from callboard.season.models import Performance, Season, Tour, Venue
from callboard.season.services.common import (
    SEASON_FIELDS,
    TOUR_FIELDS,
    VENUE_FIELDS,
    _day,
    _ordered,
    _performances_outside,
    _required,
    _save,
)


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
    get_in_minutes: int | None = None,
    get_out_minutes: int | None = None,
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
    for label, minutes in (
        ("get_in_minutes", get_in_minutes),
        ("get_out_minutes", get_out_minutes),
    ):
        if minutes is not None and not 0 <= minutes <= 24 * 60:
            raise ValidationFailed(_("Give between 0 minutes and a day."), field=label)
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
        "get_in_minutes": get_in_minutes,
        "get_out_minutes": get_out_minutes,
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
    get_in_minutes: int | None = None,
    get_out_minutes: int | None = None,
    by: Actor,
    now: dt.datetime,
) -> Venue:
    require(by, Cap.EDIT_SEASON)
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
            get_in_minutes=get_in_minutes,
            get_out_minutes=get_out_minutes,
        )
    )
    _save(venue, _("A venue with that name already exists."))
    audit.record(
        actor=by,
        action="season.venue_create",
        obj=venue,
        at=now,
        summary=_("Venue %(name)s added") % {"name": venue.name},
        changes=audit.diff({}, audit.fields_of(venue, VENUE_FIELDS)),
    )
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Venue:
    """Change a venue (``changes``: the fields that change). Performances keep their instant;
    their local time follows the zone."""
    require(by, Cap.EDIT_SEASON)
    reject_unknown_fields(changes, VENUE_FIELDS)
    before = audit.fields_of(venue, VENUE_FIELDS)
    fields = _venue_fields(venue=venue, **{**before, **changes})
    locked = Venue.objects.select_for_update().get(pk=venue.pk)
    for key, value in fields.items():
        setattr(locked, key, value)
    _save(locked, _("A venue with that name already exists."))
    for key, value in fields.items():
        setattr(venue, key, value)
    audit.record(
        actor=by,
        action="season.venue_update",
        obj=venue,
        at=now,
        summary=_("Venue %(name)s changed") % {"name": venue.name},
        changes=audit.diff(before, fields),
    )
    return venue


@transaction.atomic
def season_create(
    *, name: str, starts_on: dt.date, ends_on: dt.date, by: Actor, now: dt.datetime
) -> Season:
    require(by, Cap.EDIT_SEASON)
    name = _required(name, field="name", message=_("Give the season a name, e.g. 2026–27."))
    _ordered(starts_on, ends_on, what=_("season"))
    if Season.objects.filter(name__iexact=name).exists():
        raise Conflict(
            _("A season called “%(name)s” already exists.") % {"name": name}, field="name"
        )
    season = Season(name=name, starts_on=starts_on, ends_on=ends_on)
    _save(season, _("A season with that name already exists."))
    audit.record(
        actor=by,
        action="season.season_create",
        obj=season,
        at=now,
        summary=_("Season %(name)s added") % {"name": season.name},
        changes=audit.diff({}, audit.fields_of(season, SEASON_FIELDS)),
    )
    return season


@transaction.atomic
def season_update(
    *, season: Season, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Season:
    """Rename or move a season (``changes``: the fields that change); its tours and
    performances must still fit inside it."""
    require(by, Cap.EDIT_SEASON)
    reject_unknown_fields(changes, SEASON_FIELDS)
    before = audit.fields_of(season, SEASON_FIELDS)
    values = {**before, **changes}
    name, starts_on, ends_on = values["name"], values["starts_on"], values["ends_on"]
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
    audit.record(
        actor=by,
        action="season.season_update",
        obj=season,
        at=now,
        summary=_("Season %(name)s changed") % {"name": season.name},
        changes=audit.diff(before, audit.fields_of(season, SEASON_FIELDS)),
    )
    return season


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
    *,
    season: Season,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    notes: str = "",
    by: Actor,
    now: dt.datetime,
) -> Tour:
    require(by, Cap.EDIT_SEASON)
    name = _tour_checks(tour=None, season=season, name=name, starts_on=starts_on, ends_on=ends_on)
    tour = Tour(
        season=season, name=name, starts_on=starts_on, ends_on=ends_on, notes=(notes or "").strip()
    )
    _save(tour, _("The season already has a tour with that name."))
    audit.record(
        actor=by,
        action="season.tour_create",
        obj=tour,
        at=now,
        summary=_("Tour %(name)s added") % {"name": tour.name},
        changes=audit.diff({}, audit.fields_of(tour, TOUR_FIELDS)),
    )
    return tour


@transaction.atomic
def tour_update(*, tour: Tour, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Tour:
    """Change a tour (``changes``: the fields that change); its performances must still fall
    on its days and in its season."""
    require(by, Cap.EDIT_SEASON)
    reject_unknown_fields(changes, TOUR_FIELDS)
    before = audit.fields_of(tour, TOUR_FIELDS)
    values = {**before, **changes}
    season, name, notes = values["season"], values["name"], values["notes"]
    starts_on, ends_on = values["starts_on"], values["ends_on"]
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
    audit.record(
        actor=by,
        action="season.tour_update",
        obj=tour,
        at=now,
        summary=_("Tour %(name)s changed") % {"name": tour.name},
        changes=audit.diff(before, audit.fields_of(tour, TOUR_FIELDS)),
    )
    return tour


@transaction.atomic
def venue_stage_open(
    *,
    venue: Venue,
    site: Site,
    capacity: int = 80,
    get_in_minutes: int | None = None,
    get_out_minutes: int | None = None,
    by: Actor,
    now: dt.datetime,
) -> Venue:
    """Give a venue its stage: a room of ``site`` (the theatre's building) on which the
    scheduler plans stage and dress rehearsals, and which performances take from their
    get-in to their get-out."""
    require(by, Cap.EDIT_SEASON)
    if venue.stage_id is not None:
        raise Conflict(
            _("%(venue)s has its stage already (%(stage)s).")
            % {"venue": venue.name, "stage": venue.stage}
        )
    _stage_minutes(get_in_minutes, get_out_minutes)
    stage = studio_create(
        name=_("Stage of %(venue)s") % {"venue": venue.name},
        site_id=site.pk,
        capacity=capacity,
        has_piano=True,
        is_stage=True,
        notes=venue.stage_notes,
        by=CALLBOARD,  # the season's editor gives the stage; the studio is its consequence
        now=now,
    )
    before = {"stage": None, "get_in_minutes": venue.get_in_minutes}
    venue.stage = stage
    venue.get_in_minutes = get_in_minutes
    venue.get_out_minutes = get_out_minutes
    venue.save(update_fields=["stage", "get_in_minutes", "get_out_minutes"])
    audit.record(
        actor=by,
        action="season.venue_stage",
        obj=venue,
        at=now,
        summary=_("%(venue)s has its stage at %(site)s") % {"venue": venue.name, "site": site},
        changes=audit.diff(before, {"stage": stage.name, "get_in_minutes": get_in_minutes}),
    )
    return venue


MAX_STAGE_CAPACITY = 500


def _stage_minutes(get_in_minutes: int | None, get_out_minutes: int | None) -> None:
    for name, value in (("get_in_minutes", get_in_minutes), ("get_out_minutes", get_out_minutes)):
        if value is not None and not 0 <= value <= 24 * 60:
            raise ValidationFailed(_("Give between 0 minutes and a day."), field=name)


def _stage_facts(venue: Venue) -> dict[str, object]:
    stage = venue.stage
    return {
        "stage": stage.name if stage is not None else None,
        "stage_capacity": stage.capacity if stage is not None else None,
        "get_in_minutes": venue.get_in_minutes,
        "get_out_minutes": venue.get_out_minutes,
    }


@transaction.atomic
def venue_stage_set(
    *,
    venue: Venue,
    room: Studio | None = None,
    site: Site | None = None,
    capacity: int | None = None,
    get_in_minutes: int | None = None,
    get_out_minutes: int | None = None,
    by: Actor,
    now: dt.datetime,
) -> Venue:
    """Say which room is the venue's stage and its details: an existing room of the
    company's (``room``), else the venue's stage as it is, else a new room at ``site``; how
    many dancers it holds (``capacity``, unchanged when None); and the venue's get-in and
    get-out (None: Callboard's defaults). The room the venue leaves, when no other venue's
    stage, is a studio again. One history entry on the venue says what changed.
    """
    require(by, Cap.EDIT_SEASON)
    _stage_minutes(get_in_minutes, get_out_minutes)
    if capacity is not None and not 1 <= capacity <= MAX_STAGE_CAPACITY:
        raise ValidationFailed(
            _("A stage holds between 1 and %(max)s dancers.") % {"max": MAX_STAGE_CAPACITY},
            field="capacity",
        )
    locked = Venue.objects.select_for_update(of=("self",)).select_related("stage").get(pk=venue.pk)
    before = _stage_facts(locked)
    if room is not None:
        other = Venue.objects.filter(stage=room).exclude(pk=locked.pk).first()
        if other is not None:
            raise Conflict(
                _("%(room)s is the stage of %(venue)s already; choose another room.")
                % {"room": room.name, "venue": other.name},
                field="room",
            )
        if not room.active:
            raise ValidationFailed(
                _("%(room)s is not in use; choose a room in use, or put it back in use first.")
                % {"room": room.name},
                field="room",
            )
        stage = room
    elif locked.stage is not None:
        stage = locked.stage
    else:
        if site is None:
            raise ValidationFailed(
                _("Choose the room that is the stage, or the site where its room is added."),
                field="site",
            )
        stage = studio_create(
            name=_("Stage of %(venue)s") % {"venue": locked.name},
            site_id=site.pk,
            capacity=capacity or 80,
            has_piano=True,
            is_stage=True,
            notes=locked.stage_notes,
            by=CALLBOARD,  # the season's editor gives the stage; the room is its consequence
            now=now,
        )
    left = locked.stage if locked.stage is not None and locked.stage.pk != stage.pk else None
    if left is not None and not Venue.objects.filter(stage=left).exclude(pk=locked.pk).exists():
        # The room the venue leaves is a studio again: the scheduler no longer keeps it for
        # stage rehearsals, nor performances for their get-in.
        left.is_stage = False
        left.save(update_fields=["is_stage"])
    room_fields = ["is_stage"]
    stage.is_stage = True
    if capacity is not None:
        stage.capacity = capacity
        room_fields.append("capacity")
    stage.save(update_fields=room_fields)
    locked.stage = stage
    locked.get_in_minutes = get_in_minutes
    locked.get_out_minutes = get_out_minutes
    locked.save(update_fields=["stage", "get_in_minutes", "get_out_minutes"])
    venue.stage, venue.get_in_minutes, venue.get_out_minutes = (
        stage,
        get_in_minutes,
        get_out_minutes,
    )
    audit.record(
        actor=by,
        action="season.venue_stage",
        obj=venue,
        at=now,
        summary=_("Stage of %(venue)s: %(room)s at %(site)s")
        % {"venue": venue.name, "room": stage.name, "site": stage.site.name},
        changes=audit.diff(before, _stage_facts(locked)),
    )
    return venue
