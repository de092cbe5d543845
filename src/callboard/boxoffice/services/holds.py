"""Holds: house, press, family-comp and kill holds on seats, released by hand or by their
release time, and issued as tickets."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.availability import house_changed
from callboard.boxoffice.models import (
    Hold,
    Order,
    PerformanceSeat,
    Seat,
    SeatClaim,
)
from callboard.boxoffice.services.locking import (
    BestRequest,
    _claim,
    _claim_best,
    _hold_words,
    _labels,
    _lock,
    _seats_for,
    _when,
    contended,
)
from callboard.boxoffice.services.sales import _check_order_input, _issue
from callboard.company.models import Person
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    ValidationFailed,
)
from callboard.core.roles import Cap, require
from callboard.season.models import Performance


@contended
def hold_create(
    *,
    performance: Performance,
    kind: str,
    reason: str,
    now: datetime,
    seat_ids: list[int] | None = None,
    best: BestRequest | None = None,
    owner: Person | None = None,
    owner_label: str = "",
    release_at: datetime | None = None,
    by: Actor,
) -> Hold:
    """Take seats off sale for a purpose (house, press, family comps, kills)."""
    require(by, Cap.MANAGE_HOLDS)
    if kind not in Hold.Kind.values:
        raise ValidationFailed(_("Unknown kind of hold."), field="kind")
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the seats are held."), field="reason")
    if owner is None and not owner_label.strip():
        raise ValidationFailed(_("Say who the seats are held for."), field="owner")
    if release_at is not None and release_at <= now:
        raise ValidationFailed(_("The release time must be in the future."), field="release_at")
    if performance.starts_at <= now:
        raise Conflict(_("This performance has begun; holds can no longer be placed."))
    if not PerformanceSeat.objects.filter(performance=performance).exists():
        raise Conflict(_("Open the house for this performance first (put it on sale)."))
    hold = Hold.objects.create(
        performance=performance,
        kind=kind,
        reason=reason.strip()[:250],
        owner=owner,
        owner_label=owner_label.strip()[:200],
        release_at=release_at,
        created_at=now,
        created_by=user_of(by),
    )
    if seat_ids:
        _seats_for(performance, seat_ids)
        claims = _claim(
            performance=performance, seat_ids=seat_ids, now=now, kind=SeatClaim.Kind.HOLD, hold=hold
        )
    elif best is not None:
        claims = _claim_best(
            performance=performance, best=best, now=now, kind=SeatClaim.Kind.HOLD, hold=hold
        )
    else:
        raise ValidationFailed(_("Choose the seats to hold."), field="seats")
    seats = _labels(
        Seat.objects.select_related("section").filter(pk__in=[c.seat_id for c in claims])
    )
    words = {
        "n": len(claims),
        "what": _hold_words(hold),
        "seats": seats,
        "reason": hold.reason,
        "when": _when(performance),
    }
    summary = (
        _("Killed %(n)s seat(s) at %(when)s (%(seats)s): %(reason)s.")
        if kind == Hold.Kind.KILL
        else _("Held %(n)s seat(s) at %(when)s, %(what)s (%(seats)s): %(reason)s.")
    ) % words
    if release_at is not None:
        back = _("Back on sale at %(at)s.") % {"at": audit.jsonable(release_at)}
        summary = f"{summary} {back}"
    audit.record(
        actor=by,
        action="hold.kill" if kind == Hold.Kind.KILL else "hold.create",
        obj=hold,
        parent=performance,
        summary=summary,
        changes={"seats": [None, seats]},
        at=now,
    )
    return hold


@contended
def hold_release(
    *, hold: Hold, now: datetime, seat_ids: list[int] | None = None, by: Actor
) -> Hold:
    """Put held seats (all, or some) back on sale now."""
    require(by, Cap.MANAGE_HOLDS)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    claims = hold.claims.filter(active=True, kind=SeatClaim.Kind.HOLD)
    if seat_ids:
        claims = claims.filter(seat_id__in=seat_ids)
    released = claims.update(active=False, ended_at=now)
    house_changed([hold.performance_id])
    if not hold.claims.filter(active=True, kind=SeatClaim.Kind.HOLD).exists():
        hold.released_at = now
        hold.save(update_fields=["released_at"])
    if released:
        audit.record(
            actor=by,
            action="hold.release",
            obj=hold,
            parent=hold.performance,
            summary=_("Released %(n)s seat(s) of the hold (%(what)s); they are back on sale.")
            % {"n": released, "what": _hold_words(hold)},
            changes={"released": [None, audit.jsonable(now)]} if hold.released_at else None,
            at=now,
        )
    return hold


@contended
def hold_issue(
    *,
    hold: Hold,
    buyer_name: str,
    now: datetime,
    seat_ids: list[int] | None = None,
    kind: str = Order.Kind.COMP,
    comp_reason: str = "",
    buyer_email: str = "",
    by: Actor,
) -> Order:
    """Give held seats to someone: comps (press, family) or a sale (house seats)."""
    require(by, Cap.MANAGE_HOLDS)
    hold = (
        Hold.objects.select_for_update(of=("self",)).select_related("performance").get(pk=hold.pk)
    )
    reason = comp_reason or f"{hold.get_kind_display()}: {hold.reason}"
    _check_order_input(kind=kind, buyer_name=buyer_name, comp_reason=reason, may_sell=True)
    performance = hold.performance
    live = hold.claims.filter(active=True, kind=SeatClaim.Kind.HOLD)
    wanted = list(live.values_list("seat_id", flat=True))
    if seat_ids:
        if not set(seat_ids) <= set(wanted):
            raise ValidationFailed(
                _("Some of those seats are not held by this hold."), field="seats"
            )
        wanted = list(seat_ids)
    if not wanted:
        raise Conflict(_("This hold has no seats left to give."))
    _lock((performance.pk, sid) for sid in wanted)
    claims = list(
        hold.claims.filter(active=True, kind=SeatClaim.Kind.HOLD, seat_id__in=wanted)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("seat_id")
    )
    if len(claims) != len(wanted):
        raise Conflict(_("Some of those held seats have been released already."))
    order = _issue(
        performance=performance,
        claims=claims,
        kind=kind,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        comp_reason=reason,
        provider_code="box_office",
        channel="box_office",
        user=by,
        now=now,
        hold=hold,
    )
    audit.record(
        actor=by,
        action="hold.issue",
        obj=hold,
        parent=performance,
        summary=_("Gave %(n)s held seat(s) (%(what)s) to %(buyer)s: order %(ref)s.")
        % {
            "n": len(claims),
            "what": _hold_words(hold),
            "buyer": order.buyer_name,
            "ref": order.reference,
        },
        at=now,
    )
    return order
