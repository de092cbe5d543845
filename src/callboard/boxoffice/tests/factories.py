"""Builders for box-office tests: a small house on sale, carts, orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from callboard.boxoffice import seatmaps, services
from callboard.boxoffice.models import Seat, SeatMap
from callboard.core.actors import CALLBOARD
from callboard.season.models import Performance, Venue
from callboard.season.tests.factories import PerformanceFactory, VenueFactory


def small_map(venue: Venue, now: dt.datetime, *, rows: int = 3, seats: int = 6) -> SeatMap:
    """Zone A (rank 1, 100.00) on the front row, zone B (rank 2, 50.00) behind it."""
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    seatmaps.zone_save(seat_map=seat_map, code="A", name="Front", price=Decimal("100.00"), rank=1)
    seatmaps.zone_save(seat_map=seat_map, code="B", name="Back", price=Decimal("50.00"), rank=2)
    seatmaps.seatmap_generate_rows(
        seat_map=seat_map,
        spec=seatmaps.RowsSpec(section="Stalls", rows=1, seats_per_row=seats, zone="A"),
        now=now,
    )
    if rows > 1:
        seatmaps.seatmap_generate_rows(
            seat_map=seat_map,
            spec=seatmaps.RowsSpec(
                section="Stalls", rows=rows - 1, seats_per_row=seats, zone="B", origin_y=126
            ),
            now=now,
        )
    return seat_map


def on_sale(
    now: dt.datetime, *, rows: int = 3, seats: int = 6, venue: Venue | None = None
) -> Performance:
    venue = venue or VenueFactory()
    if not SeatMap.objects.filter(venue=venue).exists():
        small_map(venue, now, rows=rows, seats=seats)
    performance = PerformanceFactory(
        venue=venue, starts_at=now + dt.timedelta(days=10 + Performance.objects.count())
    )
    performance.ends_at = performance.starts_at + dt.timedelta(hours=2)
    performance.save()
    services.performance_open_sales(performance=performance, now=now)
    return performance


def seat(performance: Performance, row: str, number: str) -> Seat:
    return Seat.objects.get(seat_map__venue=performance.venue, row=row, number=number)


def seat_ids(performance: Performance, row: str, *numbers: int) -> list[int]:
    return [seat(performance, row, str(n)).pk for n in numbers]


def buy(
    performance: Performance,
    ids: list[int],
    now: dt.datetime,
    *,
    name: str = "Anna Buyer",
    kind: str = "reservation",
):
    cart = services.cart_create(performance=performance, seat_ids=ids, now=now, by=CALLBOARD)
    return services.order_checkout(
        cart=cart, buyer_name=name, kind=kind, may_sell=True, now=now, by=CALLBOARD
    )
