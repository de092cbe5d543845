"""Family comps: a dancer claims seats for family within their quota, the box office confirms
(giving seats) or declines; a dancer may cancel their claim."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callboard.audit import services as audit
from callboard.boxoffice.models import (
    CompQuota,
    FamilyComp,
    Hold,
)
from callboard.boxoffice.services.holds import hold_create, hold_issue
from callboard.boxoffice.services.locking import (
    DEFAULT_COMP_QUOTA,
    DEFAULT_OTHER_QUOTA,
    BestRequest,
    Busy,
    SeatsTaken,
    _when,
    contended,
)
from callboard.company.models import Dancer, Person
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
)
from callboard.core.roles import Cap, require
from callboard.season.models import Performance


def comp_quota(rank: str) -> int:
    row = CompQuota.objects.filter(rank=rank).first()
    if row is not None:
        return row.seats
    return DEFAULT_COMP_QUOTA.get(rank, DEFAULT_OTHER_QUOTA)


@transaction.atomic
def comp_quota_set(*, rank: str, seats: int, by: Actor, now: datetime) -> CompQuota:
    require(by, Cap.MANAGE_HOLDS)
    if rank not in Dancer.Rank.values:
        raise ValidationFailed(_("Unknown rank."), field="rank")
    if not 0 <= seats <= 20:
        raise ValidationFailed(_("Between 0 and 20 seats."), field="seats")
    quota, _created = CompQuota.objects.update_or_create(rank=rank, defaults={"seats": seats})
    return quota


def _claimed(performance: Performance, dancer: Dancer, exclude: int | None = None) -> int:
    qs = FamilyComp.objects.filter(
        performance=performance,
        dancer=dancer,
        status__in=[FamilyComp.Status.REQUESTED, FamilyComp.Status.CONFIRMED],
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.aggregate(n=Sum("seats"))["n"] or 0


@contended
def comp_claim(
    *,
    dancer: Dancer,
    performance: Performance,
    guest_name: str,
    seats: int,
    now: datetime,
    guest: Person | None = None,
    note: str = "",
    by: Actor,
) -> FamilyComp:
    """A dancer asks for family comps; the box office confirms them."""
    require(by, Cap.CLAIM_COMPS)
    dancer = Dancer.objects.select_for_update().get(pk=dancer.pk)  # one claim at a time per dancer
    if performance.starts_at <= now or performance.status == Performance.Status.CANCELLED:
        raise Conflict(_("Comps can only be claimed for a coming performance."))
    if not (guest_name or "").strip():
        raise ValidationFailed(_("Give your guest's name."), field="guest_name")
    if seats < 1:
        raise ValidationFailed(_("Ask for at least one seat."), field="seats")
    quota = comp_quota(dancer.rank)
    used = _claimed(performance, dancer)
    if used + seats > quota:
        raise Conflict(
            ngettext(
                "You may claim %(q)s comp for this performance and have claimed %(u)s already.",
                "You may claim %(q)s comps for this performance and have claimed %(u)s already.",
                quota,
            )
            % {"q": quota, "u": used},
            detail={"code": "quota", "quota": quota, "claimed": used},
        )
    claim = FamilyComp.objects.create(
        performance=performance,
        dancer=dancer,
        guest_name=guest_name.strip()[:200],
        guest=guest,
        seats=seats,
        note=note.strip()[:250],
        requested_at=now,
    )
    audit.record(
        actor=by,
        action="comp.claim",
        obj=claim,
        parent=performance,
        subject=dancer.person,
        summary=_("%(dancer)s asked for %(n)s family comp(s) at %(when)s for %(guest)s.")
        % {
            "dancer": dancer.person,
            "n": seats,
            "when": _when(performance),
            "guest": claim.guest_name,
        },
        changes={"status": [None, claim.get_status_display()]},
        at=now,
    )
    return claim


@contended
def comp_cancel(*, claim: FamilyComp, dancer: Dancer, now: datetime, by: Actor) -> FamilyComp:
    claim = FamilyComp.objects.select_for_update().get(pk=claim.pk)
    if claim.dancer_id != dancer.pk:
        raise PermissionDenied(_("This is not your claim."))
    if claim.status != FamilyComp.Status.REQUESTED:
        raise Conflict(_("Only a claim still waiting for the box office can be withdrawn."))
    was = claim.get_status_display()
    claim.status = FamilyComp.Status.CANCELLED
    claim.decided_at = now
    claim.save(update_fields=["status", "decided_at"])
    audit.record(
        actor=by,
        action="comp.cancel",
        obj=claim,
        parent=claim.performance,
        subject=dancer.person,
        summary=_("%(dancer)s withdrew the family comp claim for %(guest)s.")
        % {"dancer": dancer.person, "guest": claim.guest_name},
        changes={"status": [was, claim.get_status_display()]},
        at=now,
    )
    return claim


def comp_confirm(
    *, claim: FamilyComp, now: datetime, by: Actor, seat_ids: list[int] | None = None
) -> FamilyComp:
    """Confirm a family comp: hold seats for the guest (chosen, or the best together) and
    issue the comp tickets from that hold, all at once."""
    require(by, Cap.MANAGE_HOLDS)
    try:
        with transaction.atomic():
            claim = (
                FamilyComp.objects.select_for_update()
                .select_related("dancer__person", "performance")
                .get(pk=claim.pk)
            )
            if claim.status != FamilyComp.Status.REQUESTED:
                raise Conflict(_("This claim has been decided already."))
            hold = hold_create(
                performance=claim.performance,
                kind=Hold.Kind.FAMILY_COMP,
                reason=_("Family comp from %(d)s for %(g)s")
                % {"d": claim.dancer.person, "g": claim.guest_name},
                owner=claim.dancer.person,
                seat_ids=seat_ids,
                best=None if seat_ids else BestRequest(count=claim.seats),
                by=by,
                now=now,
            )
            order = hold_issue(
                hold=hold,
                buyer_name=claim.guest_name,
                comp_reason=_("Family comp"),
                by=by,
                now=now,
            )
            claim.status = FamilyComp.Status.CONFIRMED
            claim.decided_at = now
            claim.decided_by = user_of(by)
            claim.hold = hold
            claim.order = order
            claim.save()
            audit.record(
                actor=by,
                action="comp.confirm",
                obj=claim,
                parent=claim.performance,
                subject=claim.dancer.person,
                summary=_(
                    "Confirmed %(dancer)s's family comp for %(guest)s: %(n)s seat(s), order "
                    "%(ref)s."
                )
                % {
                    "dancer": claim.dancer.person,
                    "guest": claim.guest_name,
                    "n": claim.seats,
                    "ref": order.reference,
                },
                changes={
                    "status": [str(FamilyComp.Status.REQUESTED.label), claim.get_status_display()]
                },
                at=now,
            )
            return claim
    except IntegrityError as exc:
        raise SeatsTaken() from exc
    except OperationalError as exc:
        raise Busy() from exc


@transaction.atomic
def comp_decline(*, claim: FamilyComp, now: datetime, by: Actor, note: str = "") -> FamilyComp:
    require(by, Cap.MANAGE_HOLDS)
    claim = FamilyComp.objects.select_for_update().get(pk=claim.pk)
    if claim.status != FamilyComp.Status.REQUESTED:
        raise Conflict(_("This claim has been decided already."))
    claim.status = FamilyComp.Status.DECLINED
    claim.decided_at = now
    claim.decided_by = user_of(by)
    if note:
        claim.note = note.strip()[:250]
    claim.save(update_fields=["status", "decided_at", "decided_by", "note"])
    audit.record(
        actor=by,
        action="comp.decline",
        obj=claim,
        parent=claim.performance,
        subject=claim.dancer.person,
        summary=_("Declined %(dancer)s's family comp claim for %(guest)s.")
        % {"dancer": claim.dancer.person, "guest": claim.guest_name}
        + (f" {note.strip()[:250]}" if note.strip() else ""),
        changes={"status": [str(FamilyComp.Status.REQUESTED.label), claim.get_status_display()]},
        at=now,
    )
    return claim
