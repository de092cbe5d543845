"""Casting through the API (/api/v1/casting/): the same services and rules as the pages.

Drafts are for management; everyone else sees announced casting only (and a dancer's
own page is their announced casting).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from callboard.casting import selectors, services
from callboard.casting.models import (
    CastAssignment,
    CastingChange,
    CastingProposal,
    Notification,
    RehearsalNeed,
    parse_layer,
)
from callboard.casting.rules import Finding
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.repertoire.models import Work

router = Router(tags=["casting"])


# --------------------------------------------------------------------------- schemas


class FindingOut(Schema):
    code: str
    message: str
    level: str


class AssignmentOut(Schema):
    id: int
    performance_id: int
    role_id: int
    role_name: str
    work_id: int
    slot: int
    kind: str
    rank: int
    dancer_id: int
    dancer_name: str


class AssignIn(Schema):
    performance_id: int
    role_id: int
    dancer_id: int
    slot: int = 0
    kind: str = "first"
    rank: int = 1
    reason: str = ""
    replacing: int | None = None


class ClearIn(Schema):
    performance_id: int
    role_id: int
    slot: int = 0
    kind: str = "first"
    rank: int = 1
    reason: str = ""


class CastResultOut(Schema):
    assignment: AssignmentOut | None
    warnings: list[FindingOut]
    change_id: int | None
    previous_dancer_id: int | None


class CopyIn(Schema):
    target_ids: list[int]
    work_id: int | None = None
    layers: list[str] | None = None
    overwrite: bool = False
    reason: str = ""


class CopyOut(Schema):
    copied: int
    unchanged: int
    skipped: list[str]
    warnings: list[str]


class AnnounceIn(Schema):
    tier: int


class AnnounceOut(Schema):
    performance_id: int
    tier: int
    announced_at: dt.datetime
    created: bool
    notified: int
    holes: int


class DeadlineOut(Schema):
    tier: int
    due: dt.datetime
    announced_at: dt.datetime | None
    overdue: bool


class ColumnOut(Schema):
    performance_id: int
    starts_at: dt.datetime
    venue: str
    announced_tier: int
    past: bool
    holes: int
    warnings: int
    deadlines: list[DeadlineOut]


class CellOut(Schema):
    performance_id: int
    dancer_id: int | None
    dancer_name: str | None
    published: bool
    findings: list[FindingOut]


class RowOut(Schema):
    role_id: int
    role_name: str
    work_id: int
    slot: int
    tier: int
    cells: list[CellOut]


class BoardOut(Schema):
    programme_id: int
    layer: str
    holes: int
    warnings: int
    columns: list[ColumnOut]
    rows: list[RowOut]


class CandidateOut(Schema):
    dancer_id: int
    name: str
    rank: str
    role_status: str | None
    ok: bool
    findings: list[FindingOut]


class SuggestIn(Schema):
    work_id: int | None = None
    performance_ids: list[int] | None = None
    time_limit: float | None = None
    covers: int | None = None
    seed: int = 0


class ProposalItemOut(Schema):
    id: int
    performance_id: int
    role_id: int
    role_name: str
    slot: int
    kind: str
    rank: int
    dancer_id: int
    dancer_name: str
    note: str


class ProposalOut(Schema):
    """A casting suggestion. ``status`` is ``working`` while the solver works it out (poll
    ``GET /suggestions/{id}``), then ``open`` for review (or ``failed``, with ``error``
    saying what to do), ``accepted`` or ``discarded``."""

    id: int
    programme_id: int
    status: str
    error: str
    solver_status: str
    explanation: dict[str, Any]
    outcome: dict[str, Any]
    items: list[ProposalItemOut]


class AcceptIn(Schema):
    item_ids: list[int] | None = None


class NeedIn(Schema):
    label: str
    kind: str
    minutes: int
    earliest: dt.date
    latest: dt.date
    priority: int = 2
    staff_kind: str = ""
    notes: str = ""
    people: list[int] = []
    work_id: int | None = None


class NeedPatch(Schema):
    label: str | None = None
    kind: str | None = None
    minutes: int | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    priority: int | None = None
    staff_kind: str | None = None
    notes: str | None = None
    people: list[int] | None = None


class NeedOut(Schema):
    id: int
    programme_id: int
    label: str
    kind: str
    source: str
    work_id: int | None
    section_id: int | None
    role_id: int | None
    venue_id: int | None
    performance_id: int | None
    people: list[int]
    staff_kind: str
    minutes: int
    earliest: dt.date
    latest: dt.date
    priority: int
    notes: str


class ChangeOut(Schema):
    id: int
    performance_id: int
    role_id: int
    slot: int
    kind: str
    rank: int
    old_dancer_id: int | None
    new_dancer_id: int | None
    reason: str
    changed_at: dt.datetime
    late: bool
    notice_hours: int


class DancerRoleHistoryOut(Schema):
    role_id: int
    role_name: str
    work_title: str
    status: str
    first_danced_on: dt.date | None
    times_danced: int


class DancerCastingOut(Schema):
    dancer_id: int
    name: str
    roles: list[DancerRoleHistoryOut]
    upcoming: list[AssignmentOut]


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class RecordedOut(Schema):
    recorded: int


# --------------------------------------------------------------------------- converters


def _finding(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "message": f.message, "level": f.level}


def _assignment(a: CastAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "performance_id": a.performance_id,
        "role_id": a.role_id,
        "role_name": a.role.name,
        "work_id": a.role.work_id,
        "slot": a.slot,
        "kind": a.kind,
        "rank": a.rank,
        "dancer_id": a.dancer_id,
        "dancer_name": str(a.dancer.person),
    }


def _proposal(pk: int) -> dict[str, Any]:
    found = selectors.proposal_detail(pk=pk)
    if found is None:
        raise NotFound("No such casting suggestion.")
    p: CastingProposal = services.suggestion_refresh(proposal=found["proposal"], now=timezone.now())
    items = [item for _perf, group in found["groups"] for item in group]
    return {
        "id": p.pk,
        "programme_id": p.programme_id,
        "status": p.status,
        "error": p.error,
        "solver_status": p.solver_status,
        "explanation": p.explanation,
        "outcome": p.outcome,
        "items": [
            {
                "id": i.pk,
                "performance_id": i.performance_id,
                "role_id": i.role_id,
                "role_name": i.role.name,
                "slot": i.slot,
                "kind": i.kind,
                "rank": i.rank,
                "dancer_id": i.dancer_id,
                "dancer_name": str(i.dancer.person),
                "note": i.note,
            }
            for i in items
        ],
    }


def _need(n: RehearsalNeed) -> dict[str, Any]:
    return {
        "id": n.pk,
        "programme_id": n.programme_id,
        "label": n.label,
        "kind": n.kind,
        "source": n.source,
        "work_id": n.work_id,
        "section_id": n.section_id,
        "role_id": n.role_id,
        "venue_id": n.venue_id,
        "performance_id": n.performance_id,
        "people": sorted(d.pk for d in n.people.all()),
        "staff_kind": n.staff_kind,
        "minutes": n.minutes,
        "earliest": n.earliest,
        "latest": n.latest,
        "priority": n.priority,
        "notes": n.notes,
    }


def _layer(kind: str, rank: int) -> str:
    return f"cover{rank}" if kind == "cover" else kind


def _work(pk: int | None) -> Work | None:
    if pk is None:
        return None
    work = Work.objects.filter(pk=pk).first()
    if work is None:
        raise NotFound(f"No work with id {pk}.")
    return work


def _dancers(ids: list[int]) -> list[Any]:
    return [selectors.get_dancer(i) for i in ids]


def _cast_result(result: services.CastResult) -> dict[str, Any]:
    a = result.assignment
    if a is not None:
        a = CastAssignment.objects.select_related("role", "dancer__person").get(pk=a.pk)
    return {
        "assignment": _assignment(a) if a is not None else None,
        "warnings": [_finding(f) for f in result.warnings],
        "change_id": result.change.pk if result.change else None,
        "previous_dancer_id": result.previous.pk if result.previous else None,
    }


# --------------------------------------------------------------------------- reads


@router.get("/programmes/{programme_id}/board", response=BoardOut)
def board(
    request: HttpRequest, programme_id: int, layer: str = "first", work_id: int | None = None
) -> dict:
    """The casting board of a production (management only: it shows drafts)."""
    require(request.user, Cap.VIEW_CASTING)
    if parse_layer(layer) is None:
        raise ValidationFailed(
            "layer is one of first, second, third, cover1, cover2, cover3.", field="layer"
        )
    programme = selectors.get_programme(programme_id)
    data = selectors.casting_board(
        programme=programme, work=_work(work_id), layer=layer, now=timezone.now(), user=request.user
    )
    return {
        "programme_id": programme.pk,
        "layer": data.layer,
        "holes": data.holes,
        "warnings": data.warnings,
        "columns": [
            {
                "performance_id": c.performance.pk,
                "starts_at": c.performance.starts_at,
                "venue": c.performance.venue.name,
                "announced_tier": c.level,
                "past": c.past,
                "holes": c.holes,
                "warnings": c.warnings,
                "deadlines": [
                    {
                        "tier": d.tier,
                        "due": d.due,
                        "announced_at": d.announced_at,
                        "overdue": d.overdue,
                    }
                    for d in c.deadlines
                ],
            }
            for c in data.columns
        ],
        "rows": [
            {
                "role_id": row.role.pk,
                "role_name": row.role.name,
                "work_id": row.role.work_id,
                "slot": row.slot,
                "tier": row.tier,
                "cells": [
                    {
                        "performance_id": cell.performance.pk,
                        "dancer_id": cell.assignment.dancer_id if cell.assignment else None,
                        "dancer_name": str(cell.assignment.dancer.person)
                        if cell.assignment
                        else None,
                        "published": cell.published,
                        "findings": [_finding(f) for f in cell.findings],
                    }
                    for cell in row.cells
                ],
            }
            for block in data.blocks
            for row in block.rows
        ],
    }


@router.get("/performances/{performance_id}/casting", response=list[AssignmentOut])
def performance_casting(request: HttpRequest, performance_id: int) -> list[dict]:
    """Casting of a performance: announced casting, or drafts too for management."""
    require(request.user, Cap.VIEW_COMPANY)
    performance = selectors.get_performance(performance_id)
    return [
        _assignment(a)
        for a in selectors.performance_casting(performance=performance, user=request.user)
    ]


@router.get("/candidates", response=list[CandidateOut])
def candidates(
    request: HttpRequest,
    performance_id: int,
    role_id: int,
    q: str = "",
    layer: str = "first",
    slot: int = 0,
) -> list[dict]:
    """Dancers for a cell (accent-insensitive name search), each with the rules' findings."""
    require(request.user, Cap.VIEW_CASTING)
    parsed = parse_layer(layer)
    if parsed is None:
        raise ValidationFailed(
            "layer is one of first, second, third, cover1, cover2, cover3.", field="layer"
        )
    kind, rank = parsed
    found = selectors.cast_candidates(
        performance=selectors.get_performance(performance_id),
        role=selectors.get_role(role_id),
        kind=kind,
        rank=rank,
        slot=max(0, slot),
        query=q[:200],
    )
    return [
        {
            "dancer_id": c.dancer.pk,
            "name": str(c.dancer.person),
            "rank": c.dancer.rank,
            "role_status": c.known.status if c.known else None,
            "ok": c.ok,
            "findings": [_finding(f) for f in c.findings],
        }
        for c in found
    ]


