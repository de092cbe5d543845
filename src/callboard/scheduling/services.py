"""The rehearsal schedule's rules: every write goes through here.

Plans and their inputs, solve runs (started here, executed by a background job), hand
edits checked at once by the independent checker, publishing as immutable numbered
versions, notices of every change to exactly the people it touches, and calendar-feed
tokens. Services take ``now`` and ``by`` (the user acting; ``None`` for Callboard itself:
the demo, a command run by an administrator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import secrets
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting.models import RehearsalNeed
from callboard.company.models import Company, Dancer, Person, Studio
from callboard.core import jobs, outbox
from callboard.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from callboard.core.links import absolute_reverse
from callboard.core.roles import Cap, can, require
from callboard.scheduling import adapters
from callboard.scheduling.models import (
    CalendarFeedToken,
    Call,
    CallPerson,
    CallRequest,
    FixedEvent,
    Notice,
    Schedule,
    SchedulePeriod,
    SolveRun,
    StudioClosure,
    Unavailability,
    new_uid,
)

log = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 14
MAX_TIME_LIMIT = 600.0
MAX_WORKERS = 8
PROGRESS_SECONDS = 0.5
# A running run whose worker has not written a heartbeat for this long lost its worker
# (killed, out of memory, its machine gone): see solve_runs_reap.
RUN_LOST_SECONDS = 30.0


def _require(by: Any, cap: Cap) -> None:
    if by is not None:
        require(by, cap)


def _user(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _fmt_day(day: dt.date) -> str:
    return date_format(day, "D j M Y")


def _fmt_time(moment: dt.datetime) -> str:
    return moment.astimezone(adapters.company_zone()).strftime("%H:%M")


def _fmt_when(start: dt.datetime, end: dt.datetime) -> str:
    zone = adapters.company_zone()
    local = start.astimezone(zone)
    return f"{_fmt_day(local.date())} {local:%H:%M}–{end.astimezone(zone):%H:%M}"


def _aware(moment: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValidationFailed(_("Give the time with its time zone."), field=field)
    return moment


# --------------------------------------------------------------------------- plans


def get_period(pk: Any) -> SchedulePeriod:
    try:
        return SchedulePeriod.objects.get(pk=int(pk))
    except (SchedulePeriod.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("There is no such plan. Open the callboard to see the plans.")) from None


def draft_of(period: SchedulePeriod) -> Schedule:
    draft = Schedule.objects.filter(period=period, status=Schedule.Status.DRAFT).first()
    if draft is None:
        draft = Schedule.objects.create(period=period, created_at=timezone.now())
    return draft


def latest_version(period: SchedulePeriod) -> Schedule | None:
    return (
        Schedule.objects.filter(period=period, status=Schedule.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def period_open(
    *, first_day: dt.date, last_day: dt.date, by: Any, now: dt.datetime, title: str = ""
) -> SchedulePeriod:
    """Open the plan of a day or a week (the existing one when it is the same days)."""
    _require(by, Cap.PLAN_SCHEDULE)
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
        created_by=_user(by),
    )
    Schedule.objects.create(period=period, created_at=now, created_by=_user(by))
    return period


# --------------------------------------------------------------------------- call requests


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
def requests_import(*, period: SchedulePeriod, by: Any, now: dt.datetime) -> ImportResult:
    """Bring casting's rehearsal needs whose window meets the plan into it as call requests.

    A need spread over more days than the plan gets its share of the minutes still to
    call; stage and dress rehearsals happen on a stage, not in a studio, and are left to
    the plan's fixed events.
    """
    _require(by, Cap.PLAN_SCHEDULE)
    result = ImportResult()
    needs = list(
        RehearsalNeed.objects.filter(
            dismissed=False, earliest__lte=period.last_day, latest__gte=period.first_day
        )
        .select_related("work", "section", "role", "programme")
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
        if need.kind in (RehearsalNeed.Kind.STAGE, RehearsalNeed.Kind.DRESS):
            result.skipped.append(
                _("%(label)s: on a stage, not in a studio — add it as a fixed event.")
                % {"label": need.label}
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
            needs_piano=True,
            priority=min(5, max(1, need.priority)),
            notes=need.notes,
            created_at=now,
        )
        request.people.set(people)
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
    by: Any,
    now: dt.datetime,
) -> CallRequest:
    _require(by, Cap.PLAN_SCHEDULE)
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
    *,
    request: CallRequest,
    values: dict[str, Any],
    people: Sequence[Person],
    studios: Sequence[Studio] = (),
    by: Any,
    now: dt.datetime,
) -> CallRequest:
    _require(by, Cap.PLAN_SCHEDULE)
    values = dict(values)
    _validate_request(request.period, values)
    _check_people(people)
    for k in REQUEST_FIELDS:
        if k in values:
            setattr(request, k, values[k])
    request.save()
    request.people.set(people)
    request.studios.set(studios)
    return request


@transaction.atomic
def call_request_delete(*, request: CallRequest, by: Any, now: dt.datetime) -> None:
    _require(by, Cap.PLAN_SCHEDULE)
    draft = draft_of(request.period)
    Call.objects.filter(schedule=draft, request=request).delete()
    request.delete()


# --------------------------------------------------------------------------- fixed facts


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
    by: Any,
    now: dt.datetime,
) -> FixedEvent:
    _require(by, Cap.PLAN_SCHEDULE)
    _check_span(starts_at, ends_at)
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
def fixed_event_delete(*, event: FixedEvent, by: Any, now: dt.datetime) -> None:
    _require(by, Cap.PLAN_SCHEDULE)
    event.delete()


@transaction.atomic
def studio_closure_create(
    *,
    studio: Studio,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    by: Any,
    now: dt.datetime,
) -> StudioClosure:
    _require(by, Cap.PLAN_SCHEDULE)
    _check_span(starts_at, ends_at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the studio is closed."), field="reason")
    return StudioClosure.objects.create(
        studio=studio, starts_at=starts_at, ends_at=ends_at, reason=reason[:200], created_at=now
    )


@transaction.atomic
def studio_closure_delete(*, closure: StudioClosure, by: Any, now: dt.datetime) -> None:
    _require(by, Cap.PLAN_SCHEDULE)
    closure.delete()


def _own_or_planner(by: Any, person: Person) -> None:
    if by is None or can(by, Cap.PLAN_SCHEDULE):
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
    by: Any,
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
def unavailability_delete(*, item: Unavailability, by: Any, now: dt.datetime) -> None:
    _own_or_planner(by, item.person)
    item.delete()


# --------------------------------------------------------------------------- the draft, checked


@dataclass
class Review:
    """The draft as the checker and the goals see it."""

    findings: list[adapters.Finding]
    open_findings: list[adapters.Finding]
    costs: dict[str, int]
    warnings: list[str]
    problem: Any = None
    mapping: Any = None
    solver_calls: list[Any] = field(default_factory=list)


def _draft_calls(schedule: Schedule) -> list[Call]:
    return list(
        Call.objects.filter(schedule=schedule)
        .select_related("studio__site", "request")
        .prefetch_related("called")
        .order_by("starts_at", "pk")
    )


def _published_rows(period: SchedulePeriod) -> list[adapters.CallRow]:
    version = latest_version(period)
    if version is None:
        return []
    return adapters.rows_of(Call.objects.filter(schedule=version).prefetch_related("called"))


def _covered(finding: adapters.Finding, calls: Sequence[Call]) -> bool:
    for call in calls:
        for accepted in call.overridden_rules or []:
            if accepted.get("message") == finding.message:
                return True
    return False


def review_rows(
    period: SchedulePeriod, rows: Sequence[adapters.CallRow], calls: Sequence[Call] = ()
) -> Review:
    """Check draft calls (given as rows) against the plan: hard rules and goal costs."""
    person_pks = {pk for r in rows for pk in r.person_pks}
    inputs = adapters.load_inputs(period, extra_person_pks=person_pks)
    published = _published_rows(period)
    problem, mapping = adapters.build_problem(
        inputs, shaping=rows, published=published, remaining_parts=True
    )
    solver_calls = adapters.to_solver_calls(rows, mapping)
    # Calls of requests the problem left out (no people, no studio fits) are still checked
    # for what can be checked: times against the day.
    findings = adapters.check(problem, solver_calls, mapping)
    for row in rows:
        if mapping.rid(row.request_pk) not in mapping.request_pk:
            findings.append(
                adapters.Finding(
                    "unknown_call",
                    _("a call must belong to a request of the plan"),
                    _(
                        "A call of a request that cannot be scheduled any more is still in "
                        "the draft."
                    ),
                    (row.request_pk,),
                )
            )
    open_findings = [f for f in findings if not _covered(f, calls)]
    return Review(
        findings=findings,
        open_findings=open_findings,
        costs=adapters.goal_costs(problem, solver_calls),
        warnings=mapping.warnings,
        problem=problem,
        mapping=mapping,
        solver_calls=solver_calls,
    )


def draft_review(period: SchedulePeriod) -> Review:
    draft = draft_of(period)
    calls = _draft_calls(draft)
    return review_rows(period, adapters.rows_of(calls), calls)


def _editable(call: Call) -> None:
    if call.schedule.status != Schedule.Status.DRAFT:
        raise Conflict(
            _("This call belongs to a published version, which never changes. Edit the draft.")
        )


def _findings_detail(findings: Sequence[adapters.Finding]) -> list[dict[str, Any]]:
    return [{"rule": f.rule, "title": f.title, "message": f.message} for f in findings]


def _apply_checked(
    *,
    period: SchedulePeriod,
    before: list[adapters.CallRow],
    after: list[adapters.CallRow],
    calls: Sequence[Call],
    override_reason: str,
) -> list[adapters.Finding]:
    """The hard-rule findings the change adds; refuses it unless there is a reason."""
    old = {(f.rule, f.message) for f in review_rows(period, before, calls).findings}
    new = [f for f in review_rows(period, after, calls).findings if (f.rule, f.message) not in old]
    if new and not override_reason.strip():
        raise ValidationFailed(
            _(
                "This change breaks %(n)s rule(s) of the agreement: %(first)s Change it, or "
                "give a reason to override the rule (it is recorded)."
            )
            % {"n": len(new), "first": new[0].message},
            detail={"violations": _findings_detail(new)},
        )
    return new


def _validate_call_time(
    period: SchedulePeriod, starts_at: dt.datetime, ends_at: dt.datetime
) -> None:
    _aware(starts_at, "starts_at")
    _aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed(_("A call must end after it starts."), field="ends_at")
    zone = adapters.company_zone()
    day = starts_at.astimezone(zone).date()
    _day_start, day_end = adapters.local_day_bounds(day, zone)
    if ends_at > day_end:
        raise ValidationFailed(
            _("A call starts and ends on the same day: split it into two calls."),
            field="ends_at",
        )
    if not period.first_day <= day <= period.last_day:
        raise ValidationFailed(
            _("%(day)s is outside this plan (%(period)s).")
            % {"day": _fmt_day(day), "period": period},
            field="starts_at",
        )
    if (ends_at - starts_at).total_seconds() % 60:
        raise ValidationFailed(_("Give whole minutes."), field="ends_at")


def _active_studio(studio: Studio | None) -> Studio:
    if studio is None or not studio.active:
        raise ValidationFailed(_("Choose a studio that is in use."), field="studio")
    return studio


def _row(call: Call) -> adapters.CallRow:
    return adapters.rows_of([call])[0]


def _override_list(findings: Sequence[adapters.Finding]) -> list[dict[str, str]]:
    return [{"rule": f.rule, "message": f.message} for f in findings]


def _audit_call(
    *,
    by: Any,
    action: str,
    call: Call,
    period: SchedulePeriod,
    summary: str,
    overridden: Sequence[adapters.Finding] = (),
    reason: str = "",
    changes: dict[str, Any] | None = None,
    now: dt.datetime,
) -> None:
    """The history entry of a hand edit of the draft (an override names the rules kept aside)."""
    if overridden:
        action = "schedule.override"
        summary = _("%(what)s Overriding %(rules)s. Reason: %(reason)s") % {
            "what": summary,
            "rules": "; ".join(sorted({f.title for f in overridden})),
            "reason": reason.strip(),
        }
    audit.record(
        actor=by,
        action=action,
        obj=call,
        parent=period,
        summary=summary,
        changes=changes,
        at=now,
    )


def _lock_draft(period: SchedulePeriod) -> Schedule:
    draft = (
        Schedule.objects.select_for_update()
        .filter(period=period, status=Schedule.Status.DRAFT)
        .first()
    )
    return draft or draft_of(period)


@transaction.atomic
def call_move(
    *,
    call: Call,
    studio: Studio | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: Any,
    now: dt.datetime,
    override_reason: str = "",
) -> Call:
    """Move or resize a draft call; what it breaks is refused unless overridden with a reason."""
    _require(by, Cap.PLAN_SCHEDULE)
    _editable(call)
    period = call.schedule.period
    _lock_draft(period)
    studio = _active_studio(studio)
    _validate_call_time(period, starts_at, ends_at)
    calls = _draft_calls(call.schedule)
    before = adapters.rows_of(calls)
    moved = adapters.CallRow(
        request_pk=call.request_id or 0,
        part=call.part,
        studio_pk=studio.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        person_pks=_row(call).person_pks if call.request_id else (),
        locked=call.locked,
        uid=call.uid,
    )
    after = [moved if r.uid == call.uid else r for r in before]
    new = _apply_checked(
        period=period, before=before, after=after, calls=calls, override_reason=override_reason
    )
    was = _describe_call(call)
    old_studio, old_start, old_end = call.studio.name, call.starts_at, call.ends_at
    call.studio = studio
    call.starts_at = starts_at
    call.ends_at = ends_at
    if new:
        call.override_reason = _join_reason(call.override_reason, override_reason, now)
        call.overridden_rules = [*(call.overridden_rules or []), *_override_list(new)]
    call.save()
    _audit_call(
        by=by,
        action="schedule.move_call",
        call=call,
        period=period,
        summary=_("Moved %(was)s to %(now)s.")
        % {"was": was, "now": f"{_fmt_when(starts_at, ends_at)}, {studio.name}"},
        overridden=new,
        reason=override_reason,
        changes=audit.diff(
            {"studio": old_studio, "starts": old_start, "ends": old_end},
            {"studio": studio.name, "starts": starts_at, "ends": ends_at},
        ),
        now=now,
    )
    return call


def _join_reason(old: str, new: str, now: dt.datetime) -> str:
    line = f"{now.astimezone(adapters.company_zone()):%Y-%m-%d %H:%M} {new.strip()}"
    return f"{old}\n{line}".strip()


@transaction.atomic
def call_add(
    *,
    period: SchedulePeriod,
    studio: Studio | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: Any,
    now: dt.datetime,
    request: CallRequest | None = None,
    label: str = "",
    people: Sequence[Person] = (),
    override_reason: str = "",
) -> Call:
    """Add a call to the draft: for a request with minutes left, or a new one by hand."""
    _require(by, Cap.PLAN_SCHEDULE)
    draft = _lock_draft(period)
    studio = _active_studio(studio)
    _validate_call_time(period, starts_at, ends_at)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if request is not None and request.period_id != period.pk:
        raise ValidationFailed(_("That request belongs to another plan."), field="request")
    if request is None:
        label = (label or "").strip()
        if not label:
            raise ValidationFailed(_("Say what the call is for."), field="label")
        _check_people(people)
        request = CallRequest.objects.create(
            period=period,
            label=label[:200],
            kind=CallRequest.Kind.OTHER,
            minutes=max(15, minutes),
            created_at=now,
        )
        request.people.set(people)
    calls = _draft_calls(draft)
    part = max((c.part for c in calls if c.request_id == request.pk), default=-1) + 1
    person_pks = tuple(sorted(p.pk for p in request.people.all()))
    row = adapters.CallRow(
        request.pk, part, studio.pk, starts_at, ends_at, person_pks, False, "new"
    )
    before = adapters.rows_of(calls)
    new = _apply_checked(
        period=period,
        before=before,
        after=[*before, row],
        calls=calls,
        override_reason=override_reason,
    )
    call = Call.objects.create(
        schedule=draft,
        request=request,
        part=part,
        studio=studio,
        starts_at=starts_at,
        ends_at=ends_at,
        label=request.label,
        work_title=request.work.title if request.work else "",
        section_name=request.section.name if request.section else "",
        created_at=now,
        override_reason=_join_reason("", override_reason, now) if new else "",
        overridden_rules=_override_list(new),
    )
    call.people.set(person_pks)
    _audit_call(
        by=by,
        action="schedule.add_call",
        call=call,
        period=period,
        summary=_("Added a call: %(call)s.") % {"call": _describe_call(call)},
        overridden=new,
        reason=override_reason,
        now=now,
    )
    return call


@transaction.atomic
def call_remove(*, call: Call, by: Any, now: dt.datetime, override_reason: str = "") -> None:
    _require(by, Cap.PLAN_SCHEDULE)
    _editable(call)
    period = call.schedule.period
    _lock_draft(period)
    calls = _draft_calls(call.schedule)
    before = adapters.rows_of(calls)
    after = [r for r in before if r.uid != call.uid]
    new = _apply_checked(
        period=period, before=before, after=after, calls=calls, override_reason=override_reason
    )
    _audit_call(
        by=by,
        action="schedule.remove_call",
        call=call,
        period=period,
        summary=_("Removed a call: %(call)s.") % {"call": _describe_call(call)},
        overridden=new,
        reason=override_reason,
        now=now,
    )
    call.delete()


@transaction.atomic
def call_lock(*, call: Call, locked: bool, by: Any, now: dt.datetime) -> Call:
    """A locked call stays where it is when the rest is solved again."""
    _require(by, Cap.PLAN_SCHEDULE)
    _editable(call)
    was = call.locked
    call.locked = bool(locked)
    call.save(update_fields=["locked"])
    if was != call.locked:
        _audit_call(
            by=by,
            action="schedule.lock_call" if call.locked else "schedule.unlock_call",
            call=call,
            period=call.schedule.period,
            summary=(
                _("Locked %(call)s: it stays put when the plan is solved again.")
                if call.locked
                else _("Unlocked %(call)s: a new solve may move it.")
            )
            % {"call": _describe_call(call)},
            changes={"locked": [was, call.locked]},
            now=now,
        )
    return call


# --------------------------------------------------------------------------- solve runs


def get_run(pk: Any) -> SolveRun:
    try:
        return SolveRun.objects.select_related("period").get(pk=int(pk))
    except (SolveRun.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("There is no such solver run.")) from None


def _run_limits(time_limit: float, workers: int, seed: int) -> tuple[float, int, int]:
    try:
        time_limit = float(time_limit)
        workers = int(workers)
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give numbers for the time limit, workers and seed.")) from None
    if not math.isfinite(time_limit) or not 0.1 <= time_limit <= MAX_TIME_LIMIT:
        raise ValidationFailed(
            _("Give a time limit between 0.1 and %(max)s seconds.") % {"max": int(MAX_TIME_LIMIT)},
            field="time_limit",
        )
    if not 1 <= workers <= MAX_WORKERS:
        raise ValidationFailed(
            _("Use 1 to %(max)s workers.") % {"max": MAX_WORKERS}, field="workers"
        )
    if not 0 <= seed < 2**31:
        raise ValidationFailed(_("The seed is a whole number from 0."), field="seed")
    return time_limit, workers, seed


def run_lost_after() -> dt.timedelta:
    """How long a running run may go without a heartbeat before its worker counts as lost."""
    seconds = float(getattr(settings, "CALLBOARD_RUN_LOST_SECONDS", RUN_LOST_SECONDS))
    return dt.timedelta(seconds=seconds if seconds > 0 else RUN_LOST_SECONDS)


def lost_worker_reason(status: str = SolveRun.Status.RUNNING) -> str:
    """What a run's page says when its worker is gone."""
    if status == SolveRun.Status.QUEUED:
        return _(
            "No planning worker took this run up in time. Nothing was published and the "
            "draft was left as it was: start the run again."
        )
    return _(
        "The planning worker stopped before finishing (its process ended or lost contact). "
        "Nothing was published and the draft was left as it was: start the run again."
    )


