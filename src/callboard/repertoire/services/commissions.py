"""Commissions: a new work commissioned from its creator, moved from commissioned to in
creation to premiered (forward only), and its milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Person
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.core.text import repair
from callboard.core.zones import company_today
from callboard.repertoire.models import Commission, Milestone, Work
from callboard.repertoire.services.common import (
    COMMISSION_FIELDS,
    WORK_STATUS_FOR_COMMISSION,
    _full_clean,
    _reject_unknown,
    _save,
    _tidy,
)
from callboard.repertoire.services.works import work_create


def _validate_commission(commission: Commission) -> None:
    planned, agreed = commission.premiere_planned, commission.agreed_on
    if not isinstance(agreed, dt.date):
        raise ValidationFailed(_("Give the date the commission was agreed."), field="agreed_on")
    if planned is not None and planned < agreed:
        raise ValidationFailed(
            _(
                "The planned premiere (%(planned)s) is before the commission was agreed "
                "(%(agreed)s)."
            )
            % {"planned": planned.isoformat(), "agreed": agreed.isoformat()},
            field="premiere_planned",
        )
    _full_clean(commission, exclude=["work", "commissioned_by", "creator", "status"])


@transaction.atomic
def commission_create(
    *,
    title: str,
    creator: Person,
    commissioned_by: Person,
    duration_minutes: int,
    by: Actor,
    now: dt.datetime,
    occasion: str = "",
    agreed_on: dt.date | None = None,
    premiere_planned: dt.date | None = None,
    brief: str = "",
    themes: str = "",
    composer: str = "",
) -> Commission:
    """Commission a new work: the work enters the repertoire as *commissioned*, by its creator."""
    require(by, Cap.EDIT_COMMISSIONS)
    work = work_create(
        by=by,
        now=now,
        title=title,
        duration_minutes=duration_minutes,
        choreographer=creator,
        composer=composer,
        themes=themes,
        status=Work.Status.COMMISSIONED,
    )
    commission = Commission(
        work=work,
        creator=creator,
        commissioned_by=commissioned_by,
        occasion=repair(occasion),
        status=Commission.Status.COMMISSIONED,
        agreed_on=agreed_on or company_today(now),
        premiere_planned=premiere_planned,
        brief=(brief or "").strip(),
    )
    _validate_commission(commission)
    _save(commission, conflict=_("This work already has a commission."))
    audit.record(
        actor=by,
        action="repertoire.commission_create",
        obj=commission,
        parent=work,
        at=now,
        summary=_("%(title)s commissioned") % {"title": work.title},
    )
    return commission


@transaction.atomic
def commission_update(
    *, commission: Commission, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Commission:
    """Change who, for what occasion, when, and the brief. The status moves only by advancing."""
    require(by, Cap.EDIT_COMMISSIONS)
    before = audit.fields_of(commission, changes)
    _reject_unknown(changes, COMMISSION_FIELDS)
    changes = _tidy(changes)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    for name, value in changes.items():
        setattr(commission, name, value)
    _validate_commission(commission)
    _save(commission, conflict=_("This work already has a commission."))
    audit.record(
        actor=by,
        action="repertoire.commission_update",
        obj=commission,
        at=now,
        summary=_("The commission of %(title)s changed") % {"title": commission.work.title},
        changes=audit.diff(before, audit.fields_of(commission, changes)),
    )
    return commission


@transaction.atomic
def commission_advance(
    *,
    commission: Commission,
    to_status: str,
    by: Actor,
    now: dt.datetime,
    premiere_date: dt.date | None = None,
) -> Commission:
    """Move a commission along Commissioned → In creation → Premiered (or to Cancelled).

    Only the moves in :attr:`Commission.TRANSITIONS` are allowed; the work's status
    follows. Marked premiered, the work's premiere is ``premiere_date`` (the day of the
    performance that was the premiere; never after today), else the one it has, else today.
    ``by`` is the person doing it (``CALLBOARD`` for the demo or an import).
    """
    require(by, Cap.EDIT_COMMISSIONS)
    if premiere_date is not None and premiere_date > company_today(now):
        raise ValidationFailed(
            _("A premiere is marked once it has happened: %(day)s is still to come.")
            % {"day": premiere_date.isoformat()},
            field="premiere_date",
        )
    labels = dict(Commission.Status.choices)
    if to_status not in labels:
        raise ValidationFailed(
            _("Choose where to move the commission: %(choices)s.") % {"choices": ", ".join(labels)},
            field="to_status",
        )
    commission = Commission.objects.select_for_update().select_related("work").get(pk=commission.pk)
    current = commission.status
    if to_status not in Commission.TRANSITIONS.get(current, set()):
        moves = Commission.TRANSITIONS.get(current, set())
        allowed = [s for s in Commission.Status.values if s in moves]  # forward first
        if current == to_status:
            message = _("“%(title)s” is already %(status)s.")
        elif not allowed:
            message = _("“%(title)s” is %(status)s; its commission cannot move any more.")
        else:
            message = _(
                "“%(title)s” is %(status)s and cannot move to %(target)s: "
                "next it can only go to %(allowed)s."
            )
        raise Conflict(
            message
            % {
                "title": commission.work.title,
                "status": str(labels[current]).lower(),
                "target": str(labels[to_status]).lower(),
                "allowed": _(" or ").join(str(labels[s]).lower() for s in allowed),
            },
            detail={"from": current, "to": to_status, "allowed": allowed},
        )
    commission.status = to_status
    commission.save(update_fields=["status"])
    work = commission.work
    work.status = WORK_STATUS_FOR_COMMISSION[to_status]
    fields = ["status"]
    if to_status == Commission.Status.PREMIERED and (
        premiere_date is not None or work.premiere_date is None
    ):
        work.premiere_date = premiere_date or company_today(now)
        fields.append("premiere_date")
    work.save(update_fields=fields)
    audit.record(
        actor=by,
        action="repertoire.commission_advance",
        obj=commission,
        at=now,
        summary=_("%(title)s moved to %(status)s")
        % {"title": commission.work.title, "status": str(labels[to_status]).lower()},
        changes={"status": [current, to_status]},
    )
    return commission


@transaction.atomic
def milestone_create(
    *,
    commission: Commission,
    title: str,
    due_on: dt.date | None = None,
    by: Actor,
    now: dt.datetime,
) -> Milestone:
    require(by, Cap.EDIT_COMMISSIONS)
    milestone = Milestone(commission=commission, title=repair(title), due_on=due_on)
    if not milestone.title:
        raise ValidationFailed(
            _("Give the milestone a title, for example “First studio showing”."), field="title"
        )
    _full_clean(milestone, exclude=["commission"])
    milestone.save()
    audit.record(
        actor=by,
        action="repertoire.milestone_create",
        obj=milestone,
        parent=commission,
        at=now,
        summary=_("Milestone %(title)s added") % {"title": milestone.title},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, by: Actor, now: dt.datetime, done_on: dt.date | None = None
) -> Milestone:
    """Mark a milestone done, on ``done_on`` or today."""
    require(by, Cap.EDIT_COMMISSIONS)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    done = done_on or company_today(now)
    if done > company_today(now):
        raise ValidationFailed(
            _("A milestone cannot be done in the future; give today's date or an earlier one."),
            field="done_on",
        )
    milestone.done_on = done
    milestone.save(update_fields=["done_on"])
    audit.record(
        actor=by,
        action="repertoire.milestone_complete",
        obj=milestone,
        at=now,
        summary=_("Milestone %(title)s done") % {"title": milestone.title},
        changes={"done_on": [None, done]},
    )
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone, by: Actor, now: dt.datetime) -> Milestone:
    require(by, Cap.EDIT_COMMISSIONS)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.done_on = None
    milestone.save(update_fields=["done_on"])
    audit.record(
        actor=by,
        action="repertoire.milestone_reopen",
        obj=milestone,
        at=now,
        summary=_("Milestone %(title)s open again") % {"title": milestone.title},
    )
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.EDIT_COMMISSIONS)
    Milestone.objects.filter(pk=milestone.pk).delete()
    audit.record(
        actor=by,
        action="repertoire.milestone_delete",
        obj=milestone.commission,
        at=now,
        summary=_("Milestone %(title)s removed") % {"title": milestone.title},
    )
