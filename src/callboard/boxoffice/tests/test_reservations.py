"""No free way in: unpaid reservations lapse, are limited per buyer, and do not pass the door."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from callboard.audit.models import AuditEntry as Entry
from callboard.boxoffice import payments, services
from callboard.boxoffice.models import CheckIn, Order, SeatClaim, Ticket
from callboard.boxoffice.payments import PaymentOutcome
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def reserve(perf, ids, now, *, email="nina@example.org", address="", name="Nina Petrova"):
    """A reservation made online by a member of the public (not the box office)."""
    cart = services.cart_create(performance=perf, seat_ids=ids, now=now, by=CALLBOARD)
    return services.order_checkout(
        cart=cart, buyer_name=name, buyer_email=email, client_address=address, now=now, by=CALLBOARD
    )


def scan(ticket, perf, now):
    return services.ticket_check_in(code=ticket.code, performance=perf, now=now, by=CALLBOARD)


# --- the door ------------------------------------------------------------------------------


def test_an_unpaid_reservation_is_refused_at_the_door_until_it_is_paid(now):
    perf = on_sale(now)
    order = reserve(perf, seat_ids(perf, "1", 1), now)
    ticket = order.tickets.get()
    refused = scan(ticket, perf, now + MINUTE)
    assert not refused.admitted
    assert refused.checkin.result == CheckIn.Result.UNPAID
    services.order_mark_paid(order=order, now=now + 2 * MINUTE, by=CALLBOARD)
    assert scan(ticket, perf, now + 3 * MINUTE).admitted
    assert CheckIn.objects.filter(ticket=ticket).count() == 2


def test_a_box_office_reservation_is_refused_too_but_a_sale_and_a_comp_admit(now):
    perf = on_sale(now)
    reserved = buy(perf, seat_ids(perf, "1", 1), now).tickets.get()
    sold = buy(perf, seat_ids(perf, "1", 2), now, kind=Order.Kind.SALE).tickets.get()
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 3), now=now, by=CALLBOARD
    )
    comp = services.order_checkout(
        cart=cart,
        buyer_name="Critic",
        kind="comp",
        comp_reason="press",
        may_sell=True,
        now=now,
        by=CALLBOARD,
    ).tickets.get()
    assert scan(reserved, perf, now).checkin.result == CheckIn.Result.UNPAID
    assert scan(sold, perf, now).admitted
    assert scan(comp, perf, now).admitted


def test_the_box_office_can_vouch_for_an_unpaid_order_with_a_reason(now):
    perf = on_sale(now)
    order = reserve(perf, seat_ids(perf, "1", 1, 2), now)
    with pytest.raises(ValidationFailed):
        services.order_confirm(order=order, note="  ", now=now, by=CALLBOARD)
    confirmed = services.order_confirm(
        order=order, note="School group, invoice sent", now=now, by=CALLBOARD
    )
    assert confirmed.status == Order.Status.CONFIRMED and confirmed.pay_by is None
    # It no longer lapses: long after the online window its seats are still its own.
    later = now + dt.timedelta(hours=5)
    assert services.sweep_expired(now=later)["orders"] == 0
    assert all(scan(t, perf, later).admitted for t in order.tickets.all())
    entry = Entry.objects.filter(action="order.confirm").get()
    assert "School group" in entry.summary
    # It is paid later, as the invoice is.
    assert (
        services.order_mark_paid(order=order, now=later, by=CALLBOARD).status == Order.Status.PAID
    )


# --- lapsing -------------------------------------------------------------------------------


def test_an_online_reservation_must_be_paid_within_the_set_minutes(now):
    perf = on_sale(now)
    with override_settings(CALLBOARD_ONLINE_RESERVATION_MINUTES=45):
        order = reserve(perf, seat_ids(perf, "1", 1), now)
    assert order.pay_by == now + dt.timedelta(minutes=45)


def test_a_box_office_reservation_holds_until_hours_before_curtain(now):
    perf = on_sale(now)
    with override_settings(CALLBOARD_BOX_OFFICE_RESERVATION_HOURS=2):
        order = buy(perf, seat_ids(perf, "1", 1), now)
    assert order.pay_by == perf.starts_at - dt.timedelta(hours=2)


def test_a_reservation_made_just_before_curtain_never_outlives_it(now):
    perf = on_sale(now)
    late = perf.starts_at - dt.timedelta(minutes=20)
    online = reserve(perf, seat_ids(perf, "1", 1), late)
    counter = buy(perf, seat_ids(perf, "1", 2), late)
    assert online.pay_by == perf.starts_at
    assert counter.pay_by == perf.starts_at


def test_a_lapsed_reservation_frees_its_seats_even_before_the_sweeper_runs(now):
    perf = on_sale(now)
    ids = seat_ids(perf, "1", 1, 2)
    first = reserve(perf, ids, now)
    with pytest.raises(Conflict):
        reserve(perf, ids[:1], now + 29 * MINUTE, email="other@example.org")
    after = now + 31 * MINUTE
    second = reserve(perf, ids[:1], after, email="other@example.org")
    assert second.tickets.get().status == Ticket.Status.VALID
    first.refresh_from_db()
    assert first.status == Order.Status.LAPSED
    assert set(first.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    # The lapsed order's other seat is free too, and its tickets no longer pass the door.
    assert not SeatClaim.objects.filter(ticket__order=first, active=True).exists()
    assert scan(first.tickets.get(seat_id=ids[1]), perf, after).checkin.result == "unpaid"
    assert Entry.objects.filter(action="order.lapse", record_id=first.pk).count() == 1


def test_the_sweeper_lapses_unpaid_orders_and_leaves_paid_ones(now):
    perf = on_sale(now)
    unpaid = reserve(perf, seat_ids(perf, "1", 1), now)
    paid = reserve(perf, seat_ids(perf, "1", 2), now, email="paid@example.org")
    services.order_mark_paid(order=paid, now=now + 5 * MINUTE, by=CALLBOARD)
    counts = services.sweep_expired(now=now + 31 * MINUTE)
    assert counts["orders"] == 1
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == (Order.Status.LAPSED, Order.Status.PAID)
    assert services.sweep_expired(now=now + 32 * MINUTE)["orders"] == 0
    free = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now + 33 * MINUTE, by=CALLBOARD
    )
    assert free.claims.filter(active=True).count() == 1


def test_a_payment_that_arrives_late_keeps_the_seats_if_nobody_took_them(now):
    perf = on_sale(now)
    swept = reserve(perf, seat_ids(perf, "1", 1), now)
    unswept = reserve(perf, seat_ids(perf, "1", 2), now, email="late@example.org")
    services.sweep_expired(now=now + 31 * MINUTE)
    swept.refresh_from_db()
    assert swept.status == Order.Status.LAPSED
    # Both pay late (the box office takes the money); the seats are still free.
    for order in (swept, unswept):
        paid = services.order_mark_paid(order=order, now=now + 40 * MINUTE, by=CALLBOARD)
        assert paid.status == Order.Status.PAID
        ticket = paid.tickets.get()
        assert ticket.status == Ticket.Status.VALID
        assert SeatClaim.objects.filter(ticket=ticket, active=True, expires_at=None).exists()
        assert scan(ticket, perf, now + 50 * MINUTE).admitted


class _CardProvider:
    """A payment provider that takes money on its own page and confirms later (the shape of
    the online providers); it remembers what it was asked to refund."""

    code = "test_card"
    label = "Card"
    refunds: list[Decimal]

    def __init__(self) -> None:
        self.refunds = []

    def begin(self, *, order, at_counter, now):  # type: ignore[no-untyped-def]
        return PaymentOutcome(paid=False, reference=f"pay-{order.reference}")

    def refund(self, *, order, amount, now):  # type: ignore[no-untyped-def]
        self.refunds.append(amount)
        return PaymentOutcome(paid=True, reference=f"refund-{order.reference}")


def test_a_reservation_that_lapses_while_its_buyer_is_paying_is_refunded_not_sold_twice(
    now, monkeypatch
):
    provider = _CardProvider()
    monkeypatch.setitem(payments.PROVIDERS, provider.code, provider)
    perf = on_sale(now)
    ids = seat_ids(perf, "1", 1, 2)
    cart = services.cart_create(performance=perf, seat_ids=ids, now=now, by=CALLBOARD)
    paying = services.order_checkout(
        cart=cart,
        buyer_name="Slow Payer",
        buyer_email="slow@example.org",
        provider=provider.code,
        now=now,
        by=CALLBOARD,
    )
    assert paying.status == Order.Status.AWAITING_PAYMENT
    # The buyer is still on the provider's page when the window closes and someone else
    # buys one of the seats.
    other = reserve(perf, ids[:1], now + 31 * MINUTE, email="quick@example.org")
    # Then the provider's confirmation arrives.
    late = services.order_mark_paid(
        order=paying, reference="pay-ok", now=now + 33 * MINUTE, by=CALLBOARD
    )
    assert late.status == Order.Status.REFUNDED
    assert provider.refunds == [Decimal("200.00")]
    assert Ticket.objects.filter(seat_id=ids[0], status="valid").get().order_id == other.pk
    assert not Ticket.objects.filter(order=paying, status="valid").exists()
    assert Entry.objects.filter(action="order.refund", record_id=paying.pk).exists()


def test_the_box_office_is_told_not_to_take_money_for_a_lapsed_order_whose_seats_went(now):
    perf = on_sale(now)
    ids = seat_ids(perf, "1", 1)
    old = reserve(perf, ids, now)
    reserve(perf, ids, now + 31 * MINUTE, email="quick@example.org")
    with pytest.raises(Conflict, match="Do not take the money"):
        services.order_mark_paid(order=old, now=now + 40 * MINUTE, by=CALLBOARD)
    old.refresh_from_db()
    assert old.status == Order.Status.LAPSED


# --- limits --------------------------------------------------------------------------------


def test_online_orders_need_a_real_e_mail(now):
    perf = on_sale(now)
    for n, bad in enumerate(("", "not-an-email", "nina@", "a b@example.org"), start=1):
        with pytest.raises(ValidationFailed) as refused:
            reserve(perf, seat_ids(perf, "1", n), now, email=bad)
        assert refused.value.field == "buyer_email"
    assert not Order.objects.exists()


@override_settings(CALLBOARD_RESERVATIONS_PER_EMAIL=2)
def test_unpaid_reservations_are_limited_per_e_mail_whatever_its_case(now):
    perf = on_sale(now)
    reserve(perf, seat_ids(perf, "1", 1), now)
    reserve(perf, seat_ids(perf, "1", 2), now, email="Nina@Example.org")
    with pytest.raises(Conflict) as refused:
        reserve(perf, seat_ids(perf, "1", 3), now, email="NINA@example.org")
    assert refused.value.detail == {"code": "reservation_limit", "per": "email", "limit": 2}
    assert "Pay for them first" in refused.value.message
    # Another performance is another matter; and once one is paid, another may be made.
    other = on_sale(now)
    reserve(other, seat_ids(other, "1", 1), now)
    first = Order.objects.filter(performance=perf).order_by("pk").first()
    services.order_mark_paid(order=first, now=now, by=CALLBOARD)
    reserve(perf, seat_ids(perf, "1", 4), now)
    assert Order.objects.filter(performance=perf).count() == 3


@override_settings(CALLBOARD_RESERVATIONS_PER_ADDRESS=2)
def test_unpaid_reservations_are_limited_per_client_address(now):
    perf = on_sale(now)
    reserve(perf, seat_ids(perf, "1", 1), now, email="a@example.org", address="198.51.100.7")
    reserve(perf, seat_ids(perf, "1", 2), now, email="b@example.org", address="198.51.100.7")
    with pytest.raises(Conflict) as refused:
        reserve(perf, seat_ids(perf, "1", 3), now, email="c@example.org", address="198.51.100.7")
    assert refused.value.detail["per"] == "address"
    reserve(perf, seat_ids(perf, "1", 4), now, email="c@example.org", address="198.51.100.8")
    # Lapsed reservations no longer count.
    reserve(
        perf,
        seat_ids(perf, "1", 5),
        now + 31 * MINUTE,
        email="d@example.org",
        address="198.51.100.7",
    )


def test_the_box_office_itself_is_not_limited(now):
    perf = on_sale(now)
    with override_settings(CALLBOARD_RESERVATIONS_PER_EMAIL=1):
        for n in (1, 2, 3):
            cart = services.cart_create(
                performance=perf, seat_ids=seat_ids(perf, "1", n), now=now, by=CALLBOARD
            )
            services.order_checkout(
                cart=cart,
                buyer_name="Phone booking",
                buyer_email="same@example.org",
                may_sell=True,
                now=now,
                by=CALLBOARD,
            )
    assert Order.objects.count() == 3


def test_the_api_refuses_a_bad_e_mail_and_says_when_to_pay(client, now):
    from django.utils import timezone

    perf = on_sale(timezone.now())
    base = "/api/v1/boxoffice"

    def order(email: str):  # type: ignore[no-untyped-def]
        cart = client.post(
            f"{base}/performances/{perf.pk}/carts",
            {"best_available": {"count": 1}},
            content_type="application/json",
        ).json()
        return client.post(
            f"{base}/carts/{cart['token']}/order",
            {"buyer_name": "Nina", "buyer_email": email},
            content_type="application/json",
        )

    bad = order("not-an-email")
    assert bad.status_code == 422
    assert "e-mail" in str(bad.json()["detail"])
    assert bad.json()["detail"][0]["loc"][-1] == "buyer_email"
    good = order("nina@example.org")
    assert good.status_code == 201
    body = good.json()
    assert body["status"] == "awaiting_payment" and body["pay_by"]
    assert Order.objects.get().client_address == "127.0.0.1"
