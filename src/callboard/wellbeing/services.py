"""Writes of wellbeing: ratings of exertion, injuries and return-to-dance stages.

Every service checks who is writing (``by``): the rules of access are in
:mod:`callboard.wellbeing.access`. An injury's planning window (``restricts``,
``restricted_from``, ``restricted_until``) is recomputed here after every change, so the
planning reads can trust it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Dancer
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.wellbeing import access
from callboard.wellbeing.models import (
    Activity,
    BodyPart,
    ExertionRating,
    Injury,
    Mechanism,
    Restriction,
    ReturnStage,
    Session,
    Side,
)
from callboard.wellbeing.planning import injury_data, restriction_window
from callboard.wellbeing.workload import company_zone, derive_minutes

EARLIEST = dt.date(1950, 1, 1)


def _local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(company_zone()).date()


def _text(value: str, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(
            _("%(label)s may not contain NUL characters.") % {"label": label}, field=field
        )
    if len(value) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(n)d characters.") % {"label": label, "n": limit},
            field=field,
        )
    return value


def _choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("Choose a %(label)s from the list (one of: %(known)s).")
            % {"label": label, "known": ", ".join(choices.values)},
            field=field,
        )
    return value


# --------------------------------------------------------------------------- exertion


def _require_self_or_medical(user: Any, dancer: Dancer, what: str) -> None:
    if access.own_dancer_id(user) == dancer.pk or access.is_medical(user):
        return
    raise PermissionDenied(
        _("Only the dancer (or the medical staff) may record %(what)s.") % {"what": what}
    )


@transaction.atomic
def exertion_record(
    *,
    dancer: Dancer,
    day: dt.date,
    session: str,
    rpe: int,
    note: str = "",
    by: Any,
    now: dt.datetime,
) -> ExertionRating:
    """Record (or correct) a dancer's rating of exertion for a day or a kind of session.

    Refused for a day in the future, a day older than ``CALLBOARD_RPE_MAX_AGE_DAYS``, a
    rating outside 0–10, and a kind of session the dancer did not have that day.
    """
    _require_self_or_medical(by, dancer, _("ratings of exertion"))
    session = _choice(session, Session, field="session", label=_("session"))
    if isinstance(rpe, bool) or not isinstance(rpe, int) or not 0 <= rpe <= 10:
        raise ValidationFailed(
            _("Rate exertion from 0 (rest) to 10 (maximal), as a whole number."), field="rpe"
        )
    note = _text(note, field="note", limit=200, label=_("The note"))
    today = _local_today(now)
    if day > today:
        raise ValidationFailed(
            _("Rate a session after it has happened: %(day)s is still to come.")
            % {"day": day.isoformat()},
            field="day",
        )
    max_age = int(getattr(settings, "CALLBOARD_RPE_MAX_AGE_DAYS", 14))
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
        defaults={"rpe": rpe, "note": note, "recorded_at": now, "recorded_by": by},
    )
    return rating


@transaction.atomic
def exertion_delete(*, rating: ExertionRating, by: Any, now: dt.datetime) -> None:
    _require_self_or_medical(by, rating.dancer, _("ratings of exertion"))
    rating.delete()


# --------------------------------------------------------------------------- injuries


def _refresh_window(injury: Injury) -> None:
    data = injury_data(Injury.objects.prefetch_related("stages").get(pk=injury.pk))
    window = restriction_window(data)
    if window is None:
        injury.restricts, injury.restricted_from, injury.restricted_until = False, None, None
    else:
        injury.restricts = True
        injury.restricted_from, injury.restricted_until = window
    Injury.objects.filter(pk=injury.pk).update(
        restricts=injury.restricts,
        restricted_from=injury.restricted_from,
        restricted_until=injury.restricted_until,
    )
    # queryset.update sends no signal: tell the planning snapshot ourselves.
    from callboard.wellbeing.planning import invalidate_snapshot

    invalidate_snapshot()


def _injury_fields(
    *,
    body_part: str,
    side: str,
    occurred_on: dt.date,
    mechanism: str,
    activity: str,
    diagnosis: str,
    time_lost_days: int | None,
    notes: str,
    today: dt.date,
) -> dict[str, Any]:
    if occurred_on > today:
        raise ValidationFailed(
            _("The date of injury cannot be in the future (today is %(today)s).")
            % {"today": today.isoformat()},
            field="occurred_on",
        )
    if occurred_on < EARLIEST:
        raise ValidationFailed(
            _("Give the date of injury as a real date (after 1950)."), field="occurred_on"
        )
    if time_lost_days is not None and (
        isinstance(time_lost_days, bool) or not 0 <= time_lost_days <= 3650
    ):
        raise ValidationFailed(
            _("Time lost is a number of days from 0 to 3650; leave it empty while unknown."),
            field="time_lost_days",
        )
    return {
        "body_part": _choice(body_part, BodyPart, field="body_part", label=_("body part")),
        "side": _choice(side, Side, field="side", label=_("side")),
        "occurred_on": occurred_on,
        "mechanism": _choice(mechanism, Mechanism, field="mechanism", label=_("mechanism")),
        "activity": _choice(activity, Activity, field="activity", label=_("activity")),
        "diagnosis": _text(diagnosis, field="diagnosis", limit=300, label=_("The diagnosis")),
        "time_lost_days": time_lost_days,
        "notes": _text(notes, field="notes", limit=5000, label=_("The notes")),
    }


INJURY_FIELDS = (
    "body_part",
    "side",
    "occurred_on",
    "mechanism",
    "activity",
    "diagnosis",
    "time_lost_days",
    "notes",
)


def _injury_words(injury: Injury) -> str:
    return _("%(part)s (%(side)s), %(day)s") % {
        "part": injury.get_body_part_display(),
        "side": injury.get_side_display().lower(),
        "day": injury.occurred_on.isoformat(),
    }


def _injury_values(injury: Injury) -> dict[str, Any]:
    """An injury's fields as a person reads them, for the history's changes."""
    values = {}
    for name in INJURY_FIELDS:
        field = Injury._meta.get_field(name)
        label = str(getattr(field, "verbose_name", name))
        shown = getattr(injury, f"get_{name}_display", None)
        values[label] = shown() if shown is not None else getattr(injury, name)
    return values


def _audit_injury(
    *, by: Any, action: str, injury: Injury, summary: str, changes: Any, now: dt.datetime
) -> None:
    """A medical history entry: read by the medical staff and the dancer only."""
    audit.record(
        actor=by,
        action=action,
        obj=injury,
        parent=injury.dancer,
        subject=injury.dancer.person,
        summary=summary,
        changes=changes,
        sensitivity=audit.MEDICAL,
        at=now,
    )


@transaction.atomic
def injury_record(
    *,
    dancer: Dancer,
    body_part: str,
    occurred_on: dt.date,
    side: str = Side.CENTRAL,
    mechanism: str = Mechanism.UNKNOWN,
    activity: str = Activity.UNKNOWN,
    diagnosis: str = "",
    time_lost_days: int | None = None,
    notes: str = "",
    by: Any,
    now: dt.datetime,
) -> Injury:
    """Record an injury. The dancer records their own; the medical staff anyone's."""
    _require_self_or_medical(by, dancer, _("an injury"))
    fields = _injury_fields(
        body_part=body_part,
        side=side,
        occurred_on=occurred_on,
        mechanism=mechanism,
        activity=activity,
        diagnosis=diagnosis,
        time_lost_days=time_lost_days,
        notes=notes,
        today=_local_today(now),
    )
    injury = Injury.objects.create(
        dancer=dancer, recorded_at=now, recorded_by=by, updated_at=now, **fields
    )
    _refresh_window(injury)
    _audit_injury(
        by=by,
        action="injury.record",
        injury=injury,
        summary=_("Recorded an injury of %(dancer)s: %(what)s.")
        % {"dancer": dancer.person, "what": _injury_words(injury)},
        changes=audit.diff({}, _injury_values(injury)),
        now=now,
    )
    return injury


