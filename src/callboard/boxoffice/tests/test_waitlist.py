"""The waiting list: joining a sold-out performance, offers when seats come back, their expiry."""

import datetime as dt

import pytest
from django.test import override_settings

from callboard.boxoffice import services
from callboard.boxoffice.models import Cart, Hold, Order, SeatClaim, WaitlistEntry
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _sold_out(now):
    """A house of two seats, both sold (paid at the counter)."""
    perf = on_sale(now, rows=1, seats=2)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1, 2), now=now, by=CALLBOARD
    )
    order = services.order_checkout(
        cart=cart, buyer_name="First Buyer", kind="sale", may_sell=True, now=now, by=CALLBOARD
    )
    return perf, order


def _join(perf, now, email, seats=1, language="en"):
    return services.waitlist_join(
        performance=perf,
        name=email.split("@")[0].title(),
        email=email,
        seats=seats,
        language=language,
        now=now,
    )


def test_a_buyer_joins_a_sold_out_performance_in_order(now):
    perf, _order = _sold_out(now)
    first = _join(perf, now, "ann@example.org")
    second = _join(perf, now + dt.timedelta(seconds=1), "bob@example.org")
    assert services.waitlist_position(first) == 1
    assert services.waitlist_position(second) == 2
    again = _join(perf, now, "ANN@example.org ")
    assert again.pk == first.pk


def test_joining_while_seats_are_on_sale_is_refused(now):
    perf = on_sale(now, rows=1, seats=2)
    with pytest.raises(Conflict) as refused:
        _join(perf, now, "ann@example.org")
    assert refused.value.detail["code"] == "not_sold_out"
    assert not WaitlistEntry.objects.exists()


def test_an_invalid_email_is_refused(now):
    perf, _order = _sold_out(now)
    with pytest.raises(ValidationFailed) as refused:
        _join(perf, now, "not-an-email")
    assert refused.value.field == "email"


def test_a_refund_offers_the_seats_to_the_first_in_line_by_email_in_their_language(now):
    perf, order = _sold_out(now)
    first = _join(perf, now, "anna@example.org", seats=1, language="ru")
    _join(perf, now + dt.timedelta(seconds=1), "bob@example.org")
    ticket = order.tickets.order_by("pk").first()
    services.order_refund(order=order, ticket_ids=[ticket.pk], now=now, by=CALLBOARD)
    counts = services.waitlist_offers(now=now)
    assert counts["offered"] == 1
    first.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED
    assert first.offer_expires_at == now + dt.timedelta(minutes=60)
    held = SeatClaim.objects.get(hold=first.hold, active=True)
    assert held.seat_id == ticket.seat_id
    email = OutboundEmail.objects.get(kind="boxoffice.waitlist")
    assert email.to == "anna@example.org"
    assert f"http://127.0.0.1:8000/boxoffice/waitlist/{first.token}/" in email.body
    assert "Места" in email.subject  # Russian, the language she joined in
    # Bob stays in line: there is no other seat
    assert WaitlistEntry.objects.get(email="bob@example.org").status == "waiting"


@override_settings(CALLBOARD_WAITLIST_OFFER_MINUTES=15)
def test_an_offer_that_runs_out_goes_to_the_next_in_line(now):
    perf, order = _sold_out(now)
    first = _join(perf, now, "anna@example.org")
    second = _join(perf, now + dt.timedelta(seconds=1), "bob@example.org")
    services.order_refund(
        order=order, ticket_ids=[order.tickets.order_by("pk").first().pk], now=now, by=CALLBOARD
    )
    services.waitlist_offers(now=now)
    first.refresh_from_db()
    assert first.offer_expires_at == now + dt.timedelta(minutes=15)
    later = now + dt.timedelta(minutes=16)
    counts = services.waitlist_offers(now=later)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistEntry.Status.EXPIRED
    assert second.status == WaitlistEntry.Status.OFFERED
    assert counts == {"expired": 1, "bought": 0, "offered": 1}
    assert Hold.objects.get(pk=first.hold_id).released_at == later


def test_a_lapsed_reservation_offers_its_seats(now):
    perf = on_sale(now, rows=1, seats=1)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    order = services.order_checkout(
        cart=cart, buyer_name="Slow Payer", buyer_email="slow@example.org", now=now, by=CALLBOARD
    )
    entry = _join(perf, now, "anna@example.org")
    later = order.pay_by + dt.timedelta(seconds=1)
    services.sweep_expired(now=later)
    services.waitlist_offers(now=later)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED


def test_a_released_hold_offers_its_seats(now):
    perf = on_sale(now, rows=1, seats=1)
    hold = services.hold_create(
        performance=perf,
        kind=Hold.Kind.HOUSE,
        owner_label="Director",
        reason="House seat",
        seat_ids=seat_ids(perf, "1", 1),
        by=CALLBOARD,
        now=now,
    )
    entry = _join(perf, now, "anna@example.org")
    assert services.waitlist_offers(now=now)["offered"] == 0
    services.hold_release(hold=hold, by=CALLBOARD, now=now)
    services.waitlist_offers(now=now)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED


def test_taking_the_offer_makes_a_cart_that_can_be_bought(now):
    perf, order = _sold_out(now)
    entry = _join(perf, now, "anna@example.org")
    services.order_refund(order=order, now=now, by=CALLBOARD)
    services.waitlist_offers(now=now)
    cart = services.waitlist_accept(token=entry.token, now=now + dt.timedelta(minutes=5))
    assert cart.expires_at == now + dt.timedelta(minutes=60)
    assert services.waitlist_accept(token=entry.token, now=now + dt.timedelta(minutes=6)) == cart
    assert cart.claims.filter(active=True, kind=SeatClaim.Kind.CART).count() == 1
    bought = services.order_checkout(
        cart=cart,
        buyer_name="Anna",
        buyer_email="anna@example.org",
        now=now + dt.timedelta(minutes=30),
        by=CALLBOARD,
    )
    assert bought.tickets.count() == 1
    services.waitlist_offers(now=now + dt.timedelta(minutes=31))
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.BOUGHT
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.ORDERED


def test_an_offer_cannot_be_taken_after_it_ran_out(now):
    perf, order = _sold_out(now)
    entry = _join(perf, now, "anna@example.org")
    services.order_refund(order=order, now=now, by=CALLBOARD)
    services.waitlist_offers(now=now)
    with pytest.raises(Conflict) as late:
        services.waitlist_accept(token=entry.token, now=now + dt.timedelta(minutes=61))
    assert late.value.detail["code"] == "offer_expired"
    assert not Order.objects.filter(cart__isnull=False, buyer_name="Anna").exists()


def test_the_first_in_line_keeps_their_place_when_their_seats_are_not_together(now):
    perf, order = _sold_out(now)
    _join(perf, now, "anna@example.org", seats=3)
    bob = _join(perf, now + dt.timedelta(seconds=1), "bob@example.org", seats=1)
    services.order_refund(order=order, now=now, by=CALLBOARD)
    assert services.waitlist_offers(now=now)["offered"] == 0
    bob.refresh_from_db()
    assert bob.status == WaitlistEntry.Status.WAITING


def test_the_chore_is_in_the_beat_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["waiting-list-offers"]
    assert entry["task"] == "callboard.boxoffice.waiting_list_offers"
