"""The box office of the demo company: seat maps, a gala on sale, press seats, family comps.

``build_boxoffice_demo(now=...)`` runs on the demo's base records (venues, performances and
people found by name) and is deterministic: the same seats are sold, held and given on every
run (ticket codes alone are random, as they must be unguessable). Parts whose records are
missing are skipped; calling it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from callboard.boxoffice import seatmaps, services
from callboard.boxoffice.models import FamilyComp, Hold, Order, PriceType, Seat, SeatMap, Ticket
from callboard.company.models import Dancer, Person
from callboard.core.actors import CALLBOARD
from callboard.season.models import Performance, Venue

MAIN_STAGE = "Pavlov Theatre Main Stage"
VOLGA = "Volga Regional Theatre"
UGLICH = "Uglich Town Theatre"


def _zones(seat_map: SeatMap, zones: list[tuple[str, str, str, str]]) -> None:
    for rank, (code, name, price, colour) in enumerate(zones, start=1):
        seatmaps.zone_save(
            seat_map=seat_map, code=code, name=name, price=Decimal(price), colour=colour, rank=rank
        )


def _rows(seat_map: SeatMap, now: dt.datetime, **kw: object) -> list[Seat]:
    return seatmaps.seatmap_generate_rows(seat_map=seat_map, spec=seatmaps.RowsSpec(**kw), now=now)  # type: ignore[arg-type]


def build_main_stage(venue: Venue, *, now: dt.datetime) -> SeatMap:
    """1,740 seats: stalls (780), 36 boxes of 4 (144), first tier (216), second tier (228),
    gallery (372)."""
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    seat_map.width, seat_map.height, seat_map.name = 1300, 1300, MAIN_STAGE
    seat_map.save()
    _zones(
        seat_map,
        [
            ("A", "Stalls, front", "6500", "#6b2145"),
            ("BX", "Boxes", "5500", "#8e3b63"),
            ("B", "Stalls", "4800", "#b0557f"),
            ("T1", "First tier", "3800", "#2f5d8a"),
            ("C", "Stalls, rear", "3200", "#c9849f"),
            ("T2", "Second tier", "2600", "#4f83b5"),
            ("G", "Gallery", "1500", "#7aa7cf"),
        ],
    )
    stalls = {
        "section": "Stalls",
        "seats_per_row": 30,
        "aisle_every": 10,
        "origin_x": 300.0,
        "curve": 18.0,
    }
    _rows(seat_map, now, rows=8, zone="A", origin_y=120.0, **stalls)
    _rows(seat_map, now, rows=10, zone="B", origin_y=120.0 + 8 * 26, **stalls)
    _rows(seat_map, now, rows=8, zone="C", origin_y=120.0 + 18 * 26, **stalls)
    for side, base_x in (("L", 40.0), ("R", 1060.0)):
        for level in range(3):
            for n in range(1, 7):
                x = base_x + (level * 70 if side == "L" else (2 - level) * 70)
                _rows(
                    seat_map,
                    now,
                    section=f"Box {side}{level + 1}-{n}",
                    kind="box",
                    rows=2,
                    seats_per_row=2,
                    zone="BX",
                    origin_x=x,
                    origin_y=150.0 + (n - 1) * 95,
                    seat_spacing=20.0,
                    row_spacing=22.0,
                )
    _rows(
        seat_map,
        now,
        section="First tier",
        kind="tier",
        rows=6,
        seats_per_row=36,
        zone="T1",
        aisle_every=12,
        origin_x=240.0,
        origin_y=860.0,
        row_spacing=24.0,
        curve=24.0,
    )
    _rows(
        seat_map,
        now,
        section="Second tier",
        kind="tier",
        rows=6,
        seats_per_row=38,
        zone="T2",
        aisle_every=19,
        origin_x=220.0,
        origin_y=1020.0,
        row_spacing=22.0,
        curve=28.0,
    )
    _rows(
        seat_map,
        now,
        section="Gallery",
        kind="gallery",
        rows=6,
        seats_per_row=62,
        zone="G",
        aisle_every=31,
        origin_x=90.0,
        origin_y=1160.0,
        seat_spacing=18.0,
        row_spacing=20.0,
        curve=30.0,
    )
    stalls_qs = Seat.objects.filter(seat_map=seat_map, section__name="Stalls", row_index=26)
    ends = sorted(stalls_qs.values_list("position", flat=True))
    Seat.objects.filter(
        pk__in=stalls_qs.filter(position__in=[ends[0], ends[-1]]).values("pk")
    ).update(accessible=True)
    Seat.objects.filter(
        pk__in=stalls_qs.filter(position__in=[ends[1], ends[-2]]).values("pk")
    ).update(companion=True)
    gallery = Seat.objects.filter(seat_map=seat_map, section__name="Gallery")
    g_ends = sorted(set(gallery.values_list("position", flat=True)))
    gallery.filter(position__in=g_ends[:3] + g_ends[-3:]).update(
        restricted_view=True, note="Side view: part of the stage is hidden"
    )
    Seat.objects.filter(seat_map=seat_map, section__kind="box", row_index=2).update(
        restricted_view=True, note="Second row of the box"
    )
    return seat_map


def build_uglich(venue: Venue, *, now: dt.datetime) -> SeatMap:
    """152 seats: twelve rows of twelve in the stalls and a small balcony of eight."""
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    seat_map.width, seat_map.height, seat_map.name = 560, 560, UGLICH
    seat_map.stage_label = "Stage (wooden, raked)"
    seat_map.save()
    _zones(
        seat_map,
        [
            ("P", "Parterre", "1200", "#6b2145"),
            ("R", "Rear stalls", "800", "#b0557f"),
            ("BL", "Balcony", "500", "#4f83b5"),
        ],
    )
    common = {
        "section": "Stalls",
        "seats_per_row": 12,
        "aisle_every": 6,
        "origin_x": 130.0,
        "row_spacing": 26.0,
    }
    _rows(seat_map, now, rows=5, zone="P", origin_y=110.0, **common)
    _rows(seat_map, now, rows=7, zone="R", origin_y=110.0 + 5 * 26, **common)
    _rows(
        seat_map,
        now,
        section="Balcony",
        kind="balcony",
        rows=1,
        seats_per_row=8,
        zone="BL",
        numbering="rtl",
        origin_x=190.0,
        origin_y=470.0,
    )
    back = Seat.objects.filter(seat_map=seat_map, section__name="Stalls", row_index=12)
    positions = sorted(back.values_list("position", flat=True))
    back.filter(position__in=[positions[0], positions[-1]]).update(accessible=True)
    back.filter(position__in=[positions[1], positions[-2]]).update(companion=True)
    Seat.objects.filter(seat_map=seat_map, section__name="Balcony", position__in=[1, 8]).update(
        restricted_view=True, note="Behind a pillar"
    )
    return seat_map


def build_simple(venue: Venue, *, now: dt.datetime) -> SeatMap:
    """A plain generated map for a venue of about ``venue.capacity`` seats: stalls and balcony."""
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    _zones(
        seat_map,
        [
            ("A", "Stalls, front", "2500", "#6b2145"),
            ("B", "Stalls", "1800", "#b0557f"),
            ("C", "Balcony", "1000", "#4f83b5"),
        ],
    )
    per_row = 24
    rows = max(2, venue.capacity // per_row)
    stalls_rows = max(1, rows * 2 // 3)
    front = max(1, stalls_rows // 2)
    common = {"section": "Stalls", "seats_per_row": per_row, "aisle_every": 12, "origin_x": 100.0}
    _rows(seat_map, now, rows=front, zone="A", origin_y=110.0, **common)
    _rows(seat_map, now, rows=stalls_rows - front, zone="B", origin_y=110.0 + front * 26, **common)
    _rows(
        seat_map,
        now,
        section="Balcony",
        kind="balcony",
        rows=rows - stalls_rows,
        seats_per_row=per_row,
        zone="C",
        aisle_every=12,
        origin_x=100.0,
        origin_y=140.0 + stalls_rows * 26,
    )
    return seat_map


@dataclass
class BoxOfficeDemo:
    seat_maps: dict[str, int] = field(default_factory=dict)
    orders: int = 0
    tickets: int = 0
    holds: int = 0
    family_comps: int = 0
    checked_in: int = 0


def _person(given: str, family: str) -> Person | None:
    return Person.objects.filter(given_name=given, family_name=family).first()


@transaction.atomic
def build_boxoffice_demo(*, now: dt.datetime) -> BoxOfficeDemo:
    summary = BoxOfficeDemo()
    builders = {MAIN_STAGE: build_main_stage, UGLICH: build_uglich, VOLGA: build_simple}
    for name, build in builders.items():
        venue = Venue.objects.filter(name=name).first()
        if venue is None:
            continue
        seat_map = SeatMap.objects.filter(venue=venue).first()
        if seat_map is None or not seat_map.seats.exists():
            seat_map = build(venue, now=now)
        summary.seat_maps[name] = seat_map.seats.count()
    for performance in Performance.objects.filter(
        venue__name__in=list(summary.seat_maps), status=Performance.Status.ON_SALE, ends_at__gt=now
    ):
        services.performance_open_sales(performance=performance, now=now)

    gala = Performance.objects.filter(title="Annual Gala").order_by("starts_at").first()
    if (
        gala is not None
        and gala.venue.name in summary.seat_maps
        and not Order.objects.filter(performance=gala).exists()
    ):
        if gala.ends_at <= now:
            # The gala is over: its month of sales happened before it, then its night at
            # the door; afterwards it is a performance that was given, not one on sale.
            _gala(gala, gala.starts_at - dt.timedelta(days=5), summary)
            _gala_night(gala, summary)
            Performance.objects.filter(pk=gala.pk).update(status=Performance.Status.PERFORMED)
        else:
            _gala(gala, now, summary)
    nutcracker = (
        Performance.objects.filter(
            programme__title="The Nutcracker",
            status=Performance.Status.ON_SALE,
            starts_at__gt=now,
            venue__name__in=list(summary.seat_maps),
        )
        .order_by("starts_at")
        .first()
    )
    if nutcracker is not None and not PriceType.objects.filter(performance=nutcracker).exists():
        # The Christmas run's first night sells as the gala did, with children at half price.
        _prices(nutcracker, now, "NUTCRACKER-FRIENDS", child=True)
        if nutcracker.venue.name == MAIN_STAGE:
            _sales(
                nutcracker,
                now,
                summary,
                tries=60,
                seed=1224,
                code="NUTCRACKER-FRIENDS",
                buyer="Nutcracker buyer",
            )
    uglich = (
        Performance.objects.filter(
            venue__name=UGLICH, programme__title="Swan Lake", starts_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    if (
        uglich is not None
        and UGLICH in summary.seat_maps
        and not FamilyComp.objects.filter(performance=uglich).exists()
    ):
        _uglich(uglich, now, summary)
    return summary


def _prices(performance: Performance, now: dt.datetime, code: str, *, child: bool = False) -> None:
    """Full-price and concession tickets (students, pensioners: 60 %), children at half
    price where asked, and a code for the Friends of the Ballet: 10 % off."""
    zones = list(SeatMap.objects.get(venue=performance.venue).zones.all())
    kinds = [
        ("full", "Standard", "", Decimal(1)),  # a name of the company's own
        (
            "concession",
            "Concession",
            "Students and pensioners: show your card at the door.",
            Decimal("0.6"),
        ),
    ]
    if child:
        kinds.append(("child", "Child", "Under 14, with an adult.", Decimal("0.5")))
    for order, (kind, name, note, share) in enumerate(kinds, start=1):
        services.price_type_save(
            performance=performance,
            code=kind,
            name=name,
            note=note,
            prices={z.code: (z.price * share).quantize(Decimal(1)) for z in zones},
            order=order,
            by=CALLBOARD,
            now=now,
        )
    services.discount_create(
        code=code,
        kind="percent",
        value=Decimal(10),
        max_uses=40,
        valid_until=performance.starts_at,
        performance=performance,
        note="For the Friends of the Ballet",
        by=CALLBOARD,
        now=now - dt.timedelta(days=30),
    )


def _gala_night(gala: Performance, summary: BoxOfficeDemo) -> None:
    """The gala's night at the door: the reservations paid at the box office before curtain,
    and nearly everyone with a ticket scanned in during the hour before it."""
    rng = random.Random(1741)
    for order in Order.objects.filter(
        performance=gala, status=Order.Status.AWAITING_PAYMENT
    ).order_by("pk"):
        # Paid before the order's own pay-by time: online within its half hour, at the box
        # office before the hour before curtain.
        due = order.pay_by or gala.starts_at - dt.timedelta(hours=1)
        paid_at = max(order.created_at, due - dt.timedelta(minutes=5))
        services.order_mark_paid(order=order, now=paid_at, reference="", by=CALLBOARD)
    tickets = list(
        Ticket.objects.filter(performance=gala, status=Ticket.Status.VALID).order_by("pk")
    )
    for ticket in tickets:
        if rng.random() < 0.04:  # a few never came
            continue
        at = gala.starts_at - dt.timedelta(minutes=rng.randint(2, 55))
        services.ticket_check_in(code=ticket.code, performance=gala, now=at, by=CALLBOARD)
        summary.checked_in += 1


def _gala(gala: Performance, now: dt.datetime, summary: BoxOfficeDemo) -> None:
    services.performance_open_sales(performance=gala, now=now)
    seat_map = SeatMap.objects.get(venue=gala.venue)
    # The gala sells full-price and concession tickets, and its friends have a code.
    _prices(gala, now, "GALA-FRIENDS")
    seats = {
        (s.section.name, s.row, s.number): s.pk
        for s in Seat.objects.filter(seat_map=seat_map).select_related("section")
    }

    def ids(section: str, row: int, *numbers: int) -> list[int]:
        return [seats[(section, str(row), str(n))] for n in numbers]

    critic = Person.objects.filter(organisation="The Moscow Times").order_by("pk").first()
    services.hold_create(
        performance=gala,
        kind=Hold.Kind.PRESS,
        owner=critic,
        owner_label="The Moscow Times",
        reason="Review of the gala and the premiere of Dance of the Seven Veils",
        seat_ids=ids("Stalls", 5, 15, 16),
        now=now,
        by=CALLBOARD,
    )
    services.hold_create(
        performance=gala,
        kind=Hold.Kind.HOUSE,
        owner_label="Artistic director",
        reason="Guests of the artistic director, including the Bolshoi's artistic director",
        seat_ids=ids("Stalls", 4, 14, 15, 16, 17),
        release_at=gala.starts_at - dt.timedelta(days=2),
        now=now,
        by=CALLBOARD,
    )
    services.hold_create(
        performance=gala,
        kind=Hold.Kind.KILL,
        owner_label="Recording crew",
        reason="Camera position for the archive recording",
        seat_ids=ids("Stalls", 14, 1, 2, 3),
        now=now,
        by=CALLBOARD,
    )
    summary.holds += 3

    klara = Dancer.objects.filter(
        person__given_name="Klára", person__family_name="Kalmurzaev"
    ).first()
    if klara is not None:
        parents = list(Person.objects.filter(related_to=klara.person).order_by("given_name"))[:2]
        for i, parent in enumerate(parents):
            claim = services.comp_claim(
                dancer=klara,
                performance=gala,
                guest_name=parent.full_name,
                guest=parent,
                seats=1,
                note=parent.contact_role,
                now=now,
                by=CALLBOARD,
            )
            services.comp_confirm(
                claim=claim, seat_ids=ids("Stalls", 6, 15 + i), now=now, by=CALLBOARD
            )
            summary.family_comps += 1
            summary.holds += 1

    _sales(gala, now, summary, tries=160, seed=1740, code="GALA-FRIENDS", buyer="Gala buyer")


def _sales(
    performance: Performance,
    now: dt.datetime,
    summary: BoxOfficeDemo,
    *,
    tries: int,
    seed: int,
    code: str,
    buyer: str,
) -> None:
    """Four weeks of sales up to ``now``, deterministic: orders of 1-4 seats spread over
    the main stage's rows and days, some concessions, some with the friends' code, a third
    reserved to pay at the box office."""
    rng = random.Random(seed)
    started = now - dt.timedelta(days=28)
    seats = {
        (s.section.name, s.row, s.number): s.pk
        for s in Seat.objects.filter(seat_map__venue=performance.venue).select_related("section")
    }
    rows = (
        [("Stalls", r, 30) for r in range(1, 27)]
        + [("First tier", r, 36) for r in range(1, 7)]
        + [("Second tier", r, 38) for r in range(1, 7)]
        + [("Gallery", r, 62) for r in range(1, 7)]
    )
    taken: set[int] = set(services.live_claims(performance, now).values_list("seat_id", flat=True))
    n_orders = 0
    for i in range(tries):
        section, row, width = rows[min(int(rng.expovariate(1 / 8)), len(rows) - 1)]
        count = rng.choice([1, 2, 2, 2, 3, 4])
        start = rng.randint(1, width - count + 1)
        block = [seats.get((section, str(row), str(n))) for n in range(start, start + count)]
        if any(b is None or b in taken for b in block):
            continue
        at = started + dt.timedelta(hours=i * 28 * 24 / tries + rng.random())
        cart = services.cart_create(performance=performance, seat_ids=block, now=at, by=CALLBOARD)  # type: ignore[arg-type]
        kind = Order.Kind.SALE if i % 3 else Order.Kind.RESERVATION
        order = services.order_checkout(
            cart=cart,
            buyer_name=f"{buyer} {i + 1}",
            buyer_email=f"{buyer.split()[0].lower()}{i + 1}@example.org",
            kind=kind,
            may_sell=True,
            channel="box_office" if i % 2 else "web",
            price_types={block[0]: "concession"} if i % 5 == 0 else None,  # type: ignore[dict-item]
            discount_code=code if i % 7 == 0 else "",
            now=at,
            by=CALLBOARD,
        )
        taken.update(block)  # type: ignore[arg-type]
        n_orders += 1
        summary.tickets += order.tickets.count()
    summary.orders += n_orders


def _uglich(performance: Performance, now: dt.datetime, summary: BoxOfficeDemo) -> None:
    services.performance_open_sales(performance=performance, now=now)
    eleonora = Dancer.objects.filter(
        person__given_name="Eleonora", person__family_name="Kalmurzaev"
    ).first()
    if eleonora is None:
        return
    grandmother = Person.objects.filter(related_to=eleonora.person).order_by("pk").first()
    claim = services.comp_claim(
        dancer=eleonora,
        performance=performance,
        guest_name=grandmother.full_name if grandmother else "Eleonora's grandmother",
        guest=grandmother,
        seats=1,
        note="Eleonora's grandmother",
        now=now,
        by=CALLBOARD,
    )
    front = Seat.objects.get(
        seat_map__venue=performance.venue, section__name="Stalls", row="3", number="6"
    )
    services.comp_confirm(claim=claim, seat_ids=[front.pk], now=now, by=CALLBOARD)
    summary.family_comps += 1
    summary.holds += 1


def describe(summary: BoxOfficeDemo) -> list[str]:
    """Lines for the demo command to print."""
    line = (
        f"Box office: {summary.orders} orders ({summary.tickets} tickets) and "
        f"{summary.holds} holds, {summary.family_comps} family comps"
    )
    if summary.checked_in:
        line += f"; {summary.checked_in} tickets scanned at the door on the gala's night"
    return [line + "."]