def _lost_runs(runs: Iterable[SolveRun], now: dt.datetime) -> list[SolveRun]:
    lost_after = run_lost_after()
    lost = []
    for run in runs:
        if run.status == SolveRun.Status.RUNNING and run.heartbeat_at is not None:
            if now - run.heartbeat_at > lost_after:
                lost.append(run)
        elif run.status in (SolveRun.Status.QUEUED, SolveRun.Status.RUNNING):
            # Never claimed by a worker (or claimed by one that never beat): long past its
            # time limit, nobody is going to run it.
            since = run.started_at or run.created_at
            if now - since > dt.timedelta(seconds=run.time_limit + 300):
                lost.append(run)
    return lost


def solve_runs_reap(*, now: dt.datetime, period: SchedulePeriod | None = None) -> list[int]:
    """Mark failed the unfinished runs whose worker is gone; returns their ids.

    A worker writes ``heartbeat_at`` with its progress while it runs; a running run whose
    heartbeat is older than ``run_lost_after()`` lost its worker. Its draft was never
    written (the draft is replaced in one transaction at the very end) and nothing is ever
    published by a run, so marking it failed is all there is to do. Each run is marked by
    one conditional update, so a worker that beats again just now keeps its run.
    """
    runs = SolveRun.objects.filter(status__in=[SolveRun.Status.QUEUED, SolveRun.Status.RUNNING])
    if period is not None:
        runs = runs.filter(period=period)
    return [run.pk for run in _lost_runs(runs, now) if _mark_lost(run, now)]


