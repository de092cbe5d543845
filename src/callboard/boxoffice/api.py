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

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt, model_validator

from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import Cart, Order, WaitlistEntry
from callboard.core.actors import Actor
from callboard.core.api_parts import Email, ErrorOut, Flag, In, SessionAuth, StrictId, TokenAuth
from callboard.core.clientaddr import client_address
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.i18n import company_currency
from callboard.core.roles import Cap, can, require
from callboard.core.services import api_token_authenticate

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


class BestIn(In):
    count: StrictInt = Field(..., description="How many seats together (1 to 10).")
    zone: str | None = Field(
        None, max_length=10, description="Only seats of this price zone (its code)."
    )
    accessible: Flag = Field(False, description="A wheelchair space with companion seats.")


class CartIn(In):
    seats: list[StrictId] | None = Field(
        None, max_length=500, description="Seat ids chosen on the map."
    )
    best_available: BestIn | None = Field(
        None, description="Or: the best seats together (not with `seats`)."
    )

    @model_validator(mode="after")
    def _one_way(self) -> CartIn:
        if self.seats is not None and self.best_available is not None:
            raise ValueError(_("Send either seats chosen on the map or best_available, not both."))
        return self


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
    currency: str = Field(description="ISO 4217 code of every price here, e.g. RUB")


class TicketTypeIn(In):
    seat_id: StrictId = Field(..., description="A seat in the cart.")
    price_type: str = Field(
        ..., max_length=20, description="A price type's code (see /prices), e.g. concession."
    )


class OrderIn(In):
    buyer_name: str = Field(..., max_length=200)
    buyer_email: Email = Field("", description="Where the tickets go; needed online.")
    price_types: list[TicketTypeIn] | None = Field(
        None,
        max_length=50,
        description="The price type of each ticket; seats left out get the first price type "
        "sold in their zone (or the zone's price when the performance has none).",
    )
    discount_code: str = Field(
        "", max_length=40, description="A discount code the buyer typed (optional)."
    )
    kind: str = Field(
        "reservation",
        max_length=20,
        description="reservation; sale and comp need a box-office token",
    )
    comp_reason: str = Field("", max_length=200)
    provider: str = Field(
        "box_office",
        max_length=40,
        description="Payment provider: box_office (pay at the box office)",
    )


class TicketOut(Schema):
    code: str
    seat_id: int
    seat: str
    zone: str | None
    price_type: str = Field(description="The price type's code; full: the zone's own price.")
    price_type_name: str
    price: Decimal = Field(description="The price paid, after any discount.")
    status: str


class OrderOut(Schema):
    reference: str
    performance_id: int
    kind: str
    status: str
    buyer_name: str
    total: Decimal
    currency: str = Field(description="ISO 4217 code of every price here, e.g. RUB")
    pay_by: datetime | None = Field(
        None, description="An unpaid order lapses then and its seats go back on sale."
    )
    discount_code: str | None = None
    discount: Decimal = Field(Decimal(0), description="What the discount code took off.")
    tickets: list[TicketOut]


class ZonePriceOut(Schema):
    zone: str
    zone_name: str
    price: Decimal


class PriceTypeOut(Schema):
    code: str
    name: str
    note: str
    prices: list[ZonePriceOut]


class PricesOut(Schema):
    performance_id: int
    currency: str
    price_types: list[PriceTypeOut] = Field(
        description="Empty: every seat sells at its zone's price (code full)."
    )
    zones: list[ZonePriceOut] = Field(description="Each zone's own (full) price.")


class QuoteIn(In):
    price_types: list[TicketTypeIn] | None = Field(None, max_length=50)
    discount_code: str = Field("", max_length=40)


class QuoteLineOut(Schema):
    seat_id: int
    seat: str
    zone: str
    price_type: str
    price_type_name: str
    list_price: Decimal
    price: Decimal


class QuoteOut(Schema):
    lines: list[QuoteLineOut]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    currency: str


class WaitlistIn(In):
    name: str = Field(..., max_length=200)
    email: Email = Field(..., description="Where the offer is sent when seats come back.")
    seats: StrictInt = Field(1, ge=1, le=50, description="How many seats together (1 to 10).")


class WaitlistOut(Schema):
    performance_id: int
    status: str
    position: int = Field(description="1: first in line.")
    seats: int


class CheckInIn(In):
    code: str = Field(..., max_length=64)
    performance_id: StrictId


class CheckInOut(Schema):
    result: str
    admitted: bool
    message: str
    seat: str | None
    first_scanned_at: datetime | None


