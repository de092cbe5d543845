"""The rehearsal call in JSON under /api/v1/schedule/: same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from callboard.core import zones
from callboard.core.errors import NotFound, PermissionDenied, ValidationFailed
from callboard.core.roles import Cap, can, require
from callboard.scheduling import selectors, services
from callboard.scheduling.models import Call, Notice, Schedule, SchedulePeriod, SolveRun

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
        "label": c.label,
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
        "log": r.log,
        "error": r.error,
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
