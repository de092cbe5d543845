"""JSON API of the company app, mounted at /api/v1/company/.

Each endpoint checks the caller's capability (as the pages do), then calls one service or
selector. A dancer's private fields (e-mail, phone, birth date, emergency contact, contract
notes) are null unless the caller is that dancer or may see private details.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from callboard.company import selectors, services
from callboard.company.models import (
    Company,
    Dancer,
    LabourProfile,
    Site,
    Staff,
    Studio,
    TrainingEntry,
)
from callboard.core.api_parts import LocalTime
from callboard.core.roles import Cap, require

router = Router(tags=["company"])


# --------------------------------------------------------------------------- schemas


class TrainingOut(Schema):
    id: int
    institution: str
    discipline: str
    place: str
    start_year: int | None
    end_year: int | None
    notes: str


class TrainingIn(Schema):
    institution: str
    discipline: str = ""
    place: str = ""
    start_year: int | None = None
    end_year: int | None = None
    notes: str = ""


class DancerOut(Schema):
    id: int
    person_id: int
    given_name: str
    family_name: str
    native_given_name: str = Field("", description="The given name in the person's own script")
    native_family_name: str = Field("", description="The family name in the person's own script")
    full_name: str = Field(description="The name in the reader's script (Accept-Language)")
    kind: str
    rank: str
    rank_label: str
    status: str
    status_label: str
    status_reason: str = Field(
        "", description="Why the status was set by hand (needed when marked injured by hand)"
    )
    joined_on: dt.date | None
    engagement_start: dt.date | None
    engagement_end: dt.date | None
    nationality: str
    heritage: str
    biography: str
    training: list[TrainingOut]
    private_visible: bool = Field(
        description="Whether the private fields below are filled in for you"
    )
    email: str | None
    phone: str | None
    birth_date: dt.date | None
    emergency_contact: str | None
    contract_notes: str | None


class DancerFilter(Schema):
    rank: str = ""
    status: str = ""
    q: str = Field(
        "", max_length=100, description="Part of the name; accents and case do not matter"
    )
    limit: int = Field(50, ge=1, le=selectors.API_MAX_LIMIT)
    offset: int = Field(0, ge=0)


class DancerListOut(Schema):
    count: int
    items: list[DancerOut]


class DancerIn(Schema):
    given_name: str
    family_name: str
    rank: str
    status: str = Dancer.Status.ACTIVE.value
    status_reason: str = ""
    joined_on: dt.date | None = None
    engagement_start: dt.date | None = None
    engagement_end: dt.date | None = None
    contract_notes: str = ""
    biography: str = ""
    heritage: str = ""
    nationality: str = ""
    email: str = ""
    phone: str = ""
    birth_date: dt.date | None = None
    emergency_contact: str = ""


class DancerPatch(Schema):
    """Only the fields sent are changed."""

    given_name: str | None = None
    family_name: str | None = None
    rank: str | None = None
    status: str | None = None
    status_reason: str | None = None
    joined_on: dt.date | None = None
    engagement_start: dt.date | None = None
    engagement_end: dt.date | None = None
    contract_notes: str | None = None
    biography: str | None = None
    heritage: str | None = None
    nationality: str | None = None
    email: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    emergency_contact: str | None = None


class StaffOut(Schema):
    id: int
    person_id: int
    kind: str
    kind_label: str
    title: str
    since: dt.date | None
    given_name: str
    family_name: str
    full_name: str
    email: str | None
    phone: str | None


class StaffFilter(Schema):
    kind: str = ""


class StaffIn(Schema):
    kind: str
    person_id: int | None = Field(None, description="An existing person; else name a new one")
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""
    biography: str = ""
    nationality: str = ""
    title: str = ""
    since: dt.date | None = None


class TravelOut(Schema):
    destination_id: int
    destination: str
    minutes: int


class SiteOut(Schema):
    id: int
    name: str
    address: str
    travel: list[TravelOut]


class SiteIn(Schema):
    name: str
    address: str = ""


class StudioOut(Schema):
    id: int
    name: str
    site_id: int
    site: str
    length_m: float | None
    width_m: float | None
    capacity: int
    has_piano: bool
    floor: str
    active: bool
    notes: str


class StudioIn(Schema):
    name: str
    site_id: int
    capacity: int
    length_m: float | None = None
    width_m: float | None = None
    has_piano: bool = True
    floor: str = ""
    active: bool = True
    notes: str = ""


class StudioPatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = None
    site_id: int | None = None
    capacity: int | None = None
    length_m: float | None = None
    width_m: float | None = None
    has_piano: bool | None = None
    floor: str | None = None
    active: bool | None = None
    notes: str | None = None


class LabourProfileOut(Schema):
    id: int
    name: str
    preset: str
    notes: str
    in_force: bool
    terms: list[str] = Field(description="The agreement in plain words")
    max_minutes_per_day: int
    max_minutes_per_week: int
    longest_call_minutes: int | None
    max_span_minutes: int | None
    break_every_minutes: int | None
    break_minutes: int
    meal_break_within_minutes: int | None
    meal_break_minutes: int
    min_rest_between_days_minutes: int | None
    earliest_start: LocalTime | None
    latest_end: LocalTime | None
    free_days_per_week: int
    class_counts_as_work: bool
    performance_counts_as_work: bool
    posting_deadline: LocalTime | None
    posting_days_before: int
    principal_notice_days: int
    announceable_notice_days: int
    full_casting_notice_days: int
    personal_notice_hours: int


class PresetIn(Schema):
    key: str = Field(description="us_ballet or uk_minimum")


class CompanyOut(Schema):
    id: int
    name: str
    short_name: str
    city: str
    time_zone: str
    labour_profile: LabourProfileOut | None


# --------------------------------------------------------------------------- shaping


def _training(entry: TrainingEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "institution": entry.institution,
        "discipline": entry.discipline,
        "place": entry.place,
        "start_year": entry.start_year,
        "end_year": entry.end_year,
        "notes": entry.notes,
    }


def _dancer(dancer: Dancer, user: Any) -> dict[str, Any]:
    person = dancer.person
    private = selectors.may_see_private(user, person)
    return {
        "id": dancer.pk,
        "person_id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "native_given_name": person.native_given_name,
        "native_family_name": person.native_family_name,
        "full_name": person.full_name,
        "kind": person.kind,
        "rank": dancer.rank,
        "rank_label": str(dancer.get_rank_display()),
        "status": dancer.status,
        "status_label": str(dancer.get_status_display()),
        "status_reason": dancer.status_reason,
        "joined_on": dancer.joined_on,
        "engagement_start": dancer.engagement_start,
        "engagement_end": dancer.engagement_end,
        "nationality": person.nationality,
        "heritage": person.heritage,
        "biography": person.biography,
        "training": [_training(t) for t in dancer.training.all()],
        "private_visible": private,
        "email": person.email if private else None,
        "phone": person.phone if private else None,
        "birth_date": person.birth_date if private else None,
        "emergency_contact": person.emergency_contact if private else None,
        "contract_notes": dancer.contract_notes if private else None,
    }


def _dancer_fresh(pk: int, user: Any) -> dict[str, Any]:
    return _dancer(selectors.dancer_get(pk=pk), user)


def _staff(staff: Staff, user: Any) -> dict[str, Any]:
    private = selectors.may_see_private(user, staff.person)
    return {
        "id": staff.pk,
        "person_id": staff.person_id,
        "kind": staff.kind,
        "kind_label": str(staff.get_kind_display()),
        "title": staff.title,
        "since": staff.since,
        "given_name": staff.person.given_name,
        "family_name": staff.person.family_name,
        "full_name": staff.person.full_name,
        "email": staff.person.email if private else None,
        "phone": staff.person.phone if private else None,
    }


def _studio(studio: Studio) -> dict[str, Any]:
    return {
        "id": studio.pk,
        "name": studio.name,
        "site_id": studio.site_id,
        "site": studio.site.name,
        "length_m": float(studio.length_m) if studio.length_m is not None else None,
        "width_m": float(studio.width_m) if studio.width_m is not None else None,
        "capacity": studio.capacity,
        "has_piano": studio.has_piano,
        "floor": studio.floor,
        "active": studio.active,
        "notes": studio.notes,
    }


def _labour(profile: LabourProfile, company: Company) -> dict[str, Any]:
    data = {f: getattr(profile, f) for f in services.LABOUR_FIELDS}
    return {
        **data,
        "id": profile.pk,
        "preset": profile.preset,
        "in_force": company.labour_profile_id == profile.pk,
        "terms": selectors.labour_terms(profile),
    }


def _company(company: Company) -> dict[str, Any]:
    return {
        "id": company.pk,
        "name": company.name,
        "short_name": company.short_name,
        "city": company.city,
        "time_zone": company.time_zone,
        "labour_profile": _labour(company.labour_profile, company)
        if company.labour_profile
        else None,
    }


# --------------------------------------------------------------------------- company


@router.get(
    "/company", response=CompanyOut, summary="The company and its labour agreement in force"
)
def company_detail(request: HttpRequest) -> dict[str, Any]:
    require(request.user, Cap.VIEW_COMPANY)
    return _company(services.company_get())


# --------------------------------------------------------------------------- dancers


@router.get("/dancers", response=DancerListOut, summary="The roster, filtered and paginated")
def dancer_list(request: HttpRequest, filters: Query[DancerFilter]) -> dict[str, Any]:
    require(request.user, Cap.VIEW_COMPANY)
    qs = selectors.dancer_list(rank=filters.rank, status=filters.status, q=filters.q)
    count = qs.count()
    page = selectors.dancers_with_training(qs)[filters.offset : filters.offset + filters.limit]
    return {"count": count, "items": [_dancer(d, request.user) for d in page]}


@router.get("/dancers/{int:dancer_id}", response=DancerOut)
def dancer_detail(request: HttpRequest, dancer_id: int) -> dict[str, Any]:
    require(request.user, Cap.VIEW_COMPANY)
    return _dancer(selectors.dancer_get(pk=dancer_id), request.user)


@router.post("/dancers", response={201: DancerOut}, summary="Put a new dancer on the roster")
def dancer_create(request: HttpRequest, payload: DancerIn) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_PEOPLE)
    dancer = services.dancer_create(**payload.model_dump(), now=timezone.now(), by=request.user)
    return Status(201, _dancer_fresh(dancer.pk, request.user))


@router.patch(
    "/dancers/{int:dancer_id}", response=DancerOut, summary="Change some of a dancer's fields"
)
def dancer_update(request: HttpRequest, dancer_id: int, payload: DancerPatch) -> dict[str, Any]:
    require(request.user, Cap.EDIT_PEOPLE)
    dancer = selectors.dancer_get(pk=dancer_id)
    services.dancer_update(
        dancer=dancer,
        changes=payload.model_dump(exclude_unset=True),
        now=timezone.now(),
        by=request.user,
    )
    return _dancer_fresh(dancer_id, request.user)


@router.post("/dancers/{int:dancer_id}/training", response={201: TrainingOut})
def training_add(
    request: HttpRequest, dancer_id: int, payload: TrainingIn
) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_PEOPLE)
    dancer = selectors.dancer_get(pk=dancer_id)
    entry = services.training_add(
        dancer=dancer, **payload.model_dump(), now=timezone.now(), by=request.user
    )
    return Status(201, _training(entry))


@router.delete("/dancers/{int:dancer_id}/training/{int:entry_id}", response={204: None})
def training_remove(request: HttpRequest, dancer_id: int, entry_id: int) -> Status[None]:
    require(request.user, Cap.EDIT_PEOPLE)
    dancer = selectors.dancer_get(pk=dancer_id)
    services.training_remove(dancer=dancer, entry_id=entry_id, now=timezone.now(), by=request.user)
    return Status(204, None)


# --------------------------------------------------------------------------- staff


@router.get("/staff", response=list[StaffOut], summary="Staff, optionally of one kind")
def staff_list(request: HttpRequest, filters: Query[StaffFilter]) -> list[dict[str, Any]]:
    require(request.user, Cap.VIEW_COMPANY)
    return [_staff(s, request.user) for s in selectors.staff_list(kind=filters.kind)]


@router.post("/staff", response={201: StaffOut}, summary="Give someone a staff role")
def staff_create(request: HttpRequest, payload: StaffIn) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_PEOPLE)
    staff = services.staff_create(**payload.model_dump(), now=timezone.now(), by=request.user)
    return Status(201, _staff(selectors.staff_get(pk=staff.pk), request.user))


# --------------------------------------------------------------------------- sites and studios


@router.get("/sites", response=list[SiteOut], summary="Sites with travel minutes to the others")
def site_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Cap.VIEW_COMPANY)
    travel: dict[int, list[dict[str, Any]]] = {}
    for t in selectors.site_travel_list():
        travel.setdefault(t.origin_id, []).append(
            {
                "destination_id": t.destination_id,
                "destination": t.destination.name,
                "minutes": t.minutes,
            }
        )
    return [
        {"id": s.pk, "name": s.name, "address": s.address, "travel": travel.get(s.pk, [])}
        for s in selectors.site_list()
    ]


@router.post("/sites", response={201: SiteOut})
def site_create(request: HttpRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_STUDIOS)
    site: Site = services.site_create(**payload.model_dump(), now=timezone.now(), by=request.user)
    return Status(201, {"id": site.pk, "name": site.name, "address": site.address, "travel": []})


@router.get("/studios", response=list[StudioOut])
def studio_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Cap.VIEW_COMPANY)
    return [_studio(s) for s in selectors.studio_list()]


@router.post("/studios", response={201: StudioOut})
def studio_create(request: HttpRequest, payload: StudioIn) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_STUDIOS)
    studio = services.studio_create(**payload.model_dump(), now=timezone.now(), by=request.user)
    return Status(201, _studio(selectors.studio_get(pk=studio.pk)))


@router.patch("/studios/{int:studio_id}", response=StudioOut)
def studio_update(request: HttpRequest, studio_id: int, payload: StudioPatch) -> dict[str, Any]:
    require(request.user, Cap.EDIT_STUDIOS)
    studio = selectors.studio_get(pk=studio_id)
    services.studio_update(
        studio=studio,
        changes=payload.model_dump(exclude_unset=True),
        now=timezone.now(),
        by=request.user,
    )
    return _studio(selectors.studio_get(pk=studio_id))


# --------------------------------------------------------------------------- labour profiles


@router.get("/labour-profiles", response=list[LabourProfileOut])
def labour_profile_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Cap.VIEW_COMPANY)
    company = services.company_get()
    return [_labour(p, company) for p in selectors.labour_profile_list()]


@router.get("/labour-profiles/{int:profile_id}", response=LabourProfileOut)
def labour_profile_detail(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    require(request.user, Cap.VIEW_COMPANY)
    return _labour(selectors.labour_profile_get(pk=profile_id), services.company_get())


@router.post(
    "/labour-profiles/from-preset",
    response={201: LabourProfileOut},
    summary="Create a labour profile from a shipped preset",
)
def labour_profile_from_preset(request: HttpRequest, payload: PresetIn) -> Status[dict[str, Any]]:
    require(request.user, Cap.EDIT_LABOUR)
    profile = services.labour_profile_from_preset(
        key=payload.key, now=timezone.now(), by=request.user
    )
    return Status(201, _labour(profile, services.company_get()))


@router.post(
    "/labour-profiles/{int:profile_id}/activate",
    response=CompanyOut,
    summary="Put a labour profile in force",
)
def labour_profile_activate(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    require(request.user, Cap.EDIT_LABOUR)
    profile = selectors.labour_profile_get(pk=profile_id)
    return _company(
        services.labour_profile_activate(profile=profile, now=timezone.now(), by=request.user)
    )
