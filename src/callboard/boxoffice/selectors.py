"""Reads of the box office, each with a fixed number of queries whatever the house's size."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from callboard.boxoffice import availability as taken_seats
from callboard.boxoffice.availability import Document, make_document
from callboard.boxoffice.models import (
    Cart,
    CheckIn,
    DiscountCode,
    FamilyComp,
    Hold,
    Order,
    Patron,
    PerformanceSeat,
    PriceZone,
    Seat,
    SeatClaim,
    SeatMap,
    Ticket,
    WaitlistEntry,
)
from callboard.boxoffice.services import live_claims
from callboard.company.collation import collation_name
from callboard.core.errors import NotFound
from callboard.core.i18n import company_currency
from callboard.core.rawsql import Columns
from callboard.core.text import search_key
from callboard.season.models import Performance, Venue


def performance_get(pk: int) -> Performance:
    performance = Performance.objects.select_related("venue", "programme").filter(pk=pk).first()
    if performance is None:
        raise NotFound(_("No such performance."))
    return performance


def performance_for_sale(pk: int) -> Performance:
    """A performance with only what selling its seats reads (status, curtain, end, venue id):
    one light query for the endpoints an on-sale rush calls most (the house, carts)."""
    if not 0 < pk < 2**63:  # no such id (and beyond what a database integer holds)
        raise NotFound(_("No such performance."))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_SELLING.sql} FROM season_performance p WHERE p.id = %s", [pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No such performance."))
    return _SELLING.build(row)


# Written out (see callboard.core.rawsql): every cart of an on-sale rush reads it.
_SELLING = Columns(Performance, "p", ("id", "status", "starts_at", "ends_at", "venue"))


def performances_on_sale(*, now: dt.datetime) -> QuerySet[Performance]:
    return (
        Performance.objects.filter(status=Performance.Status.ON_SALE, starts_at__gt=now)
        .select_related("venue", "programme")
        .order_by("starts_at")
    )


def performances_for_box_office(*, now: dt.datetime) -> list[dict[str, Any]]:
    """Coming performances with their house counts (three queries)."""
    performances = list(
        Performance.objects.filter(ends_at__gt=now - dt.timedelta(days=1))
        .select_related("venue", "programme")
        .annotate(house_size=Count("house", distinct=True))
        .order_by("starts_at")[:200]
    )
    ids = [p.pk for p in performances]
    sold = dict(
        Ticket.objects.filter(performance_id__in=ids, status=Ticket.Status.VALID)
        .values_list("performance_id")
        .annotate(n=Count("pk"))
        .values_list("performance_id", "n")
    )
    mapped = set(
        SeatMap.objects.filter(venue_id__in={p.venue_id for p in performances}).values_list(
            "venue_id", flat=True
        )
    )
    return [
        {
            "performance": p,
            "house": p.house_size,
            "sold": sold.get(p.pk, 0),
            "has_map": p.venue_id in mapped,
        }
        for p in performances
    ]


@dataclass
class SeatView:
    seat: Seat
    state: str  # free, cart, mine, held, sold
    hold_kind: str = ""


@dataclass
class HouseView:
    performance: Performance
    seat_map: SeatMap | None
    seats: list[SeatView]
    zones: list[PriceZone]
    counts: dict[str, int] = field(default_factory=dict)


def house_view(
    *, performance: Performance, now: dt.datetime, cart: Cart | None = None
) -> HouseView:
    """The house of a performance with each seat's state now (four queries)."""
    seat_map = SeatMap.objects.filter(venue_id=performance.venue_id).first()
    if seat_map is None:
        return HouseView(performance, None, [], [])
    zones = list(seat_map.zones.all())
    claims = {
        c[0]: c
        for c in live_claims(performance, now).values_list(
            "seat_id", "kind", "hold__kind", "cart_id"
        )
    }
    on_sale = PerformanceSeat.objects.filter(performance=performance)
    seats = Seat.objects.filter(seat_map=seat_map).select_related("section", "zone")
    if performance.status == Performance.Status.ON_SALE:
        seats = seats.filter(pk__in=on_sale.values("seat_id"))
    views = []
    counts: dict[str, int] = defaultdict(int)
    for seat in seats:
        claim = claims.get(seat.pk)
        if claim is None:
            state, hold_kind = "free", ""
        elif claim[1] == SeatClaim.Kind.TICKET:
            state, hold_kind = "sold", ""
        elif claim[1] == SeatClaim.Kind.HOLD:
            state, hold_kind = "held", claim[2] or ""
        elif cart is not None and claim[3] == cart.pk:
            state, hold_kind = "mine", ""
        else:
            state, hold_kind = "cart", ""
        counts[state] += 1
        views.append(SeatView(seat, state, hold_kind))
    return HouseView(performance, seat_map, views, zones, dict(counts))


