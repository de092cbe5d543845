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
from django.db import connection, transaction
from django.db.models import F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.audit.models import AuditEntry
from callboard.boxoffice.availability import house_changed
from callboard.boxoffice.models import (
    Cart,
    DiscountCode,
    Hold,
    Order,
    PriceType,
    Seat,
    SeatClaim,
    Ticket,
)
from callboard.boxoffice.payments import get_provider
from callboard.boxoffice.services import pricing
from callboard.boxoffice.services.locking import (
    CART_MINUTES,
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
    cart_claims_locked,
    contended,
    discounts_give_back,
    max_tickets_per_order,
    refuse_taken,
)
from callboard.boxoffice.services.patrons import patron_for_order
from callboard.core import rawsql
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from callboard.core.rawsql import Columns
from callboard.core.roles import Cap, require
from callboard.season.models import Performance


def _cart_claims(cart: Cart, now: datetime) -> QuerySet[SeatClaim]:
    return cart.claims.filter(active=True, kind=SeatClaim.Kind.CART, expires_at__gt=now)


def cart_create(
    *,
    performance: Performance,
    now: datetime,
    seat_ids: list[int] | None = None,
    best: BestRequest | None = None,
    by: Actor,
) -> Cart:
    """Hold seats for a buyer for ten minutes: chosen ones, or the best ``best.count`` together.

    Chosen seats that the availability document already shows as taken are refused before
    any transaction begins (a buyer on a stale map, the commonest loser of a rush)."""
    _require_on_sale(performance, now)
    if not seat_ids and best is None:
        raise ValidationFailed(_("Choose seats on the map or ask for the best available."))
    if seat_ids:
        _check_seat_ids(seat_ids)
        refuse_taken(performance, seat_ids, now)
    return _cart_create(performance=performance, now=now, seat_ids=seat_ids, best=best, by=by)


@contended
def _cart_create(
    *,
    performance: Performance,
    now: datetime,
    seat_ids: list[int] | None,
    best: BestRequest | None,
    by: Actor,
) -> Cart:
    # Written only once its seats are known to be free (by _claim, under their locks): a try
    # that loses the race writes nothing.
    cart = Cart(
        token=secrets.token_urlsafe(24),
        performance=performance,
        created_at=now,
        expires_at=now + timedelta(minutes=CART_MINUTES),
        user=user_of(by),
    )
    claims = _cart_put(cart, now, seat_ids=seat_ids, best=best, empty=True)
    if cart._state.adding:  # no seat was asked for (the callers refuse that before)
        cart.save(force_insert=True)
    # The new cart's seats, for the answer (no need to read them back).
    cart.held_seat_ids = sorted(c.seat_id for c in claims)  # type: ignore[attr-defined]
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
) -> list[SeatClaim]:
    """``empty``: the cart was made in this transaction (no need to count its seats)."""
    have = 0 if empty else _cart_claims(cart, now).count()
    wanted = len(seat_ids) if seat_ids else (best.count if best else 0)
    most = max_tickets_per_order()
    if have + wanted > most:
        raise ValidationFailed(_("At most %(n)s seats per order.") % {"n": most}, field="seats")
    if seat_ids:
        # Whether the seats are in this performance's house is checked when they are locked.
        _check_seat_ids(seat_ids)
        return _claim(
            performance=cart.performance,
            seat_ids=seat_ids,
            now=now,
            kind=SeatClaim.Kind.CART,
            cart=cart,
        )
    if best is not None:
        return _claim_best(
            performance=cart.performance, best=best, now=now, kind=SeatClaim.Kind.CART, cart=cart
        )
    return []


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
    house_changed([cart.performance_id])
    if not n:
        raise NotFound(_("That seat is not in your cart."))
    return cart


@contended
def cart_release(*, cart: Cart, now: datetime) -> Cart:
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.status == Cart.Status.OPEN:
        cart.claims.filter(active=True).update(active=False, ended_at=now)
        house_changed([cart.performance_id])
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


def _new_ticket(
    order: Order, seat: Seat, now: datetime, price: Decimal, line: pricing.Line | None = None
) -> Ticket:
    return Ticket(
        order=order,
        performance_id=order.performance_id,
        seat=seat,
        zone_id=seat.zone_id,
        price=price,
        price_type=line.price_type if line is not None else None,
        price_type_name=line.price_type.name if line is not None and line.price_type else "",
        code=_code(10),
        issued_at=now,
    )