@router.get("/programmes/{programme_id}/changes", response=list[ChangeOut])
def changes(request: HttpRequest, programme_id: int) -> list[CastingChange]:
    require(request.user, Cap.VIEW_CASTING)
    return selectors.casting_changes(programme=selectors.get_programme(programme_id))


@router.get("/me", response=DancerCastingOut)
def me(request: HttpRequest) -> dict:
    """Your roles and your announced casting."""
    person = getattr(request.user, "person", None)
    dancer = getattr(person, "dancer", None) if person else None
    if dancer is None:
        raise NotFound("Your account is not linked to a dancer of the company.")
    return _dancer_casting(request, dancer, own=True)


@router.get("/dancers/{dancer_id}", response=DancerCastingOut)
def dancer_casting(request: HttpRequest, dancer_id: int) -> dict:
    require(request.user, Cap.VIEW_COMPANY)
    return _dancer_casting(request, selectors.get_dancer(dancer_id), own=False)


def _dancer_casting(request: HttpRequest, dancer: Any, *, own: bool) -> dict:
    data = selectors.dancer_casting(dancer=dancer, user=request.user, now=timezone.now())
    return {
        "dancer_id": dancer.pk,
        "name": str(dancer.person),
        "roles": [
            {
                "role_id": r.role_id,
                "role_name": r.role.name,
                "work_title": r.role.work.title,
                "status": r.status,
                "first_danced_on": r.first_danced_on,
                "times_danced": r.times_danced,
            }
            for r in data["roles"]
        ],
        "upcoming": [_assignment(a) for a in data["upcoming"]],
    }