def availability(*, performance: Performance, now: dt.datetime) -> dict[str, Any]:
    """Free seats of a performance for the public API (two queries, plain values: it is read
    often during an on-sale rush)."""
    taken = set(live_claims(performance, now).values_list("seat_id", flat=True))
    rows = (
        PerformanceSeat.objects.filter(performance=performance)
        .order_by("seat__section__order", "seat__row_index", "seat__position")
        .values_list(
            "seat_id",
            "seat__section__name",
            "seat__row",
            "seat__number",
            "seat__zone__code",
            "seat__zone__price",
            "seat__x",
            "seat__y",
            "seat__accessible",
            "seat__companion",
            "seat__restricted_view",
        )
    )
    keys = (
        "id",
        "section",
        "row",
        "number",
        "zone",
        "price",
        "x",
        "y",
        "accessible",
        "companion",
        "restricted_view",
    )
    total = 0
    out = []
    for row in rows:
        total += 1
        if row[0] in taken:
            continue
        item = dict(zip(keys, row, strict=True))
        item["price"] = str(item["price"])
        out.append(item)
    return {
        "performance_id": performance.pk,
        "capacity": total,
        "available": len(out),
        "seats": out,
    }


HOUSE_DOCUMENT_SECONDS = 30.0
# performance id -> (when read, the document, seat id -> (label, zone code, price))
_house_documents = taken_seats.house_documents


def house_seat_labels(*, performance: Performance) -> dict[int, tuple[str, str, Decimal]]:
    """Each seat of the house: its label, zone code and price (as the house document has
    them, from this process's copy)."""
    house_document(performance=performance)
    return _house_documents[performance.pk][2]


def house_document(*, performance: Performance) -> Document:
    """The seats of a performance's house once, for a seat map: positions, labels, zones and
    prices, nothing about who has them (:func:`availability_document` says that). Kept in this
    process for ``HOUSE_DOCUMENT_SECONDS``: it changes only when the seat map is edited."""
    clock = time.monotonic()
    cached = _house_documents.get(performance.pk)
    if cached is not None and clock - cached[0] < HOUSE_DOCUMENT_SECONDS:
        return cached[1]
    seat_map = SeatMap.objects.filter(venue_id=performance.venue_id).first()
    zone_rows = list(seat_map.zones.all()) if seat_map is not None else []
    prices = {z.code: z.price for z in zone_rows}
    rows = (
        PerformanceSeat.objects.filter(performance=performance)
        .order_by("seat__section__order", "seat__row_index", "seat__position")
        .values_list(
            "seat_id",
            "seat__section__name",
            "seat__row",
            "seat__number",
            "seat__zone__code",
            "seat__x",
            "seat__y",
            "seat__accessible",
            "seat__companion",
            "seat__restricted_view",
        )
    )
    keys = ("id", "section", "row", "number", "zone", "x", "y", "accessible", "companion")
    seats = []
    labels: dict[int, tuple[str, str, Decimal]] = {}
    for row in rows:
        item = dict(zip(keys, row, strict=False))
        item["restricted_view"] = row[-1]
        seats.append(item)
        labels[row[0]] = (f"{row[1]} {row[2]}-{row[3]}", row[4], prices.get(row[4], Decimal(0)))
    zones = [
        {
            "code": z.code,
            "name": z.name,
            "price": str(z.price),
            "colour": z.colour,
            "rank": z.rank,
        }
        for z in zone_rows
    ]
    document = make_document(
        {
            "performance_id": performance.pk,
            "capacity": len(seats),
            "width": seat_map.width if seat_map else 0,
            "height": seat_map.height if seat_map else 0,
            "currency": company_currency(),
            "zones": zones,
            "seats": seats,
        }
    )
    if len(_house_documents) > 64:
        _house_documents.clear()
    _house_documents[performance.pk] = (clock, document, labels)
    return document


def availability_document(*, performance_id: int, now: dt.datetime) -> Document | None:
    """Which seats are taken now, compactly (see :mod:`callboard.boxoffice.availability`)."""
    return taken_seats.availability_document(performance_id=performance_id, now=now)


def house_document_forget() -> None:
    _house_documents.clear()
    taken_seats.forget()


def cart_get(*, token: str) -> Cart:
    cart = Cart.objects.select_related("performance__venue").filter(token=token).first()
    if cart is None:
        raise NotFound(_("No such cart; it may have been ordered or released."))
    return cart


