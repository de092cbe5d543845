"""The rehearsal call in JSON under /api/v1/schedule/: same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime

from callboard.core import zones
from callboard.core.api_parts import Flag, Id, In
from callboard.core.errors import NotFound, PermissionDenied, ValidationFailed
from callboard.core.i18n import reader_text
from callboard.core.roles import Cap, can, require
from callboard.scheduling import selectors, services
from callboard.scheduling.models import (
    AvailabilityConflict,
    AvailabilityPeriod,
    Call,
    Notice,
    Schedule,
    SchedulePeriod,
    SolveRun,
)

router = Router(tags=["schedule"])


class PersonOut(Schema):
    id: int
    name: str


class CallOut(Schema):
    id: int
    uid: str
    label: str
    work: str
    section: str
    studio: str
    site: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    firm: bool
    version: int | None
    people: list[PersonOut]


class NoticeOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    late: bool
    created_at: dt.datetime
    read_at: dt.datetime | None
    old_call_id: int | None
    new_call_id: int | None


class PlanOut(Schema):
    id: int
    first_day: dt.date
    last_day: dt.date
    title: str


class VersionOut(Schema):
    id: int
    number: int | None
    status: str
    published_from: dt.date | None
    published_to: dt.date | None
    firm_through: dt.date | None
    created_at: dt.datetime
    calls: int


class RunIn(Schema):
    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    mode: str = "full"


class RunOut(Schema):
    id: int
    plan_id: int
    status: str
    mode: str
    time_limit: float
    seed: int
    workers: int
    elapsed: float
    objective: int | None
    bound: int | None
    gap: float | None
    stop_requested: bool
    created_at: dt.datetime
    finished_at: dt.datetime | None
    log: str
    error: str


def _call_out(c: Call) -> dict[str, Any]:
    return {
        "id": c.pk,
        "uid": c.uid,
        "label": reader_text(c.label) if c.label else "",
        "work": c.work_title,
        "section": c.section_name,
        "studio": c.studio.name,
        "site": c.studio.site.name,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "firm": selectors.is_firm(c) if c.schedule.is_published else False,
        "version": c.schedule.number,
        "people": [{"id": cp.person_id, "name": cp.person.full_name} for cp in c.called.all()],
    }


def _run_out(r: SolveRun) -> dict[str, Any]:
    return {
        "id": r.pk,
        "plan_id": r.period_id,
        "status": r.status,
        "mode": r.mode,
        "time_limit": r.time_limit,
        "seed": r.seed,
        "workers": r.workers,
        "elapsed": r.elapsed,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "stop_requested": r.stop_requested,
        "created_at": r.created_at,
        "finished_at": r.finished_at,
        # what the run wrote, in the reader's language (as on the run page)
        "log": reader_text(r.log) if r.log else "",
        "error": reader_text(r.error) if r.error else "",
    }


def _person(request: HttpRequest) -> Any:
    return getattr(request.user, "person", None)


def _today() -> dt.date:
    return timezone.now().astimezone(zones.company_zone()).date()


def _days(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    first = first or _today()
    last = last or first + dt.timedelta(days=6)
    if last < first:
        raise ValidationFailed("`to` comes before `from`.", field="to")
    if (last - first).days > 62:
        raise ValidationFailed("Ask for at most 62 days at a time.", field="to")
    return first, last


@router.get("/me", response=list[CallOut], summary="My published calls")
def my_calls(
    request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict[str, Any]]:
    """Your published calls from `date_from` (default today) to `date_to` (a week)."""
    person = _person(request)
    if person is None:
        return []
    first, last = _days(date_from, date_to)
    return [_call_out(c) for c in selectors.published_calls(first, last, person=person)]


@router.get("/board/{day}", response=list[CallOut], summary="The day's published calls")
def board(request: HttpRequest, day: dt.date) -> list[dict[str, Any]]:
    return [_call_out(c) for c in selectors.published_calls(day, day)]


@router.get("/notices", response=list[NoticeOut], summary="My notices")
def notices(request: HttpRequest) -> list[Notice]:
    return selectors.notices_for(_person(request))


@router.post("/notices/{notice_id}/read", response=NoticeOut)
def notice_read(request: HttpRequest, notice_id: int) -> Notice:
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("There is no such notice among yours.")
    return services.notice_mark_read(notice=notice, person=_person(request), now=timezone.now())


@router.get("/plans", response=list[PlanOut], summary="Plans (ballet masters)")
def plans(request: HttpRequest) -> list[SchedulePeriod]:
    require(request.user, Cap.PLAN_SCHEDULE)
    return selectors.periods()


@router.get("/plans/{plan_id}/versions", response=list[VersionOut])
def versions(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """The draft and the published versions of a plan."""
    if not can(request.user, Cap.VIEW_ALL_CALLS):
        raise PermissionDenied("Your role does not allow this. Ask the company manager for access.")
    period = selectors.get_period(plan_id)
    rows = Schedule.objects.filter(period=period).order_by("status", "-number")
    if not can(request.user, Cap.PLAN_SCHEDULE):
        rows = rows.filter(status=Schedule.Status.PUBLISHED)
    return [
        {
            "id": s.pk,
            "number": s.number,
            "status": s.status,
            "published_from": s.published_from,
            "published_to": s.published_to,
            "firm_through": s.firm_through,
            "created_at": s.created_at,
            "calls": s.calls.count(),
        }
        for s in rows
    ]


@router.get("/versions/{version_id}/calls", response=list[CallOut])
def version_calls(request: HttpRequest, version_id: int) -> list[dict[str, Any]]:
    schedule = Schedule.objects.filter(pk=version_id).first()
    if schedule is None:
        raise NotFound("There is no such schedule version.")
    need = Cap.VIEW_ALL_CALLS if schedule.is_published else Cap.PLAN_SCHEDULE
    require(request.user, need)
    return [_call_out(c) for c in selectors.schedule_calls(schedule)]


@router.post("/plans/{plan_id}/runs", response={202: RunOut}, summary="Start a solve run")
def run_start(request: HttpRequest, plan_id: int, payload: RunIn) -> Status:
    require(request.user, Cap.PLAN_SCHEDULE)
    period = selectors.get_period(plan_id)
    run = services.solve_run_start(
        period=period,
        by=request.user,
        now=timezone.now(),
        time_limit=payload.time_limit,
        seed=payload.seed,
        workers=payload.workers,
        mode=payload.mode,
    )
    return Status(202, _run_out(run))


@router.get("/runs/{run_id}", response=RunOut, summary="Poll a run")
def run_poll(request: HttpRequest, run_id: int) -> dict[str, Any]:
    require(request.user, Cap.PLAN_SCHEDULE)
    run = services.solve_run_refresh(run=selectors.get_run(run_id), now=timezone.now())
    return _run_out(run)


@router.post(
    "/runs/{run_id}/stop", response=RunOut, summary="Stop a run, keeping its best schedule"
)
def run_stop(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = selectors.get_run(run_id)
    return _run_out(services.solve_run_stop(run=run, by=request.user, now=timezone.now()))


# ---------------------------------------------------------------- availability

ConflictKind = Literal["doctor", "school", "job", "family", "other"]


class ConflictIn(In):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    kind: ConflictKind
    reason: str = Field(min_length=1, max_length=200, examples=["School exam"])


class DecisionIn(In):
    approve: Flag
    note: str = Field("", max_length=200)


class ConflictOut(Schema):
    id: int
    period_id: int
    person: PersonOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str
    reason: str
    status: str
    answer_note: str
    decided_at: dt.datetime | None


class AvailabilityPeriodOut(Schema):
    id: int
    first_day: dt.date
    last_day: dt.date
    deadline: dt.datetime
    note: str
    open: bool
    answered: bool
    nothing_to_declare: bool
    conflicts: list[ConflictOut]


class AnswersOut(Schema):
    period_id: int
    deadline: dt.datetime
    conflicts: list[ConflictOut]
    answered: list[PersonOut]
    waiting: list[PersonOut]


def _conflict_out(c: AvailabilityConflict) -> dict[str, Any]:
    return {
        "id": c.pk,
        "period_id": c.period_id,
        "person": {"id": c.person_id, "name": c.person.full_name},
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "kind": c.kind,
        "reason": c.reason,
        "status": c.status,
        "answer_note": c.answer_note,
        "decided_at": c.decided_at,
    }


def _my_person(request: HttpRequest) -> Any:
    person = _person(request)
    if person is None:
        raise ValidationFailed(
            _("Your sign-in is not linked to a person of the company: ask the company manager.")
        )
    return person


def _availability_period(period_id: int) -> AvailabilityPeriod:
    period = AvailabilityPeriod.objects.filter(pk=period_id).first()
    if period is None:
        raise NotFound(_("There is no such availability period."))
    return period


def _conflict(conflict_id: int) -> AvailabilityConflict:
    conflict = (
        AvailabilityConflict.objects.select_related("period", "person")
        .filter(pk=conflict_id)
        .first()
    )
    if conflict is None:
        raise NotFound(_("There is no such conflict."))
    return conflict


@router.get(
    "/availability/periods",
    response=list[AvailabilityPeriodOut],
    summary="Availability periods not yet over, with my answer and conflicts",
)
def availability_periods(request: HttpRequest, open_only: bool = False) -> list[dict[str, Any]]:
    """The periods the ballet master asks about that are not over, each with whether answers
    are still taken (`open`), your answer and your conflicts; `open_only` leaves out the
    periods whose deadline has passed."""
    person = _person(request)
    if person is None:
        return []
    rows = selectors.my_availability(person, timezone.now())
    return [
        {
            "id": row.period.pk,
            "first_day": row.period.first_day,
            "last_day": row.period.last_day,
            "deadline": row.period.deadline,
            "note": row.period.note,
            "open": row.open,
            "answered": row.reply is not None,
            "nothing_to_declare": bool(row.reply and row.reply.nothing_to_declare),
            "conflicts": [_conflict_out(c) for c in row.conflicts],
        }
        for row in rows
        if row.open or not open_only
    ]


@router.get(
    "/availability/conflicts", response=list[ConflictOut], summary="My conflicts, every period"
)
def my_conflicts(request: HttpRequest) -> list[dict[str, Any]]:
    person = _person(request)
    if person is None:
        return []
    rows = AvailabilityConflict.objects.filter(person=person).select_related("person")
    return [_conflict_out(c) for c in rows.order_by("starts_at", "pk")[:500]]


@router.post(
    "/availability/periods/{period_id}/conflicts",
    response={201: ConflictOut},
    summary="Give a conflict, with its reason",
)
def conflict_submit(request: HttpRequest, period_id: Id, payload: ConflictIn) -> Status:
    """A time you cannot be called (a doctor, school, a second job, family) with a reason;
    inside the period's days and before its deadline, else a 422 with the dates."""
    person = _my_person(request)
    conflict = services.conflict_submit(
        period=_availability_period(period_id),
        person=person,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        kind=payload.kind,
        reason=payload.reason,
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, _conflict_out(conflict))


