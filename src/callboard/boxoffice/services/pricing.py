"""What a ticket costs: the price types a performance sells (full, concession, child, ...) with
a price per zone, and discount codes a buyer enters at checkout.

A performance without price types sells each seat at its zone's price (the "full" price), as
before. A discount code's use is taken inside the order's transaction by one conditional
``UPDATE ... WHERE uses < max_uses``: on PostgreSQL the second of two buyers racing for the
last use waits for the first's row lock, then finds the code used up; on SQLite writers are
serialised. The check constraint ``uses <= max_uses`` is the last guard. A use is given back
when its order lapses or is refunded in full (:func:`.locking.discounts_give_back`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, prefetch_related_objects
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.models import (
    DiscountCode,
    PriceType,
    PriceTypePrice,
    PriceZone,
    Seat,
)
from callboard.boxoffice.services.locking import _moment, _money
from callboard.core.actors import Actor, user_of
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.season.models import Performance

CENT = Decimal("0.01")
FULL = "full"
"""The code of the zone's own price when a performance has no price types."""

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,29}$")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --- price types -----------------------------------------------------------------------------


def price_types_of(performance: Performance) -> list[PriceType]:
    """The performance's price types, in order, with their prices (two queries)."""
    return list(
        PriceType.objects.filter(performance=performance)
        .prefetch_related("prices__zone")
        .order_by("order", "pk")
    )


def price_type_save(
    *,
    performance: Performance,
    code: str,
    name: str,
    prices: Mapping[str, Decimal | None],
    note: str = "",
    order: int = 0,
    by: Actor,
    now: datetime,
) -> PriceType:
    """Define (or change) a price type of a performance: its name and a price for each zone
    code in ``prices`` (None or a missing zone: the type is not sold there)."""
    require(by, Cap.EDIT_SEAT_MAPS)
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,19}", code):
        raise ValidationFailed(
            _("Give the price type a short code of letters and digits, e.g. concession."),
            field="code",
        )
    if not name:
        raise ValidationFailed(_("Give the price type a name buyers read."), field="name")
    zones = {z.code: z for z in PriceZone.objects.filter(seat_map__venue_id=performance.venue_id)}
    unknown = sorted(set(prices) - set(zones))
    if unknown:
        raise ValidationFailed(
            _("%(venue)s has no price zone %(codes)s.")
            % {"venue": performance.venue.name, "codes": ", ".join(unknown)},
            field="prices",
        )
    wanted = {c: p for c, p in prices.items() if p is not None}
    if any(p < 0 for p in wanted.values()):
        raise ValidationFailed(_("A price cannot be negative."), field="prices")
    if not wanted:
        raise ValidationFailed(
            _("Give a price in at least one zone; leave a zone empty where it is not sold."),
            field="prices",
        )
    with transaction.atomic():
        price_type = PriceType.objects.filter(performance=performance, code=code).first()
        before: dict[str, Any] = {}
        if price_type is None:
            price_type = PriceType.objects.create(
                performance=performance,
                code=code,
                name=name,
                note=note,
                order=order,
                created_at=now,
            )
            action = "order.price_type_create"
        else:
            before = {"name": price_type.name, "note": price_type.note, "order": price_type.order}
            before.update(
                {
                    f"price {p.zone.code}": _money(p.price)
                    for p in price_type.prices.select_related("zone")
                }
            )
            price_type.name, price_type.note, price_type.order = name, note, order
            price_type.save(update_fields=["name", "note", "order"])
            price_type.prices.all().delete()
            action = "order.price_type_update"
        PriceTypePrice.objects.bulk_create(
            PriceTypePrice(price_type=price_type, zone=zones[c], price=_cents(p))
            for c, p in sorted(wanted.items())
        )
        after: dict[str, Any] = {"name": name, "note": note, "order": order}
        after.update({f"price {c}": _money(p) for c, p in sorted(wanted.items())})
        for key in before:
            after.setdefault(key, None)
        audit.record(
            actor=by,
            action=action,
            obj=price_type,
            parent=performance,
            summary=_("Price type %(name)s (%(code)s): %(prices)s.")
            % {
                "name": name,
                "code": code,
                "prices": ", ".join(f"{c} {_money(p)}" for c, p in sorted(wanted.items())),
            },
            changes=audit.diff(before, after),
            at=now,
        )
    return price_type


def price_type_delete(*, price_type: PriceType, by: Actor, now: datetime) -> None:
    """Stop selling a price type. Tickets sold with it keep its name and their price."""
    require(by, Cap.EDIT_SEAT_MAPS)
    with transaction.atomic():
        audit.record(
            actor=by,
            action="order.price_type_delete",
            obj=price_type,
            parent=price_type.performance,
            summary=_("Price type %(name)s is no longer sold.") % {"name": price_type.name},
            at=now,
        )
        price_type.delete()


