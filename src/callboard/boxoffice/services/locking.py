"""The box office's lock protocol, which every service that gives a seat away shares: seat
rows locked in id order, claims that have run out ended inside the lock, availability checked
again, contention turned into a friendly 409. Also the house (every seat and whether it is
free, cached per process) and the best seats available, and the sweep that ends what has run
out."""

from __future__ import annotations

import base64
import functools
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.availability import (
    capacity_forget,
    house_changed,
    recently_taken,
    taken_seat_ids,
)
from callboard.boxoffice.availability import (
    forget as availability_forget,
)
from callboard.boxoffice.bestseats import SeatInfo, ranked_blocks
from callboard.boxoffice.models import (
    Cart,
    DiscountCode,
    Hold,
    Order,
    PerformanceSeat,
    Seat,
    SeatClaim,
    SeatMap,
    Ticket,
)
from callboard.company.models import Dancer
from callboard.core import rawsql
from callboard.core.errors import (
    Conflict,
    ValidationFailed,
)
from callboard.core.rawsql import Columns
from callboard.season.models import Performance

CART_MINUTES = 10


MAX_SEATS_PER_CART = 10
"""The default of ``CALLBOARD_MAX_TICKETS_PER_ORDER``; read :func:`max_tickets_per_order`."""


def max_tickets_per_order() -> int:
    """The most seats one cart (and so one order) may hold: ``CALLBOARD_MAX_TICKETS_PER_ORDER``."""
    return max(1, int(settings.CALLBOARD_MAX_TICKETS_PER_ORDER))


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
    """The database gave up waiting for a lock, or the sale waited too long for its turn
    (:data:`gate`); nothing was written and the request can simply be tried again."""

    def __init__(self) -> None:
        super().__init__(
            _("The box office is very busy right now. Nothing was changed; please try again."),
            detail={"code": "busy", "retry": True},
        )


P = ParamSpec("P")


R = TypeVar("R")


class _Gate:
    """The box office's turnstile in one server process: at most ``CALLBOARD_SALES_AT_ONCE``
    of its seat transactions (see :func:`contended`) run at once; the others wait their turn,
    holding no lock and no transaction, for at most ``CALLBOARD_SALES_WAIT_SECONDS``, then get
    :class:`Busy` (nothing was changed; try again). 0 lets every one through.

    Why: in an on-sale rush every server thread would otherwise queue in the database behind
    the same few seat rows, and the waiting (lock queues, candidates skipped and ranked again,
    threads handing the interpreter to one another) cost more than the sales themselves. The
    database's locks still decide every race, between processes as before.

    A seat transaction begun inside another (one service calling another) goes through on its
    caller's turn."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: tuple[int, threading.BoundedSemaphore | None] = (0, None)
        self._inside = threading.local()

    def _turns(self) -> threading.BoundedSemaphore | None:
        size = int(settings.CALLBOARD_SALES_AT_ONCE)
        current = self._current
        if current[0] != size:
            with self._lock:
                if self._current[0] != size:
                    self._current = (size, threading.BoundedSemaphore(size) if size > 0 else None)
                current = self._current
        return current[1]

    @contextmanager
    def turn(self) -> Iterator[None]:
        depth = getattr(self._inside, "depth", 0)
        turns = self._turns() if depth == 0 else None
        if turns is not None and not turns.acquire(
            timeout=float(settings.CALLBOARD_SALES_WAIT_SECONDS)
        ):
            raise Busy()
        self._inside.depth = depth + 1
        try:
            yield
        finally:
            self._inside.depth = depth
            if turns is not None:
                turns.release()


gate = _Gate()


def contended(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in its own transaction, on a turn of this process's :data:`gate`; turn
    database clashes into friendly domain errors."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with gate.turn():
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
    capacity_forget(performance.pk)
    house_changed([performance.pk])
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


def _lock(pairs: Iterable[tuple[int, int]]) -> None:
    """Lock the house rows of (performance id, seat id) pairs, in id order."""
    pairs = set(pairs)
    if not pairs:
        return
    if _lock_rows(pairs) != len(pairs):
        raise ValidationFailed(
            _("Some of those seats are not in this performance's house (another venue's seats?)."),
            field="seats",
            detail={"code": "unknown_seat", "field": "seats"},
        )


def _lock_rows(pairs: AbstractSet[tuple[int, int]], *, skip_locked: bool = False) -> int:
    """Lock the house rows of these pairs in id order (``skip_locked``: those no one else
    holds); returns how many were locked.

    Written out (``SELECT ... ORDER BY id FOR UPDATE``): every cart and order of an on-sale
    rush takes these locks, and compiling the ORM's form of it cost more CPU than the rest."""
    from django.db import connection

    by_performance: dict[int, list[int]] = {}
    for perf_id, seat_id in pairs:
        by_performance.setdefault(int(perf_id), []).append(int(seat_id))
    where: list[str] = []
    params: list[int] = []
    for perf_id, seat_ids in sorted(by_performance.items()):
        where.append(
            "(performance_id = %s AND seat_id IN (" + ", ".join(["%s"] * len(seat_ids)) + "))"
        )
        params += [perf_id, *seat_ids]
    sql = f"SELECT id FROM boxoffice_performanceseat WHERE {' OR '.join(where)} ORDER BY id"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
        if skip_locked and connection.features.has_select_for_update_skip_locked:
            sql += " SKIP LOCKED"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