@router.delete(
    "/availability/conflicts/{conflict_id}", response={204: None}, summary="Take back a conflict"
)
def conflict_withdraw(request: HttpRequest, conflict_id: Id) -> Status:
    services.conflict_withdraw(conflict=_conflict(conflict_id), by=request.user, now=timezone.now())
    return Status(204, None)


@router.get(
    "/availability/periods/{period_id}/answers",
    response=AnswersOut,
    summary="Every answer to a period (ballet masters)",
)
def availability_answers(request: HttpRequest, period_id: Id) -> dict[str, Any]:
    require(request.user, Cap.PLAN_SCHEDULE)
    overview = selectors.availability_overview(_availability_period(period_id))
    return {
        "period_id": overview.period.pk,
        "deadline": overview.period.deadline,
        "conflicts": [_conflict_out(c) for c in overview.conflicts],
        "answered": [{"id": p.pk, "name": p.full_name} for p, _reply in overview.answered],
        "waiting": [{"id": p.pk, "name": p.full_name} for p in overview.waiting],
    }


@router.post(
    "/availability/conflicts/{conflict_id}/decision",
    response=ConflictOut,
    summary="Approve or decline a conflict (ballet masters)",
)
def conflict_decide(request: HttpRequest, conflict_id: Id, payload: DecisionIn) -> dict[str, Any]:
    require(request.user, Cap.PLAN_SCHEDULE)
    conflict = services.conflict_decide(
        conflict=_conflict(conflict_id),
        approve=payload.approve,
        note=payload.note,
        by=request.user,
        now=timezone.now(),
    )
    return _conflict_out(conflict)
