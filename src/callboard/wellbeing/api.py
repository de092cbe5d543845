"""Wellbeing's JSON API, mounted at /api/v1/wellbeing/.

The same rules as the pages (:mod:`callboard.wellbeing.access`):

- workload: the dancer themself, management and the medical staff;
- the planning view (limits only, no medical detail): management and the medical staff;
- injuries and return-to-dance stages (medical detail): the dancer themself and the
  medical staff only — everyone else gets 403, superusers included;
- injury figures: management (small counts suppressed) and the medical staff (all counts).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from callboard.core.errors import NotFound, ValidationFailed
from callboard.wellbeing import access, selectors, services
from callboard.wellbeing.models import ExertionRating, Injury, ReturnStage
from callboard.wellbeing.planning import DayLimit, Period
from callboard.wellbeing.workload import Week, company_zone

router = Router(tags=["wellbeing"])

Id = Annotated[int, Field(ge=1, le=2**62)]


class In(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


def _today() -> dt.date:
    return timezone.now().astimezone(company_zone()).date()


def _range(
    start: dt.date | None, end: dt.date | None, *, default_days: int, most: int
) -> tuple[dt.date, dt.date]:
    today = _today()
    start = start or today
    end = end or start + dt.timedelta(days=default_days)
    if end < start:
        raise ValidationFailed("'to' comes after 'from'.", field="to")
    if (end - start).days > most:
        raise ValidationFailed(f"Ask for at most {most} days at a time.", field="to")
    return start, end


# --------------------------------------------------------------------------- workload


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


class LimitOut(Schema):
    status: Literal["out", "limited"]
    minutes_per_day: int | None
    restrictions: list[str]
    may_perform: bool
    text: str


class PeriodOut(Schema):
    first: dt.date
    last: dt.date | None
    limit: LimitOut


def _limit_out(limit: DayLimit) -> dict[str, Any]:
    return {
        "status": limit.status,
        "minutes_per_day": limit.cap,
        "restrictions": list(limit.restrictions),
        "may_perform": limit.may_perform,
        "text": limit.describe(),
    }


def _period_out(p: Period) -> dict[str, Any]:
    return {"first": p.first, "last": p.last, "limit": _limit_out(p.limit)}


class DancerWorkloadOut(Schema):
    dancer_id: int
    name: str
    rank: str
    weeks: list[WeekOut]
    limits: list[PeriodOut]


class WeeksQuery(Schema):
    week: dt.date | None = None
    weeks: int = Field(8, ge=1, le=52)


@router.get("/dancers/{dancer_id}/workload", response=DancerWorkloadOut)
def dancer_workload(request: HttpRequest, dancer_id: Id, q: Query[WeeksQuery]) -> Any:
    dancer = selectors.dancer_get(pk=dancer_id)
    today = _today()
    data = selectors.dancer_workload(
        dancer=dancer, user=request.user, focus_week=q.week or today, weeks=q.weeks, today=today
    )
    return {
        "dancer_id": dancer.pk,
        "name": dancer.person.full_name,
        "rank": dancer.rank,
        "weeks": [_week_out(w) for w in data.weeks],
        "limits": [_period_out(p) for p in (data.planning.periods if data.planning else [])],
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


@router.get("/workload", response=CompanyWorkloadOut)
def company_workload(request: HttpRequest, q: Query[WeeksQuery]) -> Any:
    today = _today()
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
                "today": _limit_out(r.limit) if r.limit else None,
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


@router.post("/dancers/{dancer_id}/exertion", response={201: ExertionOut})
def exertion_record(request: HttpRequest, dancer_id: Id, body: ExertionIn) -> Any:
    dancer = selectors.dancer_get(pk=dancer_id)
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


class RangeQuery(Schema):
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


@router.get("/dancers/{dancer_id}/exertion", response=list[ExertionOut])
def exertion_list(request: HttpRequest, dancer_id: Id, q: Query[RangeQuery]) -> Any:
    dancer = selectors.dancer_get(pk=dancer_id)
    access.require_workload(request.user, dancer.pk)
    start, end = _range(
        q.start or _today() - dt.timedelta(days=28), q.end or _today(), default_days=28, most=366
    )
    return list(ExertionRating.objects.filter(dancer=dancer, day__gte=start, day__lte=end))


@router.delete("/exertion/{rating_id}", response={204: None})
def exertion_delete(request: HttpRequest, rating_id: Id) -> Any:
    rating = ExertionRating.objects.select_related("dancer").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(f"No rating with id {rating_id}.")
    services.exertion_delete(rating=rating, by=request.user, now=timezone.now())
    return Status(204, None)


# --------------------------------------------------------------------------- planning


class PlanningOut(Schema):
    dancer_id: int
    name: str
    periods: list[PeriodOut]


@router.get("/planning", response=list[PlanningOut])
def planning(request: HttpRequest, q: Query[RangeQuery]) -> Any:
    """Limits only ("unavailable", "limited to N minutes a day, no jumps"): no medical detail."""
    access.require_company_workload(request.user)
    start, end = _range(q.start, q.end, default_days=28, most=366)
    return [
        {
            "dancer_id": e.dancer.pk,
            "name": e.dancer.person.full_name,
            "periods": [_period_out(p) for p in e.periods],
        }
        for e in selectors.planning_view(start=start, end=end)
    ]


# --------------------------------------------------------------------------- medical


class StageOut(Schema):
    id: int
    starts_on: dt.date
    mode: str
    minutes_per_day: int | None
    restrictions: list[str]
    may_perform: bool
    notes: str


class InjuryOut(Schema):
    id: int
    dancer_id: int
    body_part: str
    side: str
    occurred_on: dt.date
    mechanism: str
    activity: str
    diagnosis: str
    time_lost_days: int | None
    notes: str
    stages: list[StageOut]


def _injury_out(i: Injury) -> dict[str, Any]:
    return {
        "id": i.pk,
        "dancer_id": i.dancer_id,
        "body_part": i.body_part,
        "side": i.side,
        "occurred_on": i.occurred_on,
        "mechanism": i.mechanism,
        "activity": i.activity,
        "diagnosis": i.diagnosis,
        "time_lost_days": i.time_lost_days,
        "notes": i.notes,
        "stages": [
            {
                "id": s.pk,
                "starts_on": s.starts_on,
                "mode": s.mode,
                "minutes_per_day": s.minutes_per_day,
                "restrictions": list(s.restrictions or []),
                "may_perform": s.may_perform,
                "notes": s.notes,
            }
            for s in i.stages.all()
        ],
    }


@router.get("/dancers/{dancer_id}/injuries", response=list[InjuryOut])
def injury_list(request: HttpRequest, dancer_id: Id) -> Any:
    dancer = selectors.dancer_get(pk=dancer_id)
    return [_injury_out(i) for i in selectors.dancer_injuries(dancer=dancer, user=request.user)]


class InjuryIn(In):
    body_part: str = Field(max_length=20)
    side: str = Field("central", max_length=10)
    occurred_on: dt.date
    mechanism: str = Field("unknown", max_length=10)
    activity: str = Field("unknown", max_length=12)
    diagnosis: str = Field("", max_length=300)
    time_lost_days: int | None = Field(None, ge=0, le=3650)
    notes: str = Field("", max_length=5000)


class InjuryPatch(In):
    body_part: str | None = Field(None, max_length=20)
    side: str | None = Field(None, max_length=10)
    occurred_on: dt.date | None = None
    mechanism: str | None = Field(None, max_length=10)
    activity: str | None = Field(None, max_length=12)
    diagnosis: str | None = Field(None, max_length=300)
    time_lost_days: int | None = Field(None, ge=0, le=3650)
    notes: str | None = Field(None, max_length=5000)


@router.post("/dancers/{dancer_id}/injuries", response={201: InjuryOut})
def injury_record(request: HttpRequest, dancer_id: Id, body: InjuryIn) -> Any:
    dancer = selectors.dancer_get(pk=dancer_id)
    injury = services.injury_record(
        dancer=dancer, by=request.user, now=timezone.now(), **body.model_dump()
    )
    return Status(201, _injury_out(selectors.injury_get(pk=injury.pk, user=request.user)))


@router.get("/injuries/{injury_id}", response=InjuryOut)
def injury_get(request: HttpRequest, injury_id: Id) -> Any:
    return _injury_out(selectors.injury_get(pk=injury_id, user=request.user))


@router.patch("/injuries/{injury_id}", response=InjuryOut)
def injury_patch(request: HttpRequest, injury_id: Id, body: InjuryPatch) -> Any:
    injury = selectors.injury_get(pk=injury_id, user=request.user)
    services.injury_update(
        injury=injury, by=request.user, now=timezone.now(), **body.model_dump(exclude_unset=True)
    )
    return _injury_out(selectors.injury_get(pk=injury_id, user=request.user))


@router.delete("/injuries/{injury_id}", response={204: None})
def injury_delete(request: HttpRequest, injury_id: Id) -> Any:
    injury = selectors.injury_get(pk=injury_id, user=request.user)
    services.injury_delete(injury=injury, by=request.user, now=timezone.now())
    return Status(204, None)


class StageIn(In):
    starts_on: dt.date
    mode: Literal["out", "limited", "full"]
    minutes_per_day: int | None = Field(None, ge=15, le=720)
    restrictions: list[str] = Field(default_factory=list, max_length=10)
    may_perform: bool = False
    notes: str = Field("", max_length=2000)


@router.post("/injuries/{injury_id}/stages", response={201: InjuryOut})
def stage_add(request: HttpRequest, injury_id: Id, body: StageIn) -> Any:
    injury = selectors.injury_get(pk=injury_id, user=request.user)
    services.return_stage_add(
        injury=injury, by=request.user, now=timezone.now(), **body.model_dump()
    )
    return Status(201, _injury_out(selectors.injury_get(pk=injury_id, user=request.user)))


@router.delete("/stages/{stage_id}", response={204: None})
def stage_remove(request: HttpRequest, stage_id: Id) -> Any:
    stage = ReturnStage.objects.select_related("injury__dancer").filter(pk=stage_id).first()
    if stage is None:
        raise NotFound(f"No stage with id {stage_id}.")
    services.return_stage_remove(stage=stage, by=request.user, now=timezone.now())
    return Status(204, None)


# --------------------------------------------------------------------------- figures


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


@router.get("/figures", response=FiguresOut)
def figures(request: HttpRequest, q: Query[RangeQuery]) -> Any:
    today = _today()
    start, end = _range(
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
