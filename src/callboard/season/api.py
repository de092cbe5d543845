"""The season's JSON API, mounted at /api/v1/season/.

Venues, seasons, tours (with their warnings), programmes and performances. Datetimes are
ISO 8601 with an offset: ``starts_at`` in UTC and ``local_starts_at`` at the venue. A
performance may be booked with ``local_start`` (wall-clock time at the venue, no offset)
instead of ``starts_at``. Reads need a sign-in; writes need the season-editing role. The
same services as the pages keep the rules; errors are ``{message, detail}`` with a 4xx.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, PlainSerializer

from callboard.company.models import Person
from callboard.core.api_parts import Id, In, LocalDateTime
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Cap, require
from callboard.core.zones import UTC, check_year, local_to_utc, zone_or_utc
from callboard.repertoire.models import Work
from callboard.season import selectors, services
from callboard.season.models import Performance, Programme, Season, Tour, Venue

router = Router(tags=["season"])

M = TypeVar("M", bound=Model)
Iso = Annotated[dt.datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]
StatusName = Literal["planned", "on_sale", "performed", "cancelled"]
MusicName = Literal["orchestra", "recorded", "piano"]


def _ref(queryset: QuerySet[M], pk: int | None, *, field: str, what: str) -> M:
    """An object named in a request body; unknown -> 422 naming the field."""
    obj = queryset.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ValidationFailed(
            _("No %(what)s with id %(pk)s.") % {"what": what, "pk": pk},
            detail={"field": field},
            field=field,
        )
    return obj


def _viewer(request: HttpRequest) -> None:
    require(request.user, Cap.VIEW_COMPANY)


def _editor(request: HttpRequest) -> None:
    require(request.user, Cap.EDIT_SEASON)


# ---------------------------------------------------------------- venues


class VenueIn(In):
    name: str = Field(max_length=200)
    city: str = Field(max_length=120)
    country: str = Field("", max_length=120)
    time_zone: str = Field(max_length=64, examples=["Europe/Moscow"])
    capacity: int = Field(ge=1, le=1_000_000)
    stage_width_m: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    stage_depth_m: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    stage_notes: str = ""
    orchestra_pit: bool = True
    address: str = Field("", max_length=250)
    get_in_minutes: int | None = Field(None, ge=0, le=1440)
    get_out_minutes: int | None = Field(None, ge=0, le=1440)


class VenuePatch(In):
    name: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=120)
    country: str | None = Field(None, max_length=120)
    time_zone: str | None = Field(None, max_length=64)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    stage_width_m: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    stage_depth_m: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    stage_notes: str | None = None
    orchestra_pit: bool | None = None
    address: str | None = Field(None, max_length=250)
    get_in_minutes: int | None = Field(None, ge=0, le=1440)
    get_out_minutes: int | None = Field(None, ge=0, le=1440)


class VenueOut(Schema):
    id: int
    name: str
    city: str
    country: str
    time_zone: str
    capacity: int
    stage_width_m: float | None
    stage_depth_m: float | None
    stage_notes: str
    orchestra_pit: bool
    address: str
    get_in_minutes: int | None = None
    get_out_minutes: int | None = None


@router.get("/venues", response=list[VenueOut])
def venue_list(request: HttpRequest) -> Any:
    _viewer(request)
    return list(selectors.venue_list())


@router.get("/venues/{venue_id}", response=VenueOut)
def venue_get(request: HttpRequest, venue_id: Id) -> Any:
    _viewer(request)
    return selectors.venue_get(pk=venue_id)


@router.post("/venues", response={201: VenueOut})
def venue_create(request: HttpRequest, payload: VenueIn) -> Any:
    _editor(request)
    return Status(201, services.venue_create(**payload.dict(), by=request.user, now=timezone.now()))


@router.patch("/venues/{venue_id}", response=VenueOut)
def venue_update(request: HttpRequest, venue_id: Id, payload: VenuePatch) -> Any:
    _editor(request)
    venue = selectors.venue_get(pk=venue_id)
    fields = {name: getattr(venue, name) for name in VenueIn.model_fields}
    fields.update(payload.dict(exclude_unset=True))
    return services.venue_update(venue=venue, changes=fields, by=request.user, now=timezone.now())


# ---------------------------------------------------------------- seasons


class SeasonIn(In):
    name: str = Field(max_length=120)
    starts_on: dt.date
    ends_on: dt.date


class SeasonPatch(In):
    name: str | None = Field(None, max_length=120)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class SeasonOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


@router.get("/seasons", response=list[SeasonOut])
def season_list(request: HttpRequest) -> Any:
    _viewer(request)
    return list(Season.objects.order_by("-starts_on"))


@router.get("/seasons/{season_id}", response=SeasonOut)
def season_get(request: HttpRequest, season_id: Id) -> Any:
    _viewer(request)
    return selectors.season_get(pk=season_id)


@router.post("/seasons", response={201: SeasonOut})
def season_create(request: HttpRequest, payload: SeasonIn) -> Any:
    _editor(request)
    return Status(
        201, services.season_create(**payload.dict(), by=request.user, now=timezone.now())
    )


@router.patch("/seasons/{season_id}", response=SeasonOut)
def season_update(request: HttpRequest, season_id: Id, payload: SeasonPatch) -> Any:
    _editor(request)
    season = selectors.season_get(pk=season_id)
    return services.season_update(
        season=season,
        changes={
            "name": payload.name if payload.name is not None else season.name,
            "starts_on": payload.starts_on or season.starts_on,
            "ends_on": payload.ends_on or season.ends_on,
        },
        by=request.user,
        now=timezone.now(),
    )


# ---------------------------------------------------------------- tours


class TourIn(In):
    season_id: Id
    name: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    notes: str = ""


class TourPatch(In):
    season_id: Id | None = None
    name: str | None = Field(None, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    notes: str | None = None


class TourOut(Schema):
    id: int
    season_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    notes: str


class WarningOut(Schema):
    code: str
    message: str
    day: dt.date
    performance_ids: list[int]


class StopOut(Schema):
    performance_id: int
    billing: str
    venue_id: int
    city: str
    local_starts_at: Iso
    status: str
    travel_from: str
    days_since_previous: int | None


class TourDetailOut(TourOut):
    warnings: list[WarningOut]
    itinerary: list[StopOut]


def _tour_detail(tour: Tour) -> dict[str, Any]:
    plan = selectors.tour_plan(tour=tour)
    return {
        **TourOut.from_orm(tour).dict(),
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                "day": w.day,
                "performance_ids": list(w.performance_ids),
            }
            for w in plan.warnings
        ],
        "itinerary": [
            {
                "performance_id": s.performance.pk,
                "billing": s.performance.billing,
                "venue_id": s.performance.venue_id,
                "city": s.performance.venue.city,
                "local_starts_at": s.performance.local_starts_at,
                "status": s.performance.status,
                "travel_from": s.travel_from,
                "days_since_previous": s.days_between,
            }
            for s in plan.stops
        ],
    }


class TourFilter(Schema):
    season: Id | None = None


@router.get("/tours", response=list[TourOut])
def tour_list(request: HttpRequest, filters: Query[TourFilter]) -> Any:
    _viewer(request)
    tours = selectors.tour_list()
    return list(tours.filter(season_id=filters.season) if filters.season else tours)


@router.get("/tours/{tour_id}", response=TourDetailOut)
def tour_get(request: HttpRequest, tour_id: Id) -> Any:
    _viewer(request)
    return _tour_detail(selectors.tour_get(pk=tour_id))


@router.post("/tours", response={201: TourDetailOut})
def tour_create(request: HttpRequest, payload: TourIn) -> Any:
    _editor(request)
    season = _ref(Season.objects.all(), payload.season_id, field="season_id", what=_("season"))
    tour = services.tour_create(
        season=season,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        notes=payload.notes,
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, _tour_detail(tour))


@router.patch("/tours/{tour_id}", response=TourDetailOut)
def tour_update(request: HttpRequest, tour_id: Id, payload: TourPatch) -> Any:
    _editor(request)
    tour = selectors.tour_get(pk=tour_id)
    changes = payload.dict(exclude_unset=True)
    season = (
        _ref(Season.objects.all(), changes["season_id"], field="season_id", what=_("season"))
        if changes.get("season_id") is not None
        else tour.season
    )
    services.tour_update(
        tour=tour,
        changes={
            "season": season,
            "name": changes.get("name") or tour.name,
            "starts_on": changes.get("starts_on") or tour.starts_on,
            "ends_on": changes.get("ends_on") or tour.ends_on,
            "notes": changes["notes"] if changes.get("notes") is not None else tour.notes,
        },
        by=request.user,
        now=timezone.now(),
    )
    return _tour_detail(tour)


# ---------------------------------------------------------------- programmes


class ProgrammeWorkIn(In):
    work_id: Id
    interval_after_minutes: int = Field(0, ge=0, le=services.MAX_INTERVAL_MINUTES)


class ProgrammeIn(In):
    season_id: Id
    title: str = Field(max_length=200)
    notes: str = ""
    works: list[ProgrammeWorkIn] = Field(min_length=1, max_length=50)


class ProgrammePatch(In):
    season_id: Id | None = None
    title: str | None = Field(None, max_length=200)
    notes: str | None = None
    works: list[ProgrammeWorkIn] | None = Field(None, min_length=1, max_length=50)


class ProgrammeWorkOut(Schema):
    work_id: int
    title: str
    duration_minutes: int
    interval_after_minutes: int


class ProgrammeOut(Schema):
    id: int
    season_id: int
    title: str
    notes: str
    running_minutes: int
    works: list[ProgrammeWorkOut]


def _programme_out(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "season_id": programme.season_id,
        "title": programme.title,
        "notes": programme.notes,
        "running_minutes": programme.running_minutes,
        "works": [
            {
                "work_id": item.work_id,
                "title": item.work.title,
                "duration_minutes": item.work.duration_minutes,
                "interval_after_minutes": item.interval_after_minutes,
            }
            for item in programme.items.all()
        ],
    }


def _items(works: list[ProgrammeWorkIn]) -> list[services.ProgrammeItem]:
    found = Work.objects.in_bulk([w.work_id for w in works])
    missing = [w.work_id for w in works if w.work_id not in found]
    if missing:
        raise ValidationFailed(
            _("No work with id %(ids)s in the repertoire.")
            % {"ids": ", ".join(str(pk) for pk in missing)},
            detail={"field": "works", "missing": missing},
            field="works",
        )
    return [
        services.ProgrammeItem(
            work=found[w.work_id], interval_after_minutes=w.interval_after_minutes
        )
        for w in works
    ]


class ProgrammeFilter(Schema):
    season: Id | None = None


@router.get("/programmes", response=list[ProgrammeOut])
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilter]) -> Any:
    _viewer(request)
    programmes = selectors.programme_list()
    if filters.season:
        programmes = programmes.filter(season_id=filters.season)
    return [_programme_out(p) for p in programmes]


@router.get("/programmes/{programme_id}", response=ProgrammeOut)
def programme_get(request: HttpRequest, programme_id: Id) -> Any:
    _viewer(request)
    return _programme_out(selectors.programme_get(pk=programme_id))


@router.post("/programmes", response={201: ProgrammeOut})
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Any:
    _editor(request)
    season = _ref(Season.objects.all(), payload.season_id, field="season_id", what=_("season"))
    programme = services.programme_create(
        season=season,
        title=payload.title,
        notes=payload.notes,
        items=_items(payload.works),
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, _programme_out(selectors.programme_get(pk=programme.pk)))


@router.patch("/programmes/{programme_id}", response=ProgrammeOut)
def programme_update(request: HttpRequest, programme_id: Id, payload: ProgrammePatch) -> Any:
    _editor(request)
    programme = selectors.programme_get(pk=programme_id)
    changes = payload.dict(exclude_unset=True)
    season = (
        _ref(Season.objects.all(), changes["season_id"], field="season_id", what=_("season"))
        if changes.get("season_id") is not None
        else programme.season
    )
    items = (
        _items(payload.works)
        if payload.works is not None
        else [
            services.ProgrammeItem(work=i.work, interval_after_minutes=i.interval_after_minutes)
            for i in programme.items.all()
        ]
    )
    services.programme_update(
        programme=programme,
        changes={
            "season": season,
            "title": changes.get("title") or programme.title,
            "notes": changes["notes"] if changes.get("notes") is not None else programme.notes,
            "items": items,
        },
        by=request.user,
        now=timezone.now(),
    )
    return _programme_out(selectors.programme_get(pk=programme.pk))


# ---------------------------------------------------------------- performances


class PerformanceIn(In):
    """Give ``starts_at`` (with an offset) or ``local_start`` (wall-clock at the venue)."""

    programme_id: Id
    venue_id: Id
    starts_at: AwareDatetime | None = Field(None, examples=["2026-12-01T19:00:00+03:00"])
    local_start: LocalDateTime | None = Field(None, examples=["2026-12-01T19:00"])
    ends_at: AwareDatetime | None = None
    local_end: LocalDateTime | None = None
    tour_id: Id | None = None
    status: StatusName = "planned"
    music: MusicName = "orchestra"
    conductor_id: Id | None = None
    orchestra: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    notes: str = ""


class PerformancePatch(In):
    programme_id: Id | None = None
    venue_id: Id | None = None
    starts_at: AwareDatetime | None = None
    local_start: LocalDateTime | None = None
    ends_at: AwareDatetime | None = None
    local_end: LocalDateTime | None = None
    tour_id: Id | None = None
    status: StatusName | None = None
    music: MusicName | None = None
    conductor_id: Id | None = None
    orchestra: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    notes: str | None = None


class PerformanceOut(Schema):
    id: int
    billing: str
    title: str
    programme_id: int
    programme_title: str
    season_id: int
    venue_id: int
    venue_name: str
    city: str
    time_zone: str
    starts_at: Iso
    ends_at: Iso
    local_starts_at: Iso
    local_ends_at: Iso
    tour_id: int | None
    status: str
    music: str
    conductor_id: int | None
    conductor_name: str | None
    orchestra: str
    notes: str


class CancelIn(In):
    reason: str = Field("", max_length=300)


class PerformanceFilterIn(Schema):
    starts_from: dt.date | dt.datetime | None = Field(
        None, alias="from", description="a day (in the company's zone) or an instant"
    )
    starts_to: dt.date | dt.datetime | None = Field(
        None, alias="to", description="last day included, or an instant (excluded)"
    )
    venue: Id | None = None
    season: Id | None = None
    tour: Id | None = None
    limit: int = Field(200, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _performance_out(p: Performance) -> dict[str, Any]:
    venue_zone = zone_or_utc(p.venue.time_zone)
    return {
        "id": p.pk,
        "billing": p.billing,
        "title": p.title,
        "programme_id": p.programme_id,
        "programme_title": p.programme.title,
        "season_id": p.programme.season_id,
        "venue_id": p.venue_id,
        "venue_name": p.venue.name,
        "city": p.venue.city,
        "time_zone": p.venue.time_zone,
        "starts_at": p.starts_at.astimezone(UTC),
        "ends_at": p.ends_at.astimezone(UTC),
        "local_starts_at": p.starts_at.astimezone(venue_zone),
        "local_ends_at": p.ends_at.astimezone(venue_zone),
        "tour_id": p.tour_id,
        "status": p.status,
        "music": p.music,
        "conductor_id": p.conductor_id,
        "conductor_name": p.conductor.full_name if p.conductor else None,
        "orchestra": p.orchestra,
        "notes": p.notes,
    }


def _instant(
    value: dt.date | dt.datetime, *, zone_name: str, field: str, next_day: bool
) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValidationFailed(
                _(
                    "Give “%(field)s” as a day (2026-12-01) or with an offset "
                    "(2026-12-01T00:00+03:00)."
                )
                % {"field": field},
                field=field,
            )
        return value
    day = value + dt.timedelta(days=1) if next_day else value
    return local_to_utc(local=dt.datetime.combine(day, dt.time.min), zone_name=zone_name)


@router.get("/performances", response=list[PerformanceOut])
def performance_list(request: HttpRequest, filters: Query[PerformanceFilterIn]) -> Any:
    """Performances in start order; ``from``/``to`` are days in the company's zone or instants."""
    _viewer(request)
    zone_name = selectors.company_time_zone()
    performances = selectors.performance_list(
        filters=selectors.PerformanceFilter(
            starts_from=_instant(
                filters.starts_from, zone_name=zone_name, field="from", next_day=False
            )
            if filters.starts_from
            else None,
            starts_before=_instant(
                filters.starts_to, zone_name=zone_name, field="to", next_day=True
            )
            if filters.starts_to
            else None,
            venue_id=filters.venue,
            season_id=filters.season,
            tour_id=filters.tour,
        )
    )
    window = performances[filters.offset : filters.offset + filters.limit]
    return [_performance_out(p) for p in window]