def cart_key(*, token: str) -> Cart:
    """The cart a token opens, its id only: for a service that reads it again under its lock."""
    cart = Cart.objects.only("pk").filter(token=token).first()
    if cart is None:
        raise NotFound(_("No such cart; it may have been ordered or released."))
    return cart


def cart_status(*, cart: Cart, now: dt.datetime) -> str:
    """A cart's status as a buyer should read it now: an open cart whose ten minutes have run
    out is expired, whether or not the sweeper has marked it yet."""
    if cart.status == Cart.Status.OPEN and cart.expires_at <= now:
        return Cart.Status.EXPIRED.value
    return str(cart.status)


def cart_seats(*, cart: Cart, now: dt.datetime) -> list[Seat]:
    ids = cart.claims.filter(active=True, kind=SeatClaim.Kind.CART, expires_at__gt=now).values(
        "seat_id"
    )
    return list(Seat.objects.filter(pk__in=ids).select_related("section", "zone"))


def orders_list(*, performance_id: int | None = None, q: str = "") -> QuerySet[Order]:
    qs = Order.objects.select_related("performance__venue", "performance__programme").annotate(
        tickets_valid=Count("tickets", filter=Q(tickets__status=Ticket.Status.VALID))
    )
    if performance_id:
        qs = qs.filter(performance_id=performance_id)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(reference__iexact=q) | Q(buyer_name__icontains=q) | Q(buyer_email__iexact=q)
        )
    return qs


def order_get(*, pk: int | None = None, reference: str | None = None) -> Order:
    qs = Order.objects.select_related(
        "performance__venue", "performance__programme", "hold", "discount", "patron"
    ).prefetch_related(
        Prefetch(
            "tickets",
            queryset=Ticket.objects.select_related("seat__section", "zone", "price_type").order_by(
                "pk"
            ),
        )
    )
    order = qs.filter(pk=pk).first() if pk is not None else qs.filter(reference=reference).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def holds_for(*, performance: Performance, now: dt.datetime) -> list[Hold]:
    return list(
        Hold.objects.filter(performance=performance)
        .select_related("owner", "created_by")
        .annotate(
            held=Count(
                "claims",
                filter=Q(claims__active=True, claims__kind=SeatClaim.Kind.HOLD)
                & (Q(claims__expires_at__isnull=True) | Q(claims__expires_at__gt=now)),
            ),
            issued=Count(
                "claims", filter=Q(claims__kind=SeatClaim.Kind.TICKET, claims__active=True)
            ),
        )
        .order_by("released_at", "kind", "created_at")
    )


def comps_for_dancer(*, dancer_id: int) -> QuerySet[FamilyComp]:
    return (
        FamilyComp.objects.filter(dancer_id=dancer_id)
        .select_related("performance__venue", "performance__programme", "order")
        .order_by("-requested_at")
    )


def comps_queue() -> QuerySet[FamilyComp]:
    return FamilyComp.objects.select_related(
        "dancer__person", "performance__venue", "performance__programme", "order"
    ).order_by("status", "performance__starts_at", "requested_at")


def venues_with_maps() -> list[tuple[Venue, int]]:
    counts = dict(
        Seat.objects.values_list("seat_map__venue_id")
        .annotate(n=Count("pk"))
        .values_list("seat_map__venue_id", "n")
    )
    return [(v, counts.get(v.pk, 0)) for v in Venue.objects.order_by("name")]


# --- reports ---------------------------------------------------------------------------------


@dataclass
class Report:
    performance: Performance
    capacity: int
    sold: int
    comps: int
    held: int
    in_carts: int
    available: int
    revenue: Decimal
    attendance: int
    duplicates: int
    by_zone: list[dict[str, Any]]
    by_price_type: list[dict[str, Any]]
    discounts: Decimal
    comps_by_reason: list[dict[str, Any]]
    series: dict[str, list[tuple[dt.date, int]]]  # zone code -> cumulative tickets per day


