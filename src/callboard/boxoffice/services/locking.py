"""The box office's lock protocol, which every service that gives a seat away shares: seat
rows locked in id order, claims that have run out ended inside the lock, availability checked
again, contention turned into a friendly 409. Also the house (every seat and whether it is
free, cached per process) and the best seats available, and the sweep that ends what has run
out."""

from __future__ import annotations

import base64
import functools
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.bestseats import SeatInfo, ranked_blocks
from callboard.boxoffice.models import (
    Cart,
    Hold,
    Order,
    PerformanceSeat,
    Seat,
    SeatClaim,
    SeatMap,
    Ticket,
)
from callboard.company.models import Dancer
from callboard.core.errors import (
    Conflict,
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