_CART_CLAIMS: tuple[Columns, Columns, Columns, Columns] | None = None


def cart_claims_locked(cart: Cart) -> list[SeatClaim]:
    """A (locked) cart's active claims, each with its seat, the seat's section and zone, in
    seat order; the house rows of their seats are locked, in id order, by the same statement
    (``FOR UPDATE OF`` the house rows alone, sorted before they are locked).

    One statement where reading the claims and :func:`_lock` took two, written out because it
    runs once per order in an on-sale rush."""
    from django.db import connection

    global _CART_CLAIMS
    if _CART_CLAIMS is None:
        from callboard.boxoffice.models import PriceZone, SeatSection

        _CART_CLAIMS = (
            Columns(SeatClaim, "c"),
            Columns(Seat, "s"),
            Columns(SeatSection, "sec"),
            Columns(PriceZone, "z"),
        )
    claim, seat, section, zone = _CART_CLAIMS
    sql = (
        f"SELECT {claim.sql}, {seat.sql}, {section.sql}, {zone.sql}"
        " FROM boxoffice_seatclaim c"
        " JOIN boxoffice_performanceseat h"
        " ON h.performance_id = c.performance_id AND h.seat_id = c.seat_id"
        " JOIN boxoffice_seat s ON s.id = c.seat_id"
        " JOIN boxoffice_seatsection sec ON sec.id = s.section_id"
        " JOIN boxoffice_pricezone z ON z.id = s.zone_id"
        " WHERE c.cart_id = %s AND c.active ORDER BY h.id"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF h"
    with connection.cursor() as cursor:
        cursor.execute(sql, [cart.pk])
        rows = cursor.fetchall()
    claims = []
    for row in rows:
        made = claim.build(row, 0)
        at = len(claim.fields)
        made.seat = seat.build(row, at)
        at += len(seat.fields)
        made.seat.section = section.build(row, at)
        made.seat.zone = zone.build(row, at + len(section.fields))
        claims.append(made)
    claims.sort(key=lambda c: c.seat_id)
    return claims


def _sweep(performance_ids: Iterable[int], seat_ids: Iterable[int], now: datetime) -> None:
    """End the claims on these seats whose time has run out (the caller holds their locks)."""
    performance_ids = set(performance_ids)
    expired = list(
        SeatClaim.objects.filter(
            performance_id__in=performance_ids,
            seat_id__in=set(seat_ids),
            active=True,
            expires_at__lte=now,
        ).values_list("pk", "ticket__order_id")
    )
    if expired:
        house_changed(performance_ids)
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
    house_changed(o.performance_id for o in orders)
    tickets = Ticket.objects.filter(order_id__in=ids, status=Ticket.Status.VALID)
    SeatClaim.objects.filter(ticket__in=tickets, active=True).update(active=False, ended_at=now)
    tickets.update(status=Ticket.Status.CANCELLED, voided_at=now)
    Order.objects.filter(pk__in=ids).update(status=Order.Status.LAPSED)
    discounts_give_back(order_ids=ids)
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


def discounts_give_back(*, order_ids: Sequence[int]) -> int:
    """The orders lapsed or were refunded in full: each gives its discount code's use back,
    once (a conditional update, so a use is never given back twice). Returns how many."""
    given = 0
    rows = Order.objects.filter(
        pk__in=list(order_ids), discount__isnull=False, discount_returned=False
    ).values_list("pk", "discount_id")
    for order_id, code_id in list(rows):
        if Order.objects.filter(pk=order_id, discount_returned=False).update(
            discount_returned=True
        ):
            DiscountCode.objects.filter(pk=code_id, uses__gt=0).update(uses=F("uses") - 1)
            given += 1
    return given


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


def _active_claims(
    performance_id: int, seat_ids: Sequence[int], now: datetime
) -> list[tuple[int, int, bool, int | None]]:
    """The active claims on these seats: (claim id, seat id, whether it is still live, the
    order of its ticket or None). Written out, as :func:`_lock` is, for the rush."""
    from django.db import connection

    sql = (
        "SELECT c.id, c.seat_id, (c.expires_at IS NULL OR c.expires_at > %s), t.order_id"
        " FROM boxoffice_seatclaim c LEFT JOIN boxoffice_ticket t ON t.id = c.ticket_id"
        " WHERE c.performance_id = %s AND c.active AND c.seat_id IN ("
        + ", ".join(["%s"] * len(seat_ids))
        + ")"
    )
    params = [connection.ops.adapt_datetimefield_value(now), performance_id, *seat_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, sid, bool(live), order) for pk, sid, live, order in cursor.fetchall()]


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
    clashes = _active_claims(performance.pk, seat_ids, now)
    taken = [sid for _pk, sid, live, _o in clashes if live]
    if taken:
        raise SeatsTaken(detail={"code": "seats_taken", "seats": sorted(taken)})
    _end_expired([(pk, order_id) for pk, _sid, _live, order_id in clashes], now)
    # The seats that ran out are taken again at once, by this claim.
    house_changed([performance.pk], only_taking=True)
    if cart is not None and cart._state.adding:
        rawsql.insert([cart])  # a new cart, written now that its seats are free
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
    return _insert_claims(claims)


