"""Stripe, through its official SDK (the ``stripe`` package): payments by card.

- The buyer pays on a Stripe Checkout page: :meth:`Stripe.checkout` creates a Checkout
  Session and sends the buyer to its ``url``; Stripe brings them back to the order's page.
- Stripe signs every notification (the ``Stripe-Signature`` header, HMAC-SHA256 with the
  endpoint's secret): :meth:`notification` verifies it with ``stripe.Webhook.construct_event``
  and refuses anything unsigned, wrongly signed or too old.
- ``checkout.session.completed`` (or ``…async_payment_succeeded``) with ``payment_status``
  "paid" pays the order named by the session's ``client_reference_id``; refunds name the
  session's PaymentIntent.

Keys: ``CALLBOARD_STRIPE_SECRET_KEY`` (``sk_live_…``) and ``CALLBOARD_STRIPE_WEBHOOK_SECRET``
(``whsec_…``, shown where the webhook endpoint is added in Stripe's dashboard);
``CALLBOARD_STRIPE_API_BASE`` points the SDK at another address (the stub).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.boxoffice.payments.base import (
    HostedPayment,
    NotificationRejected,
    PaymentFailed,
    PaymentNotice,
    PaymentOutcome,
)
from callboard.core.i18n import company_currency

if TYPE_CHECKING:
    from callboard.boxoffice.models import Order

log = logging.getLogger(__name__)

PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
# Currencies Stripe counts in whole units (no cents).
ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "JPY",
    "KMF",
    "KRW",
    "MGA",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}


def minor_units(amount: Decimal, currency: str) -> int:
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return int((amount * factor).quantize(Decimal(1)))


def from_minor_units(value: int, currency: str) -> Decimal:
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return (Decimal(value) / factor).quantize(Decimal("0.01"))


class Stripe:
    code = "stripe"
    label: str | Promise = gettext_lazy("Card, through Stripe")

    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str = "") -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.api_base = api_base

    @classmethod
    def from_settings(cls) -> Stripe:
        return cls(
            secret_key=settings.CALLBOARD_STRIPE_SECRET_KEY,
            webhook_secret=settings.CALLBOARD_STRIPE_WEBHOOK_SECRET,
            api_base=settings.CALLBOARD_STRIPE_API_BASE,
        )

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.secret_key,
            base_addresses={"api": self.api_base} if self.api_base else None,
            max_network_retries=1,
        )

    def page_origins(self) -> list[str]:
        # Stripe Checkout's pages; a local stub serves its own.
        origins = ["https://checkout.stripe.com"]
        if self.api_base:
            parts = urlsplit(self.api_base)
            origins.append(f"{parts.scheme}://{parts.netloc}")
        return origins

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        return PaymentOutcome(
            paid=False, message=_("Pay on Stripe's page; the tickets come by e-mail.")
        )

    def checkout(
        self, *, order: Order, return_url: str, cancel_url: str, now: datetime
    ) -> HostedPayment:
        currency = company_currency()
        params: Any = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": minor_units(order.total, currency),
                        "product_data": {"name": _("Order %(ref)s") % {"ref": order.reference}},
                    },
                }
            ],
            "client_reference_id": order.reference,
            "metadata": {"order": order.reference},
            "payment_intent_data": {"metadata": {"order": order.reference}},
            "success_url": return_url,
            "cancel_url": cancel_url,
            # Just over Stripe's shortest: the order lapses by itself anyway (its pay-by time).
            "expires_at": int((now + timedelta(minutes=31)).timestamp()),
        }
        if order.buyer_email:
            params["customer_email"] = order.buyer_email
        client = self._client()
        still_open = self._open_session(client, order)
        if still_open is not None:
            return still_open
        try:
            session = client.v1.checkout.sessions.create(
                params=params,
                # One session per attempt, however often the buyer presses "Pay"; a new one
                # only once the last has expired.
                options={"idempotency_key": self._attempt_key(order)},
            )
        except stripe.StripeError as exc:
            log.warning("Stripe refused the payment for order %s: %s", order.reference, exc)
            raise PaymentFailed(
                _("The payment service did not take the payment. Try again in a minute.")
            ) from exc
        if not session.url:
            raise PaymentFailed(_("The payment service gave no page to pay on. Try again."))
        return HostedPayment(url=session.url, reference=session.id)

    def _open_session(self, client: stripe.StripeClient, order: Order) -> HostedPayment | None:
        """The order's last Checkout Session, if the buyer can still pay on it."""
        last = order.payment_reference
        if not last.startswith("cs_"):
            return None
        try:
            session = client.v1.checkout.sessions.retrieve(last)
        except stripe.StripeError:
            return None
        if session.status == "open" and session.url:
            return HostedPayment(url=session.url, reference=session.id)
        return None

    def _attempt_key(self, order: Order) -> str:
        last = order.payment_reference
        if last:
            return f"callboard-order-{order.pk}-after-{last}"
        return f"callboard-order-{order.reference}-{order.pk}"

    def notification(
        self, *, body: bytes, headers: Mapping[str, str], address: str
    ) -> PaymentNotice:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature", ""), self.webhook_secret
            )
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise NotificationRejected(
                _("The notification's Stripe signature does not verify.")
            ) from exc
        session: dict[str, Any] = event.data.object.to_dict()
        if event.type not in PAID_EVENTS:
            return PaymentNotice(
                reference=str(session.get("id", "")),
                order_reference=str(session.get("client_reference_id") or ""),
                paid=False,
                amount=Decimal(0),
                currency="",
                event=event.type,
                checkout_reference=str(session.get("id", "")),
            )
        currency = str(session.get("currency") or "").upper()
        return PaymentNotice(
            reference=str(session.get("payment_intent") or session.get("id")),
            order_reference=str(session.get("client_reference_id") or ""),
            paid=session.get("payment_status") == "paid",
            amount=from_minor_units(int(session.get("amount_total") or 0), currency),
            currency=currency,
            event=event.type,
            checkout_reference=str(session.get("id", "")),
        )

    def refund(
        self, *, order: Order, amount: Decimal, now: datetime, payment_reference: str = ""
    ) -> PaymentOutcome:
        currency = company_currency()
        # A second payment is refunded once, whoever asks again (the same idempotency key).
        key = (
            f"callboard-refund-{payment_reference}"
            if payment_reference
            else f"callboard-refund-{order.reference}-{now:%Y%m%d%H%M%S%f}"
        )
        try:
            refund = self._client().v1.refunds.create(
                params={
                    "payment_intent": payment_reference or order.payment_reference,
                    "amount": minor_units(amount, currency),
                    "metadata": {"order": order.reference},
                },
                options={"idempotency_key": key},
            )
        except stripe.StripeError as exc:
            log.warning("Stripe refused the refund of order %s: %s", order.reference, exc)
            raise PaymentFailed(
                _("The payment service did not take the refund. Try again in a minute.")
            ) from exc
        return PaymentOutcome(paid=True, reference=str(refund.id))
