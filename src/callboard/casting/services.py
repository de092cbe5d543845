"""Writes of the casting app, and the rules they keep.

Every write is one atomic service: it takes its locks once, early, in a fixed order
(performances by id, then dancers by id), re-reads what it needs, checks every rule with
:func:`callboard.casting.rules.check`, then writes. A slot is also protected by the
``cast_slot_filled_once`` constraint, so two people filling it at the same moment can
never both succeed: the second is told someone was quicker.

``by`` is the person acting. ``None`` means Callboard itself (the command line, the
demo): interfaces always pass the signed-in user, and services check the capability.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting import selectors
from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    CastingProposal,
    DancedRecord,
    Notification,
    ProposalItem,
    RehearsalNeed,
    Tier,
    role_tier,
)
from callboard.casting.rules import Booking, CastingContext, Finding, check, performance_day
from callboard.company.models import Dancer, Person, Staff
from callboard.core import jobs, outbox
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.links import absolute
from callboard.core.roles import Cap, require
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.season.models import Performance, Programme, ProgrammeWork

log = logging.getLogger(__name__)

KINDS = {k.value for k in CastAssignment.Kind}


def _require(by: Any, cap: Cap) -> None:
    if by is not None:
        require(by, cap)


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _describe(performance: Performance) -> str:
    day = date_format(performance_day(performance), "j M Y")
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
    by: Any,
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


# --------------------------------------------------------------------------- look-ups


def get_performance(pk: Any) -> Performance:
    try:
        return Performance.objects.select_related("venue", "programme").get(pk=int(pk))
    except (Performance.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No performance with id %(id)s.") % {"id": pk}) from None


def get_role(pk: Any) -> Role:
    try:
        return Role.objects.select_related("work").get(pk=int(pk))
    except (Role.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No role with id %(id)s.") % {"id": pk}) from None


def get_dancer(pk: Any) -> Dancer:
    try:
        return Dancer.objects.select_related("person").get(pk=int(pk))
    except (Dancer.DoesNotExist, TypeError, ValueError):
        raise NotFound(
            _("No dancer with id %(id)s. Choose a dancer from the list of suggestions.")
            % {"id": pk}
        ) from None


def get_programme(pk: Any) -> Programme:
    try:
        return Programme.objects.get(pk=int(pk))
    except (Programme.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No programme with id %(id)s.") % {"id": pk}) from None


def dancer_by_name(query: str) -> Dancer:
    """The one dancer a typed name means (accents and case ignored), or a clear error."""
    query = (query or "").strip()
    if not query:
        raise ValidationFailed(_("Type a dancer's name."), field="dancer")
    matches = selectors.dancers_matching(query, limit=10)
    if not matches:
        raise NotFound(
            _("No dancer in the company is called “%(q)s”. Check the spelling.") % {"q": query},
            field="dancer",
        )
    if len(matches) == 1:
        return matches[0]
    from callboard.core.text import search_key

    exact = [d for d in matches if d.person.search_name == search_key(query)]
    if len(exact) == 1:
        return exact[0]
    raise ValidationFailed(
        _("Several dancers match “%(q)s”: %(names)s. Choose one from the list.")
        % {"q": query, "names": ", ".join(str(d.person) for d in matches[:5])},
        field="dancer",
    )


# --------------------------------------------------------------------------- checks


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


# --------------------------------------------------------------------------- notifications


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
    by: Any,
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
        changed_by=_user(by),
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


# --------------------------------------------------------------------------- assign, remove


@dataclass
class CastResult:
    assignment: CastAssignment | None
    findings: list[Finding] = field(default_factory=list)
    change: CastingChange | None = None
    previous: Dancer | None = None

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def _context_for(
    performances: Sequence[Performance], roles: Sequence[Role], dancer_ids: Iterable[int]
) -> CastingContext:
    return selectors.casting_context(performances=performances, roles=roles, dancer_ids=dancer_ids)


@transaction.atomic
def cast_assign(
    *,
    performance: Performance,
    role: Role,
    dancer: Dancer,
    slot: int = 0,
    kind: str = CastAssignment.Kind.FIRST,
    rank: int = 1,
    by: Any,
    now: dt.datetime,
    reason: str = "",
    replacing: int | None = None,
    sync_needs: bool = True,
    send_email: bool = True,
) -> CastResult:
    """Cast ``dancer`` in a slot of ``role`` at ``performance``.

    A filled slot is replaced only when ``replacing`` names the dancer now in it (so two
    people editing the same cell never overwrite each other unseen). Refused when the
    dancer has not learned the role, is unavailable, would be on stage twice at once, or
    the performance has passed. Warnings (rank, rest between leads…) are returned.
    A change to announced casting needs a ``reason``; it is logged and notifies the dancers.
    ``sync_needs=False`` leaves the rehearsal needs for the caller to recompute once and
    ``send_email=False`` notifies in the app only (bulk writers such as the demo).
    """
    _require(by, Cap.EDIT_CASTING)
    _validate_cell(role, slot, kind, rank)
    locked = _lock_performances([performance.pk])
    if performance.pk not in locked:
        raise NotFound(_("That performance no longer exists."))
    performance = locked[performance.pk]
    _check_open(performance, now)
    _check_role_in_programme(performance, role)
    dancer = _lock_dancers([dancer.pk]).get(dancer.pk) or dancer
    current = (
        CastAssignment.objects.select_for_update()
        .select_related("dancer__person")
        .filter(performance=performance, role=role, slot=slot, kind=kind, rank=rank)
        .first()
    )
    roles = selectors.production_roles([role.work_id])
    role = next(r for r in roles if r.pk == role.pk)
    ctx = _context_for([performance], roles, [dancer.pk])
    findings = check(
        ctx,
        dancer=dancer,
        performance_id=performance.pk,
        role_id=role.pk,
        kind=kind,
        replacing_assignment_id=current.pk if current else None,
    )
    if current is not None and current.dancer_id == dancer.pk:
        return CastResult(assignment=current, findings=[f for f in findings if not f.blocking])
    if current is not None and replacing != current.dancer_id:
        raise Conflict(
            _("%(name)s is already cast here. Clear the slot first, or replace them on purpose.")
            % {"name": current.dancer.person},
            detail={"current_dancer_id": current.dancer_id},
        )
    _refuse_if_blocking(findings)
    published = _published(performance, role)
    if published:
        reason = _need_reason(reason)
    previous = current.dancer if current else None
    if current is not None:
        current.dancer = dancer
        current.assigned_at = now
        current.assigned_by = _user(by)
        current.save(update_fields=["dancer", "assigned_at", "assigned_by"])
        assignment = current
    else:
        try:
            with transaction.atomic():
                assignment = CastAssignment.objects.create(
                    performance=performance,
                    role=role,
                    slot=slot,
                    kind=kind,
                    rank=rank,
                    dancer=dancer,
                    assigned_at=now,
                    assigned_by=_user(by),
                )
        except IntegrityError:
            raise Conflict(
                _("Someone has just filled this slot. Reload the board to see who, then decide.")
            ) from None
    change = None
    if published:
        change = _record_change(
            performance=performance,
            role=role,
            slot=slot,
            kind=kind,
            rank=rank,
            old=previous,
            new=dancer,
            reason=reason,
            by=by,
            now=now,
            send_email=send_email,
        )
    _audit_cast(
        by=by,
        performance=performance,
        role=role,
        slot=slot,
        kind=kind,
        rank=rank,
        old=previous,
        new=dancer,
        change=change,
        reason=reason if published else "",
        now=now,
    )
    if sync_needs:
        rehearsal_needs_sync(programme=performance.programme, now=now)
    return CastResult(
        assignment=assignment,
        findings=[f for f in findings if not f.blocking],
        change=change,
        previous=previous,
    )


@transaction.atomic
def cast_remove(
    *,
    performance: Performance,
    role: Role,
    slot: int = 0,
    kind: str = CastAssignment.Kind.FIRST,
    rank: int = 1,
    by: Any,
    now: dt.datetime,
    reason: str = "",
) -> CastResult:
    """Empty a slot. Announced casting needs a ``reason``, is logged and tells the dancer."""
    _require(by, Cap.EDIT_CASTING)
    _validate_cell(role, slot, kind, rank)
    locked = _lock_performances([performance.pk])
    if performance.pk not in locked:
        raise NotFound(_("That performance no longer exists."))
    performance = locked[performance.pk]
    _check_open(performance, now)
    _check_role_in_programme(performance, role)
    current = (
        CastAssignment.objects.select_for_update()
        .select_related("dancer__person")
        .filter(performance=performance, role=role, slot=slot, kind=kind, rank=rank)
        .first()
    )
    if current is None:
        raise NotFound(_("Nobody is cast in that slot."))
    change = None
    if _published(performance, role):
        reason = _need_reason(reason)
        change = _record_change(
            performance=performance,
            role=role,
            slot=slot,
            kind=kind,
            rank=rank,
            old=current.dancer,
            new=None,
            reason=reason,
            by=by,
            now=now,
        )
    previous = current.dancer
    current.delete()
    _audit_cast(
        by=by,
        performance=performance,
        role=role,
        slot=slot,
        kind=kind,
        rank=rank,
        old=previous,
        new=None,
        change=change,
        reason=reason if change is not None else "",
        now=now,
    )
    rehearsal_needs_sync(programme=performance.programme, now=now)
    return CastResult(assignment=None, change=change, previous=previous)


# --------------------------------------------------------------------------- copy


@dataclass
class CopyResult:
    copied: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def cast_copy(
    *,
    source: Performance,
    targets: Sequence[Performance],
    work: Work | None = None,
    layers: Sequence[str] | None = None,
    overwrite: bool = False,
    by: Any,
    now: dt.datetime,
    reason: str = "",
) -> CopyResult:
    """Copy the casting of ``source`` (one work, or all) to ``targets`` in one step.

    Slots already filled in a target are kept unless ``overwrite``. A dancer who cannot
    dance a target (unavailable that day, on stage elsewhere) is skipped there and the
    result says so; everything else is copied. Announced targets need a ``reason``.
    """
    from callboard.casting.models import parse_layer

    _require(by, Cap.EDIT_CASTING)
    target_ids = [t.pk for t in targets if t.pk != source.pk]
    if not target_ids:
        raise ValidationFailed(_("Choose at least one other performance to copy the casting to."))
    wanted = None
    if layers:
        wanted = set()
        for key in layers:
            parsed = parse_layer(key)
            if parsed is None:
                raise ValidationFailed(
                    _("Unknown cast “%(layer)s”.") % {"layer": key}, field="layers"
                )
            wanted.add(parsed)
    locked = _lock_performances([source.pk, *target_ids])
    if source.pk not in locked or len(locked) != len(set(target_ids)) + 1:
        raise NotFound(_("One of those performances no longer exists."))
    source = locked[source.pk]
    tgts = [locked[i] for i in sorted(set(target_ids), key=lambda i: locked[i].starts_at)]
    for t in tgts:
        if t.programme_id != source.programme_id:
            raise ValidationFailed(
                _("%(perf)s belongs to another programme; copy casting within one production.")
                % {"perf": _describe(t)},
                field="targets",
            )
        _check_open(t, now)
    src_qs = CastAssignment.objects.filter(performance=source).select_related(
        "dancer__person", "role__work"
    )
    if work is not None:
        src_qs = src_qs.filter(role__work=work)
    source_rows = [a for a in src_qs if wanted is None or (a.kind, a.rank) in wanted]
    if not source_rows:
        raise ValidationFailed(
            _("%(perf)s has no casting to copy yet.") % {"perf": _describe(source)}
        )
    dancers = _lock_dancers({a.dancer_id for a in source_rows})
    roles = selectors.production_roles({a.role.work_id for a in source_rows})
    role_by_id = {r.pk: r for r in roles}
    existing = {
        (a.performance_id, a.role_id, a.slot, a.kind, a.rank): a
        for a in CastAssignment.objects.select_for_update()
        .filter(performance_id__in=[t.pk for t in tgts], role_id__in=list(role_by_id))
        .select_related("dancer__person")
    }
    ctx = _context_for(tgts, roles, dancers.keys())
    levels = {
        t.pk: selectors.announced_level(CastingAnnouncement.objects.filter(performance=t))
        for t in tgts
    }
    result = CopyResult()
    plan: list[tuple[Performance, CastAssignment, CastAssignment | None, list[Finding]]] = []
    for t in tgts:
        for a in sorted(
            source_rows, key=lambda a: (a.kind != "first", a.role_id, a.kind, a.rank, a.slot)
        ):
            role = role_by_id[a.role_id]
            current = existing.get((t.pk, a.role_id, a.slot, a.kind, a.rank))
            if current is not None and current.dancer_id == a.dancer_id:
                result.unchanged += 1
                continue
            if current is not None and not overwrite:
                result.skipped.append(
                    _("%(perf)s: %(role)s kept %(name)s.")
                    % {"perf": _describe(t), "role": role.name, "name": current.dancer.person}
                )
                continue
            dancer = dancers[a.dancer_id]
            findings = check(
                ctx,
                dancer=dancer,
                performance_id=t.pk,
                role_id=role.pk,
                kind=a.kind,
                replacing_assignment_id=current.pk if current else None,
            )
            errors = [f for f in findings if f.blocking]
            if errors:
                result.skipped.append(
                    _("%(perf)s: %(role)s left open — %(why)s")
                    % {"perf": _describe(t), "role": role.name, "why": errors[0].message}
                )
                continue
            plan.append((t, a, current, findings))
            # Later checks in this copy see this dancer as booked here.
            ctx.in_role.setdefault((t.pk, role.pk), {})[dancer.pk] = -1
            if current is not None:
                ctx.in_role[(t.pk, role.pk)].pop(current.dancer_id, None)
            if a.kind == CastAssignment.Kind.FIRST:
                ctx.bookings.setdefault(dancer.pk, []).append(
                    Booking(
                        assignment_id=-1,
                        performance_id=t.pk,
                        role_id=role.pk,
                        role_name=role.name,
                        work_title=role.work.title,
                        principal=role.principal,
                        full_length=role.work.full_length,
                        starts_at=t.starts_at,
                        ends_at=t.ends_at,
                        day=performance_day(t),
                        billing=t.title or t.programme.title,
                    )
                )
    touching_announced = [
        (t, a)
        for t, a, _c, _f in plan
        if selectors.is_published(role_by_id[a.role_id], levels[t.pk])
    ]
    if touching_announced:
        reason = _need_reason(reason)
    copied_to: dict[int, dict[str, list[Any]]] = {}
    for t, a, current, findings in plan:
        role = role_by_id[a.role_id]
        dancer = dancers[a.dancer_id]
        previous = current.dancer if current else None
        try:
            with transaction.atomic():
                if current is not None:
                    current.dancer = dancer
                    current.assigned_at = now
                    current.assigned_by = _user(by)
                    current.save(update_fields=["dancer", "assigned_at", "assigned_by"])
                else:
                    CastAssignment.objects.create(
                        performance=t,
                        role=role,
                        slot=a.slot,
                        kind=a.kind,
                        rank=a.rank,
                        dancer=dancer,
                        assigned_at=now,
                        assigned_by=_user(by),
                    )
        except IntegrityError:
            result.skipped.append(
                _("%(perf)s: %(role)s was filled by someone else meanwhile.")
                % {"perf": _describe(t), "role": role.name}
            )
            continue
        result.copied += 1
        copied_to.setdefault(t.pk, {})[_slot_words(role, a.slot, a.kind, a.rank)] = [
            previous and previous.person,
            dancer.person,
        ]
        for f in findings:
            if not f.blocking and f.code != "learning":
                result.warnings.append(f"{_describe(t)}: {f.message}")
        if selectors.is_published(role, levels[t.pk]):
            _record_change(
                performance=t,
                role=role,
                slot=a.slot,
                kind=a.kind,
                rank=a.rank,
                old=previous,
                new=dancer,
                reason=reason,
                by=by,
                now=now,
            )
    for t in tgts:
        if t.pk in copied_to:
            summary = _("Copied the casting of %(source)s to %(target)s: %(n)s place(s).") % {
                "source": _describe(source),
                "target": _describe(t),
                "n": len(copied_to[t.pk]),
            }
            audit.record(
                actor=by,
                action="casting.copy",
                obj=t,
                parent=t.programme,
                summary=f"{summary} {_('Reason:')} {reason}" if reason else summary,
                changes=copied_to[t.pk],
                at=now,
            )
    rehearsal_needs_sync(programme=source.programme, now=now)
    return result


# --------------------------------------------------------------------------- announce


@dataclass
class AnnounceResult:
    announcement: CastingAnnouncement
    created: bool
    notified: int
    holes: int


@transaction.atomic
def casting_announce(
    *, performance: Performance, tier: int, by: Any, now: dt.datetime, send_email: bool = True
) -> AnnounceResult:
    """Announce the casting of ``performance`` up to ``tier`` and tell each dancer named.

    Announcing a tier announces the tiers before it too (full casting includes the
    principals). Holes may remain; the result counts them.
    """
    _require(by, Cap.APPROVE_CASTING)
    if tier not in Tier.values:
        raise ValidationFailed(
            _("Announce principal roles (1), announceable roles (2) or the full casting (3)."),
            field="tier",
        )
    locked = _lock_performances([performance.pk])
    if performance.pk not in locked:
        raise NotFound(_("That performance no longer exists."))
    performance = locked[performance.pk]
    _check_open(performance, now)
    announcements = list(CastingAnnouncement.objects.filter(performance=performance))
    level = selectors.announced_level(announcements)
    existing = next((a for a in announcements if a.tier == tier), None)
    roles = selectors.production_roles(
        ProgrammeWork.objects.filter(programme_id=performance.programme_id).values_list(
            "work_id", flat=True
        )
    )
    holes = 0
    cast = list(
        CastAssignment.objects.filter(performance=performance).select_related(
            "dancer__person", "role"
        )
    )
    filled = {(a.role_id, a.slot) for a in cast if a.kind == CastAssignment.Kind.FIRST}
    for role in roles:
        if role_tier(role) <= tier:
            holes += sum(1 for s in range(role.dancers_needed) if (role.pk, s) not in filled)
    if existing is not None or tier <= level:
        return AnnounceResult(
            announcement=existing or max(announcements, key=lambda a: a.tier),
            created=False,
            notified=0,
            holes=holes,
        )
    announcement = CastingAnnouncement.objects.create(
        performance=performance, tier=tier, announced_at=now, announced_by=_user(by)
    )
    audit.record(
        actor=by,
        action="casting.announce",
        obj=performance,
        parent=performance.programme,
        summary=_("Announced %(tier)s for %(where)s; %(holes)s place(s) still open.")
        % {
            "tier": str(Tier(tier).label).lower(),
            "where": _describe(performance),
            "holes": holes,
        },
        changes={"announced": [str(Tier(level).label) if level else None, Tier(tier).label]},
        at=now,
    )
    newly: dict[int, list[CastAssignment]] = {}
    for a in cast:
        if level < role_tier(a.role) <= tier:
            newly.setdefault(a.dancer_id, []).append(a)
    where = _describe(performance)
    for items in newly.values():
        dancer = items[0].dancer
        lines = "\n".join(f"- {a.role.name} ({a.get_kind_display()})" for a in items)
        notify(
            person=dancer.person,
            subject=_("Casting announced: %(where)s") % {"where": where},
            body=_("You are cast in %(where)s:\n%(lines)s") % {"where": where, "lines": lines},
            url=reverse("casting:dancer", args=[dancer.pk]),
            now=now,
            send_email=send_email,
        )
    return AnnounceResult(announcement=announcement, created=True, notified=len(newly), holes=holes)


def casting_announce_due(
    *, programme: Programme, tier: int, by: Any, now: dt.datetime
) -> list[AnnounceResult]:
    """Announce ``tier`` for every coming performance of the production whose deadline has come."""
    _require(by, Cap.APPROVE_CASTING)
    if tier not in Tier.values:
        raise ValidationFailed(
            _("Announce principal roles (1), announceable roles (2) or the full casting (3)."),
            field="tier",
        )
    rules = selectors.notice_rules()
    due = [
        p
        for p in selectors.production_performances(programme, include_past=False, now=now)
        if p.status != Performance.Status.PERFORMED
        and p.starts_at - dt.timedelta(days=rules.days_for_tier(tier)) <= now
    ]
    results = []
    with transaction.atomic():
        for p in due:
            result = casting_announce(performance=p, tier=tier, by=by, now=now)
            if result.created:
                results.append(result)
    return results


# --------------------------------------------------------------------------- history


@transaction.atomic
def performance_record_danced(*, performance: Performance, now: dt.datetime) -> int:
    """Write the first cast of a performance that took place into the dancers' histories.

    Each dancer's role record gets ``times_danced`` + 1 and ``first_danced_on``; a role
    being learned becomes learned. Recording twice changes nothing. Returns how many
    roles were recorded.
    """
    locked = _lock_performances([performance.pk])
    if performance.pk not in locked:
        raise NotFound(_("That performance no longer exists."))
    performance = locked[performance.pk]
    if performance.status == Performance.Status.CANCELLED:
        raise ValidationFailed(_("A cancelled performance was not danced."))
    if performance.starts_at > now and performance.status != Performance.Status.PERFORMED:
        raise ValidationFailed(
            _("%(perf)s has not taken place yet; record it after the curtain.")
            % {"perf": _describe(performance)}
        )
    if DancedRecord.objects.filter(performance=performance).exists():
        return 0
    danced = list(
        CastAssignment.objects.filter(performance=performance, kind=CastAssignment.Kind.FIRST)
    )
    if not danced:
        return 0  # nothing cast: nothing to record (casting entered later is recorded then)
    day = performance_day(performance)
    count = 0
    for a in danced:
        known, _created = DancerRole.objects.select_for_update().get_or_create(
            dancer_id=a.dancer_id, role_id=a.role_id, defaults={"status": DancerRole.Status.LEARNED}
        )
        known.times_danced += 1
        if known.first_danced_on is None or day < known.first_danced_on:
            known.first_danced_on = day
        known.status = DancerRole.Status.LEARNED
        known.save(update_fields=["times_danced", "first_danced_on", "status"])
        count += 1
    DancedRecord.objects.create(performance=performance, recorded_at=now)
    return count


# --------------------------------------------------------------------------- rehearsal needs


def coaching_minutes(role: Role) -> int:
    """``CALLBOARD_CASTING_COACHING_MINUTES``: coaching a dancer learning a role needs."""
    table = {"principal": 600, "announceable": 360, "ensemble": 180}
    table.update(getattr(settings, "CALLBOARD_CASTING_COACHING_MINUTES", {}))
    if role.principal:
        return int(table["principal"])
    if role.announceable:
        return int(table["announceable"])
    return int(table["ensemble"])


@dataclass
class NeedSpec:
    key: str
    label: str
    kind: str
    minutes: int
    earliest: dt.date
    latest: dt.date
    priority: int
    people: set[int]
    staff_kind: str = ""
    work_id: int | None = None
    section_id: int | None = None
    role_id: int | None = None
    venue_id: int | None = None
    performance_id: int | None = None


def _window(earliest: dt.date, latest: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    latest = max(latest, today)
    earliest = min(max(earliest, today), latest)
    return earliest, latest


def compute_rehearsal_needs(*, programme: Programme, now: dt.datetime) -> list[NeedSpec]:
    """What the casting asks of the rehearsal room before the coming performances.

    * coaching: each dancer cast in a role they are still learning, with a répétiteur,
      before their first performance in it;
    * run-through: each act (top-level section) with each distinct first cast, before that
      cast first dances it;
    * stage rehearsal: at each venue, before the first performance there;
    * dress rehearsal: before the opening of the run.
    """
    from django.utils import timezone

    today = timezone.localdate(now)
    every = list(
        Performance.objects.filter(programme=programme)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")
    )
    coming = [p for p in every if p.starts_at > now and p.status != Performance.Status.PERFORMED]
    if not coming:
        return []
    days = {p.pk: performance_day(p) for p in every}
    works = [
        item.work
        for item in ProgrammeWork.objects.filter(programme=programme)
        .select_related("work")
        .order_by("order", "pk")
    ]
    roles = selectors.production_roles(w.pk for w in works)
    sections = list(Section.objects.filter(work__in=works).order_by("order", "pk"))
    cast = list(
        CastAssignment.objects.filter(performance__in=coming, role__in=roles).select_related(
            "dancer__person", "role__work"
        )
    )
    learning = {
        (dr.dancer_id, dr.role_id)
        for dr in DancerRole.objects.filter(
            role__in=roles,
            dancer_id__in={a.dancer_id for a in cast},
            status=DancerRole.Status.LEARNING,
        )
    }
    specs: list[NeedSpec] = []

    # Coaching, per dancer and role being learned.
    order = {"first": 1, "second": 2, "third": 2, "cover": 3}
    first_seen: dict[tuple[int, int], tuple[dt.date, int, CastAssignment]] = {}
    for a in cast:
        if (a.dancer_id, a.role_id) not in learning:
            continue
        key = (a.dancer_id, a.role_id)
        day, prio = days[a.performance_id], order[a.kind]
        seen = first_seen.get(key)
        if seen is not None:
            day, prio = min(day, seen[0]), min(prio, seen[1])
        first_seen[key] = (day, prio, a)
    # Ensemble roles are coached together: one need per role for everyone learning it.
    Member = tuple[int, dt.date, int, CastAssignment]
    coaching: dict[tuple[int, int], list[Member]] = defaultdict(list)
    for (dancer_id, role_id), (day, prio, a) in first_seen.items():
        group = (role_id, 0) if a.role.dancers_needed > 1 else (role_id, dancer_id)
        coaching[group].append((dancer_id, day, prio, a))
    for (role_id, dancer_key), members in coaching.items():
        role = members[0][3].role
        day = min(m[1] for m in members)
        earliest, latest = _window(today, day - dt.timedelta(days=1), today)
        if dancer_key:
            label = _("Coaching: %(name)s learns %(role)s (%(work)s)") % {
                "name": members[0][3].dancer.person,
                "role": role.name,
                "work": role.work.title,
            }
            need_key = f"coaching:{dancer_key}:{role_id}"
        else:
            label = _("Coaching: %(role)s (%(work)s), %(n)s dancer(s) learning") % {
                "role": role.name,
                "work": role.work.title,
                "n": len(members),
            }
            need_key = f"coaching:role:{role_id}"
        specs.append(
            NeedSpec(
                key=need_key,
                label=label,
                kind=RehearsalNeed.Kind.COACHING,
                minutes=coaching_minutes(role),
                earliest=earliest,
                latest=latest,
                priority=min(m[2] for m in members),
                people={m[0] for m in members},
                staff_kind=Staff.Kind.REPETITEUR,
                work_id=role.work_id,
                role_id=role_id,
            )
        )

    # Run-throughs, per act and distinct first cast.
    first = [a for a in cast if a.kind == CastAssignment.Kind.FIRST]
    parent = {s.pk: s.parent_id for s in sections}

    def top(section_id: int) -> int:
        seen: set[int] = set()
        while parent.get(section_id) is not None and section_id not in seen:
            seen.add(section_id)
            section_id = parent[section_id]  # type: ignore[assignment]
        return section_id

    for work in works:
        work_roles = [r for r in roles if r.work_id == work.pk]
        acts = [s for s in sections if s.work_id == work.pk and s.parent_id is None]
        groups: list[tuple[Section | None, set[int]]] = []
        if acts:
            for act in acts:
                in_act = {
                    r.pk for r in work_roles if any(top(s.pk) == act.pk for s in r.sections.all())
                }
                if in_act:
                    groups.append((act, in_act))
        else:
            groups.append((None, {r.pk for r in work_roles}))
        for group_act, role_ids in groups:
            casts: dict[frozenset[int], Performance] = {}
            for p in coming:
                people = frozenset(
                    a.dancer_id for a in first if a.performance_id == p.pk and a.role_id in role_ids
                )
                if people and people not in casts:
                    casts[people] = p
            minutes_base = (
                group_act.duration_minutes if group_act and group_act.duration_minutes else None
            ) or (work.duration_minutes if group_act is None else 30)
            for people, p in casts.items():
                day = days[p.pk]
                earliest, latest = _window(
                    day - dt.timedelta(days=14), day - dt.timedelta(days=1), today
                )
                what = group_act.name if group_act else work.title
                specs.append(
                    NeedSpec(
                        key=f"run:{work.pk}:{group_act.pk if group_act else 0}:{p.pk}",
                        label=_("Run-through: %(what)s (%(work)s), cast of %(day)s")
                        % {"what": what, "work": work.title, "day": date_format(day, "j M")},
                        kind=RehearsalNeed.Kind.RUN_THROUGH,
                        minutes=int(minutes_base) + 30,
                        earliest=earliest,
                        latest=latest,
                        priority=2,
                        people=set(people),
                        staff_kind=Staff.Kind.BALLET_MASTER,
                        work_id=work.pk,
                        section_id=group_act.pk if group_act else None,
                        performance_id=p.pk,
                    )
                )

    running = sum(w.duration_minutes for w in works) or 60
    # Stage rehearsals: the first coming performance of each stay at a venue.
    previous_venue = None
    for p in every:
        if p.venue_id != previous_venue and p in coming:
            day = days[p.pk]
            earliest, latest = _window(day - dt.timedelta(days=2), day, today)
            specs.append(
                NeedSpec(
                    key=f"stage:{p.pk}",
                    label=_("Stage rehearsal at %(venue)s before %(day)s")
                    % {"venue": p.venue.name, "day": date_format(day, "j M")},
                    kind=RehearsalNeed.Kind.STAGE,
                    minutes=running + 30,
                    earliest=earliest,
                    latest=latest,
                    priority=1,
                    people={a.dancer_id for a in first if a.performance_id == p.pk},
                    staff_kind=Staff.Kind.STAGE_MANAGER,
                    venue_id=p.venue_id,
                    performance_id=p.pk,
                )
            )
        previous_venue = p.venue_id
    # Dress rehearsal before the opening (if the run has not opened yet).
    opening = every[0]
    if opening in coming:
        day = days[opening.pk]
        earliest, latest = _window(day - dt.timedelta(days=2), day - dt.timedelta(days=1), today)
        specs.append(
            NeedSpec(
                key=f"dress:{opening.pk}",
                label=_("Dress rehearsal at %(venue)s before the opening (%(day)s)")
                % {"venue": opening.venue.name, "day": date_format(day, "j M")},
                kind=RehearsalNeed.Kind.DRESS,
                minutes=running + 30,
                earliest=earliest,
                latest=latest,
                priority=1,
                people={a.dancer_id for a in first if a.performance_id == opening.pk},
                staff_kind=Staff.Kind.CONDUCTOR
                if opening.music == Performance.Music.ORCHESTRA
                else Staff.Kind.BALLET_MASTER,
                venue_id=opening.venue_id,
                performance_id=opening.pk,
            )
        )
    return specs


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def rehearsal_needs_sync(*, programme: Programme, now: dt.datetime) -> SyncResult:
    """Bring the needs computed from casting up to date; needs edited by hand are kept."""
    specs = {s.key: s for s in compute_rehearsal_needs(programme=programme, now=now)}
    existing = {
        n.key: n
        for n in RehearsalNeed.objects.filter(programme=programme)
        .exclude(key="")
        .prefetch_related("people")
    }
    result = SyncResult()
    for key, need in existing.items():
        if key not in specs and need.source == RehearsalNeed.Source.CASTING:
            need.delete()
            result.removed += 1
    fields = (
        "label",
        "kind",
        "minutes",
        "earliest",
        "latest",
        "priority",
        "staff_kind",
        "work_id",
        "section_id",
        "role_id",
        "venue_id",
        "performance_id",
    )
    for key, spec in specs.items():
        found = existing.get(key)
        if found is None:
            need = RehearsalNeed.objects.create(
                programme=programme,
                key=key,
                source=RehearsalNeed.Source.CASTING,
                updated_at=now,
                **{f: getattr(spec, f) for f in fields},
            )
            need.people.set(spec.people)
            result.created += 1
            continue
        need = found
        if need.source != RehearsalNeed.Source.CASTING or need.dismissed:
            continue
        changed = [f for f in fields if getattr(need, f) != getattr(spec, f)]
        if changed:
            for f in changed:
                setattr(need, f, getattr(spec, f))
            need.updated_at = now
            need.save(update_fields=[*changed, "updated_at"])
        if {d.pk for d in need.people.all()} != spec.people:
            need.people.set(spec.people)
            changed.append("people")
        if changed:
            result.updated += 1
    return result


def rehearsal_needs_refresh(*, programme: Programme, by: Any, now: dt.datetime) -> SyncResult:
    """Recompute the needs from the casting on request (the page's button)."""
    _require(by, Cap.EDIT_CASTING)
    return rehearsal_needs_sync(programme=programme, now=now)


NEED_FIELDS = ("label", "kind", "minutes", "earliest", "latest", "priority", "staff_kind", "notes")


def _validate_need(values: dict[str, Any]) -> None:
    if not str(values.get("label") or "").strip():
        raise ValidationFailed(_("Say what is to be rehearsed."), field="label")
    if values.get("kind") not in RehearsalNeed.Kind.values:
        raise ValidationFailed(
            _("Kind must be coaching, run-through, stage or dress rehearsal."), field="kind"
        )
    minutes = values.get("minutes")
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise ValidationFailed(_("Minutes must be between 1 and 1440."), field="minutes")
    earliest, latest = values.get("earliest"), values.get("latest")
    if not isinstance(earliest, dt.date) or not isinstance(latest, dt.date):
        raise ValidationFailed(_("Give the first and last day it may happen."), field="earliest")
    if latest < earliest:
        raise ValidationFailed(
            _("The last day comes before the first day; swap them."), field="latest"
        )
    priority = values.get("priority")
    if not isinstance(priority, int) or not 1 <= priority <= 5:
        raise ValidationFailed(_("Priority is 1 (most urgent) to 5."), field="priority")
    staff = values.get("staff_kind") or ""
    if staff and staff not in Staff.Kind.values:
        raise ValidationFailed(
            _("Unknown staff role “%(kind)s”.") % {"kind": staff}, field="staff_kind"
        )


@transaction.atomic
def rehearsal_need_create(
    *,
    programme: Programme,
    values: dict[str, Any],
    people: Iterable[Dancer] = (),
    work: Work | None = None,
    section: Section | None = None,
    by: Any,
    now: dt.datetime,
) -> RehearsalNeed:
    """A need entered by hand (``values``: label, kind, minutes, earliest, latest, priority…)."""
    _require(by, Cap.EDIT_CASTING)
    values = {k: values.get(k) for k in NEED_FIELDS}
    values["staff_kind"] = values.get("staff_kind") or ""
    values["notes"] = values.get("notes") or ""
    _validate_need(values)
    if section is not None and work is not None and section.work_id != work.pk:
        raise ValidationFailed(_("That section belongs to another work."), field="section")
    need = RehearsalNeed.objects.create(
        programme=programme,
        source=RehearsalNeed.Source.MANUAL,
        work=work or (section.work if section else None),
        section=section,
        updated_at=now,
        **values,
    )
    need.people.set(list(people))
    return need


@transaction.atomic
def rehearsal_need_update(
    *,
    need: RehearsalNeed,
    values: dict[str, Any],
    people: Iterable[Dancer] | None = None,
    by: Any,
    now: dt.datetime,
) -> RehearsalNeed:
    """Edit a need; a computed need edited by hand becomes manual and stays as edited."""
    _require(by, Cap.EDIT_CASTING)
    need = RehearsalNeed.objects.select_for_update().get(pk=need.pk)
    merged = {k: getattr(need, k) for k in NEED_FIELDS}
    merged.update({k: v for k, v in values.items() if k in NEED_FIELDS and v is not None})
    merged["staff_kind"] = merged.get("staff_kind") or ""
    merged["notes"] = merged.get("notes") or ""
    _validate_need(merged)
    for k, v in merged.items():
        setattr(need, k, v)
    need.source = RehearsalNeed.Source.MANUAL
    need.updated_at = now
    need.save()
    if people is not None:
        need.people.set(list(people))
    return need


@transaction.atomic
def rehearsal_need_delete(*, need: RehearsalNeed, by: Any, now: dt.datetime) -> None:
    """Remove a need; a computed one is dismissed so the computation does not bring it back."""
    _require(by, Cap.EDIT_CASTING)
    if need.key:
        need.dismissed = True
        need.source = RehearsalNeed.Source.MANUAL
        need.updated_at = now
        need.save(update_fields=["dismissed", "source", "updated_at"])
    else:
        need.delete()


# --------------------------------------------------------------------------- suggestions


def _positive_time_limit(value: float | None) -> float:
    default = float(getattr(settings, "CALLBOARD_CASTING_SOLVER_SECONDS", 5))
    limit = default if value is None else float(value)
    if not 0 < limit <= 120:
        raise ValidationFailed(
            _("The time limit is between 0 and 120 seconds."), field="time_limit"
        )
    return limit


SUGGESTION_GRACE_SECONDS = 60
"""How long past its time limit a suggestion that a worker started may stay "being worked
out" before its page says that the worker stopped (a process restarted, a machine lost)."""

SUGGESTION_QUEUE_SECONDS = 600
"""How long a suggestion may wait for a worker to start it (production workers may be busy
with long solves) before its page says that no worker took it."""


@transaction.atomic
def suggestion_request(
    *,
    programme: Programme,
    work: Work | None = None,
    performances: Sequence[Performance] | None = None,
    by: Any,
    now: dt.datetime,
    time_limit: float | None = None,
    seed: int = 0,
    covers: int | None = None,
    enqueue: bool = True,
) -> CastingProposal:
    """Record a request for a suggested casting of the empty places and hand it to a
    background worker (after commit); returns at once with the proposal *being worked out*.

    Nothing in the casting changes, now or when the answer comes, until someone accepts it.
    """
    _require(by, Cap.EDIT_CASTING)
    limit = _positive_time_limit(time_limit)
    if covers is not None and not 0 <= covers <= 9:
        raise ValidationFailed(_("Covers per role are 0 to 9."), field="covers")
    if not -(2**31) <= seed < 2**31:
        raise ValidationFailed(_("The seed is a whole number below 2,147,483,648."), field="seed")
    if (
        work is not None
        and not ProgrammeWork.objects.filter(programme=programme, work=work).exists()
    ):
        raise ValidationFailed(
            _("%(work)s is not on %(programme)s.")
            % {"work": work.title, "programme": programme.title},
            field="work",
        )
    coming = selectors.production_performances(programme, include_past=False, now=now)
    if performances is not None:
        wanted = {p.pk for p in performances}
        foreign = wanted - {p.pk for p in selectors.production_performances(programme)}
        if foreign:
            raise ValidationFailed(
                _("Some of those performances are not in this production."), field="performances"
            )
        coming = [p for p in coming if p.pk in wanted]
    coming = [p for p in coming if p.status != Performance.Status.PERFORMED]
    if not coming:
        raise ValidationFailed(_("This production has no coming performances to cast."))
    proposal = CastingProposal.objects.create(
        programme=programme,
        work=work,
        status=CastingProposal.Status.WORKING,
        created_at=now,
        created_by=_user(by),
        time_limit_seconds=limit,
        seed=seed,
        covers=covers,
    )
    proposal.performances.set(coming)
    if enqueue:
        proposal_pk = proposal.pk

        def send() -> None:
            jobs.enqueue("callboard.casting.tasks.suggestion_work_out", proposal_id=proposal_pk)

        transaction.on_commit(send)
    return proposal


def suggestion_work_out(*, proposal_id: int, now: dt.datetime) -> CastingProposal:
    """Run the solver for a proposal being worked out and store its answer in one
    transaction (the background job; also called directly by :func:`suggestion_create`).

    A proposal discarded or given up meanwhile is left as it is. If the solver fails, the
    proposal is marked failed with a message saying what to do; nothing else changes."""
    from callboard.casting.suggest.adapter import build_problem
    from callboard.casting.suggest.solver import solve

    proposal = CastingProposal.objects.select_related("programme", "work").get(pk=proposal_id)
    started = CastingProposal.objects.filter(
        pk=proposal_id, status=CastingProposal.Status.WORKING
    ).update(started_at=now)
    if not started:
        return proposal
    clock = time.perf_counter()
    try:
        built = build_problem(
            programme=proposal.programme,
            work=proposal.work,
            performances=list(proposal.performances.order_by("starts_at", "pk")),
            covers=proposal.covers,
        )
        solution = solve(
            built.problem,
            time_limit=proposal.time_limit_seconds,
            seed=proposal.seed,
            workers=_solver_workers(),
        )
    except Exception:
        log.exception("casting suggestion %s failed", proposal_id)
        CastingProposal.objects.filter(
            pk=proposal_id, status=CastingProposal.Status.WORKING
        ).update(
            status=CastingProposal.Status.FAILED,
            finished_at=now + dt.timedelta(seconds=time.perf_counter() - clock),
            error=_(
                "The suggestion could not be worked out. Ask for a new one; if it fails "
                "again, tell the company manager."
            ),
        )
        return CastingProposal.objects.get(pk=proposal_id)
    with transaction.atomic():
        proposal = CastingProposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status != CastingProposal.Status.WORKING:
            return proposal
        ProposalItem.objects.bulk_create(
            [
                ProposalItem(
                    proposal=proposal,
                    performance_id=pick.performance_id,
                    role_id=pick.role_id,
                    slot=slot,
                    kind=pick.kind,
                    rank=pick.rank,
                    dancer_id=pick.dancer_id,
                    note=built.notes.get((pick.performance_id, pick.role_id, pick.dancer_id), ""),
                )
                for pick, slot in built.place(solution.picks)
            ]
        )
        proposal.status = CastingProposal.Status.OPEN
        proposal.solver_status = solution.status
        proposal.objective = solution.objective
        proposal.explanation = solution.explanation
        proposal.finished_at = now + dt.timedelta(seconds=time.perf_counter() - clock)
        proposal.save(
            update_fields=["status", "solver_status", "objective", "explanation", "finished_at"]
        )
    return proposal


def suggestion_create(
    *,
    programme: Programme,
    work: Work | None = None,
    performances: Sequence[Performance] | None = None,
    by: Any,
    now: dt.datetime,
    time_limit: float | None = None,
    seed: int = 0,
    covers: int | None = None,
) -> CastingProposal:
    """Ask for a suggestion and work it out now, in the caller (commands, the demo); pages
    and the API use :func:`suggestion_request` instead."""
    proposal = suggestion_request(
        programme=programme,
        work=work,
        performances=performances,
        by=by,
        now=now,
        time_limit=time_limit,
        seed=seed,
        covers=covers,
        enqueue=False,
    )
    return suggestion_work_out(proposal_id=proposal.pk, now=now)


def suggestion_refresh(*, proposal: CastingProposal, now: dt.datetime) -> CastingProposal:
    """``proposal``, marked failed first if its worker stopped (started, and running much
    longer than its time limit) or no worker took it in time; pages and the API call this
    when they show it."""
    if proposal.status != CastingProposal.Status.WORKING:
        return proposal
    if proposal.started_at is None:
        deadline = proposal.created_at + dt.timedelta(seconds=SUGGESTION_QUEUE_SECONDS)
        error = _(
            "No worker took the suggestion: ask for a new one, and if this happens again, "
            "ask the company manager whether the background workers are running."
        )
    else:
        deadline = proposal.started_at + dt.timedelta(
            seconds=proposal.time_limit_seconds + SUGGESTION_GRACE_SECONDS
        )
        error = _(
            "The suggestion did not finish: the worker working it out stopped. Ask for a new one."
        )
    if now <= deadline:
        return proposal
    marked = CastingProposal.objects.filter(
        pk=proposal.pk, status=CastingProposal.Status.WORKING
    ).update(status=CastingProposal.Status.FAILED, finished_at=now, error=error)
    if marked:
        log.warning("casting suggestion %s lost its worker; marked failed", proposal.pk)
    proposal.refresh_from_db()
    return proposal


def _decided_conflict(proposal: CastingProposal) -> Conflict:
    if proposal.status == CastingProposal.Status.WORKING:
        return Conflict(_("This suggestion is still being worked out: wait a few seconds."))
    if proposal.status == CastingProposal.Status.FAILED:
        return Conflict(_("This suggestion could not be worked out: ask for a new one."))
    return Conflict(
        _("This suggestion has already been %(status)s.")
        % {"status": proposal.get_status_display().lower()}
    )


def _solver_workers() -> int:
    return int(getattr(settings, "CALLBOARD_CASTING_SOLVER_WORKERS", 2))


@transaction.atomic
def suggestion_accept(
    *,
    proposal: CastingProposal,
    by: Any,
    now: dt.datetime,
    item_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Apply the chosen items of a proposal (all by default) through :func:`cast_assign`.

    Each item is checked again now: a slot someone filled meanwhile, or a dancer no longer
    available, is reported and left alone.
    """
    _require(by, Cap.APPROVE_CASTING)
    proposal = CastingProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != CastingProposal.Status.OPEN:
        raise _decided_conflict(proposal)
    items = list(
        proposal.items.select_related(
            "performance__venue", "performance__programme", "role__work", "dancer__person"
        )
    )
    if item_ids is not None:
        chosen = {int(i) for i in item_ids}
        unknown = chosen - {i.pk for i in items}
        if unknown:
            raise ValidationFailed(
                _("Some chosen lines are not part of this suggestion."), field="items"
            )
        items = [i for i in items if i.pk in chosen]
    applied, skipped = 0, []
    for item in items:
        try:
            with transaction.atomic():
                cast_assign(
                    performance=item.performance,
                    role=item.role,
                    dancer=item.dancer,
                    slot=item.slot,
                    kind=item.kind,
                    rank=item.rank,
                    by=by,
                    now=now,
                    reason=_("Accepted casting suggestion %(id)s") % {"id": proposal.pk},
                )
            applied += 1
        except (ValidationFailed, Conflict, NotFound) as exc:
            skipped.append(f"{_describe(item.performance)} — {item.role.name}: {exc.message}")
    proposal.status = CastingProposal.Status.ACCEPTED
    proposal.decided_at = now
    proposal.decided_by = _user(by)
    proposal.outcome = {"applied": applied, "skipped": skipped}
    proposal.save(update_fields=["status", "decided_at", "decided_by", "outcome"])
    audit.record(
        actor=by,
        action="casting.accept_suggestion",
        obj=proposal,
        parent=proposal.programme,
        summary=_(
            "Accepted casting suggestion %(id)s: %(applied)s place(s) cast, %(skipped)s left."
        )
        % {"id": proposal.pk, "applied": applied, "skipped": len(skipped)},
        changes={"status": ["open", "accepted"]},
        at=now,
    )
    return proposal.outcome


@transaction.atomic
def suggestion_discard(*, proposal: CastingProposal, by: Any, now: dt.datetime) -> CastingProposal:
    """Discard a suggestion under review, or one still being worked out (its answer, when
    it comes, is then dropped); nothing in the casting changes."""
    _require(by, Cap.EDIT_CASTING)
    proposal = CastingProposal.objects.select_for_update().get(pk=proposal.pk)
    before = proposal.status
    if before not in (CastingProposal.Status.OPEN, CastingProposal.Status.WORKING):
        raise _decided_conflict(proposal)
    proposal.status = CastingProposal.Status.DISCARDED
    proposal.decided_at = now
    proposal.decided_by = _user(by)
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        actor=by,
        action="casting.discard_suggestion",
        obj=proposal,
        parent=proposal.programme,
        summary=_("Discarded casting suggestion %(id)s.") % {"id": proposal.pk},
        changes={"status": [str(before), "discarded"]},
        at=now,
    )
    return proposal


@transaction.atomic
def notification_mark_read(
    *, notification: Notification, person: Person | None, now: dt.datetime
) -> Notification:
    if person is None or notification.person_id != person.pk:
        raise NotFound(_("No such notification among yours."))
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification
