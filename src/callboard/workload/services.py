"""Writes of the workload: a dancer's ratings of exertion (the records are wellbeing's
:class:`~callboard.wellbeing.models.ExertionRating`; checking a rating needs the published
schedule, which is why they are written here, above scheduling)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.company.models import Dancer
from callboard.core.actors import Actor, user_of
from callboard.core.errors import ValidationFailed
from callboard.core.zones import company_today
from callboard.scheduling.workload import derive_minutes
from callboard.wellbeing import access
from callboard.wellbeing.cleaning import clean_choice, clean_text
from callboard.wellbeing.models import ExertionRating, Session


@transaction.atomic
def exertion_record(
    *,
    dancer: Dancer,
    day: dt.date,
    session: str,
    rpe: int,
    note: str = "",
    by: Actor,
    now: dt.datetime,
) -> ExertionRating:
    """Record (or correct) a dancer's rating of exertion for a day or a kind of session.

    Refused for a day in the future, a day older than ``CALLBOARD_RPE_MAX_AGE_DAYS``, a
    rating outside 0–10, and a kind of session the dancer did not have that day.
    """
    access.require_self_or_medical(by, dancer, _("ratings of exertion"))
    session = clean_choice(session, Session, field="session", label=_("session"))
    if isinstance(rpe, bool) or not isinstance(rpe, int) or not 0 <= rpe <= 10:
        raise ValidationFailed(
            _("Rate exertion from 0 (rest) to 10 (maximal), as a whole number."), field="rpe"
        )
    note = clean_text(note, field="note", limit=200, label=_("The note"))
    today = company_today(now)
    if day > today:
        raise ValidationFailed(
            _("Rate a session after it has happened: %(day)s is still to come.")
            % {"day": day.isoformat()},
            field="day",
        )
    max_age = int(settings.CALLBOARD_RPE_MAX_AGE_DAYS)
    if (today - day).days > max_age:
        raise ValidationFailed(
            _(
                "Ratings are taken within %(n)d days of the session, while it is fresh; "
                "%(day)s is too long ago."
            )
            % {"n": max_age, "day": day.isoformat()},
            field="day",
        )
    if session != Session.DAY:
        minutes = derive_minutes(dancers=[dancer], start=day, end=day, today=today)[dancer.pk][day]
        if minutes.of(session) == 0:
            raise ValidationFailed(
                _(
                    "There was no %(session)s for you on %(day)s in the published schedule; "
                    "rate the whole day instead, or pick another session."
                )
                % {"session": Session(session).label.lower(), "day": day.isoformat()},
                field="session",
            )
    rating, _created = ExertionRating.objects.update_or_create(
        dancer=dancer,
        day=day,
        session=session,
        defaults={"rpe": rpe, "note": note, "recorded_at": now, "recorded_by": user_of(by)},
    )
    return rating


@transaction.atomic
def exertion_delete(*, rating: ExertionRating, by: Actor, now: dt.datetime) -> None:
    access.require_self_or_medical(by, rating.dancer, _("ratings of exertion"))
    rating.delete()
