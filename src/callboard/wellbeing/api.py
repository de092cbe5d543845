"""Wellbeing's medical JSON API, mounted at /api/v1/wellbeing/ (the workload's endpoints,
mounted beside it, are :mod:`callboard.workload.api`).

The same rules as the pages (:mod:`callboard.wellbeing.access`):

- the planning view (limits only, no medical detail): management and the medical staff;
- injuries and return-to-dance stages (medical detail): the dancer themself and the
  medical staff only — everyone else gets 403, superusers included;
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from callboard.core.api_parts import Id, In
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.zones import company_today
from callboard.wellbeing import access, selectors, services
from callboard.wellbeing.models import Injury, ReturnStage
from callboard.wellbeing.planning import DayLimit, Period

router = Router(tags=["wellbeing"])


def date_range(
    start: dt.date | None, end: dt.date | None, *, default_days: int, most: int
) -> tuple[dt.date, dt.date]:
    today = company_today(timezone.now())
    start = start or today
    end = end or start + dt.timedelta(days=default_days)
    if end < start:
        raise ValidationFailed("'to' comes after 'from'.", field="to")
    if (end - start).days > most:
        raise ValidationFailed(f"Ask for at most {most} days at a time.", field="to")
    return start, end


# --------------------------------------------------------------------------- workload


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


def limit_out(limit: DayLimit) -> dict[str, Any]:
    return {
        "status": limit.status,
        "minutes_per_day": limit.cap,
        "restrictions": list(limit.restrictions),
        "may_perform": limit.may_perform,
        "text": limit.describe(),
    }


def period_out(p: Period) -> dict[str, Any]:
    return {"first": p.first, "last": p.last, "limit": limit_out(p.limit)}


class RangeQuery(Schema):
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


# --------------------------------------------------------------------------- planning


class PlanningOut(Schema):
    dancer_id: int
    name: str
    periods: list[PeriodOut]


@router.get("/planning", response=list[PlanningOut])
def planning(request: HttpRequest, q: Query[RangeQuery]) -> Any:
    """Limits only ("unavailable", "limited to N minutes a day, no jumps"): no medical detail."""
    access.require_company_workload(request.user)
    start, end = date_range(q.start, q.end, default_days=28, most=366)
    return [
        {
            "dancer_id": e.dancer.pk,
            "name": e.dancer.person.full_name,
            "periods": [period_out(p) for p in e.periods],
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
        injury=injury,
        by=request.user,
        now=timezone.now(),
        changes=body.model_dump(exclude_unset=True),
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
