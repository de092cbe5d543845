"""Writes of reception: performance reports, reviews, the audience survey and its moderation.

The survey is public, so its service guards itself: answers are rate-limited per browser
session and per network address for each performance, and per performance as a whole
(a flood guard), with fixed windows kept in Django's cache (``CACHES``: the embedded
default is a per-process memory cache; production must use a shared cache such as Redis,
see settings.py). Addresses are never stored: only a keyed hash lives in the cache, for
the length of its window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.models import Ticket
from callboard.company.models import Person
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
    reject_unknown_fields,
)
from callboard.core.roles import Cap, require
from callboard.reception.models import (
    ActTiming,
    Feedback,
    FeedbackSurvey,
    PerformanceReport,
    Review,
)
from callboard.repertoire.models import Work
from callboard.season.models import Performance


class TooManyAnswers(DomainError):
    """The survey was answered too often from one place, or too fast overall."""

    status_code = 429


class SurveyClosed(DomainError):
    status_code = 410


def _text(value: str | None, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(
            _("%(label)s may not contain NUL characters.") % {"label": label}, field=field
        )
    if len(value) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(n)d characters, you gave %(m)d.")
            % {"label": label, "n": limit, "m": len(value)},
            field=field,
        )
    return value


def _performance_day(performance: Performance) -> dt.date:
    return performance.local_starts_at.date()


def _require_after_curtain(performance: Performance, now: dt.datetime, what: str) -> None:
    if performance.status == Performance.Status.CANCELLED:
        raise ValidationFailed(
            _("This performance was cancelled, so it has no %(what)s.") % {"what": what}
        )
    if performance.starts_at > now:
        raise ValidationFailed(
            _("The curtain has not gone up yet (%(when)s); add the %(what)s afterwards.")
            % {"when": performance.local_starts_at.strftime("%Y-%m-%d %H:%M"), "what": what}
        )


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ActInput:
    label: str
    curtain_up: dt.datetime
    curtain_down: dt.datetime


def tickets_sold(performance: Performance) -> int:

    return Ticket.objects.filter(performance=performance, status=Ticket.Status.VALID).count()


def _check_acts(performance: Performance, acts: Sequence[ActInput]) -> list[ActInput]:
    if len(acts) > 12:
        raise ValidationFailed(_("A report holds at most 12 acts."), field="acts")
    checked: list[ActInput] = []
    window_start = performance.starts_at - dt.timedelta(hours=2)
    window_end = performance.starts_at + dt.timedelta(hours=12)
    for i, act in enumerate(acts, start=1):
        label = _text(act.label, field="acts", limit=120, label=_("The act's name")) or _(
            "Act %(n)d"
        ) % {"n": i}
        for moment in (act.curtain_up, act.curtain_down):
            if moment.tzinfo is None:
                raise ValidationFailed(
                    _("Times of act %(n)d need a time zone.") % {"n": i}, field="acts"
                )
        if act.curtain_down <= act.curtain_up:
            raise ValidationFailed(
                _("%(act)s: the curtain comes down after it goes up.") % {"act": label},
                field="acts",
            )
        if act.curtain_up < window_start or act.curtain_down > window_end:
            raise ValidationFailed(
                _(
                    "%(act)s: the times are far from the performance's start (%(start)s); "
                    "check the hours."
                )
                % {
                    "act": label,
                    "start": performance.local_starts_at.strftime("%H:%M"),
                },
                field="acts",
            )
        if checked and act.curtain_up < checked[-1].curtain_down:
            raise ValidationFailed(
                _("%(act)s starts before %(prev)s has ended; list the acts in order.")
                % {"act": label, "prev": checked[-1].label},
                field="acts",
            )
        checked.append(ActInput(label, act.curtain_up, act.curtain_down))
    return checked


@transaction.atomic
def performance_report_save(
    *,
    performance: Performance,
    curtain_calls: int,
    standing_ovation: bool,
    attendance: int | None = None,
    incidents: str = "",
    notes: str = "",
    acts: Sequence[ActInput] = (),
    by: Actor,
    now: dt.datetime,
) -> PerformanceReport:
    """Write (or rewrite) the report of a performance that has begun.

    Attendance is typed only when the box office sold no tickets for the performance;
    otherwise it is counted from the door check-ins and a typed number is refused.
    """
    require(by, Cap.EDIT_PERFORMANCE_REPORT)
    Performance.objects.select_for_update().filter(pk=performance.pk).first()
    _require_after_curtain(performance, now, _("report"))
    if isinstance(curtain_calls, bool) or not isinstance(curtain_calls, int):
        raise ValidationFailed(_("Curtain calls are a whole number."), field="curtain_calls")
    if not 0 <= curtain_calls <= 99:
        raise ValidationFailed(_("Count the curtain calls from 0 to 99."), field="curtain_calls")
    sold = tickets_sold(performance)
    if attendance is not None:
        if sold:
            raise ValidationFailed(
                _(
                    "The box office sold %(n)d tickets for this performance, so attendance "
                    "is counted at the door; leave attendance empty."
                )
                % {"n": sold},
                field="attendance",
            )
        if isinstance(attendance, bool) or not 0 <= attendance <= 100_000:
            raise ValidationFailed(
                _("Attendance is a number of people from 0."), field="attendance"
            )
        capacity = performance.venue.capacity
        if attendance > capacity * 1.2:
            raise ValidationFailed(
                _(
                    "%(n)d people is far more than the %(seats)d seats of %(venue)s; check "
                    "the number."
                )
                % {"n": attendance, "seats": capacity, "venue": performance.venue.name},
                field="attendance",
            )
    checked = _check_acts(performance, acts)
    report, _created = PerformanceReport.objects.update_or_create(
        performance=performance,
        defaults={
            "curtain_calls": curtain_calls,
            "standing_ovation": bool(standing_ovation),
            "attendance_typed": attendance,
            "incidents": _text(incidents, field="incidents", limit=5000, label=_("Incidents")),
            "notes": _text(notes, field="notes", limit=5000, label=_("Notes")),
            "updated_at": now,
            "updated_by": user_of(by),
        },
    )
    report.acts.all().delete()
    ActTiming.objects.bulk_create(
        [
            ActTiming(
                report=report,
                order=i,
                label=act.label,
                curtain_up=act.curtain_up,
                curtain_down=act.curtain_down,
            )
            for i, act in enumerate(checked, start=1)
        ]
    )
    audit.record(
        actor=by,
        action="reception.report_save",
        obj=report,
        parent=performance,
        at=now,
        summary=_("Performance report of %(billing)s saved") % {"billing": performance.billing},
        changes={
            "curtain_calls": [None, curtain_calls],
            "standing_ovation": [None, bool(standing_ovation)],
        },
    )
    return report


# --------------------------------------------------------------------------- reviews


def _check_url(url: str) -> str:
    url = _text(url, field="url", limit=500, label=_("The link"))
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise ValidationFailed(
            _("Give the link as a full web address starting with https://."), field="url"
        )
    return url


def _review_works(performance: Performance, work_ids: Iterable[int] | None) -> list[Work]:
    programme_works = list(
        Work.objects.filter(programme_items__programme_id=performance.programme_id).order_by(
            "programme_items__order"
        )
    )
    if not work_ids:
        return programme_works
    wanted = {int(w) for w in work_ids}
    known = {w.pk for w in programme_works}
    stray = wanted - known
    if stray:
        raise ValidationFailed(
            _("A review is of the works on the performance's programme; %(ids)s are not on it.")
            % {"ids": ", ".join(str(i) for i in sorted(stray))},
            field="work_ids",
        )
    return [w for w in programme_works if w.pk in wanted]


def _review_fields(
    *,
    performance: Performance,
    outlet: str,
    published_on: dt.date,
    url: str,
    headline: str,
    rating: int | None,
    quote: str,
    now: dt.datetime,
) -> dict[str, Any]:
    outlet = _text(outlet, field="outlet", limit=200, label=_("The outlet"))
    if not outlet:
        raise ValidationFailed(_("Name the outlet (e.g. The Moscow Times)."), field="outlet")
    quote = _text(quote, field="quote", limit=4000, label=_("The quote"))
    if not quote:
        raise ValidationFailed(
            _("Quote the review: a sentence or two that the company may cite."), field="quote"
        )
    if rating is not None and (isinstance(rating, bool) or not 1 <= rating <= 5):
        raise ValidationFailed(
            _("Stars go from 1 to 5; leave them empty when the outlet gives none."),
            field="rating",
        )
    day = _performance_day(performance)
    today = now.astimezone(performance.venue.zone).date()
    if published_on < day:
        raise ValidationFailed(
            _("A review is published after the performance (%(day)s).") % {"day": day.isoformat()},
            field="published_on",
        )
    if published_on > today + dt.timedelta(days=1):
        raise ValidationFailed(
            _("The publication date %(day)s is still to come; add the review once it is out.")
            % {"day": published_on.isoformat()},
            field="published_on",
        )
    return {
        "outlet": outlet,
        "published_on": published_on,
        "url": _check_url(url),
        "headline": _text(headline, field="headline", limit=300, label=_("The headline")),
        "rating": rating,
        "quote": quote,
    }


@transaction.atomic
def review_create(
    *,
    performance: Performance,
    critic: Person,
    outlet: str,
    published_on: dt.date,
    quote: str,
    rating: int | None = None,
    url: str = "",
    headline: str = "",
    work_ids: Iterable[int] | None = None,
    by: Actor,
    now: dt.datetime,
) -> Review:
    """Add a review of a performance; ``work_ids`` default to every work on its programme."""
    require(by, Cap.EDIT_REVIEWS)
    _require_after_curtain(performance, now, _("review"))
    fields = _review_fields(
        performance=performance,
        outlet=outlet,
        published_on=published_on,
        url=url,
        headline=headline,
        rating=rating,
        quote=quote,
        now=now,
    )
    works = _review_works(performance, work_ids)
    if Review.objects.filter(
        performance=performance, critic=critic, outlet=fields["outlet"]
    ).exists():
        raise Conflict(
            _(
                "%(critic)s's review in %(outlet)s of this performance is already recorded; "
                "edit that one."
            )
            % {"critic": critic.full_name, "outlet": fields["outlet"]}
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                performance=performance,
                critic=critic,
                created_at=now,
                created_by=user_of(by),
                **fields,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This review was just recorded by someone else; reload the page.")
        ) from exc
    review.works.set(works)
    audit.record(
        actor=by,
        action="reception.review_create",
        obj=review,
        parent=performance,
        at=now,
        summary=_("Review by %(critic)s in %(outlet)s added")
        % {"critic": critic.full_name, "outlet": review.outlet},
    )
    return review


@transaction.atomic
def review_update(
    *, review: Review, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Review:
    """Change a review (``changes``: the fields that change; ``critic`` and ``work_ids``, when
    given and not None, replace the critic and the works reviewed)."""
    require(by, Cap.EDIT_REVIEWS)
    before = {
        name: getattr(review, name)
        for name in ("outlet", "published_on", "url", "headline", "rating", "quote")
    }
    known = {"outlet", "published_on", "url", "headline", "rating", "quote"}
    reject_unknown_fields(changes, {*known, "critic", "work_ids"})
    critic: Person | None = changes.get("critic")
    work_ids: Iterable[int] | None = changes.get("work_ids")
    current = {name: getattr(review, name) for name in known}
    current.update({k: v for k, v in changes.items() if k in known})
    fields = _review_fields(performance=review.performance, now=now, **current)
    if critic is not None:
        review.critic = critic
    clash = (
        Review.objects.filter(
            performance_id=review.performance_id, critic=review.critic, outlet=fields["outlet"]
        )
        .exclude(pk=review.pk)
        .exists()
    )
    if clash:
        raise Conflict(
            _("That critic's review in %(outlet)s of this performance is already recorded.")
            % {"outlet": fields["outlet"]}
        )
    for name, value in fields.items():
        setattr(review, name, value)
    review.save()
    if work_ids is not None:
        review.works.set(_review_works(review.performance, work_ids))
    audit.record(
        actor=by,
        action="reception.review_update",
        obj=review,
        parent=review.performance,
        at=now,
        summary=_("Review in %(outlet)s changed") % {"outlet": review.outlet},
        changes=audit.diff(before, fields),
    )
    return review


@transaction.atomic
def review_delete(*, review: Review, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.EDIT_REVIEWS)
    audit.record(
        actor=by,
        action="reception.review_delete",
        obj=review.performance,
        at=now,
        summary=_("Review in %(outlet)s removed") % {"outlet": review.outlet},
    )
    review.delete()


# --------------------------------------------------------------------------- survey


def survey_ensure(*, performance: Performance, now: dt.datetime) -> FeedbackSurvey:
    """The performance's survey, created with a fresh unguessable token the first time."""
    survey = FeedbackSurvey.objects.filter(performance=performance).first()
    if survey is not None:
        return survey
    if performance.status == Performance.Status.CANCELLED:
        raise ValidationFailed(_("A cancelled performance has no audience to ask."))
    try:
        with transaction.atomic():
            return FeedbackSurvey.objects.create(
                performance=performance, token=secrets.token_urlsafe(24), created_at=now
            )
    except IntegrityError:
        return FeedbackSurvey.objects.get(performance=performance)


