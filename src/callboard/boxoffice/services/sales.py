"""Carts and orders: a cart holds seats for ten minutes; an order sells them, reserves them
unpaid (online or at the counter) or gives them as comps; then payment, confirmation,
refunds and exchanges."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.models import (
    Cart,
    Hold,
    Order,
    Seat,
    SeatClaim,
    Ticket,
)
from callboard.boxoffice.payments import get_provider
from callboard.boxoffice.services.locking import (
    CART_MINUTES,
    MAX_SEATS_PER_CART,
    BestRequest,
    SeatsTaken,
    _check_seat_ids,
    _claim,
    _claim_best,
    _code,
    _end_expired,
    _hold_words,
    _labels,
    _lapse,
    _lock,
    _moment,
    _money,
    _require_on_sale,
    _seats_for,
    _sweep,
    _when,
    contended,
)
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from callboard.core.roles import Cap, require
from callboard.season.models import Performance


def _cart_claims(cart: Cart, now: datetime) -> QuerySet[SeatClaim]:
    return cart.claims.filter(active=True, kind=SeatClaim.Kind.CART, expires_at__gt=now)


@contended
def cart_create(
    *,
    performance: Performance,
    now: datetime,
    seat_ids: list[int] | None = None,
    best: BestRequest | None = None,
    by: Actor,
) -> Cart:
    """Hold seats for a buyer for ten minutes: chosen ones, or the best ``best.count`` together."""
    _require_on_sale(performance, now)
    if not seat_ids and best is None:
        raise ValidationFailed(_("Choose seats on the map or ask for the best available."))
    cart = Cart.objects.create(
        token=secrets.token_urlsafe(24),
        performance=performance,
        created_at=now,
        expires_at=now + timedelta(minutes=CART_MINUTES),
        user=user_of(by),
    )
    _cart_put(cart, now, seat_ids=seat_ids, best=best, empty=True)
    return cart


@contended
def cart_add(
    *, cart: Cart, now: datetime, seat_ids: list[int] | None = None, best: BestRequest | None = None
) -> Cart:
    cart = _open_cart(cart, now)
    _require_on_sale(cart.performance, now)
    _cart_put(cart, now, seat_ids=seat_ids, best=best)
    return cart


def _cart_put(
    cart: Cart,
    now: datetime,
    *,
    seat_ids: list[int] | None,
    best: BestRequest | None,
    empty: bool = False,
) -> None:
    """``empty``: the cart was made in this transaction (no need to count its seats)."""
    have = 0 if empty else _cart_claims(cart, now).count()
    wanted = len(seat_ids) if seat_ids else (best.count if best else 0)
    if have + wanted > MAX_SEATS_PER_CART:
        raise ValidationFailed(
            _("At most %(n)s seats per order.") % {"n": MAX_SEATS_PER_CART}, field="seats"
        )
    if seat_ids:
        # Whether the seats are in this performance's house is checked when they are locked.
        _check_seat_ids(seat_ids)
        _claim(
            performance=cart.performance,
            seat_ids=seat_ids,
            now=now,
            kind=SeatClaim.Kind.CART,
            cart=cart,
        )
    elif best is not None:
        _claim_best(
            performance=cart.performance, best=best, now=now, kind=SeatClaim.Kind.CART, cart=cart
        )


def _open_cart(cart: Cart, now: datetime) -> Cart:
    """Lock the cart row and make sure it can still be used."""
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("performance__venue")
        .get(pk=cart.pk)
    )
    _check_open(cart, now)
    return cart


def _check_open(cart: Cart, now: datetime) -> None:
    """Make sure a (locked) cart can still be used."""
    if cart.status == Cart.Status.ORDERED:
        raise Conflict(_("This cart has already been ordered."), detail={"code": "cart_ordered"})
    if cart.status != Cart.Status.OPEN or cart.expires_at <= now:
        raise Conflict(
            _("Your ten minutes ran out and the seats went back on sale. Choose seats again."),
            detail={"code": "cart_expired"},
        )


@contended
def cart_remove_seat(*, cart: Cart, seat_id: int, now: datetime) -> Cart:
    cart = _open_cart(cart, now)
    n = cart.claims.filter(active=True, seat_id=seat_id).update(active=False, ended_at=now)
    if not n:
        raise NotFound(_("That seat is not in your cart."))
    return cart


@contended
def cart_release(*, cart: Cart, now: datetime) -> Cart:
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.status == Cart.Status.OPEN:
        cart.claims.filter(active=True).update(active=False, ended_at=now)
        cart.status = Cart.Status.RELEASED
        cart.save(update_fields=["status"])
    return cart


def reservation_pay_by(*, performance: Performance, online: bool, now: datetime) -> datetime:
    """When an unpaid order made now lapses (never after curtain).

    Online: ``CALLBOARD_ONLINE_RESERVATION_MINUTES`` after it is made. At the box office (a
    telephone booking, say): ``CALLBOARD_BOX_OFFICE_RESERVATION_HOURS`` before curtain, or the
    online window if that moment is already nearer than it.
    """
    curtain = performance.starts_at
    window = now + timedelta(minutes=settings.CALLBOARD_ONLINE_RESERVATION_MINUTES)
    if not online:
        counter = curtain - timedelta(hours=settings.CALLBOARD_BOX_OFFICE_RESERVATION_HOURS)
        if counter > window:
            return counter
    return min(window, curtain)


def _new_ticket(order: Order, seat: Seat, now: datetime, price: Decimal) -> Ticket:
    return Ticket(
        order=order,
        performance_id=order.performance_id,
        seat=seat,
        zone_id=seat.zone_id,
        price=price,
        code=_code(10),
        issued_at=now,
    )


def _check_order_input(*, kind: str, buyer_name: str, comp_reason: str, may_sell: bool) -> None:
    if kind not in Order.Kind.values:
        raise ValidationFailed(_("Unknown kind of order."), field="kind")
    if not (buyer_name or "").strip():
        raise ValidationFailed(_("Give the name the tickets are for."), field="buyer_name")
    if kind in (Order.Kind.SALE, Order.Kind.COMP) and not may_sell:
        raise PermissionDenied(
            _("Only the box office can make sales at the counter or give comps.")
        )
    if kind == Order.Kind.COMP and not (comp_reason or "").strip():
        raise ValidationFailed(_("Say why these seats are complimentary."), field="comp_reason")


def _issue(
    *,
    performance: Performance,
    claims: list[SeatClaim],
    kind: str,
    buyer_name: str,
    buyer_email: str,
    comp_reason: str,
    provider_code: str,
    channel: str,
    user: Any,
    now: datetime,
    cart: Cart | None = None,
    hold: Hold | None = None,
    seats: dict[int, Seat] | None = None,
    online: bool = False,
    client_address: str = "",
) -> Order:
    """Write the order and its tickets for ``claims`` (their seats locked and checked).

    An order not paid at once gets a pay-by time (:func:`reservation_pay_by`): its tickets'
    claims expire then, so its seats go back on sale even before the sweeper lapses it.

    ``seats``: the claims' seats with their section and zone, if the caller has read them.
    The claims become the tickets' only if they are still live claims (a cleanup job may end
    them without the seat locks); otherwise nothing is written and the buyer is told.
    The tickets, with their seats, are left on ``order.issued_tickets`` for the answer.
    """
    provider = get_provider(provider_code)
    if seats is None:
        seats = {
            s.pk: s
            for s in Seat.objects.select_related("zone", "section").filter(
                pk__in=[c.seat_id for c in claims]
            )
        }
    comp = kind == Order.Kind.COMP
    prices = [Decimal(0) if comp else seats[c.seat_id].zone.price for c in claims]
    pay_by = None if comp else reservation_pay_by(performance=performance, online=online, now=now)
    order = Order.objects.create(
        reference=_code(6)[:10],
        performance=performance,
        kind=kind,
        status=Order.Status.COMPLIMENTARY if comp else Order.Status.AWAITING_PAYMENT,
        buyer_name=buyer_name.strip()[:200],
        buyer_email=(buyer_email or "").strip(),
        comp_reason=(comp_reason or "").strip()[:200],
        provider=provider.code,
        channel=channel,
        cart=cart,
        hold=hold,
        created_at=now,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        total=sum(prices, Decimal(0)),
        pay_by=pay_by,
        client_address=client_address or None,
    )
    tickets = [
        _new_ticket(order, seats[c.seat_id], now, price)
        for c, price in zip(claims, prices, strict=True)
    ]
    Ticket.objects.bulk_create(tickets)
    turned = (
        SeatClaim.objects.filter(
            pk__in=[c.pk for c in claims],
            active=True,
            kind__in=[SeatClaim.Kind.CART, SeatClaim.Kind.HOLD],
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .update(
            kind=SeatClaim.Kind.TICKET,
            expires_at=pay_by,
            ticket=Subquery(
                Ticket.objects.filter(order=order, seat_id=OuterRef("seat_id")).values("pk")[:1]
            ),
        )
    )
    if turned != len(claims):
        raise Conflict(
            _("Some of those seats went back on sale before the order was made. Choose again."),
            detail={"code": "cart_expired"},
        )
    for claim, ticket in zip(claims, tickets, strict=True):
        claim.kind = SeatClaim.Kind.TICKET
        claim.ticket = ticket
        claim.expires_at = pay_by
    if not comp:
        outcome = provider.begin(order=order, at_counter=kind == Order.Kind.SALE, now=now)
        if outcome.paid or outcome.reference:
            if outcome.paid:
                order.status = Order.Status.PAID
                order.paid_at = now
                order.pay_by = None
                SeatClaim.objects.filter(pk__in=[c.pk for c in claims]).update(expires_at=None)
                for claim in claims:
                    claim.expires_at = None
            order.payment_reference = outcome.reference[:120]
            order.save(update_fields=["status", "paid_at", "payment_reference", "pay_by"])
    summary = _(
        "Order %(ref)s (%(kind)s) for %(buyer)s: %(n)s ticket(s) for %(when)s, %(seats)s; "
        "total %(total)s."
    ) % {
        "ref": order.reference,
        "kind": order.get_kind_display().lower(),
        "buyer": order.buyer_name,
        "n": len(tickets),
        "when": _when(performance),
        "seats": _labels(seats[c.seat_id] for c in claims),
        "total": _money(order.total),
    }
    if hold is not None:
        summary = f"{summary} " + _("From the hold: %(hold)s.") % {"hold": _hold_words(hold)}
    online = channel != "box_office" and not getattr(user, "is_authenticated", False)
    audit.record(
        actor=user,
        action="order.create",
        obj=order,
        parent=performance,
        summary=summary,
        changes={"status": [None, order.get_status_display()]},
        at=now,
        actor_name=_("%(buyer)s (online)") % {"buyer": order.buyer_name} if online else None,
    )
    order.issued_tickets = tickets  # type: ignore[attr-defined]
    return order


def _valid_email(raw: str) -> str:
    email = (raw or "").strip()
    if not email:
        raise ValidationFailed(
            _("Give an e-mail address: the tickets and the payment link are sent there."),
            field="buyer_email",
        )
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("“%(email)s” is not an e-mail address; check it and try again.")
            % {"email": email[:80]},
            field="buyer_email",
        ) from None
    return email


def _serialise(keys: Iterable[str]) -> None:
    """Let one transaction at a time count and add orders for each key (PostgreSQL advisory
    locks, released at commit; SQLite's IMMEDIATE transactions serialise writers already)."""
    if connection.vendor != "postgresql":
        return
    ordered = sorted(set(keys))
    if not ordered:
        return
    locks = ", ".join("pg_advisory_xact_lock(hashtextextended(%s, 0))" for _k in ordered)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {locks}", ordered)


def _check_reservation_limits(
    *, performance: Performance, email: str, address: str, now: datetime
) -> None:
    """Unpaid orders for one performance are limited per buyer e-mail and per client address,
    so nobody can fill a house with reservations they never pay for."""
    per_email = settings.CALLBOARD_RESERVATIONS_PER_EMAIL
    per_address = settings.CALLBOARD_RESERVATIONS_PER_ADDRESS
    by_email = Q(buyer_email__iexact=email)
    by_address = Q(client_address=address) if address else Q(pk__in=[])
    _serialise(
        [f"cb-resv:{performance.pk}:e:{email.lower()}"]
        + ([f"cb-resv:{performance.pk}:a:{address}"] if address else [])
    )
    counts = Order.objects.filter(
        performance=performance, status=Order.Status.AWAITING_PAYMENT, pay_by__gt=now
    ).aggregate(
        email=Count("pk", filter=by_email),
        address=Count("pk", filter=by_address),
        first=Min("pay_by", filter=by_email),
    )
    if counts["email"] >= per_email:
        first = counts["first"]
        raise Conflict(
            _(
                "%(email)s already has %(n)s unpaid reservation(s) for this performance. Pay for "
                "them first, or wait until they lapse (the first at %(when)s)."
            )
            % {"email": email[:80], "n": per_email, "when": _moment(first, performance)},
            detail={"code": "reservation_limit", "per": "email", "limit": per_email},
        )
    if address and counts["address"] >= per_address:
        raise Conflict(
            _(
                "Too many unpaid reservations for this performance come from your connection "
                "(at most %(n)s). Pay for them first, or ask the box office."
            )
            % {"n": per_address},
            detail={"code": "reservation_limit", "per": "address", "limit": per_address},
        )


@contended
def order_checkout(
    *,
    cart: Cart,
    buyer_name: str,
    now: datetime,
    buyer_email: str = "",
    kind: str = Order.Kind.RESERVATION,
    comp_reason: str = "",
    provider: str = "box_office",
    channel: str = "web",
    by: Actor,
    may_sell: bool = False,
    client_address: str = "",
) -> Order:
    """Turn a cart into an order with one ticket per seat. Confirming the same cart again
    returns the same order (safe to retry after a lost answer).

    Without ``may_sell`` (a buyer online, not the box office) the buyer must give a valid
    e-mail, and unpaid orders for the performance are limited per e-mail and per
    ``client_address`` (``CALLBOARD_RESERVATIONS_PER_EMAIL`` / ``_PER_ADDRESS``)."""
    locked = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("performance__venue")
        .get(pk=cart.pk)
    )
    if locked.status == Cart.Status.ORDERED:
        return Order.objects.get(cart=locked)
    _check_order_input(kind=kind, buyer_name=buyer_name, comp_reason=comp_reason, may_sell=may_sell)
    cart = locked
    _check_open(cart, now)
    performance = cart.performance
    _require_on_sale(performance, now)
    online = not may_sell
    if online:
        buyer_email = _valid_email(buyer_email)
        _check_reservation_limits(
            performance=performance, email=buyer_email, address=client_address, now=now
        )
    claims = list(
        cart.claims.filter(active=True)
        .select_related("seat__section", "seat__zone")
        .order_by("seat_id")
    )
    if not claims:
        raise ValidationFailed(_("Your cart is empty: choose seats first."), field="seats")
    if any(
        c.kind != SeatClaim.Kind.CART or c.expires_at is None or c.expires_at <= now for c in claims
    ):
        raise Conflict(
            _("Your ten minutes ran out and the seats went back on sale. Choose seats again."),
            detail={"code": "cart_expired"},
        )
    # Under the seat locks, _issue turns the claims into tickets only if they are still live.
    _lock((performance.pk, c.seat_id) for c in claims)
    order = _issue(
        performance=performance,
        claims=claims,
        kind=kind,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        comp_reason=comp_reason,
        provider_code=provider,
        channel=channel,
        user=by,
        now=now,
        cart=cart,
        seats={c.seat_id: c.seat for c in claims},
        online=online,
        client_address=client_address,
    )
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.ORDERED)
    cart.status = Cart.Status.ORDERED
    return order


