"""Writes and rules of the box office, along their seams, all sharing one lock protocol
(:mod:`.locking`):

- :mod:`.locking`: the lock protocol, claims on seats, sweeping what has run out, the house
  and the best seats available;
- :mod:`.sales`: carts and orders (sales, reservations, comps at the counter, payment,
  confirmation, refunds, exchanges);
- :mod:`.holds`: house, press, family-comp and kill holds;
- :mod:`.door`: checking tickets in;
- :mod:`.comps`: family comps claimed by dancers and confirmed by the box office;
- :mod:`.pricing`: price types per performance and discount codes;
- :mod:`.patrons`: one patron per buyer's e-mail, their export and erasure;
- :mod:`.waitlist`: the waiting list of a sold-out performance and its offers.

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

Every name is importable from ``callboard.boxoffice.services``."""

from __future__ import annotations

from callboard.boxoffice.services.comps import (
    comp_cancel,
    comp_claim,
    comp_confirm,
    comp_decline,
    comp_quota,
    comp_quota_set,
)
from callboard.boxoffice.services.door import (
    ScanResult,
    ticket_check_in,
)
from callboard.boxoffice.services.holds import (
    hold_create,
    hold_issue,
    hold_release,
)
from callboard.boxoffice.services.locking import (
    BEST_AVAILABLE_ROUNDS,
    BEST_CANDIDATES,
    CART_MINUTES,
    DEFAULT_COMP_QUOTA,
    DEFAULT_OTHER_QUOTA,
    HOUSE_CACHE_SECONDS,
    MAX_SEATS_PER_CART,
    BestRequest,
    Busy,
    P,
    R,
    SeatsTaken,
    contended,
    discounts_give_back,
    house_cache_clear,
    house_seats,
    live_claims,
    max_tickets_per_order,
    normalise_code,
    performance_close_sales,
    performance_open_sales,
    sweep_expired,
)
from callboard.boxoffice.services.patrons import (
    normalise_email,
    patron_erase,
    patron_export,
    patron_for_order,
    patron_get,
)
from callboard.boxoffice.services.pricing import (
    FULL,
    Quote,
    discount_create,
    discount_find,
    discount_get,
    discount_set_active,
    discount_words,
    price_lines,
    price_type_delete,
    price_type_save,
    price_types_of,
)
from callboard.boxoffice.services.sales import (
    cart_add,
    cart_create,
    cart_release,
    cart_remove_seat,
    order_checkout,
    order_confirm,
    order_exchange,
    order_mark_paid,
    order_payment_started,
    order_refund,
    order_refund_second_payment,
    reservation_pay_by,
)
from callboard.boxoffice.services.waitlist import (
    cart_url,
    free_seats,
    waitlist_accept,
    waitlist_get,
    waitlist_join,
    waitlist_offers,
    waitlist_position,
)

__all__ = [
    "BEST_AVAILABLE_ROUNDS",
    "BEST_CANDIDATES",
    "CART_MINUTES",
    "DEFAULT_COMP_QUOTA",
    "DEFAULT_OTHER_QUOTA",
    "FULL",
    "HOUSE_CACHE_SECONDS",
    "MAX_SEATS_PER_CART",
    "BestRequest",
    "Busy",
    "P",
    "Quote",
    "R",
    "ScanResult",
    "SeatsTaken",
    "cart_add",
    "cart_create",
    "cart_release",
    "cart_remove_seat",
    "cart_url",
    "comp_cancel",
    "comp_claim",
    "comp_confirm",
    "comp_decline",
    "comp_quota",
    "comp_quota_set",
    "contended",
    "discount_create",
    "discount_find",
    "discount_get",
    "discount_set_active",
    "discount_words",
    "discounts_give_back",
    "free_seats",
    "hold_create",
    "hold_issue",
    "hold_release",
    "house_cache_clear",
    "house_seats",
    "live_claims",
    "max_tickets_per_order",
    "normalise_code",
    "normalise_email",
    "order_checkout",
    "order_confirm",
    "order_exchange",
    "order_mark_paid",
    "order_payment_started",
    "order_refund",
    "order_refund_second_payment",
    "patron_erase",
    "patron_export",
    "patron_for_order",
    "patron_get",
    "performance_close_sales",
    "performance_open_sales",
    "price_lines",
    "price_type_delete",
    "price_type_save",
    "price_types_of",
    "reservation_pay_by",
    "sweep_expired",
    "ticket_check_in",
    "waitlist_accept",
    "waitlist_get",
    "waitlist_join",
    "waitlist_offers",
    "waitlist_position",
]
