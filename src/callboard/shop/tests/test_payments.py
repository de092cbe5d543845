"""Paying in the shop through YooKassa's and Stripe's official SDKs, against a local stub of
their APIs: the order is paid only by the provider's verified notification, once; refunds go
back through the provider; a payment after the order lapsed keeps the seats or is refunded."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from callboard.audit.models import AuditEntry
from callboard.boxoffice import services
from callboard.boxoffice.models import CheckIn, Order, Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.models import OutboundEmail
from callboard.shop.tests.buying import checkout, deliver, order_of

pytestmark = pytest.mark.django_db


def _paid_emails() -> int:
    return OutboundEmail.objects.filter(kind="shop.tickets").count()


def test_yookassa_pays_the_order_only_on_its_notification_and_only_once(client, yookassa):
    perf = on_sale(timezone.now())
    answer = checkout(client, perf.pk, seat_ids(perf, "1", 2, 3))
    order = order_of()
    assert answer.status_code == 302
    assert answer["Location"] == f"{yookassa.base_url}/yookassa/pay/{order.payment_reference}"
    assert order.kind == Order.Kind.ONLINE and order.provider == "yookassa"
    assert order.status == Order.Status.AWAITING_PAYMENT and order.total == Decimal("200.00")
    payment = yookassa.state.yookassa[order.payment_reference]
    assert payment["amount"] == {"value": "200.00", "currency": "RUB"}
    assert payment["metadata"]["order"] == order.reference

    # Coming back to the order's page pays nothing: only the provider's word does.
    back = client.get(f"/shop/o/{order.token}/")
    assert back.status_code == 200 and b"Awaiting payment" in back.content
    # A notification sent before the buyer paid: the API says "pending", so nothing happens.
    assert deliver(client, yookassa, "yookassa", order.payment_reference).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    yookassa.complete("yookassa", order.payment_reference)  # the buyer pays on YooKassa's page
    assert deliver(client, yookassa, "yookassa", order.payment_reference).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert _paid_emails() == 1
    # YooKassa sends it again (it does until it gets a 200): nothing changes, no second e-mail.
    assert deliver(client, yookassa, "yookassa", order.payment_reference).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and _paid_emails() == 1
    page = client.get(f"/shop/o/{order.token}/").content.decode()
    assert "Ticket (PDF)" in page


def test_a_yookassa_notification_from_elsewhere_or_about_an_unpaid_payment_pays_nothing(
    client, yookassa
):
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 1))
    order = order_of()
    # From an address that is neither YooKassa's nor trusted: refused unread.
    yookassa.complete("yookassa", order.payment_reference)
    refused = deliver(client, yookassa, "yookassa", order.payment_reference, address="203.0.113.9")
    assert refused.status_code == 400 and "YooKassa" in refused.json()["detail"]
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    # A forged "succeeded" notice about a payment the API says is pending pays nothing.
    checkout(client, perf.pk, seat_ids(perf, "2", 1), email="mallory@example.org")
    other = order_of("mallory@example.org")
    forged = json.loads(yookassa.notification("yookassa", other.payment_reference)[0])
    forged["event"] = "payment.succeeded"
    forged["object"].update(status="succeeded", paid=True)
    answer = client.post(
        "/shop/webhooks/yookassa/",
        data=json.dumps(forged),
        content_type="application/json",
        REMOTE_ADDR="127.0.0.1",
    )
    assert answer.status_code == 200
    other.refresh_from_db()
    assert other.status == Order.Status.AWAITING_PAYMENT and _paid_emails() == 0


def test_stripe_pays_on_a_signed_notification_and_refuses_a_forged_signature(client, stripe_shop):
    perf = on_sale(timezone.now())
    answer = checkout(client, perf.pk, seat_ids(perf, "1", 4, 5))
    order = order_of()
    session = stripe_shop.state.stripe[order.payment_reference]
    assert answer["Location"] == session["url"]
    assert session["amount_total"] == 20000 and session["currency"] == "rub"
    assert session["client_reference_id"] == order.reference

    stripe_shop.complete("stripe", order.payment_reference)
    body, headers = stripe_shop.notification("stripe", order.payment_reference)
    forged = client.post(
        "/shop/webhooks/stripe/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"].replace("v1=", "v1=00")},
    )
    assert forged.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    assert deliver(client, stripe_shop, "stripe", session["id"]).status_code == 200
    assert deliver(client, stripe_shop, "stripe", session["id"]).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_reference == session["payment_intent"]
    assert _paid_emails() == 1


@pytest.mark.parametrize("provider", ["yookassa", "stripe_shop"])
def test_a_refund_goes_back_through_the_provider(client, provider, request, make_user):
    from callboard.core.roles import Role

    stub = request.getfixturevalue(provider)
    code = "yookassa" if provider == "yookassa" else "stripe"
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 1, 2))
    order = order_of()
    stub.complete(code, order.payment_reference)
    started = order.payment_reference
    deliver(client, stub, code, started)
    order.refresh_from_db()
    one = order.tickets.order_by("pk").first()
    services.order_refund(
        order=order, ticket_ids=[one.pk], now=timezone.now(), by=make_user(Role.BOX_OFFICE)
    )
    refund = stub.state.refunds[-1]
    if code == "yookassa":
        assert refund["payment_id"] == started and refund["amount"]["value"] == "100.00"
    else:
        assert refund["payment_intent"] == order.payment_reference and refund["amount"] == 10000
    order.refresh_from_db()
    assert order.total == Decimal("100.00")


def test_a_payment_after_the_order_lapsed_keeps_free_seats_and_refunds_sold_ones(client, yookassa):
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 1), email="late@example.org")
    checkout(client, perf.pk, seat_ids(perf, "1", 2), email="later@example.org")
    late, later = order_of("late@example.org"), order_of("later@example.org")
    # Both lapse unpaid; the second one's seat is sold to someone else meanwhile.
    after = timezone.now() + dt.timedelta(minutes=31)
    services.sweep_expired(now=after)
    services.cart_create(performance=perf, seat_ids=seat_ids(perf, "1", 2), now=after, by=CALLBOARD)
    for order in (late, later):
        yookassa.complete("yookassa", order.payment_reference)
        assert deliver(client, yookassa, "yookassa", order.payment_reference).status_code == 200
    late.refresh_from_db()
    later.refresh_from_db()
    assert late.status == Order.Status.PAID
    assert late.tickets.get().status == Ticket.Status.VALID
    assert later.status == Order.Status.REFUNDED
    assert yookassa.state.refunds[-1]["payment_id"] == later.payment_reference
    assert _paid_emails() == 1


def test_an_unpaid_order_is_refused_at_the_door_and_admitted_once_paid(client, yookassa, make_user):
    from callboard.core.roles import Role

    usher = make_user(Role.BOX_OFFICE)
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 3))
    order = order_of()
    code = order.tickets.get().code
    scan = services.ticket_check_in(code=code, performance=perf, now=timezone.now(), by=usher)
    assert scan.checkin.result == CheckIn.Result.UNPAID
    yookassa.complete("yookassa", order.payment_reference)
    deliver(client, yookassa, "yookassa", order.payment_reference)
    results = [
        services.ticket_check_in(
            code=code, performance=perf, now=timezone.now(), by=usher
        ).checkin.result
        for _ in range(2)
    ]
    assert results == [CheckIn.Result.ADMITTED, CheckIn.Result.DUPLICATE]


def test_an_unreachable_provider_leaves_the_order_waiting_with_a_way_to_try_again(client, settings):
    settings.CALLBOARD_PAYMENT_PROVIDER = "yookassa"
    settings.CALLBOARD_YOOKASSA_SHOP_ID = "shop"
    settings.CALLBOARD_YOOKASSA_SECRET_KEY = "key"
    settings.CALLBOARD_YOOKASSA_API_URL = "http://127.0.0.1:9/v3"  # nothing listens there
    perf = on_sale(timezone.now())
    answer = checkout(client, perf.pk, seat_ids(perf, "1", 1))
    order = order_of()
    assert answer["Location"] == f"/shop/o/{order.token}/"
    page = client.get(answer["Location"])
    assert "did not take the payment" in page.content.decode()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_a_buyer_who_cancelled_on_yookassas_page_can_pay_again_with_a_new_payment(client, yookassa):
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 6))
    order = order_of()
    first = order.payment_reference
    back = yookassa.server.cancel("yookassa", first)
    assert back.endswith(f"/shop/o/{order.token}/")
    deliver(client, yookassa, "yookassa", first)  # payment.canceled: nothing changes
    # Pressing "Pay" twice: one new payment, the same both times.
    again = [client.post(f"/shop/o/{order.token}/", {"action": "pay"}) for _ in range(2)]
    order.refresh_from_db()
    second = order.payment_reference
    assert second != first and len(yookassa.state.yookassa) == 2
    assert (
        again[0]["Location"]
        == again[1]["Location"]
        == yookassa.state.yookassa[second]["confirmation"]["confirmation_url"]
    )
    yookassa.complete("yookassa", second)
    deliver(client, yookassa, "yookassa", second)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and _paid_emails() == 1


@pytest.mark.parametrize("provider", ["yookassa", "stripe_shop"])
def test_a_second_payment_for_a_paid_order_is_refunded_through_the_provider_once(
    client, provider, request
):
    stub = request.getfixturevalue(provider)
    code = "yookassa" if provider == "yookassa" else "stripe"
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 2, 3))
    order = order_of()
    first = order.payment_reference
    stub.complete(code, first)
    assert deliver(client, stub, code, first).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    paid_by = order.payment_reference
    # The buyer paid on a second payment page too (the provider took the money twice).
    payments = stub.state.yookassa if code == "yookassa" else stub.state.stripe
    # Another id: a YooKassa id with its first character changed (never to the same one).
    second = (("1" if first[0] == "2" else "2") if code == "yookassa" else "cs_test_second") + (
        first[1:]
    )
    assert second != first
    payments[second] = json.loads(json.dumps(payments[first]))
    payments[second]["id"] = second
    if code == "stripe":
        payments[second]["payment_intent"] = "pi_second_" + first[-8:]
    for _attempt in range(2):  # the provider sends its notification again: one refund
        assert deliver(client, stub, code, second).status_code == 200
    refunds = stub.state.refunds
    assert len(refunds) == 1
    if code == "yookassa":
        assert refunds[0]["payment_id"] == second
        assert refunds[0]["amount"]["value"] == "200.00"
    else:
        assert refunds[0]["payment_intent"] == "pi_second_" + first[-8:]
        assert refunds[0]["amount"] == 20000
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.payment_reference == paid_by
    assert order.total == Decimal("200.00") and _paid_emails() == 1
    entries = AuditEntry.objects.filter(action="order.duplicate_refund", record_id=order.pk)
    assert entries.count() == 1 and "second payment" in entries.get().summary
