"""The draft schedule: checked against every rule (the review), and edited by hand. An edit
that breaks a rule needs a reason and is written into the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Person, Studio
from callboard.core import zones
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.scheduling import adapters
from callboard.scheduling.models import (
    Call,
    CallRequest,
    Schedule,
    SchedulePeriod,
)
from callboard.scheduling.selectors import latest_version
from callboard.scheduling.services.common import (
    _aware,
    _describe_call,
    _fmt_day,
    _fmt_when,
    draft_of,
    stage_free,
)
from callboard.scheduling.services.inputs import _check_people


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
            said = _("A call of a request that cannot be scheduled any more is still in the draft.")
            findings.append(
                adapters.Finding(
                    "unknown_call",
                    _("a call must belong to a request of the plan"),
                    said,
                    (row.request_pk,),
                    words=said,
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
    return [{"rule": f.rule, "title": f.title, "message": f.words} for f in findings]


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
            % {"n": len(new), "first": new[0].words},
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
    zone = zones.company_zone()
    day = starts_at.astimezone(zone).date()
    _day_start, day_end = zones.local_day_bounds(day, zone)
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
    by: Actor,
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
    by: Actor,
    now: dt.datetime,
    override_reason: str = "",
) -> Call:
    """Move or resize a draft call; what it breaks is refused unless overridden with a reason."""
    require(by, Cap.PLAN_SCHEDULE)
    _editable(call)
    period = call.schedule.period
    _lock_draft(period)
    studio = _active_studio(studio)
    _validate_call_time(period, starts_at, ends_at)
    stage_free(studio, starts_at, ends_at)
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
    line = f"{now.astimezone(zones.company_zone()):%Y-%m-%d %H:%M} {new.strip()}"
    return f"{old}\n{line}".strip()


@transaction.atomic
def call_add(
    *,
    period: SchedulePeriod,
    studio: Studio | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: Actor,
    now: dt.datetime,
    request: CallRequest | None = None,
    label: str = "",
    people: Sequence[Person] = (),
    override_reason: str = "",
) -> Call:
    """Add a call to the draft: for a request with minutes left, or a new one by hand."""
    require(by, Cap.PLAN_SCHEDULE)
    draft = _lock_draft(period)
    studio = _active_studio(studio)
    _validate_call_time(period, starts_at, ends_at)
    stage_free(studio, starts_at, ends_at)
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
            kind=CallRequest.Kind.STAGE if studio.is_stage else CallRequest.Kind.OTHER,
            minutes=max(15, minutes),
            created_at=now,
        )
        request.people.set(people)
        if studio.is_stage:  # a call put on a stage by hand belongs there
            request.studios.set([studio])
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
def call_remove(*, call: Call, by: Actor, now: dt.datetime, override_reason: str = "") -> None:
    require(by, Cap.PLAN_SCHEDULE)
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
def call_lock(*, call: Call, locked: bool, by: Actor, now: dt.datetime) -> Call:
    """A locked call stays where it is when the rest is solved again."""
    require(by, Cap.PLAN_SCHEDULE)
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