@transaction.atomic
def injury_update(*, injury: Injury, by: Any, now: dt.datetime, **changes: Any) -> Injury:
    """Change an injury's fields (any of those :func:`injury_record` takes)."""
    _require_self_or_medical(by, injury.dancer, _("an injury"))
    known = {
        "body_part",
        "side",
        "occurred_on",
        "mechanism",
        "activity",
        "diagnosis",
        "time_lost_days",
        "notes",
    }
    unknown = set(changes) - known
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    # Only time lost may be emptied (not known yet); every other field keeps a value.
    emptied = sorted(n for n, v in changes.items() if v is None and n != "time_lost_days")
    if emptied:
        raise ValidationFailed(
            _("Give a value for %(names)s, or leave the field out to keep what is there.")
            % {"names": ", ".join(emptied)},
            field=emptied[0],
        )
    current = {name: getattr(injury, name) for name in known}
    current.update(changes)
    fields = _injury_fields(**current, today=_local_today(now))
    first_stage = injury.stages.order_by("starts_on").first()
    if first_stage is not None and first_stage.starts_on < fields["occurred_on"]:
        raise ValidationFailed(
            _(
                "The return-to-dance plan starts on %(day)s, before that date of injury; "
                "move or remove the stage first."
            )
            % {"day": first_stage.starts_on.isoformat()},
            field="occurred_on",
        )
    before = _injury_values(injury)
    for name, value in fields.items():
        setattr(injury, name, value)
    injury.updated_at = now
    injury.save()
    _refresh_window(injury)
    changed = audit.diff(before, _injury_values(injury))
    if changed:
        _audit_injury(
            by=by,
            action="injury.update",
            injury=injury,
            summary=_("Changed the injury record (%(what)s): %(fields)s.")
            % {"what": _injury_words(injury), "fields": ", ".join(changed)},
            changes=changed,
            now=now,
        )
    return injury


