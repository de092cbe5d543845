"""What casting's services share: how the history names a place, the checks every write
makes, the locks it takes, and the notices it sends."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting import selectors
from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    Notification,
)
from callboard.casting.rules import Finding
from callboard.company.models import Dancer, Person
from callboard.core import outbox
from callboard.core.actors import Actor, user_of
from callboard.core.errors import ValidationFailed
from callboard.core.links import absolute
from callboard.repertoire.models import Role
from callboard.season.models import Performance, ProgrammeWork
from callboard.season.selectors import local_day

log = logging.getLogger("callboard.casting.services")


KINDS = {k.value for k in CastAssignment.Kind}


def _describe(performance: Performance) -> str:
    day = date_format(local_day(performance), "j M Y")
    return f"{performance.title or performance.programme.title}, {performance.venue.name}, {day}"


def _slot_words(role: Role, slot: int, kind: str, rank: int) -> str:
    """How the history names a place: "Odette (first cast)", "Swan (cover 2)"."""
    if kind == CastAssignment.Kind.COVER:
        cast = _("cover %(n)s") % {"n": rank}
    else:
        cast = str(dict(CastAssignment.Kind.choices)[kind]).lower()
        if role.dancers_needed > 1:
            cast = _("%(cast)s, place %(n)s") % {"cast": cast, "n": slot + 1}
    return f"{role.name} ({cast})"


def _audit_cast(
    *,
    by: Actor,
    performance: Performance,
    role: Role,
    slot: int,
    kind: str,
    rank: int,
    old: Dancer | None,
    new: Dancer | None,
    change: CastingChange | None,
    reason: str,
    now: dt.datetime,
) -> None:
    """The history entry of one place filled, replaced or emptied."""
    place, where = _slot_words(role, slot, kind, rank), _describe(performance)
    words = {"old": old and old.person, "new": new and new.person, "place": place, "where": where}
    if new is None:
        action, summary = "casting.unassign", _("Removed %(old)s as %(place)s in %(where)s.")
    elif old is None:
        action, summary = "casting.assign", _("Cast %(new)s as %(place)s in %(where)s.")
    else:
        action, summary = (
            "casting.assign",
            _("Replaced %(old)s with %(new)s as %(place)s in %(where)s."),
        )
    summary = summary % words
    if change is not None and change.late:
        action = "casting.late_change"
        summary = _("Late change: %(what)s") % {"what": summary}
    if reason:
        summary = f"{summary} {_('Reason:')} {reason}"
    audit.record(
        actor=by,
        action=action,
        obj=performance,
        parent=performance.programme,
        summary=summary,
        changes={place: [words["old"], words["new"]]},
        at=now,
    )


def _validate_cell(role: Role, slot: int, kind: str, rank: int) -> None:
    if kind not in KINDS:
        raise ValidationFailed(
            _("Unknown cast “%(kind)s”: use first, second, third or cover.") % {"kind": kind},
            field="kind",
        )
    if kind == CastAssignment.Kind.COVER:
        if slot != 0:
            raise ValidationFailed(_("Covers are ranked per role; use slot 0."), field="slot")
        if not 1 <= rank <= 9:
            raise ValidationFailed(_("A cover's rank is between 1 and 9."), field="rank")
    else:
        if rank != 1:
            raise ValidationFailed(_("Only covers are ranked; use rank 1."), field="rank")
        if not 0 <= slot < role.dancers_needed:
            raise ValidationFailed(
                _("%(role)s has %(n)s place(s): slot must be between 0 and %(last)s.")
                % {"role": role.name, "n": role.dancers_needed, "last": role.dancers_needed - 1},
                field="slot",
            )


def _check_open(performance: Performance, now: dt.datetime) -> None:
    if performance.status == Performance.Status.CANCELLED:
        raise ValidationFailed(_("This performance is cancelled; its casting cannot change."))
    if performance.status == Performance.Status.PERFORMED or performance.starts_at <= now:
        raise ValidationFailed(
            _("%(perf)s has already taken place; its casting can no longer change.")
            % {"perf": _describe(performance)},
            field="performance",
        )


def _check_role_in_programme(performance: Performance, role: Role) -> None:
    if not ProgrammeWork.objects.filter(
        programme_id=performance.programme_id, work_id=role.work_id
    ).exists():
        raise ValidationFailed(
            _("%(role)s is a role in %(work)s, which is not on the programme of %(perf)s.")
            % {"role": role.name, "work": role.work.title, "perf": _describe(performance)},
            field="role",
        )


def _lock_performances(ids: Iterable[int]) -> dict[int, Performance]:
    """Lock performances in id order (the first lock of every casting write)."""
    rows = (
        Performance.objects.select_for_update(of=("self",))
        .select_related("venue", "programme")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )
    return {p.pk: p for p in rows}


def _lock_dancers(ids: Iterable[int]) -> dict[int, Dancer]:
    rows = (
        Dancer.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )
    return {d.pk: d for d in rows}


def _findings_detail(findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "findings": [{"code": f.code, "message": f.message, "level": f.level} for f in findings]
    }


def _refuse_if_blocking(findings: Sequence[Finding]) -> None:
    errors = [f for f in findings if f.blocking]
    if errors:
        raise ValidationFailed(
            " ".join(f.message for f in errors), detail=_findings_detail(findings), field="dancer"
        )


def _published(performance: Performance, role: Role) -> bool:
    level = selectors.announced_level(CastingAnnouncement.objects.filter(performance=performance))
    return selectors.is_published(role, level)


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _(
                "This casting has been announced. Say why it changes: the dancers concerned "
                "are told, with your reason."
            ),
            field="reason",
        )
    return reason


def notify(
    *,
    person: Person,
    subject: str,
    body: str,
    url: str,
    now: dt.datetime,
    change: CastingChange | None = None,
    send_email: bool = True,
) -> Notification:
    """An in-app notification, also e-mailed when the person has an address (by a worker,
    after the commit, retried: core/outbox.py)."""
    note = Notification.objects.create(
        person=person, subject=subject[:200], body=body, url=url, created_at=now, change=change
    )
    if send_email and person.email:
        note.email = outbox.email_queue_if_valid(
            to=person.email,
            subject=subject,
            body=f"{body}\n\n{absolute(url)}" if url else body,
            kind="casting.notification",
            now=now,
        )
        if note.email is not None:
            note.save(update_fields=["email"])
    return note


def _record_change(
    *,
    performance: Performance,
    role: Role,
    slot: int,
    kind: str,
    rank: int,
    old: Dancer | None,
    new: Dancer | None,
    reason: str,
    by: Actor,
    now: dt.datetime,
    send_email: bool = True,
) -> CastingChange:
    rules = selectors.notice_rules()
    hours = int((performance.starts_at - now).total_seconds() // 3600)
    change = CastingChange.objects.create(
        performance=performance,
        role=role,
        slot=slot,
        kind=kind,
        rank=rank,
        old_dancer=old,
        new_dancer=new,
        reason=reason,
        changed_at=now,
        changed_by=user_of(by),
        late=hours < rules.personal_hours,
        notice_hours=hours,
    )
    cast = dict(CastAssignment.Kind.choices)[kind]
    where = _describe(performance)
    for dancer, body in (
        (old, _("You are no longer cast as %(role)s (%(cast)s) in %(where)s. Reason: %(reason)s")),
        (new, _("You are now cast as %(role)s (%(cast)s) in %(where)s. Reason: %(reason)s")),
    ):
        if dancer is None:
            continue
        notify(
            person=dancer.person,
            subject=_("Casting change: %(role)s, %(where)s") % {"role": role.name, "where": where},
            body=body % {"role": role.name, "cast": cast, "where": where, "reason": reason},
            url=reverse("casting:dancer", args=[dancer.pk]),
            now=now,
            change=change,
            send_email=send_email,
        )
    return change


"""How long past its time limit a suggestion that a worker started may stay "being worked
out" before its page says that the worker stopped (a process restarted, a machine lost)."""


"""How long a suggestion may wait for a worker to start it (production workers may be busy
with long solves) before its page says that no worker took it."""
