"""Writes of the shop: a buyer's cart and checkout, starting a payment at the provider, and the
provider's notification that pays the order and sends the tickets.

The buyer is nobody signed in: they hold a cart's or an order's token (no ``by``). The
provider's notification acts as Callboard (``CALLBOARD``), once verified. Every seat rule is
the box office's (:mod:`callboard.boxoffice.services`): the shop only calls it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.boxoffice import services as boxoffice
from callboard.boxoffice.models import Cart, Order
from callboard.boxoffice.payments import (
    NotificationRejected,
    OnlineProvider,
    get_provider,
    is_online,
    shop_provider,
)
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict
from callboard.core.i18n import company_currency
from callboard.season.models import Performance
from callboard.shop.mail import tickets_email_queue
from callboard.shop.selectors import order_by_token

log = logging.getLogger(__name__)

CHANNEL = "shop"


def shop_cart_pick(
    *,
    performance: Performance,
    cart: Cart | None,
    now: datetime,
    seat_ids: list[int] | None = None,
    best: boxoffice.BestRequest | None = None,
) -> Cart:
    """Hold seats for the buyer (chosen on the map, or the best available) for ten minutes,
    in their cart; a new cart when they have none."""
    if cart is None:
        return boxoffice.cart_create(
            performance=performance, seat_ids=seat_ids, best=best, now=now, by=AnonymousUser()
        )
    return boxoffice.cart_add(cart=cart, seat_ids=seat_ids, best=best, now=now)


def shop_checkout(
    *,
    cart: Cart,
    buyer_name: str,
    buyer_email: str,
    language: str,
    client_address: str,
    now: datetime,
) -> Order:
    """Turn the buyer's cart into an unpaid order: an online sale through the shop's payment
    provider, or a reservation paid at the box office when the shop takes no payment. Either
    lapses at its pay-by time if unpaid (the seats go back on sale)."""
    provider = shop_provider()
    return boxoffice.order_checkout(
        cart=cart,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        kind=Order.Kind.ONLINE if is_online(provider) else Order.Kind.RESERVATION,
        provider=provider.code,
        channel=CHANNEL,
        by=AnonymousUser(),
        may_sell=False,
        client_address=client_address,
        language=language,
        now=now,
    )


def shop_payment_start(*, order: Order, return_url: str, now: datetime) -> str:
    """Start paying an unpaid online order at its provider; returns the provider's page to
    send the buyer to. Asking again gives the same payment (the provider's idempotency)."""
    provider = get_provider(order.provider)
    if not isinstance(provider, OnlineProvider) or order.status != Order.Status.AWAITING_PAYMENT:
        raise Conflict(_("This order is not waiting for an online payment."))
    if order.pay_by is not None and order.pay_by <= now:
        raise Conflict(
            _("The time to pay for this order ran out and its seats went back on sale."),
            detail={"code": "order_lapsed"},
        )
    # Outside any transaction: the provider's answer can take seconds, and no lock waits for it.
    hosted = provider.checkout(order=order, return_url=return_url, cancel_url=return_url, now=now)
    boxoffice.order_payment_started(order=order, reference=hosted.reference, now=now)
    return hosted.url


def shop_payment_notified(
    *, provider_code: str, body: bytes, headers: Mapping[str, str], address: str, now: datetime
) -> Order | None:
    """Take a payment provider's notification: verified the provider's way, it pays the order
    it names and queues the buyer's tickets, once. A notification repeated, about a payment
    not (yet) taken, or about an order this shop does not have changes nothing (None)."""
    provider = get_provider(provider_code)
    if not isinstance(provider, OnlineProvider):
        raise NotificationRejected(_("This payment method sends no notifications."))
    notice = provider.notification(body=body, headers=headers, address=address)
    if not notice.paid:
        log.info(
            "%s: %s about order %s, nothing to do",
            provider_code,
            notice.event,
            notice.order_reference,
        )
        return None
    order = Order.objects.filter(reference=notice.order_reference, provider=provider.code).first()
    if order is None:
        log.warning(
            "%s: payment %s names no order of ours (%r)",
            provider_code,
            notice.reference,
            notice.order_reference,
        )
        return None
    # The payment is the order's: YooKassa's API (asked again) or Stripe's signature says so.
    # It may be an earlier attempt than the last the buyer started: the money is taken either way.
    if notice.amount != order.total or notice.currency.upper() != company_currency().upper():
        raise NotificationRejected(
            _("The payment's amount (%(amount)s %(currency)s) is not the order's.")
            % {"amount": notice.amount, "currency": notice.currency}
        )
    if order.status == Order.Status.PAID and order.payment_reference != notice.reference:
        # Paid twice: the second payment goes back through the provider, once.
        refunded = boxoffice.order_refund_second_payment(
            order=order,
            payment_reference=notice.reference,
            amount=notice.amount,
            now=now,
            by=CALLBOARD,
        )
        log.warning(
            "%s: order %s was paid already by %s; payment %s came too: %s",
            provider_code,
            order.reference,
            order.payment_reference,
            notice.reference,
            "refunded" if refunded else "refunded before",
        )
        return None
    with transaction.atomic():
        # Under the order's lock: of two copies of the notice at once, one pays and mails.
        was = Order.objects.select_for_update().values_list("status", flat=True).get(pk=order.pk)
        paid = boxoffice.order_mark_paid(
            order=order, reference=notice.reference, now=now, by=CALLBOARD
        )
        if paid.status == Order.Status.PAID and was != Order.Status.PAID:
            tickets_email_queue(order=order_by_token(token=paid.token or ""), now=now)
    return paid
