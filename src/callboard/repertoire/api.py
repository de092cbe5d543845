"""The repertoire API (/api/v1/repertoire/): works, sections, roles, who knows which
role, and commissions. Same permissions and services as the pages; errors are
``{"message", "detail"}`` with a 4xx status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from callboard.core.api_parts import ErrorOut
from callboard.core.roles import Cap, require
from callboard.repertoire import selectors, services
from callboard.repertoire.models import Commission, DancerRole, Milestone, Role, Section, Work

router = Router(tags=["repertoire"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --------------------------------------------------------------------------- schemas


class SectionOut(Schema):
    id: int
    work_id: int
    parent_id: int | None
    name: str
    kind: str
    order: int
    duration_minutes: int | None


class DancerRoleOut(Schema):
    dancer_id: int
    role_id: int
    dancer_name: str
    status: str
    since: dt.date | None

    @staticmethod
    def resolve_dancer_name(obj: DancerRole) -> str:
        return obj.dancer.person.full_name


class RoleOut(Schema):
    id: int
    work_id: int
    name: str
    dancers_needed: int
    principal: bool
    announceable: bool
    description: str
    section_ids: list[int]
    dancers: list[DancerRoleOut]

    @staticmethod
    def resolve_section_ids(obj: Role) -> list[int]:
        return [s.pk for s in obj.sections.all()]

    @staticmethod
    def resolve_dancers(obj: Role) -> list[DancerRole]:
        return list(obj.dancers_knowing.all())


class WorkOut(Schema):
    id: int
    title: str
    choreographer_id: int | None
    choreographer_name: str | None
    choreography_credit: str
    composer: str
    duration_minutes: int
    status: str
    premiere_date: dt.date | None
    full_length: bool
    synopsis: str
    themes: str

    @staticmethod
    def resolve_choreographer_name(obj: Work) -> str | None:
        return obj.choreographer.full_name if obj.choreographer else None


class WorkDetailOut(WorkOut):
    sections: list[SectionOut]
    roles: list[RoleOut]

    @staticmethod
    def resolve_sections(obj: Work) -> list[Section]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_roles(obj: Work) -> list[Role]:
        return list(obj.roles.all())


class WorkIn(Schema):
    title: str
    duration_minutes: int
    choreographer_id: int | None = None
    choreography_credit: str = ""
    composer: str = ""
    status: str = Work.Status.IN_REPERTOIRE
    premiere_date: dt.date | None = None
    full_length: bool = False
    synopsis: str = ""
    themes: str = ""


class WorkPatchIn(Schema):
    """Only the fields sent are changed."""

    title: str | None = None
    duration_minutes: int | None = None
    choreographer_id: int | None = None
    choreography_credit: str | None = None
    composer: str | None = None
    status: str | None = None
    premiere_date: dt.date | None = None
    full_length: bool | None = None
    synopsis: str | None = None
    themes: str | None = None


class SectionIn(Schema):
    name: str
    kind: str
    parent_id: int | None = None
    order: int | None = None
    duration_minutes: int | None = None


class SectionPatchIn(Schema):
    """Only the fields sent are changed; ``parent_id: null`` moves it to the top level."""

    name: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    order: int | None = None
    duration_minutes: int | None = None


class SectionMoveIn(Schema):
    direction: str  # "up" or "down"


class RoleIn(Schema):
    name: str
    dancers_needed: int = 1
    principal: bool = False
    announceable: bool = False
    section_ids: list[int] = []
    description: str = ""


class RolePatchIn(Schema):
    """Only the fields sent are changed; ``section_ids`` replaces the whole list."""

    name: str | None = None
    dancers_needed: int | None = None
    principal: bool | None = None
    announceable: bool | None = None
    section_ids: list[int] | None = None
    description: str | None = None


class DancerRoleIn(Schema):
    status: str
    since: dt.date | None = None


class MilestoneOut(Schema):
    id: int
    commission_id: int
    title: str
    due_on: dt.date | None
    done_on: dt.date | None


class CommissionOut(Schema):
    id: int
    work_id: int
    title: str
    status: str
    creator_id: int
    creator_name: str
    commissioned_by_id: int
    commissioned_by_name: str
    occasion: str
    agreed_on: dt.date
    premiere_planned: dt.date | None
    brief: str
    themes: str
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_title(obj: Commission) -> str:
        return obj.work.title

    @staticmethod
    def resolve_themes(obj: Commission) -> str:
        return obj.work.themes

    @staticmethod
    def resolve_creator_name(obj: Commission) -> str:
        return obj.creator.full_name

    @staticmethod
    def resolve_commissioned_by_name(obj: Commission) -> str:
        return obj.commissioned_by.full_name

    @staticmethod
    def resolve_milestones(obj: Commission) -> list[Milestone]:
        return sorted(
            obj.milestones.all(), key=lambda m: (m.due_on is None, m.due_on or dt.date.min, m.pk)
        )


class CommissionIn(Schema):
    title: str
    creator_id: int
    commissioned_by_id: int
    duration_minutes: int
    occasion: str = ""
    agreed_on: dt.date | None = None
    premiere_planned: dt.date | None = None
    brief: str = ""
    themes: str = ""
    composer: str = ""


class AdvanceIn(Schema):
    to_status: str


class MilestoneIn(Schema):
    title: str
    due_on: dt.date | None = None


class MilestoneDoneIn(Schema):
    done_on: dt.date | None = None


# --------------------------------------------------------------------------- helpers


def _work_out(pk: int) -> Work:
    return selectors.work_detail(pk=pk)


def _role_out(pk: int) -> Role:
    return selectors.role_detail(pk=pk)


def _person_refs(changes: dict[str, Any], *names: str) -> dict[str, Any]:
    """Turn ``<name>_id`` keys into the people they name (404 for an unknown id)."""
    for name in names:
        key = f"{name}_id"
        if key in changes:
            pk = changes.pop(key)
            changes[name] = None if pk is None else selectors.person_get(pk=pk)
    return changes


# --------------------------------------------------------------------------- works


@router.get("/works", response={200: list[WorkOut], **ERRORS})
def work_list(request: HttpRequest, status: str | None = None, q: str | None = None) -> Any:
    """Every work, filtered by status and by (part of) the title."""
    require(request.user, Cap.VIEW_COMPANY)
    return list(selectors.work_list(status=status, q=q))


@router.get("/works/{work_id}", response={200: WorkDetailOut, **ERRORS})
def work_get(request: HttpRequest, work_id: int) -> Any:
    """A work with its sections (in order, ``parent_id`` for nesting) and roles."""
    require(request.user, Cap.VIEW_COMPANY)
    return selectors.work_detail(pk=work_id)


@router.post("/works", response={201: WorkOut, **ERRORS})
def work_create(request: HttpRequest, payload: WorkIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    fields = _person_refs(payload.model_dump(), "choreographer")
    return Status(201, services.work_create(**fields, by=request.user, now=timezone.now()))


@router.patch("/works/{work_id}", response={200: WorkOut, **ERRORS})
def work_patch(request: HttpRequest, work_id: int, payload: WorkPatchIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    work = selectors.work_get(pk=work_id)
    changes = _person_refs(payload.model_dump(exclude_unset=True), "choreographer")
    return services.work_update(work=work, changes=changes, by=request.user, now=timezone.now())


# --------------------------------------------------------------------------- sections


def _parent(changes: dict[str, Any]) -> dict[str, Any]:
    if "parent_id" in changes:
        pk = changes.pop("parent_id")
        changes["parent"] = None if pk is None else selectors.section_get(pk=pk)
    return changes


@router.post("/works/{work_id}/sections", response={201: SectionOut, **ERRORS})
def section_create(request: HttpRequest, work_id: int, payload: SectionIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    work = selectors.work_get(pk=work_id)
    return Status(
        201,
        services.section_create(
            work=work, **_parent(payload.model_dump()), by=request.user, now=timezone.now()
        ),
    )


@router.patch("/sections/{section_id}", response={200: SectionOut, **ERRORS})
def section_patch(request: HttpRequest, section_id: int, payload: SectionPatchIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    section = selectors.section_get(pk=section_id)
    changes = _parent(payload.model_dump(exclude_unset=True))
    return services.section_update(
        section=section, changes=changes, by=request.user, now=timezone.now()
    )


@router.post("/sections/{section_id}/move", response={200: SectionOut, **ERRORS})
def section_move(request: HttpRequest, section_id: int, payload: SectionMoveIn) -> Any:
    """Move a section one place up or down among its siblings."""
    require(request.user, Cap.EDIT_REPERTOIRE)
    section = selectors.section_get(pk=section_id)
    return services.section_move(
        section=section, direction=payload.direction, by=request.user, now=timezone.now()
    )


@router.delete("/sections/{section_id}", response={204: None, **ERRORS})
def section_delete(request: HttpRequest, section_id: int) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    services.section_delete(
        section=selectors.section_get(pk=section_id), by=request.user, now=timezone.now()
    )
    return Status(204, None)


# --------------------------------------------------------------------------- roles


def _sections(changes: dict[str, Any]) -> dict[str, Any]:
    if "section_ids" in changes:
        ids = changes.pop("section_ids")
        changes["sections"] = None if ids is None else selectors.sections_by_ids(ids=ids)
    return changes


@router.post("/works/{work_id}/roles", response={201: RoleOut, **ERRORS})
def role_create(request: HttpRequest, work_id: int, payload: RoleIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    work = selectors.work_get(pk=work_id)
    role = services.role_create(
        work=work, **_sections(payload.model_dump()), by=request.user, now=timezone.now()
    )
    return Status(201, _role_out(role.pk))


@router.patch("/roles/{role_id}", response={200: RoleOut, **ERRORS})
def role_patch(request: HttpRequest, role_id: int, payload: RolePatchIn) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    role = selectors.role_get(pk=role_id)
    changes = _sections(payload.model_dump(exclude_unset=True))
    if changes.get("sections", ()) is None:
        changes["sections"] = []
    services.role_update(role=role, changes=changes, by=request.user, now=timezone.now())
    return _role_out(role.pk)


@router.delete("/roles/{role_id}", response={204: None, **ERRORS})
def role_delete(request: HttpRequest, role_id: int) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    services.role_delete(role=selectors.role_get(pk=role_id), by=request.user, now=timezone.now())
    return Status(204, None)


@router.put("/roles/{role_id}/dancers/{dancer_id}", response={200: DancerRoleOut, **ERRORS})
def dancer_role_set(
    request: HttpRequest, role_id: int, dancer_id: int, payload: DancerRoleIn
) -> Any:
    """Record that a dancer has learned (``learned``) or is learning (``learning``) a role."""
    require(request.user, Cap.EDIT_REPERTOIRE)
    role = selectors.role_get(pk=role_id)
    dancer = selectors.dancer_get(pk=dancer_id)
    return services.dancer_role_set(
        dancer=dancer,
        role=role,
        status=payload.status,
        since=payload.since,
        by=request.user,
        now=timezone.now(),
    )


@router.delete("/roles/{role_id}/dancers/{dancer_id}", response={204: None, **ERRORS})
def dancer_role_remove(request: HttpRequest, role_id: int, dancer_id: int) -> Any:
    require(request.user, Cap.EDIT_REPERTOIRE)
    role = selectors.role_get(pk=role_id)
    dancer = selectors.dancer_get(pk=dancer_id)
    services.dancer_role_remove(dancer=dancer, role=role, by=request.user, now=timezone.now())
    return Status(204, None)


# --------------------------------------------------------------------------- commissions


@router.get("/commissions", response={200: list[CommissionOut], **ERRORS})
def commission_list(request: HttpRequest, status: str | None = None) -> Any:
    require(request.user, Cap.VIEW_COMPANY)
    return list(selectors.commission_list(status=status))


@router.get("/commissions/{commission_id}", response={200: CommissionOut, **ERRORS})
def commission_get(request: HttpRequest, commission_id: int) -> Any:
    require(request.user, Cap.VIEW_COMPANY)
    return selectors.commission_detail(pk=commission_id)


@router.post("/commissions", response={201: CommissionOut, **ERRORS})
def commission_create(request: HttpRequest, payload: CommissionIn) -> Any:
    """Commission a new work; the work is created with status ``commissioned``."""
    require(request.user, Cap.EDIT_COMMISSIONS)
    fields = _person_refs(payload.model_dump(), "creator", "commissioned_by")
    commission = services.commission_create(now=timezone.now(), **fields, by=request.user)
    return Status(201, selectors.commission_detail(pk=commission.pk))


@router.post("/commissions/{commission_id}/advance", response={200: CommissionOut, **ERRORS})
def commission_advance(request: HttpRequest, commission_id: int, payload: AdvanceIn) -> Any:
    """Move a commission: commissioned → in_creation → premiered, or to cancelled."""
    require(request.user, Cap.EDIT_COMMISSIONS)
    commission = selectors.commission_get(pk=commission_id)
    services.commission_advance(
        commission=commission, to_status=payload.to_status, by=request.user, now=timezone.now()
    )
    return selectors.commission_detail(pk=commission.pk)


@router.post("/commissions/{commission_id}/milestones", response={201: MilestoneOut, **ERRORS})
def milestone_create(request: HttpRequest, commission_id: int, payload: MilestoneIn) -> Any:
    require(request.user, Cap.EDIT_COMMISSIONS)
    commission = selectors.commission_get(pk=commission_id)
    return Status(
        201,
        services.milestone_create(
            commission=commission, **payload.model_dump(), by=request.user, now=timezone.now()
        ),
    )


@router.post("/milestones/{milestone_id}/complete", response={200: MilestoneOut, **ERRORS})
def milestone_complete(request: HttpRequest, milestone_id: int, payload: MilestoneDoneIn) -> Any:
    """Mark a milestone done (today, in the company's time zone, unless ``done_on`` is given)."""
    require(request.user, Cap.EDIT_COMMISSIONS)
    milestone = selectors.milestone_get(pk=milestone_id)
    return services.milestone_complete(
        milestone=milestone, now=timezone.now(), done_on=payload.done_on, by=request.user
    )