def _cart_out(cart: Cart, now: datetime) -> dict:
    held = getattr(cart, "held_seat_ids", None)
    labels = selectors.house_seat_labels(performance=cart.performance) if held else {}
    if held and all(pk in labels for pk in held):
        # A new cart: its seats as the house document has them, no query.
        seats = [
            {"id": pk, **dict(zip(("label", "zone", "price"), labels[pk], strict=True))}
            for pk in held
        ]
    else:
        seats = [
            {"id": s.pk, "label": s.label, "zone": s.zone.code, "price": s.zone.price}
            for s in selectors.cart_seats(cart=cart, now=now)
        ]
    return {
        "token": cart.token,
        "performance_id": cart.performance_id,
        "status": selectors.cart_status(cart=cart, now=now),
        "expires_at": cart.expires_at,
        "seats": seats,
        "total": sum((s["price"] for s in seats), Decimal(0)),
        "currency": company_currency(),
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
        "currency": company_currency(),
        "pay_by": order.pay_by,
        "tickets": [
            {
                "code": t.code,
                "seat_id": t.seat_id,
                "seat": t.seat.label,
                "zone": t.seat.zone.code
                if issued is not None
                else (t.zone.code if t.zone else None),
                "price_type": t.price_type.code if t.price_type_id and t.price_type else "full",
                "price_type_name": t.price_type_name or str(_("Full price")),
                "price": t.price,
                "status": t.status,
            }
            for t in tickets
        ],
        "discount_code": order.discount.code if order.discount_id and order.discount else None,
        "discount": order.discount_amount,
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


class HouseSeatOut(Schema):
    id: int
    section: str
    row: str
    number: str
    zone: str
    x: float
    y: float
    accessible: bool
    companion: bool
    restricted_view: bool


class ZoneOut(Schema):
    code: str
    name: str
    price: Decimal
    colour: str
    rank: int


class HouseOut(Schema):
    performance_id: int
    capacity: int
    width: int
    height: int
    currency: str = Field(description="ISO 4217 code of every price here, e.g. RUB")
    zones: list[ZoneOut]
    seats: list[HouseSeatOut]


class TakenOut(Schema):
    performance_id: int
    capacity: int
    available: int
    taken: list[list[int]] = Field(
        description="Runs of taken seat ids, [first, last] (both taken); every other seat of "
        "the house is free."
    )


NOT_MODIFIED = {
    "304": {"description": "Not modified: the document you have (its ETag in If-None-Match)."}
}


def _conditional(request: HttpRequest, document: selectors.Document, cache: str) -> HttpResponse:
    """The document, or 304 when the client already has it (If-None-Match)."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if document.etag in wanted or f"W/{document.etag}" in wanted or "*" in wanted:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(document.body, content_type="application/json")
    response["ETag"] = document.etag
    response["Cache-Control"] = cache
    return response


@router.get(
    "/performances/{performance_id}/house",
    response={200: HouseOut, **ERRORS},
    auth=None,
    summary="The seats of a performance's house (once; cacheable)",
    description=(
        "Every seat with its place on the map, label, zone and flags, and the zones' prices: "
        "fetch it once and keep it (it has an ETag; send If-None-Match to get a 304). Which "
        "seats are taken is in `/taken`."
    ),
    openapi_extra={"responses": NOT_MODIFIED},
)
def house(request: HttpRequest, performance_id: int) -> HttpResponse:
    performance = selectors.performance_for_sale(performance_id)
    return _conditional(
        request, selectors.house_document(performance=performance), "public, max-age=60"
    )


@router.get(
    "/performances/{performance_id}/taken",
    response={200: TakenOut, **ERRORS},
    auth=None,
    summary="Which seats are taken now (compact, versioned)",
    description=(
        "Runs of taken seat ids; every other seat of `/house` is free. A few hundred bytes, "
        "read before every try during an on-sale rush: send the ETag you have in "
        "If-None-Match and an unchanged house answers 304 with no body."
    ),
    openapi_extra={"responses": NOT_MODIFIED},
)
def taken(request: HttpRequest, performance_id: int) -> HttpResponse:
    document = selectors.availability_document(performance_id=performance_id, now=timezone.now())
    if document is None:
        raise NotFound(_("No such performance on sale."))
    return _conditional(request, document, "no-cache")


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
    performance = selectors.performance_for_sale(performance_id)
    best = services.BestRequest(**payload.best_available.dict()) if payload.best_available else None
    cart = services.cart_create(
        performance=performance,
        seat_ids=payload.seats or None,
        best=best,
        by=_optional_user(request),
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
        cart_token=token,
        buyer_name=payload.buyer_name,
        buyer_email=payload.buyer_email,
        kind=payload.kind,
        comp_reason=payload.comp_reason,
        provider=payload.provider,
        channel="api",
        by=user,
        may_sell=can(user, Cap.SELL_TICKETS),
        client_address=client_address(request),
        price_types=_types(payload.price_types),
        discount_code=payload.discount_code,
        now=timezone.now(),
    )
    return Status(201, _order_out(order))


def _types(items: list[TicketTypeIn] | None) -> dict[int, str] | None:
    if not items:
        return None
    seen: dict[int, str] = {}
    for item in items:
        if item.seat_id in seen:
            raise ValidationFailed(
                _("Seat %(id)s was given two price types.") % {"id": item.seat_id},
                field="price_types",
            )
        seen[item.seat_id] = item.price_type
    return seen


@router.get(
    "/performances/{performance_id}/prices",
    response={200: PricesOut, **ERRORS},
    auth=None,
    summary="Price types and zone prices of a performance",
)
def prices(request: HttpRequest, performance_id: int) -> dict:
    performance = selectors.performance_get(performance_id)
    zones = selectors.zones_of(performance=performance)
    return {
        "performance_id": performance.pk,
        "currency": company_currency(),
        "price_types": [
            {
                "code": pt.code,
                "name": pt.name,
                "note": pt.note,
                "prices": [
                    {"zone": p.zone.code, "zone_name": p.zone.name, "price": p.price}
                    for p in sorted(pt.prices.all(), key=lambda p: (p.zone.rank, p.zone.code))
                ],
            }
            for pt in services.price_types_of(performance)
        ],
        "zones": [{"zone": z.code, "zone_name": z.name, "price": z.price} for z in zones],
    }


@router.post(
    "/carts/{token}/quote",
    response={200: QuoteOut, **ERRORS},
    auth=None,
    summary="What a cart costs with price types and a discount code",
    description="Writes nothing: the discount code is checked (422 naming discount_code when "
    "it is unknown, expired, for another performance or used up) but not used.",
)
def cart_quote(request: HttpRequest, token: str, payload: QuoteIn) -> dict:
    now = timezone.now()
    cart = selectors.cart_get(token=token)
    seats = selectors.cart_seats(cart=cart, now=now)
    code = (payload.discount_code or "").strip()
    discount = (
        services.discount_find(code=code, performance=cart.performance, now=now) if code else None
    )
    quote = services.price_lines(
        performance=cart.performance,
        seats=seats,
        price_types=_types(payload.price_types),
        discount=discount,
    )
    return {
        "lines": [
            {
                "seat_id": line.seat.pk,
                "seat": line.seat.label,
                "zone": line.seat.zone.code,
                "price_type": line.price_type_code,
                "price_type_name": line.price_type.name
                if line.price_type
                else str(_("Full price")),
                "list_price": line.list_price,
                "price": line.price,
            }
            for line in quote.lines
        ],
        "subtotal": quote.subtotal,
        "discount": quote.discount_amount,
        "total": quote.total,
        "currency": company_currency(),
    }


@router.post(
    "/performances/{performance_id}/waitlist",
    response={201: WaitlistOut, **ERRORS},
    auth=None,
    summary="Join the waiting list of a sold-out performance",
    description="409 not_sold_out while seats are on sale. When seats come back the first in "
    "line is e-mailed an offer that holds them for a while.",
)
def waitlist_join(request: HttpRequest, performance_id: int, payload: WaitlistIn) -> Status[dict]:
    performance = selectors.performance_get(performance_id)
    entry = services.waitlist_join(
        performance=performance,
        name=payload.name,
        email=payload.email,
        seats=payload.seats,
        language=translation.get_language() or "",
        now=timezone.now(),
    )
    return Status(201, _waitlist_out(entry))


def _waitlist_out(entry: WaitlistEntry) -> dict:
    return {
        "performance_id": entry.performance_id,
        "status": entry.status,
        "position": services.waitlist_position(entry),
        "seats": entry.seats,
    }


@router.post(
    "/waitlist/{token}/cart",
    response={201: CartOut, **ERRORS},
    auth=None,
    summary="Take the seats a waiting-list offer holds, as a cart",
    description="The token is the one in the offer's e-mail. The cart lasts until the offer's "
    "end; confirm it as an order like any cart. 409 offer_expired once it ran out.",
)
def waitlist_accept(request: HttpRequest, token: str) -> Status[dict]:
    now = timezone.now()
    return Status(201, _cart_out(services.waitlist_accept(token=token, now=now), now))


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


def _optional_user(request: HttpRequest) -> Actor:
    """Public endpoints still recognise a box-office token when one is sent; otherwise the
    buyer is nobody signed in."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = api_token_authenticate(raw=header[7:].strip(), now=timezone.now())
        if user is not None:
            return user
    # The browser session is not trusted here: these endpoints take no CSRF token.
    return AnonymousUser()
