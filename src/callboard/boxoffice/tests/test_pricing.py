"""Price types per performance and discount codes at checkout."""

import datetime as dt
from decimal import Decimal

import pytest

from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import DiscountCode, Order, Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _types(perf, now):
    """Concession: 60 in front (A), 30 behind (B); child: only behind, 20."""
    services.price_type_save(
        performance=perf,
        code="concession",
        name="Concession",
        prices={"A": Decimal("60"), "B": Decimal("30")},
        order=1,
        by=CALLBOARD,
        now=now,
    )
    services.price_type_save(
        performance=perf,
        code="child",
        name="Child",
        prices={"A": None, "B": Decimal("20")},
        order=2,
        by=CALLBOARD,
        now=now,
    )


def _checkout(perf, ids, now, **kwargs):
    cart = services.cart_create(performance=perf, seat_ids=ids, now=now, by=CALLBOARD)
    kwargs.setdefault("buyer_email", "anna@example.org")
    return services.order_checkout(
        cart=cart, buyer_name="Anna Buyer", now=now, by=CALLBOARD, **kwargs
    )


def _code(now, **kwargs):
    values = {"code": "GALA10", "kind": "percent", "value": Decimal("10"), "max_uses": 5}
    values.update(kwargs)
    return services.discount_create(by=CALLBOARD, now=now, **values)


def test_without_price_types_every_seat_sells_at_its_zone_price(now):
    perf = on_sale(now)
    order = _checkout(perf, seat_ids(perf, "1", 1) + seat_ids(perf, "2", 1), now)
    prices = sorted(t.price for t in order.tickets.all())
    assert prices == [Decimal("50.00"), Decimal("100.00")]
    assert all(t.price_type is None and t.price_type_name == "" for t in order.tickets.all())


def test_each_ticket_gets_the_price_type_asked_for_and_records_it(now):
    perf = on_sale(now)
    _types(perf, now)
    front, back = seat_ids(perf, "1", 1)[0], seat_ids(perf, "2", 1)[0]
    order = _checkout(perf, [front, back], now, price_types={front: "full", back: "child"})
    tickets = {t.seat_id: t for t in order.tickets.all()}
    assert tickets[front].price == Decimal("100.00") and tickets[front].price_type is None
    assert tickets[back].price == Decimal("20.00")
    assert tickets[back].price_type_name == "Child"
    assert order.total == Decimal("120.00")


def test_a_seat_without_a_price_type_gets_the_first_sold_in_its_zone(now):
    perf = on_sale(now)
    _types(perf, now)
    order = _checkout(perf, seat_ids(perf, "1", 2), now)
    ticket = order.tickets.get()
    assert (ticket.price_type_name, ticket.price) == ("Concession", Decimal("60.00"))


def test_a_price_type_not_sold_in_the_zone_is_refused_and_nothing_is_written(now):
    perf = on_sale(now)
    _types(perf, now)
    front = seat_ids(perf, "1", 1)[0]
    with pytest.raises(ValidationFailed) as refused:
        _checkout(perf, [front], now, price_types={front: "child"})
    assert refused.value.field == "price_types"
    assert "not sold in zone Front" in refused.value.message
    assert not Order.objects.exists()


def test_an_unknown_price_type_names_the_known_ones(now):
    perf = on_sale(now)
    _types(perf, now)
    front = seat_ids(perf, "1", 1)[0]
    with pytest.raises(ValidationFailed) as refused:
        _checkout(perf, [front], now, price_types={front: "senior"})
    assert "concession, child" in refused.value.message


def test_price_types_are_defined_by_the_box_office_only(now, make_user):
    from callboard.core.roles import Role

    perf = on_sale(now)
    with pytest.raises(PermissionDenied):
        services.price_type_save(
            performance=perf,
            code="concession",
            name="Concession",
            prices={"A": Decimal(1)},
            by=make_user(Role.DANCER),
            now=now,
        )


def test_a_price_type_for_an_unknown_zone_is_refused(now):
    perf = on_sale(now)
    with pytest.raises(ValidationFailed) as refused:
        services.price_type_save(
            performance=perf, code="x", name="X", prices={"Z": Decimal(1)}, by=CALLBOARD, now=now
        )
    assert "Z" in refused.value.message


def test_percentage_code_lowers_each_ticket_and_the_report_adds_up(now):
    perf = on_sale(now)
    _types(perf, now)
    _code(now)
    front, back = seat_ids(perf, "1", 1)[0], seat_ids(perf, "2", 1)[0]
    order = _checkout(
        perf, [front, back], now, price_types={front: "full", back: "child"}, discount_code="gala10"
    )
    assert order.total == Decimal("108.00")
    assert order.discount_amount == Decimal("12.00")
    assert sorted(t.price for t in order.tickets.all()) == [Decimal("18.00"), Decimal("90.00")]
    assert DiscountCode.objects.get().uses == 1
    report = selectors.report(performance=perf, now=now)
    assert report.revenue == order.total
    assert sum(r["revenue"] for r in report.by_price_type) == report.revenue
    assert report.discounts == Decimal("12.00")


