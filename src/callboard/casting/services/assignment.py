"""Casting a dancer in a place (first, second or third cast, or a ranked cover), removing
them, copying a cast to other performances, and recording the roles danced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting import selectors
from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    DancedRecord,
    parse_layer,
)
from callboard.casting.rules import Booking, CastingContext, Finding, check
from callboard.casting.services.common import (
    _audit_cast,
    _check_open,
    _check_role_in_programme,
    _describe,
    _lock_dancers,
    _lock_performances,
    _need_reason,
    _published,
    _record_change,
    _refuse_if_blocking,
    _slot_words,
    _validate_cell,
)
from callboard.casting.services.needs import rehearsal_needs_sync
from callboard.company.models import Dancer
from callboard.core.actors import Actor, user_of
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.repertoire.models import DancerRole, Role, Work
from callboard.season.models import Performance
from callboard.season.selectors import local_day


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
    by: Actor,
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
    require(by, Cap.EDIT_CASTING)
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
        current.assigned_by = user_of(by)
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
                    assigned_by=user_of(by),
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
    by: Actor,
    now: dt.datetime,
    reason: str = "",
) -> CastResult:
    """Empty a slot. Announced casting needs a ``reason``, is logged and tells the dancer."""
    require(by, Cap.EDIT_CASTING)
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
    by: Actor,
    now: dt.datetime,
    reason: str = "",
) -> CopyResult:
    """Copy the casting of ``source`` (one work, or all) to ``targets`` in one step.

    Slots already filled in a target are kept unless ``overwrite``. A dancer who cannot
    dance a target (unavailable that day, on stage elsewhere) is skipped there and the
    result says so; everything else is copied. Announced targets need a ``reason``.
    """

    require(by, Cap.EDIT_CASTING)
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
                        day=local_day(t),
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
                    current.assigned_by = user_of(by)
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
                        assigned_by=user_of(by),
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
    day = local_day(performance)
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