@contended
def order_mark_paid(*, order: Order, now: datetime, reference: str = "", by: Actor) -> Order:
    """Record an order's payment: the box office took the money, or the payment provider's
    verified notification arrived. A payment recorded again changes nothing.

    A payment that arrives after the order's pay-by time keeps the seats if they are still the
    order's (nobody else took them meanwhile). If they were sold again, the order cannot be
    kept: money taken by a provider is refunded through it, and the box office is told not to
    take the money.
    """
    require(by, Cap.SELL_TICKETS)
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("performance").get(pk=order.pk)
    )
    if order.status == Order.Status.PAID and (
        not reference or reference == order.payment_reference
    ):
        return order
    late = order.status == Order.Status.LAPSED or (
        order.status == Order.Status.AWAITING_PAYMENT
        and order.pay_by is not None
        and order.pay_by <= now
    )
    if order.status not in (Order.Status.AWAITING_PAYMENT, Order.Status.CONFIRMED) and not late:
        raise Conflict(_("This order is not awaiting payment."))
    was = order.get_status_display()
    if late and not _keep_late(order, now):
        return _paid_too_late(order, now=now, reference=reference, by=by)
    order.status = Order.Status.PAID
    order.paid_at = now
    order.pay_by = None
    order.payment_reference = reference[:120] or order.payment_reference
    order.save(update_fields=["status", "paid_at", "pay_by", "payment_reference"])
    SeatClaim.objects.filter(ticket__order=order, active=True).update(expires_at=None)
    audit.record(
        actor=by,
        action="order.paid",
        obj=order,
        parent=order.performance,
        summary=_("Payment of %(total)s recorded for order %(ref)s.")
        % {"total": _money(order.total), "ref": order.reference},
        changes={"status": [was, order.get_status_display()]},
        at=now,
    )
    return order