@dataclass(frozen=True)
class Line:
    """One ticket of an order being priced."""

    seat: Seat
    price_type: PriceType | None
    list_price: Decimal
    price: Decimal  # after the discount

    @property
    def price_type_code(self) -> str:
        return self.price_type.code if self.price_type is not None else FULL


@dataclass
class Quote:
    lines: list[Line] = field(default_factory=list)
    discount: DiscountCode | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.list_price for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((line.price for line in self.lines), Decimal(0))

    @property
    def discount_amount(self) -> Decimal:
        return self.subtotal - self.total


def _choose(
    seat: Seat, wanted: str, types: Sequence[PriceType], performance: Performance
) -> tuple[PriceType | None, Decimal]:
    def price_in(pt: PriceType) -> Decimal | None:
        for p in pt.prices.all():
            if p.zone_id == seat.zone_id:
                return p.price
        return None

    if not wanted:
        for pt in types:
            price = price_in(pt)
            if price is not None:
                return pt, price
        return None, seat.zone.price
    if wanted == FULL and not any(pt.code == FULL for pt in types):
        return None, seat.zone.price
    chosen = next((pt for pt in types if pt.code == wanted), None)
    if chosen is None:
        known = [pt.code for pt in types] or [FULL]
        raise ValidationFailed(
            _("There is no price type %(code)s for this performance; choose one of: %(known)s.")
            % {"code": wanted, "known": ", ".join(known)},
            field="price_types",
        )
    price = price_in(chosen)
    if price is None:
        raise ValidationFailed(
            _(
                "%(type)s tickets are not sold in zone %(zone)s (seat %(seat)s); choose another "
                "price type for it."
            )
            % {"type": chosen.name, "zone": seat.zone.name, "seat": seat.label},
            field="price_types",
        )
    return chosen, price


def price_lines(
    *,
    performance: Performance,
    seats: Sequence[Seat],
    price_types: Mapping[int, str] | None = None,
    discount: DiscountCode | None = None,
    types: Sequence[PriceType] | None = None,
) -> Quote:
    """Price ``seats`` (with their zones): each at the price type asked for it (seat id ->
    code), or the performance's first price type sold in its zone, or the zone's own price;
    then the discount, spread over the tickets so that their prices add up to the total."""
    wanted = {int(k): (v or "").strip().lower() for k, v in (price_types or {}).items()}
    stray = sorted(set(wanted) - {s.pk for s in seats})
    if stray:
        raise ValidationFailed(
            _("Price types were given for seats that are not in the order: %(ids)s.")
            % {"ids": ", ".join(str(i) for i in stray)},
            field="price_types",
        )
    if types is None:
        types = list(PriceType.objects.filter(performance=performance).order_by("order", "pk"))
        if types:
            prefetch_related_objects(types, "prices")
    chosen = [_choose(seat, wanted.get(seat.pk, ""), types, performance) for seat in seats]
    paid = _discounted([price for _pt, price in chosen], discount)
    return Quote(
        lines=[
            Line(seat=seat, price_type=pt, list_price=price, price=after)
            for seat, (pt, price), after in zip(seats, chosen, paid, strict=True)
        ],
        discount=discount,
    )


def _discounted(prices: list[Decimal], discount: DiscountCode | None) -> list[Decimal]:
    if discount is None or not prices:
        return list(prices)
    subtotal = sum(prices, Decimal(0))
    if discount.kind == DiscountCode.Kind.PERCENT:
        return [_cents(p * (100 - discount.value) / 100) for p in prices]
    off = min(discount.value, subtotal)
    if not subtotal:
        return list(prices)
    shares = [_cents(off * p / subtotal) for p in prices]
    shares[-1] = off - sum(shares[:-1], Decimal(0))
    out = [p - s for p, s in zip(prices, shares, strict=True)]
    # Rounding may leave a cent below zero on the last line: move it to another line.
    while out[-1] < 0:
        i = max(range(len(out) - 1), key=lambda k: out[k])
        out[i] -= CENT
        out[-1] += CENT
    return out


# --- discount codes --------------------------------------------------------------------------


