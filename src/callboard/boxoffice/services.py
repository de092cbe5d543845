"""Writes and rules of the box office.

How a seat is never sold twice (see models.py for the constraints that are the last guard):
every service that gives a seat to someone runs in one transaction that

1. locks the :class:`PerformanceSeat` rows of the seats it touches, **ordered by id** (a fixed
   order, so two buyers never wait for each other in a circle); on SQLite the transaction is
   ``IMMEDIATE`` already, which serialises writers;
2. ends the claims on those seats whose time has run out (a cart's ten minutes, a hold's
   release time);
3. re-checks that the seats are free, *inside* the lock;
4. writes the claims, orders and tickets.

A clash that slips through anyway (a unique constraint, a deadlock, a serialisation failure,
SQLite's "database is locked") becomes :class:`SeatsTaken` or :class:`Busy`: a 409 with a
message that says what to do, and nothing half-written.
"""

from __future__ import annotations

import base64
import functools
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.bestseats import SeatInfo, ranked_blocks
from callboard.boxoffice.models import (
    Cart,
    CheckIn,
    CompQuota,
    FamilyComp,
    Hold,
    Order,
    PerformanceSeat,
    Seat,
    SeatClaim,
    SeatMap,
    Ticket,
)
from callboard.boxoffice.payments import get_provider
from callboard.company.models import Dancer, Person
from callboard.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from callboard.season.models import Performance

CART_MINUTES = 10
MAX_SEATS_PER_CART = 10
BEST_AVAILABLE_ROUNDS = 3
BEST_CANDIDATES = 12
DEFAULT_COMP_QUOTA = {Dancer.Rank.PRINCIPAL.value: 2}  # every other rank: 1
DEFAULT_OTHER_QUOTA = 1


class SeatsTaken(Conflict):
    """Someone else got the seats first."""

    def __init__(self, message: str | None = None, *, detail: Any = None) -> None:
        super().__init__(
            message or _("Those seats were just taken by someone else. Choose other seats."),
            detail=detail if detail is not None else {"code": "seats_taken"},
        )


class Busy(Conflict):
    """The database gave up waiting for a lock; the request can simply be tried again."""

    def __init__(self) -> None:
        super().__init__(
            _("The box office is very busy right now. Nothing was changed; please try again."),
            detail={"code": "busy", "retry": True},
        )


P = ParamSpec("P")
R = TypeVar("R")