@router.get("/notifications", response=list[NotificationOut])
def notifications(request: HttpRequest) -> list[Notification]:
    return selectors.notifications_for(person=getattr(request.user, "person", None))


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        raise NotFound("No such notification among yours.")
    return services.notification_mark_read(
        notification=note, person=getattr(request.user, "person", None), now=timezone.now()
    )


# --------------------------------------------------------------------------- writes


@router.post("/assignments", response=CastResultOut)
def assign(request: HttpRequest, payload: AssignIn) -> dict:
    """Cast a dancer in a slot; refused with a 4xx and the reason when a rule forbids it."""
    result = services.cast_assign(
        performance=selectors.get_performance(payload.performance_id),
        role=selectors.get_role(payload.role_id),
        dancer=selectors.get_dancer(payload.dancer_id),
        slot=payload.slot,
        kind=payload.kind,
        rank=payload.rank,
        by=request.user,
        now=timezone.now(),
        reason=payload.reason,
        replacing=payload.replacing,
    )
    return _cast_result(result)


@router.post("/assignments/clear", response=CastResultOut)
def clear(request: HttpRequest, payload: ClearIn) -> dict:
    result = services.cast_remove(
        performance=selectors.get_performance(payload.performance_id),
        role=selectors.get_role(payload.role_id),
        slot=payload.slot,
        kind=payload.kind,
        rank=payload.rank,
        by=request.user,
        now=timezone.now(),
        reason=payload.reason,
    )
    return _cast_result(result)