def normalise_discount(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def discount_find(*, code: str, performance: Performance, now: datetime) -> DiscountCode:
    """The discount code a buyer typed, if it can be used for ``performance`` now (no lock).
    Refused with a message that says what is wrong: unknown, not yet valid, expired, for
    another performance, or used up."""
    clean = normalise_discount(code)
    found = DiscountCode.objects.filter(code=clean).first()
    if found is None or not found.active:
        raise ValidationFailed(
            _("There is no discount code %(code)s. Check the spelling, or leave it empty.")
            % {"code": clean[:30]},
            field="discount_code",
            detail={"code": "discount_unknown"},
        )
    if found.valid_from is not None and now < found.valid_from:
        raise ValidationFailed(
            _("Discount code %(code)s can be used from %(when)s.")
            % {"code": clean, "when": _moment(found.valid_from)},
            field="discount_code",
            detail={"code": "discount_not_yet"},
        )
    if found.valid_until is not None and now >= found.valid_until:
        raise ValidationFailed(
            _("Discount code %(code)s expired on %(when)s.")
            % {"code": clean, "when": _moment(found.valid_until)},
            field="discount_code",
            detail={"code": "discount_expired"},
        )
    if found.performance_id is not None and found.performance_id != performance.pk:
        raise ValidationFailed(
            _("Discount code %(code)s is for another performance.") % {"code": clean},
            field="discount_code",
            detail={"code": "discount_other_performance"},
        )
    if found.uses >= found.max_uses:
        raise _used_up(found)
    return found


def _used_up(code: DiscountCode) -> ValidationFailed:
    return ValidationFailed(
        _("Discount code %(code)s has been used up.") % {"code": code.code},
        field="discount_code",
        detail={"code": "discount_used_up"},
    )


def discount_take(*, discount: DiscountCode) -> None:
    """Take one use of ``discount`` inside the order's transaction, or refuse if none is
    left: one conditional update, safe when buyers race for the last use."""
    taken = DiscountCode.objects.filter(pk=discount.pk, active=True, uses__lt=F("max_uses")).update(
        uses=F("uses") + 1
    )
    if not taken:
        raise _used_up(discount)


def discount_create(
    *,
    code: str,
    kind: str,
    value: Decimal,
    max_uses: int,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    performance: Performance | None = None,
    note: str = "",
    by: Actor,
    now: datetime,
) -> DiscountCode:
    """Create a discount code for buyers to enter at checkout."""
    require(by, Cap.SELL_TICKETS)
    clean = normalise_discount(code)
    if not _CODE.fullmatch(clean):
        raise ValidationFailed(
            _("A code is 3 to 30 letters, digits, hyphens or underscores, e.g. GALA-FRIENDS."),
            field="code",
        )
    if kind not in DiscountCode.Kind.values:
        raise ValidationFailed(_("Choose a percentage or an amount off."), field="kind")
    if value is None or value <= 0:
        raise ValidationFailed(_("The discount must be more than zero."), field="value")
    if kind == DiscountCode.Kind.PERCENT and value > 100:
        raise ValidationFailed(_("A percentage cannot be more than 100."), field="value")
    if max_uses is None or max_uses < 1:
        raise ValidationFailed(_("Allow at least one use."), field="max_uses")
    if valid_from and valid_until and valid_until <= valid_from:
        raise ValidationFailed(
            _("The code must end after it starts: check the dates."), field="valid_until"
        )
    if DiscountCode.objects.filter(code=clean).exists():
        raise Conflict(
            _("There is already a discount code %(code)s; choose another.") % {"code": clean},
            detail={"field": "code"},
        )
    with transaction.atomic():
        made = DiscountCode.objects.create(
            code=clean,
            kind=kind,
            value=_cents(Decimal(value)),
            max_uses=max_uses,
            valid_from=valid_from,
            valid_until=valid_until,
            performance=performance,
            note=(note or "").strip()[:200],
            created_at=now,
            created_by=user_of(by),
        )
        audit.record(
            actor=by,
            action="order.discount_create",
            obj=made,
            parent=performance,
            summary=_("Discount code %(code)s: %(what)s, %(n)s uses.")
            % {"code": clean, "what": discount_words(made), "n": max_uses},
            changes={"code": [None, clean]},
            at=now,
        )
    return made


def discount_set_active(
    *, discount: DiscountCode, active: bool, by: Actor, now: datetime
) -> DiscountCode:
    """Stop (or start again) a discount code; orders that used it keep their prices."""
    require(by, Cap.SELL_TICKETS)
    with transaction.atomic():
        was = discount.active
        DiscountCode.objects.filter(pk=discount.pk).update(active=active)
        discount.active = active
        audit.record(
            actor=by,
            action="order.discount_update",
            obj=discount,
            summary=(
                _("Discount code %(code)s can be used again.")
                if active
                else _("Discount code %(code)s stopped.")
            )
            % {"code": discount.code},
            changes={"active": [was, active]},
            at=now,
        )
    return discount


def discount_words(code: DiscountCode) -> str:
    if code.kind == DiscountCode.Kind.PERCENT:
        return _("%(n)s%% off") % {"n": f"{code.value.normalize():f}"}
    return _("%(amount)s off") % {"amount": _money(code.value)}


def discount_get(*, pk: int) -> DiscountCode:
    found = DiscountCode.objects.select_related("performance").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such discount code."))
    return found