def contended(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in its own transaction; turn database clashes into friendly domain errors."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except IntegrityError as exc:
            raise SeatsTaken() from exc
        except OperationalError as exc:
            if not _is_contention(exc):
                raise  # the database itself is gone: the 503 page says so, not "busy"
            raise Busy() from exc

    return wrapper


# PostgreSQL's codes for losing a race for rows or locks: serialization failure, deadlock,
# lock not available (lock_timeout / NOWAIT), statement cancelled by a timeout.
_CONTENTION_CODES = {"40001", "40P01", "55P03", "57014"}


def _is_contention(exc: OperationalError) -> bool:
    """Whether ``exc`` means other buyers hold the rows (try again), not a lost database."""
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code is not None:
        return code in _CONTENTION_CODES
    return "locked" in str(exc).lower()  # SQLite: "database is locked" / "table is locked"


def _code(nbytes: int) -> str:
    """A random, unguessable code in capitals and digits (base32, no padding)."""
    return base64.b32encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


# --- the house ---------------------------------------------------------------------------


def _seat_map(performance: Performance) -> SeatMap:
    seat_map = SeatMap.objects.filter(venue_id=performance.venue_id).first()
    if seat_map is None or not seat_map.seats.exists():
        raise Conflict(
            _("%(venue)s has no seat map yet. Build one on the venue's seat map page first.")
            % {"venue": performance.venue.name}
        )
    return seat_map


@transaction.atomic
def performance_open_sales(*, performance: Performance, now: datetime) -> int:
    """Put a performance on sale: its house is the venue's seat map as it is now.

    Returns the number of seats on sale. Calling it again adds seats added to the map since.
    """
    if performance.status == Performance.Status.CANCELLED:
        raise Conflict(_("A cancelled performance cannot go on sale."))
    if performance.ends_at <= now:
        raise Conflict(_("This performance is over; it cannot go on sale."))
    seat_map = _seat_map(performance)
    have = set(
        PerformanceSeat.objects.filter(performance=performance).values_list("seat_id", flat=True)
    )
    new = [
        PerformanceSeat(performance=performance, seat_id=sid)
        for sid in seat_map.seats.values_list("pk", flat=True)
        if sid not in have
    ]
    PerformanceSeat.objects.bulk_create(new, batch_size=1000)
    house_cache_clear(performance.pk)
    if performance.status != Performance.Status.ON_SALE:
        Performance.objects.filter(pk=performance.pk).update(status=Performance.Status.ON_SALE)
        performance.status = Performance.Status.ON_SALE
    return len(have) + len(new)


@transaction.atomic
def performance_close_sales(*, performance: Performance, now: datetime) -> None:
    if performance.status == Performance.Status.ON_SALE:
        Performance.objects.filter(pk=performance.pk).update(status=Performance.Status.PLANNED)
        performance.status = Performance.Status.PLANNED


def _require_on_sale(performance: Performance, now: datetime) -> None:
    if performance.status != Performance.Status.ON_SALE:
        raise Conflict(_("This performance is not on sale."))
    if performance.starts_at <= now:
        raise Conflict(_("This performance has begun; sales are closed."))


def live_claims(performance: Performance, now: datetime) -> QuerySet[SeatClaim]:
    """Claims that count: active and not past their expiry."""
    return SeatClaim.objects.filter(performance=performance, active=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _lock(pairs: Iterable[tuple[int, int]]) -> list[PerformanceSeat]:
    """Lock the house rows of (performance id, seat id) pairs, in id order."""
    pairs = set(pairs)
    if not pairs:
        return []
    by_performance: dict[int, list[int]] = {}
    for perf_id, seat_id in pairs:
        by_performance.setdefault(perf_id, []).append(seat_id)
    where = Q()
    for perf_id, seat_ids in by_performance.items():
        where |= Q(performance_id=perf_id, seat_id__in=seat_ids)
    rows = list(PerformanceSeat.objects.select_for_update().filter(where).order_by("id"))
    if len(rows) != len(pairs):
        raise ValidationFailed(
            _("Some of those seats are not in this performance's house (another venue's seats?)."),
            detail={"code": "unknown_seat"},
        )
    return rows


def _sweep(performance_ids: Iterable[int], seat_ids: Iterable[int], now: datetime) -> None:
    """End the claims on these seats whose time has run out (the caller holds their locks)."""
    expired = list(
        SeatClaim.objects.filter(
            performance_id__in=set(performance_ids),
            seat_id__in=set(seat_ids),
            active=True,
            expires_at__lte=now,
        ).values_list("pk", "ticket__order_id")
    )
    _end_expired(expired, now)


def _end_expired(expired: Sequence[tuple[int, int | None]], now: datetime) -> None:
    """End claims (pk, order id of their ticket or None) whose time has run out. A ticket's
    claim runs out when its order was not paid in time: the whole order lapses."""
    if not expired:
        return
    SeatClaim.objects.filter(pk__in=[pk for pk, _o in expired], active=True).update(
        active=False, ended_at=now
    )
    lapse_ids = sorted({order_id for _pk, order_id in expired if order_id is not None})
    if lapse_ids:
        _lapse(lapse_ids, now)


def _lapse(order_ids: list[int], now: datetime) -> int:
    """Unpaid orders past their pay-by time lapse: their tickets are cancelled and their seats
    go back on sale. Orders paid or confirmed meanwhile are left alone. Returns how many
    lapsed."""
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .select_related("performance")
        .filter(pk__in=order_ids, status=Order.Status.AWAITING_PAYMENT, pay_by__lte=now)
        .order_by("pk")
    )
    if not orders:
        return 0
    ids = [o.pk for o in orders]
    tickets = Ticket.objects.filter(order_id__in=ids, status=Ticket.Status.VALID)
    SeatClaim.objects.filter(ticket__in=tickets, active=True).update(active=False, ended_at=now)
    tickets.update(status=Ticket.Status.CANCELLED, voided_at=now)
    Order.objects.filter(pk__in=ids).update(status=Order.Status.LAPSED)
    for order in orders:
        audit.record(
            actor=None,
            action="order.lapse",
            obj=order,
            parent=order.performance,
            summary=_(
                "Order %(ref)s was not paid by %(when)s and lapsed; its seats are back on sale."
            )
            % {"ref": order.reference, "when": _moment(order.pay_by)},
            changes={
                "status": [
                    str(Order.Status.AWAITING_PAYMENT.label),
                    str(Order.Status.LAPSED.label),
                ]
            },
            at=now,
        )
    return len(orders)


def _check_seat_ids(seat_ids: list[int]) -> None:
    if not seat_ids:
        raise ValidationFailed(_("Choose at least one seat."), field="seats")
    if len(set(seat_ids)) != len(seat_ids):
        raise ValidationFailed(_("A seat was chosen twice."), field="seats")


def _seats_for(performance: Performance, seat_ids: list[int]) -> list[Seat]:
    _check_seat_ids(seat_ids)
    seats = list(
        Seat.objects.select_related("section", "zone").filter(
            pk__in=seat_ids, seat_map__venue_id=performance.venue_id
        )
    )
    if len(seats) != len(seat_ids):
        raise ValidationFailed(
            _("Some of those seats are not in %(venue)s.") % {"venue": performance.venue.name},
            field="seats",
            detail={"code": "unknown_seat"},
        )
    return seats


def _claim(
    *,
    performance: Performance,
    seat_ids: list[int],
    now: datetime,
    kind: str,
    cart: Cart | None = None,
    hold: Hold | None = None,
    locked: bool = False,
) -> list[SeatClaim]:
    """Lock, sweep, re-check and claim ``seat_ids``; raise :class:`SeatsTaken` if any is taken.

    ``locked``: the caller holds the house rows of these seats already. The active claims on
    the seats are read once (inside the lock): live ones mean the seats are taken, those whose
    time has run out are ended (the same as :func:`_sweep`, without a second statement when
    there are none).
    """
    if not locked:
        _lock((performance.pk, sid) for sid in seat_ids)
    clashes = list(
        SeatClaim.objects.filter(
            performance=performance, seat_id__in=seat_ids, active=True
        ).values_list("pk", "seat_id", "expires_at", "ticket__order_id")
    )
    taken = [sid for _pk, sid, expires, _o in clashes if expires is None or expires > now]
    if taken:
        raise SeatsTaken(detail={"code": "seats_taken", "seats": sorted(taken)})
    _end_expired([(pk, order_id) for pk, _sid, _e, order_id in clashes], now)
    expires = (
        cart.expires_at if cart is not None else (hold.release_at if hold is not None else None)
    )
    claims = [
        SeatClaim(
            performance=performance,
            seat_id=sid,
            kind=kind,
            cart=cart,
            hold=hold,
            expires_at=expires,
            created_at=now,
        )
        for sid in sorted(seat_ids)
    ]
    return SeatClaim.objects.bulk_create(claims)


@dataclass(frozen=True)
class BestRequest:
    count: int
    zone: str | None = None
    accessible: bool = False


HOUSE_CACHE_SECONDS = 30.0
# performance id -> (when read, seat map width, the house with every seat free)
_house_cache: dict[int, tuple[float, float, tuple[SeatInfo, ...]]] = {}


def house_cache_clear(performance_id: int | None = None) -> None:
    """Forget the cached house geometry (of one performance, or of all)."""
    if performance_id is None:
        _house_cache.clear()
    else:
        _house_cache.pop(performance_id, None)


def _house_geometry(performance: Performance) -> tuple[float, tuple[SeatInfo, ...]]:
    """The seat map width and the house of ``performance``, cached in this process.

    The geometry of a house on sale hardly ever changes, and a stale copy can only make a
    candidate block worse or unknown: every claim is checked against the locked rows of the
    house itself. It is read again after :data:`HOUSE_CACHE_SECONDS`, and at once in this
    process when the performance is (re)opened for sale.
    """
    cached = _house_cache.get(performance.pk)
    clock = time.monotonic()
    if cached is not None and clock - cached[0] < HOUSE_CACHE_SECONDS:
        return cached[1], cached[2]
    seat_map = SeatMap.objects.only("width").get(venue_id=performance.venue_id)
    seats = tuple(SeatInfo(*row) for row in _house_rows(performance))
    _house_cache[performance.pk] = (clock, seat_map.width, seats)
    return seat_map.width, seats


def _taken_seat_ids(performance: Performance, now: datetime) -> set[int]:
    return set(live_claims(performance, now).values_list("seat_id", flat=True))


def house_seats(performance: Performance, now: datetime) -> list[SeatInfo]:
    """Every seat of the house with whether it is free now (two queries, no model instances)."""
    taken = _taken_seat_ids(performance, now)
    # Each row holds SeatInfo's fields before ``free``, in order.
    return [
        SeatInfo(*row, free=row[0] not in taken)  # type: ignore[misc]
        for row in _house_rows(performance)
    ]


def _house_rows(performance: Performance) -> Iterable[tuple[Any, ...]]:
    return PerformanceSeat.objects.filter(performance=performance).values_list(
        "seat_id",
        "seat__section__order",
        "seat__section_id",
        "seat__row_index",
        "seat__position",
        "seat__x",
        "seat__zone__rank",
        "seat__zone__code",
        "seat__accessible",
        "seat__companion",
        "seat__restricted_view",
    )


def _validate_best(best: BestRequest) -> None:
    if not 1 <= best.count <= MAX_SEATS_PER_CART:
        raise ValidationFailed(
            _("Ask for between 1 and %(n)s seats.") % {"n": MAX_SEATS_PER_CART}, field="count"
        )


def _rank_best(performance: Performance, best: BestRequest, now: datetime) -> list[list[int]]:
    width, seats = _house_geometry(performance)
    found = ranked_blocks(
        seats,
        best.count,
        taken=_taken_seat_ids(performance, now),
        centre_x=width / 2,
        zone_code=best.zone or None,
        accessible=best.accessible,
        limit=BEST_CANDIDATES,
    )
    if not found:
        raise SeatsTaken(
            _("There are not %(n)s seats together left%(zone)s. Try fewer seats or another zone.")
            % {
                "n": best.count,
                "zone": _(" in zone %(z)s") % {"z": best.zone} if best.zone else "",
            },
            detail={"code": "not_enough_together"},
        )
    return found


class _Skip(Exception):
    """A candidate block is being bought by someone else right now."""


def _claim_best(
    *,
    performance: Performance,
    best: BestRequest,
    now: datetime,
    kind: str,
    cart: Cart | None = None,
    hold: Hold | None = None,
) -> list[SeatClaim]:
    """Claim the best block still free.

    The ranking is read without locks; then each candidate, best first, is tried in its own
    savepoint with ``SKIP LOCKED``: a block another buyer is locking right now is passed over
    at once instead of waited for (no queue behind the front row, no deadlock), and rolling the
    savepoint back releases the rows of a lost candidate. After a round of lost candidates the
    ranking is read again.
    """
    _validate_best(best)
    for _round in range(BEST_AVAILABLE_ROUNDS):
        for seat_ids in _rank_best(performance, best, now):
            try:
                with transaction.atomic():
                    got = PerformanceSeat.objects.select_for_update(skip_locked=True).filter(
                        performance=performance, seat_id__in=seat_ids
                    )
                    if len(list(got.order_by("id"))) != len(seat_ids):
                        raise _Skip
                    return _claim(
                        performance=performance,
                        seat_ids=seat_ids,
                        now=now,
                        kind=kind,
                        cart=cart,
                        hold=hold,
                        locked=True,
                    )
            except (_Skip, SeatsTaken, IntegrityError):
                continue
    raise SeatsTaken(
        _("The best seats are selling fast and were taken while we looked. Please try again."),
        detail={"code": "seats_taken"},
    )


# --- carts ---------------------------------------------------------------------------------


def _cart_claims(cart: Cart, now: datetime) -> QuerySet[SeatClaim]:
    return cart.claims.filter(active=True, kind=SeatClaim.Kind.CART, expires_at__gt=now)


@contended
def cart_create(
    *,
    performance: Performance,
    now: datetime,
    seat_ids: list[int] | None = None,
    best: BestRequest | None = None,
    user: Any = None,
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
        user=user if getattr(user, "is_authenticated", False) else None,
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


# --- orders ----------------------------------------------------------------------------------


def _when(performance: Performance) -> str:
    """A performance as the history names it (no query: its start is on the row)."""
    from django.utils import timezone

    return timezone.localtime(performance.starts_at).strftime("%d %b %Y %H:%M")


def _moment(at: datetime | None, performance: Performance | None = None) -> str:
    """A moment as messages give it: in the performance's venue's zone when there is one."""
    from django.utils import timezone

    if at is None:
        return ""
    local = at.astimezone(performance.venue.zone) if performance else timezone.localtime(at)
    return local.strftime("%d %b %Y %H:%M")


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


def _money(amount: Decimal) -> str:
    return f"{Decimal(amount):.2f}"


def _labels(seats: Iterable[Seat]) -> str:
    return ", ".join(sorted(s.label for s in seats))


def _hold_words(hold: Hold) -> str:
    who = hold.owner_label or (str(hold.owner) if hold.owner_id else "")
    return _("%(kind)s for %(who)s") % {"kind": hold.get_kind_display(), "who": who}


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
    user: Any = None,
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
        user=user,
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
def order_mark_paid(*, order: Order, now: datetime, reference: str = "", by: Any = None) -> Order:
    """Record an order's payment: the box office took the money, or the payment provider's
    verified notification arrived. A payment recorded again changes nothing.

    A payment that arrives after the order's pay-by time keeps the seats if they are still the
    order's (nobody else took them meanwhile). If they were sold again, the order cannot be
    kept: money taken by a provider is refunded through it, and the box office is told not to
    take the money.
    """
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


def _paid_too_late(order: Order, *, now: datetime, reference: str, by: Any) -> Order:
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
def order_confirm(*, order: Order, note: str, now: datetime, by: Any = None) -> Order:
    """The box office vouches for an unpaid order (a school's invoice, a patron it knows): it
    no longer lapses and its tickets admit at the door; it can still be marked paid later."""
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
    *, order: Order, now: datetime, ticket_ids: list[int] | None = None, by: Any = None
) -> Order:
    """Refund (or cancel, if unpaid) tickets; their seats go straight back on sale."""
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
    by: Any = None,
) -> list[Ticket]:
    """Swap tickets for other seats (the same or another performance); the old seats go back
    on sale and the order's total follows the new prices."""
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