def test_fixed_amount_is_spread_over_the_tickets_to_the_cent(now):
    perf = on_sale(now)
    _code(now, code="TEN-OFF", kind="amount", value=Decimal("10.00"))
    order = _checkout(perf, seat_ids(perf, "2", 1, 2, 3), now, discount_code="TEN-OFF")
    prices = [t.price for t in order.tickets.all()]
    assert sum(prices) == order.total == Decimal("140.00")
    assert all(p >= 0 for p in prices)


def test_an_amount_larger_than_the_order_makes_it_free_not_negative(now):
    perf = on_sale(now)
    _code(now, code="BIG", kind="amount", value=Decimal("500"))
    order = _checkout(perf, seat_ids(perf, "2", 1), now, discount_code="BIG")
    assert order.total == Decimal("0.00")
    assert order.discount_amount == Decimal("50.00")


@pytest.mark.parametrize(
    ("setup", "typed", "says"),
    [
        ({}, "NOPE", "There is no discount code NOPE"),
        ({"valid_until": "past"}, "GALA10", "expired on"),
        ({"valid_from": "future"}, "GALA10", "can be used from"),
        ({"max_uses": 1, "uses": 1}, "GALA10", "has been used up"),
        ({"other_performance": True}, "GALA10", "is for another performance"),
    ],
)
def test_a_code_that_cannot_be_used_says_why(now, setup, typed, says):
    perf = on_sale(now)
    kwargs = {}
    if setup.get("valid_until"):
        kwargs["valid_until"] = now - dt.timedelta(hours=1)
    if setup.get("valid_from"):
        kwargs["valid_from"] = now + dt.timedelta(days=1)
    if setup.get("max_uses"):
        kwargs["max_uses"] = setup["max_uses"]
    if setup.get("other_performance"):
        kwargs["performance"] = on_sale(now)
    code = _code(now, **kwargs)
    if setup.get("uses"):
        DiscountCode.objects.filter(pk=code.pk).update(uses=setup["uses"])
    with pytest.raises(ValidationFailed) as refused:
        _checkout(perf, seat_ids(perf, "1", 1), now, discount_code=typed)
    assert refused.value.field == "discount_code"
    assert says in refused.value.message
    assert not Order.objects.exists()


def test_a_code_is_used_up_after_its_uses(now):
    perf = on_sale(now)
    _code(now, max_uses=2)
    for n in (1, 2):
        _checkout(
            perf, seat_ids(perf, "2", n), now, discount_code="GALA10", buyer_email=f"{n}@x.org"
        )
    with pytest.raises(ValidationFailed, match="used up"):
        _checkout(perf, seat_ids(perf, "2", 3), now, discount_code="GALA10", buyer_email="3@x.org")


def test_a_lapsed_order_gives_its_code_use_back_once(now):
    perf = on_sale(now)
    code = _code(now, max_uses=1)
    order = _checkout(perf, seat_ids(perf, "2", 1), now, discount_code="GALA10")
    assert DiscountCode.objects.get(pk=code.pk).uses == 1
    later = order.pay_by + dt.timedelta(minutes=1)
    services.sweep_expired(now=later)
    services.sweep_expired(now=later + dt.timedelta(minutes=1))
    order.refresh_from_db()
    assert order.status == Order.Status.LAPSED and order.discount_returned
    assert DiscountCode.objects.get(pk=code.pk).uses == 0
    # the use can be taken again by another buyer
    other = _checkout(
        perf, seat_ids(perf, "2", 2), later, discount_code="GALA10", buyer_email="b@x.org"
    )
    assert other.discount_id == code.pk


def test_a_full_refund_gives_the_use_back_a_partial_one_does_not(now):
    perf = on_sale(now)
    code = _code(now, max_uses=3)
    order = _checkout(perf, seat_ids(perf, "2", 1, 2), now, discount_code="GALA10")
    services.order_mark_paid(order=order, now=now, by=CALLBOARD)
    first, _second = order.tickets.order_by("pk")
    services.order_refund(order=order, ticket_ids=[first.pk], now=now, by=CALLBOARD)
    assert DiscountCode.objects.get(pk=code.pk).uses == 1
    services.order_refund(order=order, now=now, by=CALLBOARD)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert DiscountCode.objects.get(pk=code.pk).uses == 0


def test_codes_are_refused_for_comps(now):
    perf = on_sale(now)
    _code(now)
    with pytest.raises(ValidationFailed, match="comp is free"):
        _checkout(
            perf,
            seat_ids(perf, "2", 1),
            now,
            kind="comp",
            comp_reason="Press",
            may_sell=True,
            discount_code="GALA10",
        )
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "a"}, "code"),
        ({"kind": "percent", "value": Decimal("120")}, "value"),
        ({"max_uses": 0}, "max_uses"),
        ({"value": Decimal("0")}, "value"),
    ],
)
def test_a_bad_discount_code_is_refused_with_its_field(now, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        _code(now, **kwargs)
    assert refused.value.field == field
    assert not DiscountCode.objects.exists()
