"""A plan's inputs: its days, call requests (from casting's rehearsal needs or by hand), fixed
events, studio closures, and people's unavailability."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from callboard.casting.models import RehearsalNeed
from callboard.company.models import Person, Studio
from callboard.core.actors import Actor, user_of
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.roles import Cap, can, require
from callboard.scheduling.models import (
    Call,
    CallRequest,
    FixedEvent,
    Schedule,
    SchedulePeriod,
    StudioClosure,
    Unavailability,
)
from callboard.scheduling.services.common import MAX_PERIOD_DAYS, _aware, draft_of, stage_free


@transaction.atomic
def period_open(
    *, first_day: dt.date, last_day: dt.date, by: Actor, now: dt.datetime, title: str = ""
) -> SchedulePeriod:
    """Open the plan of a day or a week (the existing one when it is the same days)."""
    require(by, Cap.PLAN_SCHEDULE)
    if last_day < first_day:
        raise ValidationFailed(_("The last day comes before the first."), field="last_day")
    if not 1900 < first_day.year < 3000:
        raise ValidationFailed(_("Give a year between 1901 and 2999."), field="first_day")
    if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            _("Plan at most %(n)s days at a time: a day or a week.") % {"n": MAX_PERIOD_DAYS},
            field="last_day",
        )
    same = SchedulePeriod.objects.filter(first_day=first_day, last_day=last_day).first()
    if same is not None:
        draft_of(same)
        return same
    clash = SchedulePeriod.objects.filter(first_day__lte=last_day, last_day__gte=first_day).first()
    if clash is not None:
        raise Conflict(
            _("These days are already in the plan for %(period)s: open that plan instead.")
            % {"period": clash},
            detail={"period": clash.pk},
        )
    period = SchedulePeriod.objects.create(
        first_day=first_day,
        last_day=last_day,
        title=title.strip()[:120],
        created_at=now,
        created_by=user_of(by),
    )
    Schedule.objects.create(period=period, created_at=now, created_by=user_of(by))
    return period


@dataclass
class ImportResult:
    created: int = 0
    already: int = 0
    skipped: list[str] = field(default_factory=list)


def _staff_for(kind: str, load: dict[int, int]) -> Person | None:
    candidates = list(
        Person.objects.filter(staff_roles__kind=kind).order_by("family_name", "given_name", "pk")
    )
    if not candidates:
        return None
    chosen = min(candidates, key=lambda p: (load.get(p.pk, 0), p.family_name, p.pk))
    load[chosen.pk] = load.get(chosen.pk, 0) + 1
    return chosen


def _scheduled_minutes(need_ids: Iterable[int], exclude_period: SchedulePeriod) -> dict[int, int]:
    """Minutes already called for each need in other plans' latest published versions."""
    latest = (
        Schedule.objects.filter(status=Schedule.Status.PUBLISHED)
        .values("period")
        .annotate(n=Max("number"))
    )
    wanted = Q()
    for row in latest:
        wanted |= Q(schedule__period_id=row["period"], schedule__number=row["n"])
    if not latest:
        return {}
    out: dict[int, int] = defaultdict(int)
    for call in (
        Call.objects.filter(wanted, request__need_id__in=list(need_ids))
        .exclude(schedule__period=exclude_period)
        .select_related("request")
    ):
        if call.request is not None and call.request.need_id is not None:
            out[call.request.need_id] += call.minutes
    return out