def _insert_claims(claims: list[SeatClaim]) -> list[SeatClaim]:
    """Write new claims and give them their ids: one ``INSERT ... RETURNING``, written out
    (every cart of an on-sale rush runs it); the ORM's bulk insert where the database cannot
    return the new rows."""
    from django.db import connection

    if not claims or not connection.features.can_return_rows_from_bulk_insert:
        return SeatClaim.objects.bulk_create(claims)
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        "INSERT INTO boxoffice_seatclaim (performance_id, seat_id, kind, cart_id, hold_id,"
        " expires_at, active, created_at) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(claims))
        + " RETURNING id, seat_id"
    )
    params: list[Any] = []
    for c in claims:
        params += [
            c.performance_id,
            c.seat_id,
            c.kind,
            c.cart_id,
            c.hold_id,
            adapt(c.expires_at),
            True,
            adapt(c.created_at),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {seat_id: pk for pk, seat_id in cursor.fetchall()}
    for c in claims:
        c.pk = ids[c.seat_id]
        c._state.adding = False
        c._state.db = connection.alias
    return claims


@dataclass(frozen=True)
class BestRequest:
    count: int
    zone: str | None = None
    accessible: bool = False


HOUSE_CACHE_SECONDS = 30.0


# performance id -> (when read, seat map width, the house with every seat free)
_house_cache: dict[int, tuple[float, float, tuple[SeatInfo, ...]]] = {}


def house_cache_clear(performance_id: int | None = None) -> None:
    """Forget the cached house geometry and documents (of one performance, or of all)."""
    if performance_id is None:
        _house_cache.clear()
    else:
        _house_cache.pop(performance_id, None)
    availability_forget(performance_id)


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


def _seen_taken(performance: Performance, now: datetime) -> AbstractSet[int]:
    """The seats taken as the availability document says (no query while it is current);
    good for ranking and for turning down at once seats that are plainly gone. Whatever it
    says, a claim is only written after the seats are checked again under their locks."""
    found = taken_seat_ids(performance_id=performance.pk, now=now)
    return found if found is not None else _taken_seat_ids(performance, now)


def refuse_taken(performance: Performance, seat_ids: Iterable[int], now: datetime) -> None:
    """Raise :class:`SeatsTaken` at once, before any lock or write, for chosen seats the
    availability document already shows as taken (a buyer on a stale map). Only a document
    already at hand, or read a moment ago, is asked: no query is spent on it."""
    gone = sorted(set(seat_ids) & recently_taken(performance_id=performance.pk, now=now))
    if gone:
        raise SeatsTaken(detail={"code": "seats_taken", "seats": gone})


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
    if not 1 <= best.count <= max_tickets_per_order():
        raise ValidationFailed(
            _("Ask for between 1 and %(n)s seats.") % {"n": max_tickets_per_order()}, field="count"
        )


def _rank_best(performance: Performance, best: BestRequest, now: datetime) -> list[list[int]]:
    width, seats = _house_geometry(performance)
    if best.zone and not any(s.zone_code == best.zone for s in seats):
        codes = sorted({s.zone_code for s in seats})
        raise ValidationFailed(
            _("This performance has no price zone with that code. Its zones are: %(codes)s.")
            % {"codes": ", ".join(codes)},
            field="best_available.zone",
            detail={"code": "unknown_zone", "field": "best_available.zone", "zones": codes},
        )
    found = ranked_blocks(
        seats,
        best.count,
        taken=_seen_taken(performance, now),
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

    The ranking is read without locks; then each candidate, best first, is tried with ``SKIP
    LOCKED``: a block another buyer is locking right now is passed over at once instead of
    waited for (no queue behind the front row, no deadlock). After a round of lost candidates
    the ranking is read again.

    The first candidate is tried without a savepoint of its own (two statements fewer for the
    commonest case, a best block that is free): it is lost, if at all, before anything is
    written (some of its rows locked by another buyer, or its seats taken), and the
    transaction goes on; rows it did lock stay locked until the transaction ends. Every later
    candidate runs in its own savepoint, whose rollback releases the rows of a lost one. A
    write the database refuses (``IntegrityError``) in the first leaves the transaction
    unusable: it ends the whole sale, which :func:`contended` answers as seats taken.
    """
    _validate_best(best)
    new_cart = cart is not None and cart._state.adding
    guarded = False
    for _round in range(BEST_AVAILABLE_ROUNDS):
        for seat_ids in _rank_best(performance, best, now):
            if new_cart and cart is not None and not cart._state.adding:
                # A candidate lost after the cart was written: its savepoint took the row back.
                cart.pk = None
                cart._state.adding = True
            try:
                with transaction.atomic() if guarded else nullcontext():
                    return _claim_candidate(performance, seat_ids, now, kind, cart, hold)
            except (_Skip, SeatsTaken):
                pass
            except IntegrityError:
                if not guarded:
                    raise
            guarded = True
    raise SeatsTaken(
        _("The best seats are selling fast and were taken while we looked. Please try again."),
        detail={"code": "seats_taken"},
    )


def _claim_candidate(
    performance: Performance,
    seat_ids: list[int],
    now: datetime,
    kind: str,
    cart: Cart | None,
    hold: Hold | None,
) -> list[SeatClaim]:
    """Claim one candidate block of :func:`_claim_best`: raises :class:`_Skip` (another buyer
    holds some of its rows) or :class:`SeatsTaken` before writing anything."""
    wanted = {(performance.pk, sid) for sid in seat_ids}
    if _lock_rows(wanted, skip_locked=True) != len(seat_ids):
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
    due = SeatClaim.objects.filter(active=True, expires_at__lte=now).exclude(
        kind=SeatClaim.Kind.TICKET
    )
    house_changed(due.values_list("performance_id", flat=True).distinct())
    claims = due.update(active=False, ended_at=now)
    carts = Cart.objects.filter(status=Cart.Status.OPEN, expires_at__lte=now).update(
        status=Cart.Status.EXPIRED
    )
    holds = (
        Hold.objects.filter(released_at__isnull=True, release_at__lte=now)
        .exclude(claims__active=True)
        .update(released_at=now)
    )
    return {"claims": claims, "carts": carts, "holds": holds}


# --- how the history names things ---------------------------------------------------------


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


def _money(amount: Decimal) -> str:
    return f"{Decimal(amount):.2f}"


def _labels(seats: Iterable[Seat]) -> str:
    return ", ".join(sorted(s.label for s in seats))


def _hold_words(hold: Hold) -> str:
    who = hold.owner_label or (str(hold.owner) if hold.owner_id else "")
    return _("%(kind)s for %(who)s") % {"kind": hold.get_kind_display(), "who": who}