def _keep_late(order: Order, now: datetime) -> bool:
    """Under the seat locks: whether a late-paid order's seats are still its own (its claims
    still active, or the seats free again), reinstating the tickets of a lapsed order."""
    # A lapse is the only thing that cancels tickets (refunds and exchanges mark their own).
    wanted = Ticket.Status.CANCELLED if order.status == Order.Status.LAPSED else Ticket.Status.VALID
    tickets = list(order.tickets.filter(status=wanted))
    if not tickets:
        return False
    _lock((t.performance_id, t.seat_id) for t in tickets)
    mine = set(
        SeatClaim.objects.filter(ticket__in=tickets, active=True).values_list(
            "ticket_id", flat=True
        )
    )
    others = list(
        SeatClaim.objects.filter(
            performance_id=order.performance_id,
            seat_id__in=[t.seat_id for t in tickets],
            active=True,
        )
        .exclude(ticket__in=tickets)
        .values_list("pk", "expires_at", "ticket__order_id")
    )
    if any(expires is None or expires > now for _pk, expires, _o in others):
        return False
    _end_expired([(pk, order_id) for pk, _e, order_id in others], now)
    back = [t.pk for t in tickets if t.pk not in mine]
    if back:
        # The tickets' own claims (one per ticket) take their seats again.
        Ticket.objects.filter(pk__in=back).update(status=Ticket.Status.VALID, voided_at=None)
        SeatClaim.objects.filter(ticket__in=back).update(
            active=True, ended_at=None, expires_at=None
        )
    return True