def report(*, performance: Performance, now: dt.datetime) -> Report:
    """Sales, attendance, comps and capacity of one performance (a fixed number of queries)."""
    tz = ZoneInfo(performance.venue.time_zone or "UTC")
    capacity = PerformanceSeat.objects.filter(performance=performance).count()
    kinds = dict(
        live_claims(performance, now)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    valid = Ticket.objects.filter(performance=performance, status=Ticket.Status.VALID)
    totals = valid.aggregate(
        sold=Count("pk"),
        comps=Count("pk", filter=Q(order__kind=Order.Kind.COMP)),
        revenue=Sum("price"),
        attendance=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    zones = {z.pk: z for z in PriceZone.objects.filter(seat_map__venue_id=performance.venue_id)}
    by_zone_rows = valid.values("zone_id").annotate(n=Count("pk"), revenue=Sum("price"))
    by_zone = [
        {
            "zone": zones.get(r["zone_id"]),
            "sold": r["n"],
            "revenue": r["revenue"] or Decimal(0),
        }
        for r in by_zone_rows
    ]
    by_zone.sort(key=lambda r: (r["zone"].rank, r["zone"].code) if r["zone"] else (999, ""))
    by_price_type = [
        {"name": r["price_type_name"], "sold": r["n"], "revenue": r["revenue"] or Decimal(0)}
        for r in valid.values("price_type_name")
        .annotate(n=Count("pk"), revenue=Sum("price"))
        .order_by("price_type_name")
    ]
    discounts = (
        Order.objects.filter(performance=performance, tickets__status=Ticket.Status.VALID)
        .distinct()
        .aggregate(d=Sum("discount_amount"))["d"]
    ) or Decimal(0)
    comps_by_reason: list[dict[str, Any]] = [
        dict(row)
        for row in valid.filter(order__kind=Order.Kind.COMP)
        .values("order__comp_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "order__comp_reason")
    ]
    daily: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for issued_at, zone_id in valid.values_list("issued_at", "zone_id"):
        code = zones[zone_id].code if zone_id in zones else "?"
        daily[code][issued_at.astimezone(tz).date()] += 1
    series: dict[str, list[tuple[dt.date, int]]] = {}
    for code, per_day in sorted(daily.items()):
        running = 0
        points = []
        for day in sorted(per_day):
            running += per_day[day]
            points.append((day, running))
        series[code] = points
    duplicates = CheckIn.objects.filter(
        performance=performance, result=CheckIn.Result.DUPLICATE
    ).count()
    taken = sum(kinds.values())
    return Report(
        performance=performance,
        capacity=capacity,
        sold=totals["sold"] or 0,
        comps=totals["comps"] or 0,
        held=kinds.get(SeatClaim.Kind.HOLD, 0),
        in_carts=kinds.get(SeatClaim.Kind.CART, 0),
        available=max(capacity - taken, 0),
        revenue=totals["revenue"] or Decimal(0),
        attendance=totals["attendance"] or 0,
        duplicates=duplicates,
        by_zone=by_zone,
        by_price_type=by_price_type,
        discounts=discounts,
        comps_by_reason=comps_by_reason,
        series=series,
    )


def tickets_for_csv(*, performance: Performance) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(performance=performance)
        .select_related("order__discount", "seat__section", "zone")
        .order_by("issued_at", "pk")
    )


def recent_checkins(*, performance: Performance, limit: int = 10) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(performance=performance).select_related("ticket__seat__section")[
            :limit
        ]
    )


# --- pricing, patrons, the waiting list ---------------------------------------------------------


def zones_of(*, performance: Performance) -> list[PriceZone]:
    return list(PriceZone.objects.filter(seat_map__venue_id=performance.venue_id))


def discount_codes_list() -> QuerySet[DiscountCode]:
    return DiscountCode.objects.select_related(
        "performance__venue", "performance__programme"
    ).annotate(
        orders_kept=Count("orders", filter=Q(orders__discount_returned=False), distinct=True)
    )


def discount_orders(*, discount: DiscountCode) -> QuerySet[Order]:
    return (
        Order.objects.filter(discount=discount)
        .select_related("performance__venue", "performance__programme")
        .order_by("-created_at", "-pk")
    )


def patrons_search(*, q: str = "") -> QuerySet[Patron]:
    """Patrons whose name or e-mail holds ``q`` (accents, case and script folded, as the
    roster's search), in the reader's alphabetical order, with their order counts."""
    qs = Patron.objects.filter(erased_at__isnull=True).annotate(
        orders_count=Count("orders", distinct=True), last_order=Max("orders__created_at")
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(search_name__contains=search_key(q)) | Q(email__iexact=q) | Q(name__icontains=q)
        )
    return qs.order_by(Collate("name", collation_name()).asc(), "pk")


def patron_orders(*, patron: Patron) -> QuerySet[Order]:
    return (
        Order.objects.filter(patron=patron)
        .select_related("performance__venue", "performance__programme", "discount")
        .annotate(tickets_valid=Count("tickets", filter=Q(tickets__status=Ticket.Status.VALID)))
        .order_by("-created_at", "-pk")
    )


def waitlist_of(*, performance: Performance) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(performance=performance)
        .select_related("cart")
        .order_by("created_at", "pk")[:500]
    )