def _mark_lost(run: SolveRun, now: dt.datetime) -> bool:
    marked = SolveRun.objects.filter(
        pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at
    ).update(
        status=SolveRun.Status.FAILED,
        finished_at=now,
        error=lost_worker_reason(run.status),
        log=(run.log + "\n" + lost_worker_reason(run.status)).strip(),
    )
    if marked:
        log.warning("solve run %s lost its worker; marked failed", run.pk)
    return bool(marked)


def solve_run_refresh(*, run: SolveRun, now: dt.datetime) -> SolveRun:
    """``run``, marked failed first if its worker stopped beating (its pages and the API poll
    this). Only the heartbeat counts here; a run still waiting for a worker is judged by
    ``solve_runs_reap`` (the next start on its plan, or ``callboard schedule reap``)."""
    if run.status == SolveRun.Status.RUNNING and run.heartbeat_at and _lost_runs([run], now):
        _mark_lost(run, now)
        run.refresh_from_db()
    return run


@transaction.atomic
def solve_run_start(
    *,
    period: SchedulePeriod,
    by: Any,
    now: dt.datetime,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    mode: str = SolveRun.Mode.FULL,
    enqueue: bool = True,
) -> SolveRun:
    """Record a run and hand it to a background worker; returns at once."""
    _require(by, Cap.PLAN_SCHEDULE)
    time_limit, workers, seed = _run_limits(time_limit, workers, seed)
    if mode not in SolveRun.Mode.values:
        raise ValidationFailed(_("Choose how to plan: from scratch or re-plan."), field="mode")
    if mode == SolveRun.Mode.REPLAN and latest_version(period) is None:
        raise ValidationFailed(
            _("Nothing is published yet for these days: plan from scratch."), field="mode"
        )
    SchedulePeriod.objects.select_for_update().filter(pk=period.pk).first()
    solve_runs_reap(now=now, period=period)
    active = SolveRun.objects.filter(period=period, status__in=["queued", "running"]).first()
    if active is not None:
        raise Conflict(
            _("A run is already under way for this plan: wait for it or stop it."),
            detail={"run": active.pk},
        )
    run = SolveRun.objects.create(
        period=period,
        schedule=draft_of(period),
        mode=mode,
        seed=seed,
        time_limit=time_limit,
        workers=workers,
        created_at=now,
        created_by=_user(by),
    )
    if enqueue:
        run_pk = run.pk

        def send() -> None:
            job = jobs.enqueue("callboard.scheduling.tasks.solve_run", run_id=run_pk)
            SolveRun.objects.filter(pk=run_pk, job_id="").update(job_id=job[:64])

        transaction.on_commit(send)
    return run