def _check_order_input(
    *, kind: str, buyer_name: str, comp_reason: str, may_sell: bool, provider: str = "box_office"
) -> None:
    if kind not in Order.Kind.values:
        raise ValidationFailed(_("Unknown kind of order."), field="kind")
    if not (buyer_name or "").strip():
        raise ValidationFailed(_("Give the name the tickets are for."), field="buyer_name")
    if kind in (Order.Kind.SALE, Order.Kind.COMP) and not may_sell:
        raise PermissionDenied(
            _("Only the box office can make sales at the counter or give comps.")
        )
    if kind == Order.Kind.ONLINE and provider == "box_office":
        raise ValidationFailed(
            _("An online sale is paid through a payment provider, not at the box office."),
            field="provider",
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
    price_types: dict[int, str] | None = None,
    discount: DiscountCode | None = None,
    language: str = "",
    types: list[PriceType] | None = None,
) -> Order:
    """Write the order and its tickets for ``claims`` (their seats locked and checked).

    Each ticket is priced by :func:`.pricing.price_lines` (its price type, then the
    discount, whose use is taken here). The buyer's e-mail makes them a patron.

    An order not paid at once gets a pay-by time (:func:`reservation_pay_by`): its tickets'
    claims expire then, so its seats go back on sale even before the sweeper lapses it.

    ``seats``: the claims' seats with their section and zone, if the caller has read them.
    The claims become the tickets' only if they are still live claims (a cleanup job may end
    them without the seat locks); otherwise nothing is written and the buyer is told.
    The tickets, with their seats, are left on ``order.issued_tickets`` for the answer.
    ``types``: the performance's price types with their prices, if the caller has them
    (``[]``: it sells none); else they are read.
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
    if comp and (discount is not None or price_types):
        raise ValidationFailed(_("A comp is free: it takes no price type or discount code."))
    quote = pricing.price_lines(
        performance=performance,
        seats=[seats[c.seat_id] for c in claims],
        price_types=price_types,
        discount=discount,
        types=types,
    )
    prices = [Decimal(0) if comp else line.price for line in quote.lines]
    if discount is not None:
        pricing.discount_take(discount=discount)
    pay_by = None if comp else reservation_pay_by(performance=performance, online=online, now=now)
    patron = patron_for_order(email=buyer_email, name=buyer_name, now=now)
    order = Order(
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
        patron=patron,
        discount=discount,
        discount_amount=Decimal(0) if comp else quote.discount_amount,
        token=secrets.token_urlsafe(32),
        language=(language or "")[:10],
    )
    # Written out (boxoffice/rawsql.py): compiling the ORM's inserts was a third of an
    # order's CPU in an on-sale rush.
    rawsql.insert([order])
    tickets = [
        _new_ticket(order, seats[c.seat_id], now, price, line)
        for c, price, line in zip(claims, prices, quote.lines, strict=True)
    ]
    rawsql.insert(tickets)
    turned = _claims_to_tickets(claims, tickets, order=order, pay_by=pay_by, now=now)
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
    if discount is not None:
        summary = f"{summary} " + _("Discount code %(code)s took %(amount)s off.") % {
            "code": discount.code,
            "amount": _money(order.discount_amount),
        }
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


def _claims_to_tickets(
    claims: list[SeatClaim],
    tickets: list[Ticket],
    *,
    order: Order,
    pay_by: datetime | None,
    now: datetime,
) -> int:
    """Turn each claim into its ticket's (the same position in both lists), if it is still a
    live cart or hold claim; returns how many were turned.

    One ``UPDATE ... FROM (VALUES (claim, ticket), ...)`` (PostgreSQL's and SQLite's alike),
    written out because it runs once per order in an on-sale rush; where the database did not
    give the new tickets' ids back, the tickets are found by order and seat instead."""
    if any(t.pk is None for t in tickets):
        return (
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
    pairs = ", ".join("(CAST(%s AS bigint), CAST(%s AS bigint))" for _c in claims)
    sql = (
        "UPDATE boxoffice_seatclaim SET kind = %s, expires_at = %s, ticket_id = v.column2"
        f" FROM (VALUES {pairs}) AS v"
        " WHERE boxoffice_seatclaim.id = v.column1 AND boxoffice_seatclaim.active"
        " AND boxoffice_seatclaim.kind IN (%s, %s)"
        " AND (boxoffice_seatclaim.expires_at IS NULL OR boxoffice_seatclaim.expires_at > %s)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [SeatClaim.Kind.TICKET.value, adapt(pay_by)]
    for claim, ticket in zip(claims, tickets, strict=True):
        params += [claim.pk, ticket.pk]
    params += [SeatClaim.Kind.CART.value, SeatClaim.Kind.HOLD.value, adapt(now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


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


# The buyer's unpaid orders for a performance, counted per e-mail and per client address in
# one statement. Written out (the FILTER clause is PostgreSQL's and SQLite's alike) because it
# runs once per order in an on-sale rush, where compiling its ORM form cost more CPU than the
# rest of the check. The e-mail matches case-insensitively, as ``iexact`` does.
_UNPAID_SQL = (
    "SELECT COUNT(*) FILTER (WHERE UPPER(buyer_email) = UPPER(%s)),"
    " COUNT(*) FILTER (WHERE client_address = %s)"
    " FROM boxoffice_order WHERE performance_id = %s AND status = %s AND pay_by > %s"
)


def _unpaid_counts(
    *, performance: Performance, email: str, address: str, now: datetime
) -> tuple[int, int]:
    """(unpaid orders of ``email``, of ``address``) for ``performance``, not yet lapsed."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UNPAID_SQL,
            [
                email,
                address or None,
                performance.pk,
                Order.Status.AWAITING_PAYMENT.value,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def _check_reservation_limits(
    *, performance: Performance, email: str, address: str, now: datetime
) -> None:
    """Unpaid orders for one performance are limited per buyer e-mail and per client address,
    so nobody can fill a house with reservations they never pay for."""
    per_email = settings.CALLBOARD_RESERVATIONS_PER_EMAIL
    per_address = settings.CALLBOARD_RESERVATIONS_PER_ADDRESS
    _serialise(
        [f"cb-resv:{performance.pk}:e:{email.lower()}"]
        + ([f"cb-resv:{performance.pk}:a:{address}"] if address else [])
    )
    by_email, by_address = _unpaid_counts(
        performance=performance, email=email, address=address, now=now
    )
    if by_email >= per_email:
        first = (
            Order.objects.filter(
                performance=performance,
                status=Order.Status.AWAITING_PAYMENT,
                pay_by__gt=now,
                buyer_email__iexact=email,
            )
            .aggregate(first=Min("pay_by"))
            .get("first")
        )
        raise Conflict(
            _(
                "%(email)s already has %(n)s unpaid reservation(s) for this performance. Pay for "
                "them first, or wait until they lapse (the first at %(when)s)."
            )
            % {"email": email[:80], "n": per_email, "when": _moment(first, performance)},
            detail={"code": "reservation_limit", "per": "email", "limit": per_email},
        )
    if address and by_address >= per_address:
        raise Conflict(
            _(
                "Too many unpaid reservations for this performance come from your connection "
                "(at most %(n)s). Pay for them first, or ask the box office."
            )
            % {"n": per_address},
            detail={"code": "reservation_limit", "per": "address", "limit": per_address},
        )


_CART = Columns(Cart, "c")
_CART_PERFORMANCE = Columns(Performance, "p")


def _cart_locked(*, token: str = "", pk: int | None = None) -> Cart | None:
    """The cart with this token (or id), locked, with its performance (not its venue: only a
    message that names a zone reads that) and whether the performance sells price types
    (``sells_types``; most sell none, and then pricing needs no query of its own).

    One statement, written out (see :mod:`callboard.core.rawsql`): every order of an
    on-sale rush runs it."""
    if pk is None and (not token or "\x00" in token or len(token) > 64):
        return None
    sql = (
        f"SELECT {_CART.sql}, {_CART_PERFORMANCE.sql}, EXISTS (SELECT 1 FROM boxoffice_pricetype"
        " t WHERE t.performance_id = c.performance_id)"
        " FROM boxoffice_cart c JOIN season_performance p ON p.id = c.performance_id"
        f" WHERE {'c.id' if pk is not None else 'c.token'} = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF c"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk if pk is not None else token])
        row = cursor.fetchone()
    if row is None:
        return None
    cart: Cart = _CART.build(row)
    cart.performance = _CART_PERFORMANCE.build(row, len(_CART.fields))
    cart.sells_types = bool(row[-1])  # type: ignore[attr-defined]
    return cart


@contended
def order_checkout(
    *,
    cart: Cart | None = None,
    cart_token: str = "",
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
    price_types: dict[int, str] | None = None,
    discount_code: str = "",
    language: str = "",
) -> Order:
    """Turn a cart into an order with one ticket per seat. Confirming the same cart again
    returns the same order (safe to retry after a lost answer).

    ``price_types``: seat id -> the price type's code for that ticket (others get the
    performance's first price type sold in their zone, or the zone's price).
    ``discount_code``: a code the buyer typed; refused (422, field ``discount_code``) when it
    is unknown, not yet or no longer valid, for another performance or used up.

    Without ``may_sell`` (a buyer online, not the box office) the buyer must give a valid
    e-mail, and unpaid orders for the performance are limited per e-mail and per
    ``client_address`` (``CALLBOARD_RESERVATIONS_PER_EMAIL`` / ``_PER_ADDRESS``).

    ``cart_token`` instead of ``cart``: the cart that token opens, found and locked in one
    statement (the public API has only the token)."""
    found = _cart_locked(token=cart_token) if cart is None else _cart_locked(pk=cart.pk)
    if found is None:
        raise NotFound(_("No such cart; it may have been ordered or released."))
    locked = found
    if locked.status == Cart.Status.ORDERED:
        return Order.objects.get(cart=locked)
    _check_order_input(
        kind=kind,
        buyer_name=buyer_name,
        comp_reason=comp_reason,
        may_sell=may_sell,
        provider=provider,
    )
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
    discount = (
        pricing.discount_find(code=discount_code, performance=performance, now=now)
        if (discount_code or "").strip()
        else None
    )
    # The claims and their seats, read as their house rows are locked (in one statement).
    # Under those locks, _issue turns the claims into tickets only if they are still live.
    claims = cart_claims_locked(cart)
    if not claims:
        raise ValidationFailed(_("Your cart is empty: choose seats first."), field="seats")
    if any(
        c.kind != SeatClaim.Kind.CART or c.expires_at is None or c.expires_at <= now for c in claims
    ):
        raise Conflict(
            _("Your ten minutes ran out and the seats went back on sale. Choose seats again."),
            detail={"code": "cart_expired"},
        )
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
        price_types=price_types,
        discount=discount,
        language=language,
        types=None if locked.sells_types else [],  # type: ignore[attr-defined]
    )
    with connection.cursor() as cursor:  # written out, as _cart_locked is
        cursor.execute(
            "UPDATE boxoffice_cart SET status = %s WHERE id = %s",
            [Cart.Status.ORDERED.value, cart.pk],
        )
    cart.status = Cart.Status.ORDERED
    return order


def order_payment_started(*, order: Order, reference: str, now: datetime) -> Order:
    """Note the payment an online provider started for an unpaid order (its id there), so
    the provider's notification can be matched to it. Done by the buyer, who holds the
    order's link: no ``by``. Nothing is paid by this."""
    with transaction.atomic():
        locked = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if locked.status != Order.Status.AWAITING_PAYMENT:
            raise Conflict(_("This order is not awaiting payment."))
        if locked.payment_reference == reference:
            return locked
        was = locked.payment_reference
        locked.payment_reference = reference[:120]
        locked.save(update_fields=["payment_reference"])
        audit.record(
            actor=None,
            action="order.payment_started",
            obj=locked,
            parent=locked.performance,
            summary=_("The buyer of order %(ref)s went to pay on the payment provider's page.")
            % {"ref": locked.reference},
            changes={"payment_reference": [was, locked.payment_reference]},
            at=now,
        )
    order.payment_reference = locked.payment_reference
    return locked


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
    # The lapse gave the code's use back; the paid order takes it again if one is left (the
    # buyer paid the discounted price either way).
    if (
        late
        and order.discount_id is not None
        and order.discount_returned
        and DiscountCode.objects.filter(pk=order.discount_id, uses__lt=F("max_uses")).update(
            uses=F("uses") + 1
        )
    ):
        Order.objects.filter(pk=order.pk).update(discount_returned=False)
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
    house_changed([order.performance_id])
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


DUPLICATE_REFUND = "order.duplicate_refund"


@contended
def order_refund_second_payment(
    *, order: Order, payment_reference: str, amount: Decimal, now: datetime, by: Actor
) -> bool:
    """A second payment arrived for an order paid already (two payment pages open, say): the
    order keeps its first payment, and the second goes back to the buyer through the
    provider. Once per payment: told again about it, nothing changes (False)."""
    require(by, Cap.SELL_TICKETS)
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("performance").get(pk=order.pk)
    )
    if not payment_reference or payment_reference == order.payment_reference:
        return False
    record_type, record_id = audit.record_key(order)
    done = AuditEntry.objects.filter(
        record_type=record_type, record_id=record_id, action=DUPLICATE_REFUND
    ).values_list("changes", flat=True)
    if any(
        (changes or {}).get("second_payment", [None, None])[1] == payment_reference
        for changes in done
    ):
        return False
    outcome = get_provider(order.provider).refund(
        order=order, amount=amount, now=now, payment_reference=payment_reference
    )
    audit.record(
        actor=by,
        action=DUPLICATE_REFUND,
        obj=order,
        parent=order.performance,
        summary=_(
            "A second payment of %(amount)s arrived for order %(ref)s, paid already; it was "
            "refunded (%(refund)s)."
        )
        % {
            "amount": _money(amount),
            "ref": order.reference,
            "refund": outcome.reference or outcome.message,
        },
        changes={"second_payment": [None, payment_reference[:120]]},
        at=now,
    )
    return True


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
    house_changed(t.performance_id for t in tickets)
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
    if order.status in (Order.Status.REFUNDED, Order.Status.CANCELLED):
        discounts_give_back(order_ids=[order.pk])
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
    house_changed([target.pk])
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