@router.post("/performances/{performance_id}/copy", response=CopyOut)
def copy(request: HttpRequest, performance_id: int, payload: CopyIn) -> dict:
    result = services.cast_copy(
        source=selectors.get_performance(performance_id),
        targets=[selectors.get_performance(i) for i in payload.target_ids],
        work=_work(payload.work_id),
        layers=payload.layers,
        overwrite=payload.overwrite,
        by=request.user,
        now=timezone.now(),
        reason=payload.reason,
    )
    return {
        "copied": result.copied,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "warnings": result.warnings,
    }


@router.post("/performances/{performance_id}/announce", response=AnnounceOut)
def announce(request: HttpRequest, performance_id: int, payload: AnnounceIn) -> dict:
    result = services.casting_announce(
        performance=selectors.get_performance(performance_id),
        tier=payload.tier,
        by=request.user,
        now=timezone.now(),
    )
    return {
        "performance_id": performance_id,
        "tier": result.announcement.tier,
        "announced_at": result.announcement.announced_at,
        "created": result.created,
        "notified": result.notified,
        "holes": result.holes,
    }


@router.post("/performances/{performance_id}/danced", response=RecordedOut)
def record_danced(request: HttpRequest, performance_id: int) -> dict:
    require(request.user, Cap.EDIT_CASTING)
    n = services.performance_record_danced(
        performance=selectors.get_performance(performance_id), now=timezone.now()
    )
    return {"recorded": n}


