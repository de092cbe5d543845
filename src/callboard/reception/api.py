"""Reception's JSON API, mounted at /api/v1/reception/.

Reports, reviews and audience feedback, with the same services and permissions as the
pages. ``POST /surveys/{token}/answers`` is public (no sign-in, like the survey page) and
rate-limited; everything else needs a sign-in. Only approved audience answers are counted
or quoted, except on the moderation endpoints (press office).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from callboard.company.models import Person
from callboard.core.clientaddr import client_address
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Cap, require
from callboard.reception import selectors, services
from callboard.reception.models import Feedback, PerformanceReport, Review

router = Router(tags=["reception"])

Id = Annotated[int, Field(ge=1, le=2**62)]


class In(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


def _viewer(request: HttpRequest) -> None:
    require(request.user, Cap.VIEW_COMPANY)


# --------------------------------------------------------------------------- report


class ActIn(In):
    label: str = Field("", max_length=120)
    curtain_up: dt.datetime
    curtain_down: dt.datetime


class ReportIn(In):
    curtain_calls: int = Field(ge=0, le=99)
    standing_ovation: bool = False
    attendance: int | None = Field(None, ge=0, le=100_000)
    incidents: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)
    acts: list[ActIn] = Field(default_factory=list, max_length=12)


class ActOut(Schema):
    label: str
    curtain_up: dt.datetime
    curtain_down: dt.datetime
    minutes: int


class AttendanceOut(Schema):
    people: int | None
    source: str
    tickets_sold: int
    capacity: int


class FeedbackSummaryOut(Schema):
    count: int
    mean: float | None
    distribution: dict[int, int]
    would_return: dict[str, int]


class ReportOut(Schema):
    performance_id: int
    written: bool
    curtain_calls: int | None
    standing_ovation: bool
    attendance: AttendanceOut
    running_minutes: int | None
    stage_minutes: int
    acts: list[ActOut]
    incidents: str
    notes: str
    feedback: FeedbackSummaryOut


def _summary_out(summary: selectors.FeedbackSummary) -> dict[str, Any]:
    return {
        "count": summary.count,
        "mean": summary.mean,
        "distribution": summary.distribution,
        "would_return": summary.would_return,
    }


def _report_out(data: selectors.PerformanceReception) -> dict[str, Any]:
    report: PerformanceReport | None = data.report
    return {
        "performance_id": data.performance.pk,
        "written": report is not None,
        "curtain_calls": report.curtain_calls if report else None,
        "standing_ovation": bool(report and report.standing_ovation),
        "attendance": data.attendance.__dict__,
        "running_minutes": data.running_minutes,
        "stage_minutes": data.stage_minutes,
        "acts": [
            {
                "label": a.label,
                "curtain_up": a.curtain_up,
                "curtain_down": a.curtain_down,
                "minutes": a.minutes,
            }
            for a in data.acts
        ],
        "incidents": report.incidents if report else "",
        "notes": report.notes if report else "",
        "feedback": _summary_out(data.feedback),
    }


@router.get("/performances/{performance_id}/report", response=ReportOut)
def report_get(request: HttpRequest, performance_id: Id) -> Any:
    _viewer(request)
    perf = selectors.performance_get(pk=performance_id)
    return _report_out(selectors.performance_reception(performance=perf, user=request.user))


@router.put("/performances/{performance_id}/report", response=ReportOut)
def report_put(request: HttpRequest, performance_id: Id, body: ReportIn) -> Any:
    require(request.user, Cap.EDIT_PERFORMANCE_REPORT)
    perf = selectors.performance_get(pk=performance_id)
    for act in body.acts:
        if act.curtain_up.tzinfo is None or act.curtain_down.tzinfo is None:
            raise ValidationFailed(
                _("Give act times with their offset, e.g. 2026-12-01T19:02:00+03:00."),
                field="acts",
            )
    services.performance_report_save(
        performance=perf,
        curtain_calls=body.curtain_calls,
        standing_ovation=body.standing_ovation,
        attendance=body.attendance,
        incidents=body.incidents,
        notes=body.notes,
        acts=[services.ActInput(a.label, a.curtain_up, a.curtain_down) for a in body.acts],
        by=request.user,
        now=timezone.now(),
    )
    return _report_out(selectors.performance_reception(performance=perf, user=request.user))


# --------------------------------------------------------------------------- reviews


class ReviewIn(In):
    performance_id: Id
    critic_id: Id
    outlet: str = Field(max_length=200)
    published_on: dt.date
    quote: str = Field(max_length=4000)
    rating: int | None = Field(None, ge=1, le=5)
    url: str = Field("", max_length=500)
    headline: str = Field("", max_length=300)
    work_ids: list[Id] = Field(default_factory=list, max_length=50)


class ReviewPatch(In):
    critic_id: Id | None = None
    outlet: str | None = Field(None, max_length=200)
    published_on: dt.date | None = None
    quote: str | None = Field(None, max_length=4000)
    rating: int | None = Field(None, ge=1, le=5)
    url: str | None = Field(None, max_length=500)
    headline: str | None = Field(None, max_length=300)
    work_ids: list[Id] | None = Field(None, max_length=50)


class ReviewOut(Schema):
    id: int
    performance_id: int
    critic_id: int
    critic: str
    outlet: str
    published_on: dt.date
    url: str
    headline: str
    rating: int | None
    quote: str
    work_ids: list[int]


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "performance_id": r.performance_id,
        "critic_id": r.critic_id,
        "critic": r.critic.full_name,
        "outlet": r.outlet,
        "published_on": r.published_on,
        "url": r.url,
        "headline": r.headline,
        "rating": r.rating,
        "quote": r.quote,
        "work_ids": [w.pk for w in r.works.all()],
    }


def _critic(pk: int) -> Person:
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(
            _("No person with id %(pk)s; add the critic as a contact first.") % {"pk": pk},
            field="critic_id",
        )
    return found


class ReviewFilter(Schema):
    performance: Id | None = None
    work: Id | None = None
    programme: Id | None = None
    limit: int = Field(100, ge=1, le=500)


@router.get("/reviews", response=list[ReviewOut])
def review_list(request: HttpRequest, filters: Query[ReviewFilter]) -> Any:
    _viewer(request)
    qs = selectors._reviews()
    if filters.performance:
        qs = qs.filter(performance_id=filters.performance)
    if filters.work:
        qs = qs.filter(works__id=filters.work)
    if filters.programme:
        qs = qs.filter(performance__programme_id=filters.programme)
    return [_review_out(r) for r in qs.distinct()[: filters.limit]]


@router.post("/reviews", response={201: ReviewOut})
def review_create(request: HttpRequest, body: ReviewIn) -> Any:
    require(request.user, Cap.EDIT_REVIEWS)
    perf = selectors.performance_get(pk=body.performance_id)
    review = services.review_create(
        performance=perf,
        critic=_critic(body.critic_id),
        outlet=body.outlet,
        published_on=body.published_on,
        quote=body.quote,
        rating=body.rating,
        url=body.url,
        headline=body.headline,
        work_ids=body.work_ids or None,
        by=request.user,
        now=timezone.now(),
    )
    return Status(201, _review_out(selectors.review_get(pk=review.pk)))


@router.get("/reviews/{review_id}", response=ReviewOut)
def review_get(request: HttpRequest, review_id: Id) -> Any:
    _viewer(request)
    return _review_out(selectors.review_get(pk=review_id))


@router.patch("/reviews/{review_id}", response=ReviewOut)
def review_patch(request: HttpRequest, review_id: Id, body: ReviewPatch) -> Any:
    require(request.user, Cap.EDIT_REVIEWS)
    review = selectors.review_get(pk=review_id)
    changes = body.model_dump(exclude_unset=True)
    critic_id = changes.pop("critic_id", None)
    work_ids = changes.pop("work_ids", None)
    services.review_update(
        review=review,
        critic=_critic(critic_id) if critic_id else None,
        work_ids=work_ids,
        by=request.user,
        now=timezone.now(),
        **changes,
    )
    return _review_out(selectors.review_get(pk=review_id))


@router.delete("/reviews/{review_id}", response={204: None})
def review_delete(request: HttpRequest, review_id: Id) -> Any:
    require(request.user, Cap.EDIT_REVIEWS)
    services.review_delete(
        review=selectors.review_get(pk=review_id), by=request.user, now=timezone.now()
    )
    return Status(204, None)


# --------------------------------------------------------------------------- press


class PressRowOut(Schema):
    performance_id: int
    starts_at: dt.datetime
    venue: str
    curtain_calls: int | None
    standing_ovation: bool
    reviews: int
    feedback_count: int
    feedback_mean: float | None


class PressOut(Schema):
    title: str
    mean_stars: float | None
    ovations: int
    reviews: list[ReviewOut]
    performances: list[PressRowOut]
    feedback: FeedbackSummaryOut


def _press_out(press: selectors.Press) -> dict[str, Any]:
    return {
        "title": press.title,
        "mean_stars": press.mean_stars,
        "ovations": press.ovations,
        "reviews": [_review_out(r) for r in press.reviews],
        "performances": [
            {
                "performance_id": row.performance.pk,
                "starts_at": row.performance.starts_at,
                "venue": row.performance.venue.name,
                "curtain_calls": row.report.curtain_calls if row.report else None,
                "standing_ovation": bool(row.report and row.report.standing_ovation),
                "reviews": len(row.reviews),
                "feedback_count": row.feedback_count,
                "feedback_mean": row.feedback_mean,
            }
            for row in press.rows
        ],
        "feedback": _summary_out(press.feedback),
    }


@router.get("/works/{work_id}/press", response=PressOut)
def work_press(request: HttpRequest, work_id: Id) -> Any:
    _viewer(request)
    return _press_out(selectors.work_press(work=selectors.work_get(pk=work_id), now=timezone.now()))


@router.get("/programmes/{programme_id}/press", response=PressOut)
def programme_press(request: HttpRequest, programme_id: Id) -> Any:
    _viewer(request)
    programme = selectors.programme_get(pk=programme_id)
    return _press_out(selectors.programme_press(programme=programme, now=timezone.now()))


# --------------------------------------------------------------------------- feedback


class AnswerIn(In):
    rating: int = Field(ge=1, le=5)
    favourite_moment: str = Field("", max_length=300)
    comment: str = Field("", max_length=2000)
    would_return: Literal["", "yes", "maybe", "no"] = ""


class AnswerOut(Schema):
    received: bool
    message: str


@router.post("/surveys/{token}/answers", response={201: AnswerOut}, auth=None)
def survey_answer(request: HttpRequest, token: str, body: AnswerIn) -> Any:
    """Public: one audience answer. Rate-limited; 429 when too many arrive."""
    session_key = ""
    if hasattr(request, "session"):
        session_key = request.session.session_key or ""
    services.feedback_submit(
        token=token,
        answer=services.Answer(
            rating=body.rating,
            favourite_moment=body.favourite_moment,
            comment=body.comment,
            would_return=body.would_return,
        ),
        session_key=session_key,
        client_address=client_address(request),
        now=timezone.now(),
    )
    return Status(
        201, {"received": True, "message": _("Thank you! Your answer has reached the company.")}
    )


class FeedbackOut(Schema):
    id: int
    performance_id: int
    rating: int
    favourite_moment: str
    comment: str
    would_return: str
    status: str
    submitted_at: dt.datetime


@router.get("/performances/{performance_id}/feedback", response=FeedbackSummaryOut)
def feedback_of_performance(request: HttpRequest, performance_id: Id) -> Any:
    _viewer(request)
    perf = selectors.performance_get(pk=performance_id)
    return _summary_out(selectors.feedback_summary([perf.pk], with_quotes=False))


class QueueFilter(Schema):
    status: Literal["pending", "approved", "rejected"] = "pending"
    limit: int = Field(100, ge=1, le=500)


@router.get("/feedback", response=list[FeedbackOut])
def feedback_queue(request: HttpRequest, filters: Query[QueueFilter]) -> Any:
    require(request.user, Cap.MODERATE_FEEDBACK)
    items: list[Feedback] = selectors.moderation_queue(status=filters.status, limit=filters.limit)[
        "items"
    ]
    return items


class ModerateIn(In):
    ids: list[Id] = Field(min_length=1, max_length=500)
    decision: Literal["approve", "reject"]


class ModerateOut(Schema):
    changed: int


@router.post("/feedback/moderate", response=ModerateOut)
def feedback_moderate(request: HttpRequest, body: ModerateIn) -> Any:
    require(request.user, Cap.MODERATE_FEEDBACK)
    n = services.feedback_moderate(
        feedback_ids=body.ids,
        approve=body.decision == "approve",
        by=request.user,
        now=timezone.now(),
    )
    return {"changed": n}