# --- holds -----------------------------------------------------------------------------------


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
    by: Any = None,
) -> Hold:
    """Take seats off sale for a purpose (house, press, family comps, kills)."""
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
        created_by=by if getattr(by, "is_authenticated", False) else None,
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
    *, hold: Hold, now: datetime, seat_ids: list[int] | None = None, by: Any = None
) -> Hold:
    """Put held seats (all, or some) back on sale now."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    claims = hold.claims.filter(active=True, kind=SeatClaim.Kind.HOLD)
    if seat_ids:
        claims = claims.filter(seat_id__in=seat_ids)
    released = claims.update(active=False, ended_at=now)
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
    by: Any = None,
) -> Order:
    """Give held seats to someone: comps (press, family) or a sale (house seats)."""
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


def sweep_expired(*, now: datetime) -> dict[str, int]:
    """Lapse unpaid orders past their pay-by time, end claims whose time ran out, expire carts
    and mark released holds (the cleanup job)."""
    lapsed = 0
    due = Order.objects.filter(status=Order.Status.AWAITING_PAYMENT, pay_by__lte=now).values_list(
        "pk", flat=True
    )
    for order_id in list(due[:10000]):
        lapsed += _lapse_one(order_id=order_id, now=now)
    counts = _sweep_claims(now=now)
    counts["orders"] = lapsed
    return counts


@contended
def _lapse_one(*, order_id: int, now: datetime) -> int:
    pairs = Ticket.objects.filter(order_id=order_id, status=Ticket.Status.VALID).values_list(
        "performance_id", "seat_id"
    )
    _lock(pairs)
    return _lapse([order_id], now)


@transaction.atomic
def _sweep_claims(*, now: datetime) -> dict[str, int]:
    # Ticket claims run out only with their order, which lapsed above (or was paid since).
    claims = (
        SeatClaim.objects.filter(active=True, expires_at__lte=now)
        .exclude(kind=SeatClaim.Kind.TICKET)
        .update(active=False, ended_at=now)
    )
    carts = Cart.objects.filter(status=Cart.Status.OPEN, expires_at__lte=now).update(
        status=Cart.Status.EXPIRED
    )
    holds = (
        Hold.objects.filter(released_at__isnull=True, release_at__lte=now)
        .exclude(claims__active=True)
        .update(released_at=now)
    )
    return {"claims": claims, "carts": carts, "holds": holds}


# --- the door --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    checkin: CheckIn
    ticket: Ticket | None

    @property
    def admitted(self) -> bool:
        return self.checkin.result == CheckIn.Result.ADMITTED


@contended
def ticket_check_in(
    *, code: str, performance: Performance, now: datetime, by: Any = None
) -> ScanResult:
    """Scan a ticket at the door. The first scan admits; any later scan is recorded and flagged."""
    clean = normalise_code(code)
    if not clean:
        raise ValidationFailed(_("Type or scan a ticket code."), field="code")
    ticket = Ticket.objects.select_related("seat__section", "order").filter(code=clean).first()
    user = by if getattr(by, "is_authenticated", False) else None
    if ticket is None:
        result = CheckIn.Result.UNKNOWN
    elif ticket.performance_id != performance.pk:
        result = CheckIn.Result.WRONG_PERFORMANCE
    elif ticket.order.status in (Order.Status.AWAITING_PAYMENT, Order.Status.LAPSED):
        # An unpaid reservation (or one that lapsed unpaid) does not get in: the buyer pays at
        # the box office first, which admits them on the next scan.
        result = CheckIn.Result.UNPAID
    elif ticket.status != Ticket.Status.VALID or ticket.order.status not in (
        Order.ADMITTED_STATUSES
    ):
        result = CheckIn.Result.VOID
    else:
        first = Ticket.objects.filter(pk=ticket.pk, checked_in_at__isnull=True).update(
            checked_in_at=now
        )
        result = CheckIn.Result.ADMITTED if first else CheckIn.Result.DUPLICATE
        ticket.refresh_from_db(fields=["checked_in_at"])
    checkin = CheckIn.objects.create(
        performance=performance, ticket=ticket, code=clean[:64], result=result, at=now, by=user
    )
    return ScanResult(checkin=checkin, ticket=ticket)


# --- family comps -----------------------------------------------------------------------------


def comp_quota(rank: str) -> int:
    row = CompQuota.objects.filter(rank=rank).first()
    if row is not None:
        return row.seats
    return DEFAULT_COMP_QUOTA.get(rank, DEFAULT_OTHER_QUOTA)


@transaction.atomic
def comp_quota_set(*, rank: str, seats: int) -> CompQuota:
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
    by: Any = None,
) -> FamilyComp:
    """A dancer asks for family comps; the box office confirms them."""
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
            _("You may claim %(q)s comps for this performance and have claimed %(u)s already.")
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
def comp_cancel(*, claim: FamilyComp, dancer: Dancer, now: datetime, by: Any = None) -> FamilyComp:
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
    *, claim: FamilyComp, now: datetime, by: Any = None, seat_ids: list[int] | None = None
) -> FamilyComp:
    """Confirm a family comp: hold seats for the guest (chosen, or the best together) and
    issue the comp tickets from that hold, all at once."""
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
            claim.decided_by = by if getattr(by, "is_authenticated", False) else None
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
def comp_decline(*, claim: FamilyComp, now: datetime, by: Any = None, note: str = "") -> FamilyComp:
    claim = FamilyComp.objects.select_for_update().get(pk=claim.pk)
    if claim.status != FamilyComp.Status.REQUESTED:
        raise Conflict(_("This claim has been decided already."))
    claim.status = FamilyComp.Status.DECLINED
    claim.decided_at = now
    claim.decided_by = by if getattr(by, "is_authenticated", False) else None
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


__all__ = [
    "BestRequest",
    "Busy",
    "DomainError",
    "SeatsTaken",
    "cart_add",
    "cart_create",
    "order_checkout",
]