def _paid_too_late(order: Order, *, now: datetime, reference: str, by: Actor) -> Order:
    provider = get_provider(order.provider)
    if provider.code == "box_office":
        raise Conflict(
            _(
                "Order %(ref)s was not paid by %(when)s and its seats have been sold again. "
                "Do not take the money; offer the buyer other seats."
            )
            % {"ref": order.reference, "when": _moment(order.pay_by, order.performance)},
            detail={"code": "order_lapsed"},
        )
    if order.status == Order.Status.AWAITING_PAYMENT:
        _lapse([order.pk], now)
        order.refresh_from_db(fields=["status"])
    refund_total = order.total
    outcome = provider.refund(order=order, amount=refund_total, now=now)
    was = order.get_status_display()
    order.status = Order.Status.REFUNDED
    order.payment_reference = (reference or order.payment_reference)[:120]
    order.save(update_fields=["status", "payment_reference"])
    audit.record(
        actor=by,
        action="order.refund",
        obj=order,
        parent=order.performance,
        summary=_(
            "Payment for order %(ref)s arrived after it lapsed at %(when)s and its seats had "
            "been sold again; %(total)s was refunded (%(refund)s)."
        )
        % {
            "ref": order.reference,
            "when": _moment(order.pay_by, order.performance),
            "total": _money(refund_total),
            "refund": outcome.reference or outcome.message,
        },
        changes={"status": [was, order.get_status_display()]},
        at=now,
    )
    return order