@router.get("/performances/{performance_id}", response=PerformanceOut)
def performance_get(request: HttpRequest, performance_id: Id) -> Any:
    _viewer(request)
    return _performance_out(selectors.performance_get(pk=performance_id))


def _moment(
    *, aware: dt.datetime | None, local: dt.datetime | None, venue: Venue, field: str
) -> dt.datetime | None:
    """``starts_at``/``ends_at`` as given, or ``local_start``/``local_end`` at the venue."""
    local_field = "local_start" if field == "starts_at" else "local_end"
    if aware is not None and local is not None:
        raise ValidationFailed(
            _("Give either “%(a)s” or “%(b)s”, not both.") % {"a": field, "b": local_field},
            field=field,
        )
    if local is not None:
        return local_to_utc(local=local, zone_name=venue.time_zone, field=local_field)
    if aware is not None:
        check_year(aware, field=field)
    return aware


def _conductor(pk: int | None) -> Person | None:
    if pk is None:
        return None
    return _ref(Person.objects.all(), pk, field="conductor_id", what=_("person"))


@router.post("/performances", response={201: PerformanceOut})
def performance_create(request: HttpRequest, payload: PerformanceIn) -> Any:
    _editor(request)
    venue = _ref(Venue.objects.all(), payload.venue_id, field="venue_id", what=_("venue"))
    programme = _ref(
        Programme.objects.select_related("season"),
        payload.programme_id,
        field="programme_id",
        what=_("programme"),
    )
    tour = (
        _ref(Tour.objects.all(), payload.tour_id, field="tour_id", what=_("tour"))
        if payload.tour_id is not None
        else None
    )
    starts_at = _moment(
        aware=payload.starts_at, local=payload.local_start, venue=venue, field="starts_at"
    )
    if starts_at is None:
        raise ValidationFailed(
            _("Give the start as “starts_at” (with an offset) or “local_start” (at the venue)."),
            field="starts_at",
        )
    performance = services.performance_create(
        data=services.PerformanceData(
            programme=programme,
            venue=venue,
            starts_at=starts_at,
            ends_at=_moment(
                aware=payload.ends_at, local=payload.local_end, venue=venue, field="ends_at"
            ),
            tour=tour,
            status=payload.status,
            music=payload.music,
            conductor=_conductor(payload.conductor_id),
            orchestra=payload.orchestra,
            title=payload.title,
            notes=payload.notes,
        ),
        now=timezone.now(),
        by=request.user,
    )
    return Status(201, _performance_out(selectors.performance_get(pk=performance.pk)))