@transaction.atomic
def solve_run_stop(*, run: SolveRun, by: Any, now: dt.datetime) -> SolveRun:
    """Ask a run to stop; it keeps the best schedule found so far."""
    _require(by, Cap.PLAN_SCHEDULE)
    run = SolveRun.objects.select_for_update().get(pk=run.pk)
    if run.finished:
        return run
    if run.status == SolveRun.Status.QUEUED:
        run.status = SolveRun.Status.STOPPED
        run.finished_at = now
        run.log = (run.log + "\n" + _("Stopped before it started.")).strip()
    run.stop_requested = True
    run.save()
    return run


@dataclass
class _Live:
    elapsed: float = 0.0
    objective: int | None = None
    bound: int | None = None
    solutions: int = 0
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


Tick = Callable[[SolveRun], None]


def _reporter(
    run_pk: int,
    live: _Live,
    stop: threading.Event,
    done: threading.Event,
    started: float,
    tick: Tick | None,
) -> None:
    """Writes progress and the heartbeat to the run and reads its stop flag, twice a second
    (own connection). The heartbeat is what tells the run's pages the worker is alive, so a
    failed write (the database briefly away) is logged and tried again on the next beat."""
    failures = 0
    try:
        while not done.wait(PROGRESS_SECONDS):
            with live.lock:
                values: dict[str, Any] = {
                    "elapsed": time.perf_counter() - started,
                    "solutions": live.solutions,
                    "heartbeat_at": timezone.now(),
                }
                if live.objective is not None:
                    values["objective"] = live.objective
                    values["bound"] = live.bound
            try:
                SolveRun.objects.filter(pk=run_pk, status=SolveRun.Status.RUNNING).update(**values)
                run = SolveRun.objects.get(pk=run_pk)
            except SolveRun.DoesNotExist:
                return  # not visible to this connection (a test's open transaction)
            except Exception:  # progress is a courtesy; the run itself goes on
                failures += 1
                if failures == 1:  # once per streak, not twice a second
                    log.exception("progress of run %s could not be written", run_pk)
                connection.close()
                continue
            failures = 0
            if run.stop_requested or run.finished:  # finished: given up as lost meanwhile
                stop.set()
            if tick is not None:
                tick(run)
    finally:
        connection.close()


