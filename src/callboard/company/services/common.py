"""What the company's services share: the fields each record takes, cleaning and checking a
value, the company record itself, and the lock that serialises roster writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _

from callboard.company.models import (
    Company,
)
from callboard.core.errors import ValidationFailed

PERSON_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "biography",
    "heritage",
    "nationality",
    "organisation",
    "contact_role",
    "email",
    "phone",
    "emergency_contact",
)


DANCER_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "biography",
    "heritage",
    "nationality",
    "email",
    "phone",
    "birth_date",
    "emergency_contact",
)


DANCER_OWN_FIELDS = (
    "rank",
    "status",
    "status_reason",
    "joined_on",
    "engagement_start",
    "engagement_end",
    "contract_notes",
)


DANCER_FIELDS = DANCER_PERSON_FIELDS + DANCER_OWN_FIELDS


CONTACT_FIELDS = (
    "kind",
    "given_name",
    "family_name",
    "organisation",
    "contact_role",
    "related_to_id",
    "biography",
    "heritage",
    "nationality",
    "email",
    "phone",
    "birth_date",
    "emergency_contact",
)


STAFF_OWN_FIELDS = ("kind", "title", "since")


STAFF_PERSON_FIELDS = ("given_name", "family_name", "email", "phone", "biography", "nationality")


STAFF_FIELDS = STAFF_OWN_FIELDS + STAFF_PERSON_FIELDS


STUDIO_FIELDS = (
    "name",
    "site_id",
    "length_m",
    "width_m",
    "capacity",
    "has_piano",
    "floor",
    "active",
    "notes",
)


SITE_FIELDS = ("name", "address")


LABOUR_FIELDS = (
    "name",
    "notes",
    "max_minutes_per_day",
    "max_minutes_per_week",
    "longest_call_minutes",
    "max_span_minutes",
    "break_every_minutes",
    "break_minutes",
    "meal_break_within_minutes",
    "meal_break_minutes",
    "min_rest_between_days_minutes",
    "earliest_start",
    "latest_end",
    "free_days_per_week",
    "class_counts_as_work",
    "performance_counts_as_work",
    "posting_deadline",
    "posting_days_before",
    "principal_notice_days",
    "announceable_notice_days",
    "full_casting_notice_days",
    "personal_notice_hours",
)


MINUTES_IN_DAY = 24 * 60


MINUTES_IN_WEEK = 7 * MINUTES_IN_DAY


EARLIEST_YEAR = 1900


LATEST_YEAR = 2100


MAX_STUDIO_CAPACITY = 500


MAX_STUDIO_METRES = Decimal("500")


def clean_text(field: str, value: Any) -> str:
    """The stored form of a text value: stripped, and names on one line with single spaces."""
    text = "" if value is None else str(value)
    if field in {"given_name", "family_name"}:
        return " ".join(text.split())
    return text.strip()


def _check_fields(given: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s. Use: %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(allowed)},
            detail={"unknown_fields": unknown},
            field=unknown[0],
        )


def _choice(value: Any, choices: type[models.TextChoices], *, field: str, what: str) -> str:
    text = "" if value is None else str(value).strip()
    if text not in choices.values:
        known = ", ".join(f"{v} ({label})" for v, label in choices.choices)
        raise ValidationFailed(
            _("Unknown %(what)s “%(value)s”. Choose one of: %(known)s.")
            % {"what": what, "value": text, "known": known},
            field=field,
        )
    return text


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Django's field checks (lengths, formats, choices) as a last net before the database."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors = exc.message_dict
        field, problems = next(iter(errors.items()))
        label = _verbose_name(obj, field)
        raise ValidationFailed(
            _("%(field)s: %(problem)s")
            % {"field": label.capitalize(), "problem": " ".join(problems)},
            detail=errors,
            field=field,
        ) from exc


def _verbose_name(obj: models.Model | type[models.Model], field: str) -> str:
    """The human name of ``field`` (or the field's own name for a non-field error)."""
    try:
        model_field = obj._meta.get_field(field)
    except Exception:  # a non-field error such as "__all__"
        return field
    return str(getattr(model_field, "verbose_name", field))


def _int_in_range(
    value: Any, *, field: str, label: str, low: int, high: int, optional: bool = True
) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise ValidationFailed(_("Give %(label)s.") % {"label": label}, field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("%(label)s must be a whole number.") % {"label": label.capitalize()}, field=field
        ) from None
    if not low <= number <= high:
        raise ValidationFailed(
            _("%(label)s must be between %(low)d and %(high)d.")
            % {"label": label.capitalize(), "low": low, "high": high},
            field=field,
        )
    return number


def _required_int(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    number = _int_in_range(value, field=field, label=label, low=low, high=high, optional=False)
    assert number is not None  # optional=False never returns None
    return number


def _date_or_none(value: Any, *, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValidationFailed(_("Give a date, not a date and time."), field=field)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}, field=field
        ) from None


def company_get() -> Company:
    """The one company of this installation, created with defaults the first time it is needed."""
    company = Company.objects.select_related("labour_profile").order_by("pk").first()
    if company is None:
        company = Company.objects.create(name="Callboard company", time_zone=settings.TIME_ZONE)
    return company


def _roster_lock() -> None:
    """Serialise roster writes so two people cannot create the same dancer at the same moment.

    Locks the company row (PostgreSQL); SQLite's write transactions are serial already.
    """
    if Company.objects.select_for_update().order_by("pk").first() is None:
        company_get()