@contended
def order_confirm(*, order: Order, note: str, now: datetime, by: Actor) -> Order:
    """The box office vouches for an unpaid order (a school's invoice, a patron it knows): it
    no longer lapses and its tickets admit at the door; it can still be marked paid later."""
    require(by, Cap.SELL_TICKETS)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            _("Say why the box office confirms this order without payment."), field="note"
        )
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("performance").get(pk=order.pk)
    )
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise Conflict(_("Only an order awaiting payment can be confirmed."))
    if order.pay_by is not None and order.pay_by <= now and not _keep_late(order, now):
        raise Conflict(
            _("Order %(ref)s lapsed at %(when)s and its seats have been sold again.")
            % {"ref": order.reference, "when": _moment(order.pay_by, order.performance)},
            detail={"code": "order_lapsed"},
        )
    was = order.get_status_display()
    order.status = Order.Status.CONFIRMED
    order.pay_by = None
    order.confirmed_note = note[:200]
    order.save(update_fields=["status", "pay_by", "confirmed_note"])
    SeatClaim.objects.filter(ticket__order=order, active=True).update(expires_at=None)
    audit.record(
        actor=by,
        action="order.confirm",
        obj=order,
        parent=order.performance,
        summary=_("Order %(ref)s confirmed by the box office without payment: %(note)s")
        % {"ref": order.reference, "note": order.confirmed_note},
        changes={"status": [was, order.get_status_display()]},
        at=now,
    )
    return order