def survey_window(performance: Performance) -> tuple[dt.datetime, dt.datetime]:
    """Answers are taken from the curtain up until ``CALLBOARD_FEEDBACK_OPEN_DAYS`` after."""
    days = int(settings.CALLBOARD_FEEDBACK_OPEN_DAYS)
    return performance.starts_at, performance.ends_at + dt.timedelta(days=days)


def survey_get(*, token: str) -> FeedbackSurvey:
    token = (token or "").strip()
    if not token or len(token) > 64 or not token.replace("-", "").replace("_", "").isalnum():
        raise NotFound(_("This survey link is not valid; check the address on your programme."))
    survey = (
        FeedbackSurvey.objects.select_related("performance__venue", "performance__programme")
        .filter(token=token)
        .first()
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid; check the address on your programme."))
    return survey


def _hashed(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _window_hit(key: str, *, limit: int, window: int, now: dt.datetime) -> bool:
    """Count one hit in the fixed window of ``window`` seconds; True when over ``limit``."""
    slot = int(now.timestamp()) // max(1, window)
    full = f"cb:feedback:{key}:{slot}"
    cache.add(full, 0, timeout=window + 5)
    try:
        count = cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.set(full, 1, timeout=window + 5)
        count = 1
    return count > limit


def _would_exceed(key: str, *, limit: int, window: int, now: dt.datetime) -> bool:
    slot = int(now.timestamp()) // max(1, window)
    return int(cache.get(f"cb:feedback:{key}:{slot}", 0)) >= limit


@dataclass(frozen=True)
class Answer:
    rating: Any
    favourite_moment: str = ""
    comment: str = ""
    would_return: str = ""


def _clean_answer(answer: Answer) -> dict[str, Any]:
    rating = answer.rating
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(
            _("Choose an overall rating from 1 (poor) to 5 (wonderful)."), field="rating"
        )
    again = (answer.would_return or "").strip().lower()
    if again not in Feedback.Again.values and again != "":
        raise ValidationFailed(
            _("Would you come again? Answer yes, maybe or no (or leave it)."),
            field="would_return",
        )
    moment = _text(
        answer.favourite_moment, field="favourite_moment", limit=300, label=_("Favourite moment")
    )
    comment = _text(answer.comment, field="comment", limit=2000, label=_("Your comment"))
    if comment.count("http://") + comment.count("https://") > 2:
        raise ValidationFailed(
            _("Please leave out web links; your words are what we would like to read."),
            field="comment",
        )
    return {
        "rating": rating,
        "favourite_moment": moment,
        "comment": comment,
        "would_return": again,
    }


def feedback_submit(
    *,
    token: str,
    answer: Answer,
    session_key: str,
    client_address: str,
    now: dt.datetime,
    trap: str = "",
) -> Feedback:
    """Take one audience answer through the public survey link.

    Refused with a message a member of the public can act on: an unknown link (404), a
    survey not open yet or closed (410), a bad answer (422), or too many answers from this
    browser, this address or overall in the last minute (429). ``trap`` is a field people
    never see; a filled one is a robot's, refused like a flood.
    """
    survey = survey_get(token=token)
    performance = survey.performance
    opens, closes = survey_window(performance)
    if performance.status == Performance.Status.CANCELLED:
        raise SurveyClosed(_("This performance was cancelled, so its survey is closed."))
    if now < opens:
        raise SurveyClosed(
            _("The survey opens when the curtain goes up; please come back after the show.")
        )
    if now > closes:
        raise SurveyClosed(_("This survey has closed. Thank you for coming!"))
    fields = _clean_answer(answer)
    p = performance.pk
    session_limit = int(settings.CALLBOARD_FEEDBACK_PER_SESSION)
    address_limit = int(settings.CALLBOARD_FEEDBACK_PER_ADDRESS)
    address_window = int(settings.CALLBOARD_FEEDBACK_ADDRESS_WINDOW)
    per_minute = int(settings.CALLBOARD_FEEDBACK_PER_MINUTE)
    session_window = max(1, int((closes - opens).total_seconds()))
    if trap:
        raise TooManyAnswers(_("Your answer could not be taken. Please try again later."))
    if session_key and _would_exceed(
        f"s:{p}:{_hashed(session_key)}", limit=session_limit, window=session_window, now=opens
    ):
        raise TooManyAnswers(
            _("You have already answered for this performance. Thank you!"),
        )
    if _would_exceed(
        f"a:{p}:{_hashed(client_address or '-')}",
        limit=address_limit,
        window=address_window,
        now=now,
    ):
        raise TooManyAnswers(
            _("Many answers have come from your network already; please try again in an hour.")
        )
    if _window_hit(f"p:{p}", limit=per_minute, window=60, now=now):
        raise TooManyAnswers(
            _("A great many answers are arriving at once; please try again in a minute.")
        )
    _window_hit(
        f"a:{p}:{_hashed(client_address or '-')}",
        limit=address_limit,
        window=address_window,
        now=now,
    )
    if session_key:
        _window_hit(
            f"s:{p}:{_hashed(session_key)}", limit=session_limit, window=session_window, now=opens
        )
    return Feedback.objects.create(performance=performance, submitted_at=now, **fields)


@transaction.atomic
def feedback_moderate(
    *, feedback_ids: Iterable[int], approve: bool, by: Actor, now: dt.datetime
) -> int:
    """Approve or reject answers (any status may be changed again). Returns how many."""
    require(by, Cap.MODERATE_FEEDBACK)
    ids = sorted({int(i) for i in feedback_ids})
    if not ids:
        raise ValidationFailed(_("Choose at least one answer to moderate."), field="ids")
    if len(ids) > 500:
        raise ValidationFailed(_("Moderate at most 500 answers at a time."), field="ids")
    found = Feedback.objects.select_for_update().filter(pk__in=ids)
    if found.count() != len(ids):
        raise NotFound(_("Some of these answers no longer exist; reload the page."))
    status = Feedback.Status.APPROVED if approve else Feedback.Status.REJECTED
    return found.update(status=status, moderated_at=now, moderated_by=user_of(by))


@transaction.atomic
def feedback_approve_ratings_only(
    *, by: Actor, now: dt.datetime, performance: Performance | None = None
) -> int:
    """Approve every waiting answer that has no words in it (a rating alone shows nothing
    a person wrote, so there is nothing to read first)."""
    require(by, Cap.MODERATE_FEEDBACK)
    qs = Feedback.objects.filter(status=Feedback.Status.PENDING, favourite_moment="", comment="")
    if performance is not None:
        qs = qs.filter(performance=performance)
    return qs.update(status=Feedback.Status.APPROVED, moderated_at=now, moderated_by=user_of(by))