@router.post("/programmes/{programme_id}/suggestions", response={201: ProposalOut})
def suggest(request: HttpRequest, programme_id: int, payload: SuggestIn) -> Status:
    """Ask for a suggested casting of the empty places. It is worked out in the background:
    the answer has ``status`` ``working``; poll ``GET /suggestions/{id}`` until it is
    ``open``. Nothing changes until it is accepted."""
    programme = selectors.get_programme(programme_id)
    performances = (
        [selectors.get_performance(i) for i in payload.performance_ids]
        if payload.performance_ids
        else None
    )
    proposal = services.suggestion_request(
        programme=programme,
        work=_work(payload.work_id),
        performances=performances,
        by=request.user,
        now=timezone.now(),
        time_limit=payload.time_limit,
        covers=payload.covers,
        seed=payload.seed,
    )
    return Status(201, _proposal(proposal.pk))


@router.get("/suggestions/{proposal_id}", response=ProposalOut)
def suggestion(request: HttpRequest, proposal_id: int) -> dict:
    require(request.user, Cap.VIEW_CASTING)
    return _proposal(proposal_id)


def _proposal_row(proposal_id: int) -> CastingProposal:
    found = CastingProposal.objects.filter(pk=proposal_id).first()
    if found is None:
        raise NotFound("No such casting suggestion.")
    return found


@router.post("/suggestions/{proposal_id}/accept", response=ProposalOut)
def suggestion_accept(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> dict:
    services.suggestion_accept(
        proposal=_proposal_row(proposal_id),
        by=request.user,
        now=timezone.now(),
        item_ids=payload.item_ids,
    )
    return _proposal(proposal_id)


@router.post("/suggestions/{proposal_id}/discard", response=ProposalOut)
def suggestion_discard(request: HttpRequest, proposal_id: int) -> dict:
    services.suggestion_discard(
        proposal=_proposal_row(proposal_id), by=request.user, now=timezone.now()
    )
    return _proposal(proposal_id)


@router.get("/programmes/{programme_id}/needs", response=list[NeedOut])
def needs(request: HttpRequest, programme_id: int) -> list[dict]:
    """What the casting asks of the rehearsal room: the scheduler's input."""
    require(request.user, Cap.VIEW_CASTING)
    return [
        _need(n) for n in selectors.rehearsal_needs(programme=selectors.get_programme(programme_id))
    ]


@router.post("/programmes/{programme_id}/needs", response={201: NeedOut})
def need_create(request: HttpRequest, programme_id: int, payload: NeedIn) -> Status:
    need = services.rehearsal_need_create(
        programme=selectors.get_programme(programme_id),
        values=payload.dict(exclude={"people", "work_id"}),
        people=_dancers(payload.people),
        work=_work(payload.work_id),
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, _need(RehearsalNeed.objects.prefetch_related("people").get(pk=need.pk)))


def _need_row(need_id: int) -> RehearsalNeed:
    need = RehearsalNeed.objects.filter(pk=need_id, dismissed=False).first()
    if need is None:
        raise NotFound("No such rehearsal need.")
    return need


@router.patch("/needs/{need_id}", response=NeedOut)
def need_update(request: HttpRequest, need_id: int, payload: NeedPatch) -> dict:
    need = services.rehearsal_need_update(
        need=_need_row(need_id),
        by=request.user,
        now=timezone.now(),
        changes={
            **payload.dict(exclude={"people"}, exclude_none=True),
            "people": _dancers(payload.people) if payload.people is not None else None,
        },
    )
    return _need(RehearsalNeed.objects.prefetch_related("people").get(pk=need.pk))


@router.delete("/needs/{need_id}", response={204: None})
def need_delete(request: HttpRequest, need_id: int) -> Status:
    services.rehearsal_need_delete(need=_need_row(need_id), by=request.user, now=timezone.now())
    return Status(204, None)