def solve_run_execute(*, run_id: int, tick: Tick | None = None) -> SolveRun:
    """The background job: build the problem, solve it, write the best schedule to the draft."""
    now = timezone.now()
    claimed = SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.QUEUED).update(
        status=SolveRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    run = SolveRun.objects.select_related("period").get(pk=run_id)
    if not claimed:
        # Stopped before it started, or taken by another worker. A job delivered again after
        # its worker died finds its run still "running": mark it failed if nobody beats for it.
        if not run.finished:
            solve_runs_reap(now=now, period=run.period)
            run.refresh_from_db()
        return run
    started = time.perf_counter()
    live = _Live()
    stop = threading.Event()
    done = threading.Event()
    # The heartbeat starts at once, before the problem is built (a big week takes a while).
    reporter = threading.Thread(
        target=_reporter,
        args=(run.pk, live, stop, done, started, tick),
        name=f"callboard-run-{run.pk}",
        daemon=True,
    )
    reporter.start()
    try:
        period = run.period
        draft = draft_of(period)
        calls = _draft_calls(draft)
        locked = [r for r in adapters.rows_of(calls) if r.locked]
        locked_keys = {r.key for r in locked}
        reference: list[adapters.CallRow] = []
        if run.mode == SolveRun.Mode.REPLAN:
            reference = [r for r in _published_rows(period) if r.key not in locked_keys]
        person_pks = {pk for r in (*locked, *reference) for pk in r.person_pks}
        inputs = adapters.load_inputs(period, extra_person_pks=person_pks)
        problem, mapping = adapters.build_problem(
            inputs,
            shaping=[*locked, *reference],
            published=[*reference, *locked],
            remaining_parts=True,
        )
        inputs_json = adapters.problem_json(problem)
        live.lines.append(
            _(
                "%(requests)s requests (%(parts)s calls to place), %(people)s people, "
                "%(studios)s studios, %(days)s day(s)."
            )
            % {
                "requests": len(problem.requests),
                "parts": len(problem.parts),
                "people": len(problem.people),
                "studios": len(problem.studios),
                "days": len(problem.days),
            }
        )
        live.lines.extend(mapping.warnings)
        SolveRun.objects.filter(pk=run.pk).update(inputs=inputs_json, log="\n".join(live.lines))

        def progress(elapsed: float, objective: int, bound: int) -> None:
            # Every cost is at least 0, so a bound of 0 proves nothing yet (the engine reports
            # 0 while it plans day by day, before CP-SAT has bounded anything).
            proven = bound if bound > 0 or objective == 0 else None
            with live.lock:
                live.elapsed, live.objective, live.bound = elapsed, objective, proven
                live.solutions += 1
                if proven is None:
                    line = _("%(t).1f s: a schedule costing %(o)s (no bound proven yet)")
                else:
                    line = _("%(t).1f s: a schedule costing %(o)s (bound %(b)s)")
                live.lines.append(line % {"t": elapsed, "o": objective, "b": proven})

        if not problem.requests:
            solution, stopped = None, False
            live.lines.append(_("Nothing to place: add call requests first."))
        else:
            solution, stopped = adapters.solve_problem(
                problem,
                time_limit=run.time_limit,
                seed=run.seed,
                workers=run.workers,
                progress=progress,
                should_stop=stop.is_set,
            )
    except Exception as exc:
        done.set()
        reporter.join(timeout=5)
        log.exception("solve run %s failed", run_id)
        SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.RUNNING).update(
            status=SolveRun.Status.FAILED,
            finished_at=timezone.now(),
            elapsed=time.perf_counter() - started,
            error=f"{exc}",
            log="\n".join([*live.lines, traceback.format_exc(limit=3)]),
        )
        return SolveRun.objects.get(pk=run_id)
    done.set()
    reporter.join(timeout=5)
    finished = _finish_run(run, problem, mapping, solution, stopped, live, started)
    if tick is not None:
        tick(finished)
    return finished


