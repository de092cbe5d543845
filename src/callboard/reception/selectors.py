"""Reads of reception: a performance's report and reception, press pages per work and per
production, the audience's answers summarised, and what lands on dancers' and works'
histories. Every read makes a fixed number of queries whatever the number of reviews,
answers or performances (tests assert it).

Only *approved* audience answers are ever counted or quoted; waiting and rejected ones are
seen by the press office on the moderation page, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.boxoffice.models import CheckIn, Ticket
from callboard.casting.models import CastAssignment
from callboard.company.models import Dancer
from callboard.core.errors import NotFound
from callboard.core.roles import Cap, can
from callboard.reception.models import (
    ActTiming,
    Feedback,
    FeedbackSurvey,
    PerformanceReport,
    Review,
)
from callboard.repertoire.models import Work
from callboard.season.models import Performance, Programme

QUOTES_SHOWN = 12


# --------------------------------------------------------------------------- lookups


def performance_get(*, pk: int) -> Performance:
    found = (
        Performance.objects.select_related("venue", "programme__season", "tour", "conductor")
        .prefetch_related("programme__items__work")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No performance with id %(pk)s.") % {"pk": pk})
    return found


def work_get(*, pk: int) -> Work:
    found = Work.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No work with id %(pk)s.") % {"pk": pk})
    return found


def programme_get(*, pk: int) -> Programme:
    found = Programme.objects.select_related("season").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No programme with id %(pk)s.") % {"pk": pk})
    return found


def review_get(*, pk: int) -> Review:
    found = (
        Review.objects.select_related("performance__venue", "performance__programme", "critic")
        .prefetch_related("works")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No review with id %(pk)s.") % {"pk": pk})
    return found


def _reviews() -> QuerySet[Review]:
    return (
        Review.objects.select_related("critic", "performance__venue", "performance__programme")
        .prefetch_related(Prefetch("works", queryset=Work.objects.only("pk", "title")))
        .order_by("-published_on", "-pk")
    )


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class Attendance:
    people: int | None
    source: str  # "door", "typed" or "unknown"
    tickets_sold: int
    capacity: int

    @property
    def share(self) -> float | None:
        if self.people is None or not self.capacity:
            return None
        return self.people / self.capacity


def attendance_of(performance: Performance, report: PerformanceReport | None) -> Attendance:
    """Counted at the door when the box office sold tickets; typed otherwise (2 queries)."""

    sold = Ticket.objects.filter(performance=performance, status=Ticket.Status.VALID).count()
    capacity = performance.venue.capacity
    if sold:
        admitted = CheckIn.objects.filter(
            performance=performance, result=CheckIn.Result.ADMITTED
        ).count()
        return Attendance(admitted, "door", sold, capacity)
    if report is not None and report.attendance_typed is not None:
        return Attendance(report.attendance_typed, "typed", 0, capacity)
    return Attendance(None, "unknown", 0, capacity)


# --------------------------------------------------------------------------- feedback


@dataclass
class FeedbackSummary:
    """Approved answers only."""

    count: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: {k: 0 for k in range(1, 6)})
    would_return: dict[str, int] = field(default_factory=lambda: {"yes": 0, "maybe": 0, "no": 0})
    quotes: list[Feedback] = field(default_factory=list)
    pending: int = 0  # shown to moderators only

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        return sum(k * n for k, n in self.distribution.items()) / self.count

    @property
    def would_return_share(self) -> float | None:
        answered = sum(self.would_return.values())
        if not answered:
            return None
        return self.would_return["yes"] / answered

    @property
    def would_return_percent(self) -> int | None:
        share = self.would_return_share
        return None if share is None else round(share * 100)

    @property
    def bars(self) -> list[tuple[str, int]]:
        return [(f"{k}★", self.distribution[k]) for k in range(1, 6)]


def feedback_summary(
    performance_ids: Iterable[int], *, with_quotes: bool = True
) -> FeedbackSummary:
    """Counts of approved answers and the latest approved words (3 queries at most)."""
    ids = list(performance_ids)
    summary = FeedbackSummary()
    if not ids:
        return summary
    rows = (
        Feedback.objects.filter(performance_id__in=ids)
        .values("status", "rating", "would_return")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        if row["status"] == Feedback.Status.PENDING:
            summary.pending += row["n"]
        if row["status"] != Feedback.Status.APPROVED:
            continue
        summary.count += row["n"]
        summary.distribution[row["rating"]] += row["n"]
        if row["would_return"]:
            summary.would_return[row["would_return"]] += row["n"]
    if with_quotes and summary.count:
        summary.quotes = list(
            Feedback.objects.filter(performance_id__in=ids, status=Feedback.Status.APPROVED)
            .filter(~Q(favourite_moment="") | ~Q(comment=""))
            .select_related("performance__venue")
            .order_by("-rating", "-submitted_at")[:QUOTES_SHOWN]
        )
    return summary


def moderation_queue(*, status: str = "pending", limit: int = 100) -> dict[str, Any]:
    """Answers to moderate, oldest first, with the counts per status (2 queries)."""
    if status not in Feedback.Status.values:
        status = Feedback.Status.PENDING
    counts = dict(Feedback.objects.values_list("status").annotate(n=Count("pk")))
    order = "submitted_at" if status == Feedback.Status.PENDING else "-moderated_at"
    items = list(
        Feedback.objects.filter(status=status)
        .select_related("performance__venue", "performance__programme")
        .order_by(order, "pk")[:limit]
    )
    return {
        "status": status,
        "items": items,
        "counts": {s: counts.get(s, 0) for s in Feedback.Status.values},
        "ratings_only": sum(1 for f in items if not f.has_text)
        if status == Feedback.Status.PENDING
        else 0,
    }


# --------------------------------------------------------------------------- performance page


@dataclass
class PerformanceReception:
    performance: Performance
    report: PerformanceReport | None
    acts: list[ActTiming]
    attendance: Attendance
    reviews: list[Review]
    feedback: FeedbackSummary
    survey_token: str | None

    @property
    def stage_minutes(self) -> int:
        return sum(a.minutes for a in self.acts)

    @property
    def running_minutes(self) -> int | None:
        if not self.acts:
            return None
        return int((self.acts[-1].curtain_down - self.acts[0].curtain_up).total_seconds() // 60)

    @property
    def intervals(self) -> list[tuple[str, int]]:
        out = []
        for before, after in zip(self.acts, self.acts[1:], strict=False):
            minutes = int((after.curtain_up - before.curtain_down).total_seconds() // 60)
            out.append((_("after %(act)s") % {"act": before.label}, minutes))
        return out

    @property
    def mean_stars(self) -> float | None:
        stars = [r.rating for r in self.reviews if r.rating]
        return sum(stars) / len(stars) if stars else None


def performance_reception(*, performance: Performance, user: Any) -> PerformanceReception:
    """The report page: report, running times, attendance, reviews and approved feedback."""
    report = (
        PerformanceReport.objects.select_related("updated_by")
        .filter(performance=performance)
        .first()
    )
    acts = list(report.acts.order_by("order")) if report else []
    reviews = list(_reviews().filter(performance=performance))
    may_share = (
        can(user, Cap.MODERATE_FEEDBACK)
        or can(user, Cap.EDIT_PERFORMANCE_REPORT)
        or can(user, Cap.EDIT_SEASON)
    )
    token = None
    if may_share:
        token = (
            FeedbackSurvey.objects.filter(performance=performance)
            .values_list("token", flat=True)
            .first()
        )
    return PerformanceReception(
        performance=performance,
        report=report,
        acts=acts,
        attendance=attendance_of(performance, report),
        reviews=reviews,
        feedback=feedback_summary([performance.pk]),
        survey_token=token,
    )


# --------------------------------------------------------------------------- press pages


@dataclass
class PressRow:
    performance: Performance
    report: PerformanceReport | None
    reviews: list[Review]
    feedback_count: int
    feedback_mean: float | None


@dataclass
class Press:
    title: str
    reviews: list[Review]
    rows: list[PressRow]
    feedback: FeedbackSummary

    @property
    def mean_stars(self) -> float | None:
        stars = [r.rating for r in self.reviews if r.rating]
        return sum(stars) / len(stars) if stars else None

    @property
    def ovations(self) -> int:
        return sum(1 for r in self.rows if r.report and r.report.standing_ovation)

    @property
    def star_bars(self) -> list[tuple[str, int]]:
        counts = Counter(r.rating for r in self.reviews if r.rating)
        return [(f"{k}★", counts.get(k, 0)) for k in range(1, 6)]


def _press(title: str, performances: Sequence[Performance], reviews: list[Review]) -> Press:
    ids = [p.pk for p in performances]
    reports = {
        r.performance_id: r for r in PerformanceReport.objects.filter(performance_id__in=ids)
    }
    per_perf: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        per_perf[review.performance_id].append(review)
    fb: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for perf_id, rating, n in (
        Feedback.objects.filter(performance_id__in=ids, status=Feedback.Status.APPROVED)
        .values_list("performance_id", "rating")
        .annotate(n=Count("pk"))
    ):
        fb[perf_id][0] += n
        fb[perf_id][1] += rating * n
    rows = [
        PressRow(
            performance=p,
            report=reports.get(p.pk),
            reviews=per_perf.get(p.pk, []),
            feedback_count=fb[p.pk][0],
            feedback_mean=(fb[p.pk][1] / fb[p.pk][0]) if fb[p.pk][0] else None,
        )
        for p in performances
    ]
    return Press(title=title, reviews=reviews, rows=rows, feedback=feedback_summary(ids))


def _danced(qs: QuerySet[Performance], now: dt.datetime) -> list[Performance]:
    return list(
        qs.filter(starts_at__lte=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .distinct()
        .order_by("-starts_at")[:200]
    )


def work_press(*, work: Work, now: dt.datetime) -> Press:
    """Reviews (with quotes), reports and approved audience answers of a work (7 queries)."""
    performances = _danced(Performance.objects.filter(programme__items__work=work), now)
    reviews = list(_reviews().filter(works=work))
    return _press(work.title, performances, reviews)


def programme_press(*, programme: Programme, now: dt.datetime) -> Press:
    """The same for a production: every performance of the programme (7 queries)."""
    performances = _danced(Performance.objects.filter(programme=programme), now)
    reviews = list(_reviews().filter(performance__programme=programme))
    return _press(programme.title, performances, reviews)


def press_index(*, now: dt.datetime, limit: int = 30) -> dict[str, Any]:
    """Latest reviews, the works and productions with reviews, and recent performances."""
    reviews = list(_reviews()[:limit])
    works = list(
        Work.objects.annotate(n=Count("reviews", distinct=True)).filter(n__gt=0).order_by("title")
    )
    programmes = list(
        Programme.objects.annotate(n=Count("performances__reviews", distinct=True))
        .filter(n__gt=0)
        .select_related("season")
        .order_by("-season__starts_on", "title")
    )
    recent = list(
        Performance.objects.filter(starts_at__lte=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme", "report")
        .annotate(
            n_reviews=Count("reviews", distinct=True),
            n_feedback=Count(
                "feedback", filter=Q(feedback__status=Feedback.Status.APPROVED), distinct=True
            ),
        )
        .order_by("-starts_at")[:20]
    )
    return {"reviews": reviews, "works": works, "programmes": programmes, "recent": recent}


# --------------------------------------------------------------------------- histories


@dataclass(frozen=True)
class HistoryLine:
    """A performance a dancer danced (or of a work), with how it was received."""

    performance: Performance
    roles: tuple[str, ...]
    curtain_calls: int | None
    standing_ovation: bool
    reviews: tuple[Review, ...]


def dancer_reception_history(*, dancer: Dancer, limit: int = 50) -> list[HistoryLine]:
    """Performances ``dancer`` danced (first cast, the curtain up), newest first, with the
    report's curtain calls and ovation and the reviews of that night (4 queries).

    For the dancer's profile and history pages.
    """

    cast = list(
        CastAssignment.objects.filter(
            dancer=dancer,
            kind=CastAssignment.Kind.FIRST,
        )
        .filter(
            Q(performance__status=Performance.Status.PERFORMED)
            | Q(performance__danced_record__isnull=False)
        )
        .select_related("performance__venue", "performance__programme", "role")
        .order_by("-performance__starts_at", "role__name")
    )
    roles: dict[int, list[str]] = defaultdict(list)
    perfs: dict[int, Performance] = {}
    for a in cast:
        perfs.setdefault(a.performance_id, a.performance)
        roles[a.performance_id].append(a.role.name)
    chosen = list(perfs.values())[:limit]
    return _history_lines(chosen, roles)


def work_reception_history(*, work: Work, now: dt.datetime, limit: int = 50) -> list[HistoryLine]:
    """Performances of ``work`` that took place, newest first, with their reception."""
    performances = _danced(Performance.objects.filter(programme__items__work=work), now)[:limit]
    return _history_lines(performances, {})


def _history_lines(
    performances: Sequence[Performance], roles: dict[int, list[str]]
) -> list[HistoryLine]:
    ids = [p.pk for p in performances]
    reports = {
        r.performance_id: r for r in PerformanceReport.objects.filter(performance_id__in=ids)
    }
    per_perf: dict[int, list[Review]] = defaultdict(list)
    for review in _reviews().filter(performance_id__in=ids):
        per_perf[review.performance_id].append(review)
    out = []
    for p in performances:
        report = reports.get(p.pk)
        out.append(
            HistoryLine(
                performance=p,
                roles=tuple(roles.get(p.pk, [])),
                curtain_calls=report.curtain_calls if report else None,
                standing_ovation=bool(report and report.standing_ovation),
                reviews=tuple(per_perf.get(p.pk, [])),
            )
        )
    return out
