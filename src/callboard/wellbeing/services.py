"""Writes of wellbeing's medical part: injuries and return-to-dance stages (ratings of
exertion are the workload's, :mod:`callboard.workload.services`).

Every service checks who is writing (``by``): the rules of access are in
:mod:`callboard.wellbeing.access`. An injury's planning window (``restricts``,
``restricted_from``, ``restricted_until``) is recomputed here after every change, so the
planning reads can trust it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Dancer
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    reject_unknown_fields,
)
from callboard.core.zones import company_today
from callboard.wellbeing import access
from callboard.wellbeing.cleaning import clean_choice, clean_text
from callboard.wellbeing.models import (
    Activity,
    BodyPart,
    Injury,
    Mechanism,
    Restriction,
    ReturnStage,
    Side,
)
from callboard.wellbeing.planning import injury_data, invalidate_snapshot, restriction_window

EARLIEST = dt.date(1950, 1, 1)


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
        "body_part": clean_choice(body_part, BodyPart, field="body_part", label=_("body part")),
        "side": clean_choice(side, Side, field="side", label=_("side")),
        "occurred_on": occurred_on,
        "mechanism": clean_choice(mechanism, Mechanism, field="mechanism", label=_("mechanism")),
        "activity": clean_choice(activity, Activity, field="activity", label=_("activity")),
        "diagnosis": clean_text(diagnosis, field="diagnosis", limit=300, label=_("The diagnosis")),
        "time_lost_days": time_lost_days,
        "notes": clean_text(notes, field="notes", limit=5000, label=_("The notes")),
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
    *, by: Actor, action: str, injury: Injury, summary: str, changes: Any, now: dt.datetime
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
    by: Actor,
    now: dt.datetime,
) -> Injury:
    """Record an injury. The dancer records their own; the medical staff anyone's."""
    access.require_self_or_medical(by, dancer, _("an injury"))
    fields = _injury_fields(
        body_part=body_part,
        side=side,
        occurred_on=occurred_on,
        mechanism=mechanism,
        activity=activity,
        diagnosis=diagnosis,
        time_lost_days=time_lost_days,
        notes=notes,
        today=company_today(now),
    )
    injury = Injury.objects.create(
        dancer=dancer, recorded_at=now, recorded_by=user_of(by), updated_at=now, **fields
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
def injury_update(
    *, injury: Injury, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Injury:
    """Change an injury's fields (``changes``: any of those :func:`injury_record` takes)."""
    access.require_self_or_medical(by, injury.dancer, _("an injury"))
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
    reject_unknown_fields(changes, known)
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
    fields = _injury_fields(**current, today=company_today(now))
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
def injury_delete(*, injury: Injury, by: Actor, now: dt.datetime) -> None:
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
    by: Actor,
    now: dt.datetime,
) -> ReturnStage:
    """Add a stage to an injury's return-to-dance plan (the dancer or the medical staff).

    *Not dancing* takes no minutes or restrictions; *limited* needs a cap of minutes a day
    or at least one restriction; *full return* ends the plan.
    """
    access.require_self_or_medical(by, injury.dancer, _("a return-to-dance plan"))
    Injury.objects.select_for_update().filter(pk=injury.pk).first()
    mode = clean_choice(mode, ReturnStage.Mode, field="mode", label=_("stage"))
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
                notes=clean_text(notes, field="notes", limit=2000, label=_("The notes")),
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
def return_stage_remove(*, stage: ReturnStage, by: Actor, now: dt.datetime) -> None:
    injury = stage.injury
    access.require_self_or_medical(by, injury.dancer, _("a return-to-dance plan"))
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