@transaction.atomic
def _finish_run(
    run: SolveRun,
    problem: Any,
    mapping: adapters.Mapping,
    solution: Any,
    stopped: bool,
    live: _Live,
    started: float,
) -> SolveRun:
    now = timezone.now()
    run = SolveRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SolveRun.Status.RUNNING:
        # Given up meanwhile (its heartbeat stopped too long, see solve_runs_reap): its page
        # already says it failed and nothing was written, so its schedule is not kept.
        log.warning("solve run %s finished after it was marked %s", run.pk, run.status)
        return run
    lines = list(live.lines)
    result: dict[str, Any] = {"warnings": mapping.warnings}
    status = SolveRun.Status.DONE
    if solution is None:
        status = SolveRun.Status.DONE
    elif solution.status.value == "infeasible":
        status = SolveRun.Status.INFEASIBLE
        result["conflicts"] = [c.message for c in solution.conflicts]
        lines.extend(result["conflicts"])
    elif not solution.has_schedule:
        status = SolveRun.Status.STOPPED if stopped else SolveRun.Status.FAILED
        lines.append(_("No schedule was found in the time given: allow more time."))
    else:
        status = SolveRun.Status.STOPPED if stopped or run.stop_requested else SolveRun.Status.DONE
        placed = adapters.from_solver_calls(solution.calls, mapping)
        written = _write_draft(run.period, placed, mapping, now)
        result.update(
            {
                "solver_status": solution.status.value,
                "method": solution.method,
                "breakdown": dict(solution.breakdown),
                "calls": written,
                "unplaced": [
                    {
                        "request": mapping.request_pk.get(u.request),
                        "label": problem.request_label(u.request),
                        "minutes": u.minutes,
                        "reason": u.reason,
                    }
                    for u in solution.unplaced
                ],
            }
        )
        lines.append(
            _("Best schedule: cost %(o)s, proven bound %(b)s; %(n)s calls placed, %(u)s left out.")
            % {
                "o": solution.objective,
                "b": solution.bound if solution.bound is not None else "—",
                "n": written,
                "u": len(solution.unplaced),
            }
        )
        run.objective = solution.objective
        run.bound = solution.bound
    run.status = status
    run.result = result
    run.finished_at = now
    run.elapsed = time.perf_counter() - started
    run.solutions = live.solutions
    run.log = "\n".join(lines)
    run.save()
    return run


def _write_draft(
    period: SchedulePeriod,
    placed: Sequence[adapters.PlacedCall],
    mapping: adapters.Mapping,
    now: dt.datetime,
) -> int:
    """Replace the draft's unlocked calls by the solver's (locked ones stay as they are)."""
    draft = Schedule.objects.select_for_update().get(pk=draft_of(period).pk)
    existing = _draft_calls(draft)
    locked = {(c.request_id, c.part): c for c in existing if c.locked}
    uids = {(c.request_id, c.part): c.uid for c in existing}
    version = latest_version(period)
    if version is not None:
        for request_pk, part, uid in Call.objects.filter(schedule=version).values_list(
            "request_id", "part", "uid"
        ):
            uids[(request_pk, part)] = uid
    Call.objects.filter(schedule=draft, locked=False).delete()
    requests = {
        r.pk: r
        for r in CallRequest.objects.filter(pk__in={p.request_pk for p in placed}).select_related(
            "work", "section"
        )
    }
    new_calls = []
    people: list[tuple[int, ...]] = []
    for p in placed:
        if (p.request_pk, p.part) in locked:
            continue
        r = requests[p.request_pk]
        new_calls.append(
            Call(
                schedule=draft,
                uid=uids.get((p.request_pk, p.part)) or new_uid(),
                request=r,
                part=p.part,
                studio_id=p.studio_pk,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                label=r.label,
                work_title=r.work.title if r.work else "",
                section_name=r.section.name if r.section else "",
                created_at=now,
            )
        )
        people.append(p.person_pks)
    created = Call.objects.bulk_create(new_calls)
    CallPerson.objects.bulk_create(
        [
            CallPerson(call=c, person_id=pk)
            for c, pks in zip(created, people, strict=True)
            for pk in pks
        ]
    )
    return len(created) + len(locked)


# --------------------------------------------------------------------------- publishing


def posting_deadline(day: dt.date) -> dt.datetime | None:
    """When the call of ``day`` must be posted, by the labour agreement (None: no rule)."""
    company = Company.objects.select_related("labour_profile").first()
    profile = company.labour_profile if company else None
    if profile is None or profile.posting_deadline is None:
        return None
    zone = adapters.company_zone()
    return dt.datetime.combine(
        day - dt.timedelta(days=profile.posting_days_before), profile.posting_deadline, tzinfo=zone
    )


def personal_notice_hours() -> int:
    company = Company.objects.select_related("labour_profile").first()
    profile = company.labour_profile if company else None
    return profile.personal_notice_hours if profile else 24


