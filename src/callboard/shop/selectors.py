"""Reads of the shop: what is on sale, one performance as a buyer sees it, a buyer's order.

Each costs a fixed number of queries whatever the season's or the house's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Min, Prefetch
from django.utils.translation import gettext as _

from callboard.boxoffice import selectors as boxoffice
from callboard.boxoffice.models import Cart, Order, PriceZone, Ticket
from callboard.casting.models import CastAssignment
from callboard.casting.selectors.pages import performance_casting
from callboard.company.models import Company
from callboard.company.services import company_get
from callboard.core.errors import NotFound
from callboard.season.models import Performance


def company() -> Company:
    return company_get()


@dataclass
class OnSale:
    performance: Performance
    lowest: Decimal | None
    highest: Decimal | None


def performances_on_sale(*, now: dt.datetime) -> list[OnSale]:
    """The season's performances on sale, soonest first, with their price range (2 queries)."""
    performances = list(boxoffice.performances_on_sale(now=now)[:200])
    ranges: dict[int, tuple[Decimal, Decimal]] = {
        venue: (lowest, highest)
        for venue, lowest, highest in PriceZone.objects.filter(
            seat_map__venue_id__in={p.venue_id for p in performances}
        )
        .values("seat_map__venue_id")
        .annotate(lowest=Min("price"), highest=Max("price"))
        .values_list("seat_map__venue_id", "lowest", "highest")
    }
    none: tuple[Decimal | None, Decimal | None] = (None, None)
    return [OnSale(p, *ranges.get(p.venue_id, none)) for p in performances]


def on_sale_get(*, pk: int, now: dt.datetime) -> Performance:
    performance = Performance.objects.select_related("venue", "programme").filter(pk=pk).first()
    if performance is None or performance.status != Performance.Status.ON_SALE:
        raise NotFound(_("This performance is not on sale."))
    if performance.starts_at <= now:
        raise NotFound(_("This performance has begun; tickets are no longer sold here."))
    return performance


@dataclass
class CastLine:
    role: str
    work: str
    dancers: list[str] = field(default_factory=list)


def announced_cast(*, performance: Performance) -> list[CastLine]:
    """The first cast as announced to the public (nothing of drafts)."""
    lines: dict[tuple[str, str], CastLine] = {}
    for a in performance_casting(performance=performance, user=AnonymousUser()):
        if a.kind != CastAssignment.Kind.FIRST:
            continue
        key = (a.role.work.title, a.role.name)
        line = lines.setdefault(key, CastLine(role=a.role.name, work=a.role.work.title))
        line.dancers.append(a.dancer.person.full_name)
    return list(lines.values())


def cart_of(*, token: str | None, performance: Performance, now: dt.datetime) -> Cart | None:
    if not token:
        return None
    cart = Cart.objects.filter(token=token, performance=performance).first()
    if cart is None or cart.status != Cart.Status.OPEN or cart.expires_at <= now:
        return None
    return cart


def order_by_token(*, token: str) -> Order:
    order = (
        Order.objects.filter(token=token)
        .select_related("performance__venue", "performance__programme")
        .prefetch_related(
            Prefetch(
                "tickets",
                queryset=Ticket.objects.select_related("seat__section", "zone").order_by("pk"),
            )
        )
        .first()
        if token
        else None
    )
    if order is None:
        raise NotFound(_("No order has this link. Check the link in your e-mail."))
    return order


def valid_tickets(order: Order) -> list[Ticket]:
    return [t for t in order.tickets.all() if t.status == Ticket.Status.VALID]


def seats_by_zone(tickets: list[Ticket]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for t in tickets:
        counts[t.zone.name if t.zone else ""] += 1
    return dict(counts)
