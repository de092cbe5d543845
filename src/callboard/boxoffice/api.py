"""The public box-office API for buyers and agents, under /api/v1/boxoffice/.

Buying takes two calls: hold seats in a cart (chosen seats, or the best available together),
then confirm the cart as an order within ten minutes. The cart's token is the buyer's key to
it; confirming the same cart twice returns the same order, so a client that lost an answer
can safely ask again. Reading and buying need no account: an order made without a box-office
token is a reservation that must be paid by its ``pay_by`` time (it lapses then and its seats
go back on sale; the door does not admit unpaid tickets), needs a valid e-mail, and is
limited per e-mail and per client address for each performance. Sales at the counter, comps
and the door need a box-office token.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import Order
from callboard.core.api_parts import ErrorOut, SessionAuth, TokenAuth
from callboard.core.clientaddr import client_address
from callboard.core.roles import Cap, can, require

router = Router(tags=["box office"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OnSalePerformanceOut(Schema):
    id: int
    title: str
    venue: str
    city: str
    starts_at: datetime
    ends_at: datetime


class SeatOut(Schema):
    id: int
    section: str
    row: str
    number: str
    zone: str
    price: Decimal
    x: float
    y: float
    accessible: bool
    companion: bool
    restricted_view: bool


class AvailabilityOut(Schema):
    performance_id: int
    capacity: int
    available: int
    seats: list[SeatOut]


class BestIn(Schema):
    count: int = Field(..., description="How many seats together (1 to 10).")
    zone: str | None = Field(None, description="Only seats of this price zone (its code).")
    accessible: bool = Field(False, description="A wheelchair space with companion seats.")


class CartIn(Schema):
    seats: list[int] | None = Field(None, description="Seat ids chosen on the map.")
    best_available: BestIn | None = Field(None, description="Or: the best seats together.")


class CartSeatOut(Schema):
    id: int
    label: str
    zone: str
    price: Decimal


class CartOut(Schema):
    token: str
    performance_id: int
    status: str
    expires_at: datetime
    seats: list[CartSeatOut]
    total: Decimal


class OrderIn(Schema):
    buyer_name: str
    buyer_email: str = ""
    kind: str = Field(
        "reservation", description="reservation; sale and comp need a box-office token"
    )
    comp_reason: str = ""
    provider: str = Field(
        "box_office", description="Payment provider: box_office (pay at the box office)"
    )


class TicketOut(Schema):
    code: str
    seat_id: int
    seat: str
    zone: str | None
    price: Decimal
    status: str


class OrderOut(Schema):
    reference: str
    performance_id: int
    kind: str
    status: str
    buyer_name: str
    total: Decimal
    pay_by: datetime | None = Field(
        None, description="An unpaid order lapses then and its seats go back on sale."
    )
    tickets: list[TicketOut]


class CheckInIn(Schema):
    code: str
    performance_id: int


class CheckInOut(Schema):
    result: str
    admitted: bool
    message: str
    seat: str | None
    first_scanned_at: datetime | None


def _cart_out(cart: object, now: datetime) -> dict:
    seats = selectors.cart_seats(cart=cart, now=now)  # type: ignore[arg-type]
    return {
        "token": cart.token,  # type: ignore[attr-defined]
        "performance_id": cart.performance_id,  # type: ignore[attr-defined]
        "status": cart.status,  # type: ignore[attr-defined]
        "expires_at": cart.expires_at,  # type: ignore[attr-defined]
        "seats": [
            {"id": s.pk, "label": s.label, "zone": s.zone.code, "price": s.zone.price}
            for s in seats
        ],
        "total": sum((s.zone.price for s in seats), Decimal(0)),
    }


def _order_out(order: Order) -> dict:
    # A new order carries its tickets and their seats (no need to read them back).
    issued = getattr(order, "issued_tickets", None)
    if issued is None:
        order = selectors.order_get(pk=order.pk)
    tickets = issued if issued is not None else list(order.tickets.all())
    return {
        "reference": order.reference,
        "performance_id": order.performance_id,
        "kind": order.kind,
        "status": order.status,
        "buyer_name": order.buyer_name,
        "total": order.total,
        "pay_by": order.pay_by,
        "tickets": [
            {
                "code": t.code,
                "seat_id": t.seat_id,
                "seat": t.seat.label,
                "zone": t.seat.zone.code
                if issued is not None
                else (t.zone.code if t.zone else None),
                "price": t.price,
                "status": t.status,
            }
            for t in tickets
        ],
    }


@router.get(
    "/performances", response=list[OnSalePerformanceOut], auth=None, summary="Performances on sale"
)
def performances(request: HttpRequest) -> list[dict]:
    return [
        {
            "id": p.pk,
            "title": p.title or p.programme.title,
            "venue": p.venue.name,
            "city": p.venue.city,
            "starts_at": p.starts_at,
            "ends_at": p.ends_at,
        }
        for p in selectors.performances_on_sale(now=timezone.now())
    ]


@router.get(
    "/performances/{performance_id}/availability",
    response={200: AvailabilityOut, **ERRORS},
    auth=None,
    summary="Free seats of a performance",
)
def availability(request: HttpRequest, performance_id: int) -> JsonResponse:
    performance = selectors.performance_get(performance_id)
    # Already plain JSON values: skip per-seat schema validation (1,740 seats, read often).
    return JsonResponse(selectors.availability(performance=performance, now=timezone.now()))


@router.post(
    "/performances/{performance_id}/carts",
    response={201: CartOut, **ERRORS},
    auth=None,
    summary="Hold seats for ten minutes",
    description=(
        "Send `seats` (ids from availability) or `best_available` {count, zone?, accessible?}. "
        "409 with detail.code `seats_taken` when someone was faster, `not_enough_together` when "
        "no block is left, `busy` when the box office is overloaded (try again)."
    ),
)
def cart_create(request: HttpRequest, performance_id: int, payload: CartIn) -> Status[dict]:
    now = timezone.now()
    performance = selectors.performance_get(performance_id)
    best = services.BestRequest(**payload.best_available.dict()) if payload.best_available else None
    cart = services.cart_create(
        performance=performance,
        seat_ids=payload.seats or None,
        best=best,
        user=_optional_user(request),
        now=now,
    )
    return Status(201, _cart_out(cart, now))


@router.get("/carts/{token}", response={200: CartOut, **ERRORS}, auth=None, summary="A cart")
def cart_get(request: HttpRequest, token: str) -> dict:
    return _cart_out(selectors.cart_get(token=token), timezone.now())


@router.post(
    "/carts/{token}/seats", response={200: CartOut, **ERRORS}, auth=None, summary="Add seats"
)
def cart_add(request: HttpRequest, token: str, payload: CartIn) -> dict:
    now = timezone.now()
    best = services.BestRequest(**payload.best_available.dict()) if payload.best_available else None
    cart = services.cart_add(
        cart=selectors.cart_get(token=token), seat_ids=payload.seats or None, best=best, now=now
    )
    return _cart_out(cart, now)


@router.delete(
    "/carts/{token}", response={200: CartOut, **ERRORS}, auth=None, summary="Release a cart"
)
def cart_release(request: HttpRequest, token: str) -> dict:
    now = timezone.now()
    return _cart_out(services.cart_release(cart=selectors.cart_get(token=token), now=now), now)


@router.post(
    "/carts/{token}/order",
    response={201: OrderOut, **ERRORS},
    auth=None,
    summary="Confirm a cart as an order",
    description="Idempotent: confirming an ordered cart again returns its order.",
)
def order_confirm(request: HttpRequest, token: str, payload: OrderIn) -> Status[dict]:
    user = _optional_user(request)
    order = services.order_checkout(
        cart=selectors.cart_get(token=token),
        buyer_name=payload.buyer_name,
        buyer_email=payload.buyer_email,
        kind=payload.kind,
        comp_reason=payload.comp_reason,
        provider=payload.provider,
        channel="api",
        user=user,
        may_sell=can(user, Cap.SELL_TICKETS),
        client_address=client_address(request),
        now=timezone.now(),
    )
    return Status(201, _order_out(order))


@router.post(
    "/checkins",
    response={200: CheckInOut, **ERRORS},
    auth=[TokenAuth(), SessionAuth()],
    summary="Scan a ticket at the door",
)
def check_in(request: HttpRequest, payload: CheckInIn) -> dict:
    require(request.user, Cap.CHECK_IN)
    performance = selectors.performance_get(payload.performance_id)
    scan = services.ticket_check_in(
        code=payload.code, performance=performance, by=request.user, now=timezone.now()
    )
    ticket = scan.ticket
    return {
        "result": scan.checkin.result,
        "admitted": scan.admitted,
        "message": str(scan.checkin.get_result_display()),
        "seat": ticket.seat.label if ticket is not None else None,
        "first_scanned_at": ticket.checked_in_at if ticket is not None else None,
    }


def _optional_user(request: HttpRequest) -> object:
    """Public endpoints still recognise a box-office token when one is sent."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        from callboard.core.services import api_token_authenticate

        user = api_token_authenticate(raw=header[7:].strip(), now=timezone.now())
        if user is not None:
            return user
    # The browser session is not trusted here: these endpoints take no CSRF token.
    return None