def _order_tickets(order: Order, ticket_ids: list[int] | None) -> list[Ticket]:
    tickets = list(order.tickets.select_related("seat").filter(status=Ticket.Status.VALID))
    if ticket_ids:
        wanted = set(ticket_ids)
        tickets = [t for t in tickets if t.pk in wanted]
        if len(tickets) != len(wanted):
            raise ValidationFailed(_("Some of those tickets are not valid tickets of this order."))
    if not tickets:
        raise Conflict(_("This order has no valid tickets left."))
    return tickets


def _void(tickets: list[Ticket], status: str, now: datetime) -> None:
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(status=status, voided_at=now)
    SeatClaim.objects.filter(ticket__in=[t.pk for t in tickets], active=True).update(
        active=False, ended_at=now
    )


def _recompute(order: Order) -> None:
    valid = order.tickets.filter(status=Ticket.Status.VALID)
    order.total = valid.aggregate(t=Sum("price"))["t"] or Decimal(0)
    if not valid.exists() and order.status != Order.Status.CANCELLED:
        order.status = (
            Order.Status.REFUNDED if order.status == Order.Status.PAID else Order.Status.CANCELLED
        )
    order.save(update_fields=["total", "status"])


@contended
def order_refund(
    *, order: Order, now: datetime, ticket_ids: list[int] | None = None, by: Actor
) -> Order:
    """Refund (or cancel, if unpaid) tickets; their seats go straight back on sale."""
    require(by, Cap.SELL_TICKETS)
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("performance").get(pk=order.pk)
    )
    tickets = _order_tickets(order, ticket_ids)
    if any(t.checked_in_at for t in tickets):
        raise Conflict(_("A ticket that has been scanned at the door cannot be refunded."))
    _lock((t.performance_id, t.seat_id) for t in tickets)
    amount = sum((t.price for t in tickets), Decimal(0))
    was = {"status": order.get_status_display(), "total": _money(order.total)}
    paid = order.status == Order.Status.PAID
    _void(tickets, Ticket.Status.REFUNDED, now)
    if order.status == Order.Status.PAID and amount:
        get_provider(order.provider).refund(order=order, amount=amount, now=now)
    _recompute(order)
    audit.record(
        actor=by,
        action="order.refund" if paid else "order.cancel",
        obj=order,
        parent=order.performance,
        summary=(
            _("Refunded %(n)s ticket(s) of order %(ref)s (%(amount)s); the seats are back on sale.")
            if paid
            else _("Cancelled %(n)s ticket(s) of order %(ref)s; the seats are back on sale.")
        )
        % {"n": len(tickets), "ref": order.reference, "amount": _money(amount)},
        changes=audit.diff(
            was, {"status": order.get_status_display(), "total": _money(order.total)}
        ),
        at=now,
    )
    return order


