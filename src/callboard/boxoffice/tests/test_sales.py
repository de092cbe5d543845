import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from callboard.boxoffice import services
from callboard.boxoffice.models import Cart, Order, SeatClaim, Ticket
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_cart_holds_chosen_seats_for_ten_minutes(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 2, 3), now=now, by=CALLBOARD
    )
    assert cart.expires_at == now + dt.timedelta(minutes=10)
    with pytest.raises(Conflict) as taken:
        services.cart_create(
            performance=perf,
            seat_ids=seat_ids(perf, "1", 3),
            now=now + dt.timedelta(minutes=9),
            by=CALLBOARD,
        )
    assert taken.value.detail["code"] == "seats_taken"


def test_expired_cart_seats_are_free_again_without_cleanup(now):
    perf = on_sale(now)
    services.cart_create(performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD)
    later = now + dt.timedelta(minutes=10, seconds=1)
    other = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 2), now=later, by=CALLBOARD
    )
    assert other.claims.filter(active=True).count() == 1
    assert SeatClaim.objects.filter(performance=perf, active=True).count() == 1


def test_checkout_of_expired_cart_is_refused(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD
    )
    with pytest.raises(Conflict) as expired:
        services.order_checkout(
            cart=cart, buyer_name="Late Buyer", now=now + dt.timedelta(minutes=11), by=CALLBOARD
        )
    assert expired.value.detail["code"] == "cart_expired"
    assert not Order.objects.exists()
    assert not Ticket.objects.exists()


def test_checkout_issues_one_ticket_per_seat_with_unguessable_codes(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1, 2, 3), now)
    tickets = list(order.tickets.all())
    assert len(tickets) == 3
    assert order.total == Decimal("300.00")
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert len({t.code for t in tickets}) == 3
    assert all(len(t.code) >= 16 and t.code.isalnum() for t in tickets)
    assert Cart.objects.get(pk=order.cart_id).status == Cart.Status.ORDERED


def test_confirming_a_cart_twice_returns_the_same_order(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    first = services.order_checkout(
        cart=cart, buyer_name="Anna", buyer_email="anna@example.org", now=now, by=CALLBOARD
    )
    again = services.order_checkout(
        cart=cart, buyer_name="Anna", buyer_email="anna@example.org", now=now, by=CALLBOARD
    )
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


def test_counter_sale_is_paid_and_comp_is_free_with_a_reason(now):
    perf = on_sale(now)
    sale = buy(perf, seat_ids(perf, "1", 1), now, kind=Order.Kind.SALE)
    assert sale.status == Order.Status.PAID
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD
    )
    with pytest.raises(ValidationFailed):
        services.order_checkout(
            cart=cart,
            buyer_name="Guest",
            kind=Order.Kind.COMP,
            may_sell=True,
            now=now,
            by=CALLBOARD,
        )
    comp = services.order_checkout(
        cart=cart,
        buyer_name="Guest",
        kind=Order.Kind.COMP,
        comp_reason="Sponsor",
        may_sell=True,
        now=now,
        by=CALLBOARD,
    )
    assert comp.total == 0
    assert comp.tickets.get().price == 0


def test_buyer_cannot_give_themselves_comps(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD
    )
    with pytest.raises(PermissionDenied):
        services.order_checkout(
            cart=cart,
            buyer_name="Sly",
            kind=Order.Kind.COMP,
            comp_reason="me",
            now=now,
            by=CALLBOARD,
        )


def test_refund_puts_seats_back_on_sale(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1, 2), now, kind=Order.Kind.SALE)
    services.order_refund(order=order, now=now, by=CALLBOARD)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.total == 0
    again = buy(perf, seat_ids(perf, "1", 1, 2), now)
    assert again.tickets.count() == 2


def test_partial_refund_keeps_the_rest(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1, 2), now, kind=Order.Kind.SALE)
    first = order.tickets.order_by("pk").first()
    services.order_refund(order=order, ticket_ids=[first.pk], now=now, by=CALLBOARD)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.total == Decimal("100.00")


def test_exchange_moves_ticket_and_frees_old_seat(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1), now)
    old = order.tickets.get()
    [new] = services.order_exchange(
        order=order, ticket_ids=[old.pk], seat_ids=seat_ids(perf, "2", 3), now=now, by=CALLBOARD
    )
    old.refresh_from_db()
    order.refresh_from_db()
    assert old.status == Ticket.Status.EXCHANGED
    assert old.replaced_by_id == new.pk
    assert order.total == Decimal("50.00")
    assert buy(perf, seat_ids(perf, "1", 1), now).tickets.count() == 1


def test_exchange_to_a_taken_seat_changes_nothing(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1), now)
    buy(perf, seat_ids(perf, "1", 2), now, name="Other")
    old = order.tickets.get()
    with pytest.raises(Conflict):
        services.order_exchange(
            order=order, ticket_ids=[old.pk], seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD
        )
    old.refresh_from_db()
    assert old.status == Ticket.Status.VALID


def test_seat_of_another_venue_is_refused(now):
    perf = on_sale(now)
    elsewhere = on_sale(now)
    with pytest.raises(ValidationFailed):
        services.cart_create(
            performance=perf, seat_ids=seat_ids(elsewhere, "1", 1), now=now, by=CALLBOARD
        )


def test_performance_not_on_sale_refuses_carts(now):
    perf = on_sale(now)
    services.performance_close_sales(performance=perf, now=now)
    with pytest.raises(Conflict):
        services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
        )


def test_database_refuses_two_valid_tickets_for_one_seat(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1), now)
    ticket = order.tickets.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            order=order, performance=perf, seat=ticket.seat, price=0, code="X" * 16, issued_at=now
        )


def test_database_refuses_two_active_claims_for_one_seat(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatClaim.objects.create(
            performance=perf,
            seat_id=seat_ids(perf, "1", 1)[0],
            kind="cart",
            cart=cart,
            expires_at=cart.expires_at,
            created_at=now,
        )


def test_integrity_error_becomes_seats_taken(now, monkeypatch):
    perf = on_sale(now)

    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services.locking, "_insert_claims", clash)  # where claims are written
    with pytest.raises(services.SeatsTaken):
        services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
        )
    assert not Cart.objects.exists()


def test_lock_timeout_becomes_busy(now, monkeypatch):
    from django.db import OperationalError

    perf = on_sale(now)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services.locking, "_lock", locked)  # the one lock protocol
    with pytest.raises(services.Busy) as busy:
        services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
        )
    assert busy.value.status_code == 409
    assert busy.value.detail["retry"] is True


def test_sweep_ends_expired_claims_and_carts(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    counts = services.sweep_expired(now=now + dt.timedelta(minutes=11))
    cart.refresh_from_db()
    assert counts["claims"] == 1
    assert cart.status == Cart.Status.EXPIRED