def _digest(
    number: int,
    first: dt.date,
    last: dt.date,
    firm: dt.date | None,
    calls: Sequence[dict[str, Any]],
) -> str:
    payload = {
        "number": number,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "firm_through": firm.isoformat() if firm else None,
        "calls": sorted(calls, key=lambda c: c["uid"]),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _call_content(c: Call, person_pks: Sequence[int]) -> dict[str, Any]:
    return {
        "uid": c.uid,
        "request": c.request_id,
        "part": c.part,
        "studio": c.studio_id,
        "starts_at": c.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": c.ends_at.astimezone(dt.UTC).isoformat(),
        "label": c.label,
        "people": sorted(person_pks),
    }


def schedule_verify(schedule: Schedule) -> bool:
    """Whether a published version is exactly as it was published (its fingerprint holds)."""
    if not schedule.is_published:
        return True
    calls = Call.objects.filter(schedule=schedule).prefetch_related("called")
    content = [_call_content(c, [cp.person_id for cp in c.called.all()]) for c in calls]
    assert schedule.number is not None and schedule.published_from and schedule.published_to
    return schedule.digest == _digest(
        schedule.number,
        schedule.published_from,
        schedule.published_to,
        schedule.firm_through,
        content,
    )


@dataclass
class PublishResult:
    version: Schedule
    notices: int
    late_notices: int
    late_days: list[dt.date]


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(adapters.company_zone()).date()


@transaction.atomic
def schedule_publish(
    *,
    period: SchedulePeriod,
    by: Any,
    now: dt.datetime,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    firm: bool = False,
    note: str = "",
    send_email: bool = True,
) -> PublishResult:
    """Publish the draft's calls of the given days as a new, immutable, numbered version.

    Days not given keep the calls of the previous version. Refused while the draft breaks
    a hard rule that was not overridden with a reason. Every change from the previous
    version becomes a notice to exactly the people it touches.
    """
    _require(by, Cap.PLAN_SCHEDULE)
    SchedulePeriod.objects.select_for_update().filter(pk=period.pk).first()
    first_day = first_day or period.first_day
    last_day = last_day or period.last_day
    if last_day < first_day:
        raise ValidationFailed(_("The last day comes before the first."), field="last_day")
    if first_day < period.first_day or last_day > period.last_day:
        raise ValidationFailed(
            _("Publish days of this plan only (%(period)s).") % {"period": period},
            field="first_day",
        )
    draft = _lock_draft(period)
    draft_calls = _draft_calls(draft)
    review = review_rows(period, adapters.rows_of(draft_calls), draft_calls)
    if review.open_findings:
        raise ValidationFailed(
            _(
                "The draft breaks %(n)s rule(s) of the agreement and cannot be published: "
                "%(first)s Fix the calls, or override each rule with a reason."
            )
            % {"n": len(review.open_findings), "first": review.open_findings[0].message},
            detail={"violations": _findings_detail(review.open_findings)},
        )
    previous = latest_version(period)
    previous_calls = (
        list(
            Call.objects.filter(schedule=previous)
            .prefetch_related("called")
            .select_related("studio__site")
        )
        if previous
        else []
    )
    chosen = [c for c in draft_calls if first_day <= _local_day(c.starts_at) <= last_day]
    kept = [c for c in previous_calls if not first_day <= _local_day(c.starts_at) <= last_day]
    number = (previous.number or 0) + 1 if previous else 1
    published_from = (
        min(first_day, previous.published_from)
        if previous and previous.published_from
        else first_day
    )
    published_to = (
        max(last_day, previous.published_to) if previous and previous.published_to else last_day
    )
    firm_through = previous.firm_through if previous else None
    if firm:
        firm_through = max(last_day, firm_through) if firm_through else last_day
    late_days = []
    for k in range((last_day - first_day).days + 1):
        day = first_day + dt.timedelta(days=k)
        deadline = posting_deadline(day)
        if deadline is not None and now > deadline:
            late_days.append(day)
    sources = [(c, [cp.person_id for cp in c.called.all()]) for c in (*kept, *chosen)]
    content = [_call_content(c, pks) for c, pks in sources]
    version = Schedule.objects.create(
        period=period,
        status=Schedule.Status.PUBLISHED,
        number=number,
        published_from=published_from,
        published_to=published_to,
        firm_through=firm_through,
        previous=previous,
        digest=_digest(number, published_from, published_to, firm_through, content),
        note=(note or "").strip()[:300],
        late_days=[d.isoformat() for d in late_days],
        created_at=now,
        created_by=_user(by),
    )
    copies = [
        Call(
            schedule=version,
            uid=c.uid,
            request_id=c.request_id,
            part=c.part,
            studio_id=c.studio_id,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            label=c.label,
            work_title=c.work_title,
            section_name=c.section_name,
            locked=c.locked,
            override_reason=c.override_reason,
            overridden_rules=c.overridden_rules,
            created_at=now,
        )
        for c, _pks in sources
    ]
    created = Call.objects.bulk_create(copies)
    CallPerson.objects.bulk_create(
        [
            CallPerson(call=new, person_id=pk)
            for new, (_c, pks) in zip(created, sources, strict=True)
            for pk in pks
        ]
    )
    new_people = {new.uid: set(pks) for new, (_c, pks) in zip(created, sources, strict=True)}
    notices = 0
    late = 0
    if previous is not None:
        notices, late = _notify_changes(
            version=version,
            old_calls=previous_calls,
            new_calls=created,
            new_people=new_people,
            now=now,
            send_email=send_email,
        )
    words = {
        "n": number,
        "days": f"{_fmt_day(first_day)} – {_fmt_day(last_day)}"
        if last_day != first_day
        else _fmt_day(first_day),
        "state": _("firm") if firm else _("tentative"),
        "calls": len(chosen),
        "notices": notices,
        "previous": previous.number if previous else 0,
    }
    if previous is None:
        summary = _("Published version %(n)s (%(state)s): %(calls)s call(s) for %(days)s.") % words
    else:
        summary = (
            _(
                "Published version %(n)s (%(state)s), replacing version %(previous)s: "
                "%(calls)s call(s) for %(days)s; %(notices)s notice(s) of changes sent."
            )
            % words
        )
    if late_days:
        summary = f"{summary} " + _("Posted late for: %(days)s.") % {
            "days": ", ".join(_fmt_day(d) for d in late_days)
        }
    audit.record(
        actor=by,
        action="schedule.publish" if previous is None else "schedule.republish",
        obj=version,
        parent=period,
        summary=f"{summary} {version.note}".strip() if version.note else summary,
        changes={
            "version": [previous.number if previous else None, number],
            "firm through": [previous.firm_through if previous else None, firm_through],
            "calls": [len(previous_calls), len(created)],
        },
        at=now,
    )
    return PublishResult(version=version, notices=notices, late_notices=late, late_days=late_days)


def _describe_call(call: Call | None) -> str:
    if call is None:
        return _("(no call)")
    return _("%(what)s, %(when)s, %(studio)s") % {
        "what": call.label,
        "when": _fmt_when(call.starts_at, call.ends_at),
        "studio": call.studio.name,
    }


def _notify_changes(
    *,
    version: Schedule,
    old_calls: Sequence[Call],
    new_calls: Sequence[Call],
    new_people: dict[str, set[int]],
    now: dt.datetime,
    send_email: bool,
) -> tuple[int, int]:
    """One notice per person per changed call: old and new side by side."""
    old = {c.uid: c for c in old_calls}
    old_people = {c.uid: {cp.person_id for cp in c.called.all()} for c in old_calls}
    new = {c.uid: c for c in new_calls}
    studios = {s.pk: s for s in Studio.objects.filter(pk__in={c.studio_id for c in new_calls})}
    for c in new_calls:
        c.studio = studios[c.studio_id]
    window = dt.timedelta(hours=personal_notice_hours())
    items: list[tuple[int, str, Call | None, Call | None]] = []
    for uid in sorted(set(old) | set(new)):
        a, b = old.get(uid), new.get(uid)
        before, after = old_people.get(uid, set()), new_people.get(uid, set())
        if a is None and b is not None:
            items += [(pk, Notice.Kind.ADDED, None, b) for pk in sorted(after)]
        elif b is None and a is not None:
            items += [(pk, Notice.Kind.REMOVED, a, None) for pk in sorted(before)]
        elif a is not None and b is not None:
            moved = (a.starts_at, a.ends_at, a.studio_id) != (b.starts_at, b.ends_at, b.studio_id)
            if moved:
                items += [(pk, Notice.Kind.CHANGED, a, b) for pk in sorted(before & after)]
            items += [(pk, Notice.Kind.ADDED, None, b) for pk in sorted(after - before)]
            items += [(pk, Notice.Kind.REMOVED, a, None) for pk in sorted(before - after)]
    persons = {p.pk: p for p in Person.objects.filter(pk__in={i[0] for i in items})}
    late_count = 0
    rows = []
    for pk, kind, a, b in items:
        soonest = min(c.starts_at for c in (a, b) if c is not None)
        late = soonest - now < window
        late_count += int(late)
        subject = {
            Notice.Kind.ADDED: _("New call: %(what)s"),
            Notice.Kind.CHANGED: _("Call changed: %(what)s"),
            Notice.Kind.REMOVED: _("Call cancelled: %(what)s"),
        }[Notice.Kind(kind)] % {"what": (b or a).label}  # type: ignore[union-attr]
        body = _("Before: %(old)s\nNow: %(new)s") % {
            "old": _describe_call(a),
            "new": _describe_call(b),
        }
        if late:
            body += "\n" + _(
                "This change comes with less notice than the agreement asks (%(h)s hours)."
            ) % {"h": personal_notice_hours()}
        rows.append(
            Notice(
                person=persons[pk],
                schedule=version,
                kind=kind,
                old_call=a,
                new_call=b,
                subject=subject[:200],
                body=body,
                late=late,
                created_at=now,
            )
        )
    created = Notice.objects.bulk_create(rows)
    if send_email:  # sent by a worker after the commit, retried (core/outbox.py)
        link = _("Your calls: %(url)s") % {"url": absolute_reverse("scheduling:me")}
        for notice in created:
            if notice.person.email:
                notice.email = outbox.email_queue_if_valid(
                    to=notice.person.email,
                    subject=notice.subject,
                    body=f"{notice.body}\n\n{link}",
                    kind="scheduling.notice",
                    now=now,
                )
        Notice.objects.bulk_update([n for n in created if n.email is not None], ["email"])
    return len(created), late_count


@transaction.atomic
def notice_mark_read(*, notice: Notice, person: Person | None, now: dt.datetime) -> Notice:
    if person is None or notice.person_id != person.pk:
        raise NotFound(_("There is no such notice among yours."))
    if notice.read_at is None:
        notice.read_at = now
        notice.save(update_fields=["read_at"])
    return notice


# --------------------------------------------------------------------------- calendar feeds


@transaction.atomic
def feed_token_create(*, user: Any, scope: str, now: dt.datetime) -> CalendarFeedToken:
    """A new private feed address (any older one of the same kind stops working)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if scope not in CalendarFeedToken.Scope.values:
        raise ValidationFailed(_("Choose your own calls or the whole company."), field="scope")
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if scope == CalendarFeedToken.Scope.COMPANY:
        require(user, Cap.VIEW_ALL_CALLS)
    elif person is None:
        raise ValidationFailed(
            _("Your sign-in is not linked to a person of the company: ask the company manager.")
        )
    CalendarFeedToken.objects.filter(user=user, scope=scope, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return CalendarFeedToken.objects.create(
        user=user,
        person=person,
        scope=scope,
        token=secrets.token_urlsafe(32),
        created_at=now,
    )


@transaction.atomic
def feed_token_revoke(*, user: Any, scope: str, now: dt.datetime) -> int:
    return CalendarFeedToken.objects.filter(user=user, scope=scope, revoked_at__isnull=True).update(
        revoked_at=now
    )


def feed_token_use(*, token: str, now: dt.datetime) -> CalendarFeedToken:
    found = (
        CalendarFeedToken.objects.select_related("user", "person")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        raise NotFound(_("This calendar address is not valid (any more): make a new one."))
    if found.scope == CalendarFeedToken.Scope.COMPANY and not can(found.user, Cap.VIEW_ALL_CALLS):
        raise NotFound(_("This calendar address is not valid (any more): make a new one."))
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=10):
        CalendarFeedToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


def dancers_active() -> list[Person]:
    return list(
        Person.objects.filter(dancer__status=Dancer.Status.ACTIVE).order_by(
            "family_name", "given_name"
        )
    )


def staff_persons() -> list[Person]:
    return list(Person.objects.filter(staff_roles__isnull=False).distinct().order_by("family_name"))