@transaction.atomic
def requests_import(*, period: SchedulePeriod, by: Actor, now: dt.datetime) -> ImportResult:
    """Bring casting's rehearsal needs whose window meets the plan into it as call requests.

    A need spread over more days than the plan gets its share of the minutes still to
    call; stage and dress rehearsals are planned on their venue's stage (a venue without a
    stage in Callboard leaves them to the plan's fixed events).
    """
    require(by, Cap.PLAN_SCHEDULE)
    result = ImportResult()
    needs = list(
        RehearsalNeed.objects.filter(
            dismissed=False, earliest__lte=period.last_day, latest__gte=period.first_day
        )
        .select_related("work", "section", "role", "programme", "venue__stage")
        .prefetch_related("people__person")
        .order_by("latest", "priority", "pk")
    )
    existing = set(
        CallRequest.objects.filter(period=period, need__isnull=False).values_list(
            "need_id", flat=True
        )
    )
    done = _scheduled_minutes([n.pk for n in needs], period)
    load: dict[int, int] = defaultdict(int)
    for pk in CallRequest.objects.filter(period=period).values_list("people", flat=True):
        if pk:
            load[pk] += 1
    for need in needs:
        if need.pk in existing:
            result.already += 1
            continue
        on_stage = need.kind in (RehearsalNeed.Kind.STAGE, RehearsalNeed.Kind.DRESS)
        stage = need.venue.stage if on_stage and need.venue is not None else None
        if on_stage and stage is None:
            result.skipped.append(
                _(
                    "%(label)s: %(venue)s has no stage in Callboard yet — give the venue its "
                    "stage, or add the rehearsal as a fixed event."
                )
                % {"label": need.label, "venue": need.venue.name if need.venue else "—"}
            )
            continue
        dancers = [d.person for d in need.people.all()]
        if not dancers:
            result.skipped.append(
                _("%(label)s: nobody is cast for it yet.") % {"label": need.label}
            )
            continue
        first = max(need.earliest, period.first_day)
        last = min(need.latest, period.last_day)
        window_days = (need.latest - max(need.earliest, period.first_day)).days + 1
        share_days = (last - first).days + 1
        remaining = max(0, need.minutes - done.get(need.pk, 0))
        minutes = math.ceil(remaining * share_days / max(1, window_days) / 15) * 15
        if minutes <= 0:
            result.already += 1
            continue
        people = list(dancers)
        if need.staff_kind:
            staff = _staff_for(need.staff_kind, load)
            if staff is not None:
                people.append(staff)
        kind: str = {
            RehearsalNeed.Kind.COACHING.value: CallRequest.Kind.COACHING.value,
            RehearsalNeed.Kind.RUN_THROUGH.value: CallRequest.Kind.RUN_THROUGH.value,
            RehearsalNeed.Kind.STAGE.value: CallRequest.Kind.STAGE.value,
            RehearsalNeed.Kind.DRESS.value: CallRequest.Kind.DRESS.value,
        }.get(need.kind, CallRequest.Kind.REHEARSAL.value)
        request = CallRequest.objects.create(
            period=period,
            label=need.label[:200],
            kind=kind,
            source=CallRequest.Source.CASTING,
            need=need,
            work=need.work,
            section=need.section,
            minutes=max(15, minutes),
            earliest_day=first,
            latest_day=last,
            needs_piano=not on_stage,
            # A stage or dress rehearsal runs the whole piece: one call, as long as it needs.
            call_minutes=max(15, minutes) if on_stage else None,
            priority=min(5, max(1, need.priority)),
            notes=need.notes,
            created_at=now,
        )
        request.people.set(people)
        if stage is not None:
            request.studios.set([stage])
        result.created += 1
    return result


REQUEST_FIELDS = (
    "label",
    "kind",
    "minutes",
    "call_minutes",
    "needs_piano",
    "earliest_day",
    "latest_day",
    "window_start",
    "window_end",
    "priority",
    "required",
    "notes",
    "work",
    "section",
)


def _validate_request(period: SchedulePeriod, values: dict[str, Any]) -> None:
    label = (values.get("label") or "").strip()
    if not label:
        raise ValidationFailed(_("Say what is rehearsed."), field="label")
    values["label"] = label[:200]
    minutes = values.get("minutes")
    if not isinstance(minutes, int) or not 15 <= minutes <= 40 * 60:
        raise ValidationFailed(_("Give between 15 minutes and 40 hours."), field="minutes")
    call_minutes = values.get("call_minutes")
    if call_minutes is not None and not 15 <= call_minutes <= 24 * 60:
        raise ValidationFailed(_("A single call lasts 15 minutes to a day."), field="call_minutes")
    priority = values.get("priority", 3)
    if not 1 <= int(priority) <= 5:
        raise ValidationFailed(_("Priority is 1 (most urgent) to 5."), field="priority")
    for name in ("earliest_day", "latest_day"):
        day = values.get(name)
        if day is not None and not period.first_day <= day <= period.last_day:
            raise ValidationFailed(
                _("Choose a day of this plan (%(period)s).") % {"period": period}, field=name
            )
    if (
        values.get("earliest_day")
        and values.get("latest_day")
        and values["latest_day"] < values["earliest_day"]
    ):
        raise ValidationFailed(_("“Not after” comes before “not before”."), field="latest_day")
    if (
        values.get("window_start")
        and values.get("window_end")
        and values["window_end"] <= values["window_start"]
    ):
        raise ValidationFailed(_("The time window ends before it starts."), field="window_end")
    kind = values.get("kind", CallRequest.Kind.REHEARSAL)
    if kind not in CallRequest.Kind.values:
        raise ValidationFailed(_("Choose a kind from the list."), field="kind")