@router.patch("/performances/{performance_id}", response=PerformanceOut)
def performance_update(request: HttpRequest, performance_id: Id, payload: PerformancePatch) -> Any:
    """Change some fields. Moving the start without giving an end keeps the length."""
    _editor(request)
    current = selectors.performance_get(pk=performance_id)
    changes = payload.dict(exclude_unset=True)
    venue = (
        _ref(Venue.objects.all(), changes["venue_id"], field="venue_id", what=_("venue"))
        if changes.get("venue_id") is not None
        else current.venue
    )
    programme = (
        _ref(
            Programme.objects.select_related("season"),
            changes["programme_id"],
            field="programme_id",
            what=_("programme"),
        )
        if changes.get("programme_id") is not None
        else current.programme
    )
    tour = current.tour
    if "tour_id" in changes:
        tour = (
            _ref(Tour.objects.all(), changes["tour_id"], field="tour_id", what=_("tour"))
            if changes["tour_id"] is not None
            else None
        )
    conductor = current.conductor
    if "conductor_id" in changes:
        conductor = _conductor(changes["conductor_id"])
    music = changes.get("music") or current.music
    if music != Performance.Music.ORCHESTRA and "conductor_id" not in changes:
        conductor = None  # switching to recorded music drops the conductor
    starts_at = _moment(
        aware=payload.starts_at, local=payload.local_start, venue=venue, field="starts_at"
    )
    ends_at = _moment(aware=payload.ends_at, local=payload.local_end, venue=venue, field="ends_at")
    if ends_at is None:
        ends_at = (
            starts_at + (current.ends_at - current.starts_at)
            if starts_at is not None
            else current.ends_at
        )
    orchestra = changes.get("orchestra")
    if orchestra is None:
        orchestra = current.orchestra if music == Performance.Music.ORCHESTRA else ""

    def pick(name: str) -> Any:
        value = changes.get(name)
        return getattr(current, name) if value is None else value

    services.performance_update(
        performance=current,
        changes=vars(
            services.PerformanceData(
                programme=programme,
                venue=venue,
                starts_at=starts_at or current.starts_at,
                ends_at=ends_at,
                tour=tour,
                status=pick("status"),
                music=music,
                conductor=conductor,
                orchestra=orchestra,
                title=pick("title"),
                notes=pick("notes"),
            )
        ),
        by=request.user,
        now=timezone.now(),
    )
    return _performance_out(selectors.performance_get(pk=current.pk))


@router.post("/performances/{performance_id}/cancel", response=PerformanceOut)
def performance_cancel(request: HttpRequest, performance_id: Id, payload: CancelIn) -> Any:
    _editor(request)
    performance = selectors.performance_get(pk=performance_id)
    services.performance_cancel(
        performance=performance, reason=payload.reason, now=timezone.now(), by=request.user
    )
    return _performance_out(selectors.performance_get(pk=performance_id))
