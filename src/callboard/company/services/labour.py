"""Labour profiles: the company's agreement as data (hours per day and week, the longest
call, breaks, rest, posting deadlines...), made by hand or from a preset, and the one in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company import presets
from callboard.company.models import (
    Company,
    LabourProfile,
)
from callboard.company.services.common import (
    LABOUR_FIELDS,
    MINUTES_IN_DAY,
    MINUTES_IN_WEEK,
    _check_fields,
    _full_clean,
    _int_in_range,
    _verbose_name,
    clean_text,
    company_get,
)
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require

_LABOUR_MINUTE_LIMITS: dict[str, tuple[int, int]] = {
    "longest_call_minutes": (1, MINUTES_IN_DAY),
    "max_span_minutes": (1, MINUTES_IN_DAY),
    "break_every_minutes": (1, MINUTES_IN_DAY),
    "break_minutes": (0, MINUTES_IN_DAY),
    "meal_break_within_minutes": (1, MINUTES_IN_DAY),
    "meal_break_minutes": (0, MINUTES_IN_DAY),
    "min_rest_between_days_minutes": (0, MINUTES_IN_DAY),
    "free_days_per_week": (0, 7),
    "posting_days_before": (0, 28),
    "principal_notice_days": (0, 365),
    "announceable_notice_days": (0, 365),
    "full_casting_notice_days": (0, 365),
    "personal_notice_hours": (0, 24 * 30),
}


_LABOUR_REQUIRED_INTS = {
    "break_minutes",
    "meal_break_minutes",
    "free_days_per_week",
    "posting_days_before",
    "principal_notice_days",
    "announceable_notice_days",
    "full_casting_notice_days",
    "personal_notice_hours",
}


def _label(field: str) -> str:
    return _verbose_name(LabourProfile, field)


def _apply_labour(profile: LabourProfile, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field in {"name", "notes"}:
            setattr(profile, field, clean_text(field, value))
        elif field == "max_minutes_per_day":
            profile.max_minutes_per_day = _positive_limit(value, field=field, high=MINUTES_IN_DAY)
        elif field == "max_minutes_per_week":
            profile.max_minutes_per_week = _positive_limit(value, field=field, high=MINUTES_IN_WEEK)
        elif field in _LABOUR_MINUTE_LIMITS:
            low, high = _LABOUR_MINUTE_LIMITS[field]
            number = _int_in_range(value, field=field, label=_label(field), low=low, high=high)
            if number is None and field in _LABOUR_REQUIRED_INTS:
                number = 0
            setattr(profile, field, number)
        elif field in {"earliest_start", "latest_end", "posting_deadline"}:
            setattr(profile, field, _time_or_none(value, field=field))
        elif field in {"class_counts_as_work", "performance_counts_as_work"}:
            setattr(profile, field, bool(value))


def _positive_limit(value: Any, *, field: str, high: int) -> int:
    if value in (None, ""):
        raise ValidationFailed(_("Give %(label)s.") % {"label": _label(field)}, field=field)
    number = _int_in_range(value, field=field, label=_label(field), low=-(10**9), high=10**9)
    assert number is not None
    if number <= 0:
        raise ValidationFailed(
            _("%(label)s must be more than zero.") % {"label": _label(field).capitalize()},
            field=field,
        )
    if number > high:
        raise ValidationFailed(
            _("%(label)s cannot be more than %(high)d.")
            % {"label": _label(field).capitalize(), "high": high},
            field=field,
        )
    return number


def _time_or_none(value: Any, *, field: str) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a time of day; write it as HH:MM.") % {"value": value},
            field=field,
        ) from None


def _validate_labour(p: LabourProfile) -> None:
    if not p.name:
        raise ValidationFailed(
            _("Name the agreement, for example “2026 company agreement”."), field="name"
        )
    if p.max_minutes_per_week < p.max_minutes_per_day:
        raise ValidationFailed(
            _(
                "The week's limit (%(week)d minutes) is less than one day's "
                "(%(day)d minutes); raise it."
            )
            % {"week": p.max_minutes_per_week, "day": p.max_minutes_per_day},
            field="max_minutes_per_week",
        )
    if p.longest_call_minutes is not None and p.longest_call_minutes > p.max_minutes_per_day:
        raise ValidationFailed(
            _(
                "The longest call (%(call)d minutes) is longer than a whole day's work "
                "(%(day)d minutes)."
            )
            % {"call": p.longest_call_minutes, "day": p.max_minutes_per_day},
            field="longest_call_minutes",
        )
    if (
        p.max_span_minutes is not None
        and p.longest_call_minutes is not None
        and p.max_span_minutes < p.longest_call_minutes
    ):
        raise ValidationFailed(
            _(
                "The span of the day (%(span)d minutes) is shorter than the longest call "
                "(%(call)d minutes)."
            )
            % {"span": p.max_span_minutes, "call": p.longest_call_minutes},
            field="max_span_minutes",
        )
    for every, length, what in (
        ("break_every_minutes", "break_minutes", _("short break")),
        ("meal_break_within_minutes", "meal_break_minutes", _("longer rest")),
    ):
        interval, minutes = getattr(p, every), getattr(p, length)
        if interval is None and minutes:
            raise ValidationFailed(
                _("Say when the %(what)s is due, or set its length to 0.") % {"what": what},
                field=every,
            )
        if interval is not None and not minutes:
            raise ValidationFailed(
                _("Give the length of the %(what)s in minutes.") % {"what": what}, field=length
            )
        if interval is not None and minutes >= interval:
            raise ValidationFailed(
                _(
                    "The %(what)s (%(minutes)d minutes) must be shorter than the time it "
                    "is due within (%(interval)d minutes)."
                )
                % {"what": what, "minutes": minutes, "interval": interval},
                field=length,
            )
    if p.earliest_start and p.latest_end and p.latest_end <= p.earliest_start:
        raise ValidationFailed(
            _("The latest end (%(end)s) must come after the earliest start (%(start)s).")
            % {"end": p.latest_end.strftime("%H:%M"), "start": p.earliest_start.strftime("%H:%M")},
            field="latest_end",
        )
    if p.free_days_per_week > 7:  # also a database constraint
        raise ValidationFailed(_("A week has at most 7 free days."), field="free_days_per_week")
    _full_clean(p)
    if LabourProfile.objects.filter(name__iexact=p.name).exclude(pk=p.pk).exists():
        raise Conflict(
            _("An agreement called “%(name)s” exists already; choose another name.")
            % {"name": p.name},
            field="name",
        )


@transaction.atomic
def labour_profile_create(*, data: Mapping[str, Any], by: Actor, now: dt.datetime) -> LabourProfile:
    """Record a labour agreement from its terms (see :data:`LABOUR_FIELDS`)."""
    require(by, Cap.EDIT_LABOUR)
    _check_fields(data, [*LABOUR_FIELDS, "preset"])
    for required in ("name", "max_minutes_per_day", "max_minutes_per_week"):
        if data.get(required) in (None, ""):
            raise ValidationFailed(
                _("Give %(label)s.") % {"label": _label(required)}, field=required
            )
    profile = LabourProfile(preset=clean_text("preset", data.get("preset", "")))
    _apply_labour(profile, {k: v for k, v in data.items() if k != "preset"})
    _validate_labour(profile)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise Conflict(
            _("That agreement breaks a rule of the database: %(why)s") % {"why": exc}
        ) from exc
    audit.record(
        actor=by,
        action="labour.create",
        obj=profile,
        at=now,
        summary=_("Labour agreement %(name)s recorded") % {"name": profile.name},
        changes=audit.diff({}, audit.fields_of(profile, LABOUR_FIELDS)),
    )
    return profile


@transaction.atomic
def labour_profile_update(
    *, profile: LabourProfile, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> LabourProfile:
    require(by, Cap.EDIT_LABOUR)
    before = audit.fields_of(profile, changes)
    _check_fields(changes, LABOUR_FIELDS)
    locked = LabourProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if locked is None:
        raise NotFound(_("That agreement no longer exists."))
    _apply_labour(locked, changes)
    _validate_labour(locked)
    locked.save()
    audit.record(
        actor=by,
        action="labour.update",
        obj=locked,
        at=now,
        summary=_("Labour agreement %(name)s changed") % {"name": locked.name},
        changes=audit.diff(before, audit.fields_of(locked, changes)),
    )
    return locked


@transaction.atomic
def labour_profile_from_preset(*, key: str, by: Actor, now: dt.datetime) -> LabourProfile:
    """A new profile holding a shipped preset's terms (named “… (2)” if the name is taken)."""
    require(by, Cap.EDIT_LABOUR)
    preset = presets.PRESETS.get(key)
    if preset is None:
        raise ValidationFailed(
            _("Unknown preset “%(key)s”. Choose one of: %(known)s.")
            % {"key": key, "known": ", ".join(sorted(presets.PRESETS))},
            field="key",
        )
    name = preset["name"]
    taken = {
        n.lower()
        for n in LabourProfile.objects.filter(name__istartswith=name).values_list("name", flat=True)
    }
    number = 2
    while name.lower() in taken:
        name = f"{preset['name']} ({number})"
        number += 1
    data = {**preset, "name": name, "preset": key}
    return labour_profile_create(data=data, by=by, now=now)


@transaction.atomic
def labour_profile_activate(*, profile: LabourProfile, by: Actor, now: dt.datetime) -> Company:
    """Put ``profile`` in force: the scheduler and every page then follow its terms."""
    require(by, Cap.EDIT_LABOUR)
    if not LabourProfile.objects.filter(pk=profile.pk).exists():
        raise NotFound(_("That agreement no longer exists."))
    company = company_get()
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.labour_profile_id = profile.pk
    company.save(update_fields=["labour_profile"])
    audit.record(
        actor=by,
        action="labour.activate",
        obj=profile,
        at=now,
        summary=_("Labour agreement %(name)s put in force") % {"name": profile.name},
    )
    return Company.objects.select_related("labour_profile").get(pk=company.pk)