def _check_people(people: Sequence[Person]) -> None:
    if not people:
        raise ValidationFailed(_("Choose at least one person to call."), field="people")


@transaction.atomic
def call_request_create(
    *,
    period: SchedulePeriod,
    values: dict[str, Any],
    people: Sequence[Person],
    studios: Sequence[Studio] = (),
    by: Actor,
    now: dt.datetime,
) -> CallRequest:
    require(by, Cap.PLAN_SCHEDULE)
    values = dict(values)
    _validate_request(period, values)
    _check_people(people)
    request = CallRequest.objects.create(
        period=period,
        source=CallRequest.Source.MANUAL,
        created_at=now,
        **{k: values[k] for k in REQUEST_FIELDS if k in values},
    )
    request.people.set(people)
    request.studios.set(studios)
    return request


@transaction.atomic
def call_request_update(
    *, request: CallRequest, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> CallRequest:
    """Change a call request (``changes``: its fields, and ``people`` and ``studios``, the
    whole lists, when they change)."""
    require(by, Cap.PLAN_SCHEDULE)
    values = {k: v for k, v in changes.items() if k not in ("people", "studios")}
    people: Sequence[Person] | None = changes.get("people")
    studios: Sequence[Studio] | None = changes.get("studios")
    _validate_request(request.period, values)
    if people is not None:
        _check_people(people)
    for k in REQUEST_FIELDS:
        if k in values:
            setattr(request, k, values[k])
    request.save()
    if people is not None:
        request.people.set(people)
    if studios is not None:
        request.studios.set(studios)
    return request


@transaction.atomic
def call_request_delete(*, request: CallRequest, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.PLAN_SCHEDULE)
    draft = draft_of(request.period)
    Call.objects.filter(schedule=draft, request=request).delete()
    request.delete()


def _check_span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    _aware(starts_at, "starts_at")
    _aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed(_("It must end after it starts."), field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=60):
        raise ValidationFailed(_("Give at most 60 days at a time."), field="ends_at")
    if not 1900 < starts_at.year < 3000:
        raise ValidationFailed(_("Give a year between 1901 and 2999."), field="starts_at")


@transaction.atomic
def fixed_event_create(
    *,
    kind: str,
    label: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: Sequence[Person] = (),
    everyone: bool = False,
    studio: Studio | None = None,
    by: Actor,
    now: dt.datetime,
) -> FixedEvent:
    require(by, Cap.PLAN_SCHEDULE)
    _check_span(starts_at, ends_at)
    stage_free(studio, starts_at, ends_at)
    if kind not in FixedEvent.Kind.values:
        raise ValidationFailed(_("Choose a kind from the list."), field="kind")
    label = (label or "").strip() or str(FixedEvent.Kind(kind).label)
    if not people and not everyone:
        raise ValidationFailed(
            _("Choose who it is for, or tick “all active dancers”."), field="people"
        )
    event = FixedEvent.objects.create(
        kind=kind,
        label=label[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        studio=studio,
        everyone=everyone,
        created_at=now,
    )
    event.people.set(people)
    return event


@transaction.atomic
def fixed_event_delete(*, event: FixedEvent, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.PLAN_SCHEDULE)
    event.delete()


@transaction.atomic
def studio_closure_create(
    *,
    studio: Studio,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    by: Actor,
    now: dt.datetime,
) -> StudioClosure:
    require(by, Cap.PLAN_SCHEDULE)
    _check_span(starts_at, ends_at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the studio is closed."), field="reason")
    return StudioClosure.objects.create(
        studio=studio, starts_at=starts_at, ends_at=ends_at, reason=reason[:200], created_at=now
    )


@transaction.atomic
def studio_closure_delete(*, closure: StudioClosure, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.PLAN_SCHEDULE)
    closure.delete()


def _own_or_planner(by: Actor, person: Person) -> None:
    if can(by, Cap.PLAN_SCHEDULE):
        return
    own = getattr(by, "person", None) if getattr(by, "is_authenticated", False) else None
    if own is None or own.pk != person.pk:
        raise PermissionDenied(_("You can only declare your own unavailability."))


@transaction.atomic
def unavailability_create(
    *,
    person: Person,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
    by: Actor,
    now: dt.datetime,
) -> Unavailability:
    _own_or_planner(by, person)
    _check_span(starts_at, ends_at)
    return Unavailability.objects.create(
        person=person,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=(reason or "").strip()[:200],
        created_at=now,
    )


@transaction.atomic
def unavailability_delete(*, item: Unavailability, by: Actor, now: dt.datetime) -> None:
    _own_or_planner(by, item.person)
    item.delete()