@transaction.atomic
def injury_delete(*, injury: Injury, by: Any, now: dt.datetime) -> None:
    """Remove a record made in error: medical staff only (a dancer asks them)."""
    if not access.is_medical(by):
        raise PermissionDenied(
            _("Only the medical staff may remove an injury record; ask the physiotherapist.")
        )
    _audit_injury(
        by=by,
        action="injury.delete",
        injury=injury,
        summary=_("Removed the injury record (%(what)s) of %(dancer)s, made in error.")
        % {"what": _injury_words(injury), "dancer": injury.dancer.person},
        changes=None,
        now=now,
    )
    injury.delete()


# --------------------------------------------------------------------------- return to dance


def _restrictions(values: Iterable[str]) -> list[str]:
    codes = []
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        if value not in Restriction.values:
            raise ValidationFailed(
                _("Unknown restriction %(value)r: choose from %(known)s.")
                % {"value": value, "known": ", ".join(Restriction.values)},
                field="restrictions",
            )
        if value not in codes:
            codes.append(value)
    return sorted(codes)


@transaction.atomic
def return_stage_add(
    *,
    injury: Injury,
    starts_on: dt.date,
    mode: str,
    minutes_per_day: int | None = None,
    restrictions: Iterable[str] = (),
    may_perform: bool = False,
    notes: str = "",
    by: Any,
    now: dt.datetime,
) -> ReturnStage:
    """Add a stage to an injury's return-to-dance plan (the dancer or the medical staff).

    *Not dancing* takes no minutes or restrictions; *limited* needs a cap of minutes a day
    or at least one restriction; *full return* ends the plan.
    """
    _require_self_or_medical(by, injury.dancer, _("a return-to-dance plan"))
    Injury.objects.select_for_update().filter(pk=injury.pk).first()
    mode = _choice(mode, ReturnStage.Mode, field="mode", label=_("stage"))
    codes = _restrictions(restrictions)
    if starts_on < injury.occurred_on:
        raise ValidationFailed(
            _("A stage cannot start before the injury (%(day)s).")
            % {"day": injury.occurred_on.isoformat()},
            field="starts_on",
        )
    if (starts_on - injury.occurred_on).days > 3650:
        raise ValidationFailed(
            _("A stage more than ten years after the injury is surely a typing error."),
            field="starts_on",
        )
    if mode == ReturnStage.Mode.LIMITED:
        if minutes_per_day is not None and (
            isinstance(minutes_per_day, bool) or not 15 <= minutes_per_day <= 720
        ):
            raise ValidationFailed(
                _("Allow from 15 to 720 minutes a day, or leave it empty for no cap."),
                field="minutes_per_day",
            )
        if minutes_per_day is None and not codes:
            raise ValidationFailed(
                _(
                    "A limited stage needs a cap of minutes a day or at least one "
                    "restriction; otherwise choose full return."
                ),
                field="minutes_per_day",
            )
    else:
        if minutes_per_day is not None or codes:
            raise ValidationFailed(
                _(
                    "Minutes and restrictions belong to a limited stage; a stage of not "
                    "dancing or full return has none."
                ),
                field="mode",
            )
        may_perform = mode == ReturnStage.Mode.FULL
    if injury.stages.filter(starts_on=starts_on).exists():
        raise Conflict(
            _(
                "The plan already has a stage starting on %(day)s; remove it first or pick "
                "another day."
            )
            % {"day": starts_on.isoformat()},
            field="starts_on",
        )
    try:
        with transaction.atomic():
            stage = ReturnStage.objects.create(
                injury=injury,
                starts_on=starts_on,
                mode=mode,
                minutes_per_day=minutes_per_day if mode == ReturnStage.Mode.LIMITED else None,
                restrictions=codes,
                may_perform=bool(may_perform),
                notes=_text(notes, field="notes", limit=2000, label=_("The notes")),
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The plan changed while you were editing it; reload the page and try again.")
        ) from exc
    injury.updated_at = now
    injury.save(update_fields=["updated_at"])
    _refresh_window(injury)
    _audit_injury(
        by=by,
        action="injury.plan_add",
        injury=injury,
        summary=_("Return-to-dance plan: from %(day)s, %(stage)s.")
        % {"day": starts_on.isoformat(), "stage": _stage_words(stage)},
        changes={starts_on.isoformat(): [None, _stage_words(stage)]},
        now=now,
    )
    return stage


def _stage_words(stage: ReturnStage) -> str:
    words = [str(stage.get_mode_display()).lower()]
    if stage.minutes_per_day:
        words.append(_("at most %(n)s min a day") % {"n": stage.minutes_per_day})
    words.extend(str(Restriction(code).label).lower() for code in stage.restrictions or [])
    if stage.mode == ReturnStage.Mode.LIMITED:
        words.append(_("may perform") if stage.may_perform else _("not performing"))
    return ", ".join(words)


@transaction.atomic
def return_stage_remove(*, stage: ReturnStage, by: Any, now: dt.datetime) -> None:
    injury = stage.injury
    _require_self_or_medical(by, injury.dancer, _("a return-to-dance plan"))
    _audit_injury(
        by=by,
        action="injury.plan_remove",
        injury=injury,
        summary=_("Return-to-dance plan: removed the stage from %(day)s (%(stage)s).")
        % {"day": stage.starts_on.isoformat(), "stage": _stage_words(stage)},
        changes={stage.starts_on.isoformat(): [_stage_words(stage), None]},
        now=now,
    )
    stage.delete()
    injury.updated_at = now
    injury.save(update_fields=["updated_at"])
    _refresh_window(injury)