@contended
def order_exchange(
    *,
    order: Order,
    ticket_ids: list[int],
    now: datetime,
    seat_ids: list[int] | None = None,
    to_performance: Performance | None = None,
    by: Actor,
) -> list[Ticket]:
    """Swap tickets for other seats (the same or another performance); the old seats go back
    on sale and the order's total follows the new prices."""
    require(by, Cap.SELL_TICKETS)
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("performance").get(pk=order.pk)
    )
    old = _order_tickets(order, ticket_ids)
    if any(t.checked_in_at for t in old):
        raise Conflict(_("A ticket that has been scanned at the door cannot be exchanged."))
    target = to_performance or order.performance
    _require_on_sale(target, now)
    if not seat_ids or len(seat_ids) != len(old):
        raise ValidationFailed(
            _("Choose exactly %(n)s new seats.") % {"n": len(old)}, field="seats"
        )
    new_seats = {s.pk: s for s in _seats_for(target, seat_ids)}
    _lock([(t.performance_id, t.seat_id) for t in old] + [(target.pk, sid) for sid in seat_ids])
    _void(old, Ticket.Status.EXCHANGED, now)
    _sweep([target.pk], seat_ids, now)
    if SeatClaim.objects.filter(performance=target, seat_id__in=seat_ids, active=True).exists():
        raise SeatsTaken()
    comp = order.kind == Order.Kind.COMP
    new = []
    for sid in seat_ids:
        seat = new_seats[sid]
        fresh = _new_ticket(order, seat, now, Decimal(0) if comp else seat.zone.price)
        fresh.performance_id = target.pk
        new.append(fresh)
    Ticket.objects.bulk_create(new)
    SeatClaim.objects.bulk_create(
        SeatClaim(
            performance=target,
            seat_id=t.seat_id,
            kind=SeatClaim.Kind.TICKET,
            ticket=t,
            created_at=now,
        )
        for t in new
    )
    for ticket, fresh in zip(old, new, strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(replaced_by=fresh)
    was_total = _money(order.total)
    _recompute(order)
    audit.record(
        actor=by,
        action="order.exchange",
        obj=order,
        parent=order.performance,
        summary=_(
            "Exchanged %(n)s ticket(s) of order %(ref)s for %(seats)s at %(when)s; "
            "the old seats are back on sale."
        )
        % {
            "n": len(old),
            "ref": order.reference,
            "seats": _labels(new_seats.values()),
            "when": _when(target),
        },
        changes=audit.diff({"total": was_total}, {"total": _money(order.total)}),
        at=now,
    )
    return new
