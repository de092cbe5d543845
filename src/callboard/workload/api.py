"""The workload's JSON API, mounted at /api/v1/wellbeing/ beside wellbeing's medical one
(:mod:`callboard.wellbeing.api`): a dancer's weeks (the dancer themself, management and the
medical staff), the company's, ratings of exertion, and the company's injury figures
(management, small counts suppressed, and the medical staff)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from callboard.core.api_parts import Id, In
from callboard.core.errors import NotFound
from callboard.core.zones import company_today
from callboard.scheduling.workload import Week
from callboard.wellbeing import access
from callboard.wellbeing import selectors as medical
from callboard.wellbeing.api import (
    LimitOut,
    PeriodOut,
    RangeQuery,
    date_range,
    limit_out,
    period_out,
)
from callboard.wellbeing.models import ExertionRating
from callboard.workload import selectors, services

router = Router(tags=["wellbeing"])


class WeekOut(Schema):
    start: dt.date
    class_minutes: int
    rehearsal_minutes: int
    performance_minutes: int
    minutes: int
    load: int
    rated_minutes: int
    baseline_minutes: float | None
    baseline_load: float | None
    minutes_ratio: float | None
    load_ratio: float | None
    minutes_spike: bool
    load_spike: bool


def _week_out(w: Week) -> dict[str, Any]:
    return {
        "start": w.start,
        "class_minutes": w.class_minutes,
        "rehearsal_minutes": w.rehearsal,
        "performance_minutes": w.performance,
        "minutes": w.minutes,
        "load": w.load,
        "rated_minutes": w.rated_minutes,
        "baseline_minutes": w.baseline_minutes,
        "baseline_load": w.baseline_load,
        "minutes_ratio": w.minutes_ratio,
        "load_ratio": w.load_ratio,
        "minutes_spike": w.minutes_spike,
        "load_spike": w.load_spike,
    }


class DancerWorkloadOut(Schema):
    dancer_id: int
    name: str
    rank: str
    weeks: list[WeekOut]
    limits: list[PeriodOut]


class WeeksQuery(Schema):
    week: dt.date | None = None
    weeks: int = Field(8, ge=1, le=52)


@router.get(
    "/dancers/{dancer_id}/workload",
    response=DancerWorkloadOut,
    operation_id="callboard_wellbeing_api_dancer_workload",
)
def dancer_workload(request: HttpRequest, dancer_id: Id, q: Query[WeeksQuery]) -> Any:
    dancer = medical.dancer_get(pk=dancer_id)
    today = company_today(timezone.now())
    data = selectors.dancer_workload(
        dancer=dancer, user=request.user, focus_week=q.week or today, weeks=q.weeks, today=today
    )
    return {
        "dancer_id": dancer.pk,
        "name": dancer.person.full_name,
        "rank": dancer.rank,
        "weeks": [_week_out(w) for w in data.weeks],
        "limits": [period_out(p) for p in (data.planning.periods if data.planning else [])],
    }


class CompanyRowOut(Schema):
    dancer_id: int
    name: str
    rank: str
    week: WeekOut
    previous_minutes: int
    today: LimitOut | None


class CompanyWorkloadOut(Schema):
    week: dt.date
    week_starts: list[dt.date]
    minutes: list[int]
    load: list[int]
    flagged: list[int]
    dancers: list[CompanyRowOut]


@router.get(
    "/workload",
    response=CompanyWorkloadOut,
    operation_id="callboard_wellbeing_api_company_workload",
)
def company_workload(request: HttpRequest, q: Query[WeeksQuery]) -> Any:
    today = company_today(timezone.now())
    data = selectors.company_workload(
        user=request.user, focus_week=q.week or today, weeks=max(2, min(q.weeks, 26)), today=today
    )
    return {
        "week": data.focus,
        "week_starts": data.week_starts,
        "minutes": data.totals,
        "load": data.loads,
        "flagged": data.flagged,
        "dancers": [
            {
                "dancer_id": r.dancer.pk,
                "name": r.dancer.person.full_name,
                "rank": r.dancer.rank,
                "week": _week_out(r.focus),
                "previous_minutes": r.previous.minutes,
                "today": limit_out(r.limit) if r.limit else None,
            }
            for r in data.rows
        ],
    }


class ExertionIn(In):
    day: dt.date
    session: Literal["day", "class", "rehearsal", "performance"] = "day"
    rpe: int = Field(ge=0, le=10)
    note: str = Field("", max_length=200)


class ExertionOut(Schema):
    id: int
    dancer_id: int
    day: dt.date
    session: str
    rpe: int
    note: str


@router.post(
    "/dancers/{dancer_id}/exertion",
    response={201: ExertionOut},
    operation_id="callboard_wellbeing_api_exertion_record",
)
def exertion_record(request: HttpRequest, dancer_id: Id, body: ExertionIn) -> Any:
    dancer = medical.dancer_get(pk=dancer_id)
    rating = services.exertion_record(
        dancer=dancer,
        day=body.day,
        session=body.session,
        rpe=body.rpe,
        note=body.note,
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, rating)


@router.get(
    "/dancers/{dancer_id}/exertion",
    response=list[ExertionOut],
    operation_id="callboard_wellbeing_api_exertion_list",
)
def exertion_list(request: HttpRequest, dancer_id: Id, q: Query[RangeQuery]) -> Any:
    dancer = medical.dancer_get(pk=dancer_id)
    access.require_workload(request.user, dancer.pk)
    start, end = date_range(
        q.start or company_today(timezone.now()) - dt.timedelta(days=28),
        q.end or company_today(timezone.now()),
        default_days=28,
        most=366,
    )
    return list(ExertionRating.objects.filter(dancer=dancer, day__gte=start, day__lte=end))


@router.delete(
    "/exertion/{rating_id}",
    response={204: None},
    operation_id="callboard_wellbeing_api_exertion_delete",
)
def exertion_delete(request: HttpRequest, rating_id: Id) -> Any:
    rating = ExertionRating.objects.select_related("dancer").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(f"No rating with id {rating_id}.")
    services.exertion_delete(rating=rating, by=request.user, now=timezone.now())
    return Status(204, None)


class FiguresCellOut(Schema):
    label: str
    injuries: int | None
    days_lost: int | None
    hours: float | None
    rate_per_1000_hours: float | None


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    complete: bool
    min_cell: int
    total: FiguresCellOut
    by_body_part: list[FiguresCellOut]
    by_rank: list[FiguresCellOut]


def _cell(c: selectors.FigureCell) -> dict[str, Any]:
    return {
        "label": c.label,
        "injuries": c.injuries,
        "days_lost": c.days_lost,
        "hours": c.hours,
        "rate_per_1000_hours": c.rate,
    }


@router.get("/figures", response=FiguresOut, operation_id="callboard_wellbeing_api_figures")
def figures(request: HttpRequest, q: Query[RangeQuery]) -> Any:
    today = company_today(timezone.now())
    start, end = date_range(
        q.start or today - dt.timedelta(days=364), q.end or today, default_days=364, most=3 * 366
    )
    f = selectors.injury_figures(user=request.user, start=start, end=end, today=today)
    return {
        "start": f.start,
        "end": f.end,
        "complete": f.medical,
        "min_cell": f.min_cell,
        "total": _cell(f.total),
        "by_body_part": [_cell(c) for c in f.by_body_part],
        "by_rank": [_cell(c) for c in f.by_rank],
    }
