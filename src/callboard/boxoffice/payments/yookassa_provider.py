"""YooKassa (ЮKassa), through its official SDK (the ``yookassa`` package): payments in roubles.

- The buyer pays on YooKassa's page: :meth:`YooKassa.checkout` creates a payment with
  ``confirmation.type = redirect`` and sends the buyer to its ``confirmation_url``; YooKassa
  brings them back to the order's page (``return_url``).
- YooKassa signs nothing: its documentation says to check that a notification comes from its
  own addresses and, to be sure, to ask the API for the payment again. :meth:`notification`
  does both: the sender's address must be one of YooKassa's networks (or of
  ``CALLBOARD_YOOKASSA_TRUSTED_NETWORKS``, the local stub's), and what the notification says
  is ignored except the payment's id: the status, amount and order are those the API gives
  for that id.
- Refunds are made through the API too (``/refunds``).

Keys: ``CALLBOARD_YOOKASSA_SHOP_ID`` and ``CALLBOARD_YOOKASSA_SECRET_KEY`` (the shop's
``shopId`` and secret key from YooKassa's dashboard); ``CALLBOARD_YOOKASSA_API_URL`` points the
SDK at another address (the stub, in tests and the demo).
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from yookassa import Configuration, Payment, Refund
from yookassa.domain.common.security_helper import SecurityHelper

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

DEFAULT_API_URL = "https://api.yookassa.ru/v3"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def amount_text(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


class YooKassa:
    code = "yookassa"
    label: str | Promise = gettext_lazy("Card or SBP, through YooKassa")

    def __init__(
        self, *, shop_id: str, secret_key: str, api_url: str = "", trusted: Sequence[str] = ()
    ) -> None:
        self.shop_id = shop_id
        self.secret_key = secret_key
        self.api_url = api_url or DEFAULT_API_URL
        self.trusted = [ipaddress.ip_network(n.strip(), strict=False) for n in trusted if n]

    @classmethod
    def from_settings(cls) -> YooKassa:
        return cls(
            shop_id=settings.CALLBOARD_YOOKASSA_SHOP_ID,
            secret_key=settings.CALLBOARD_YOOKASSA_SECRET_KEY,
            api_url=settings.CALLBOARD_YOOKASSA_API_URL,
            trusted=settings.CALLBOARD_YOOKASSA_TRUSTED_NETWORKS,
        )

    def _configure(self) -> None:
        # The SDK keeps its configuration on a class: set it before every call (the same
        # values each time, so threads that share it agree).
        Configuration.configure(
            self.shop_id, self.secret_key, api_url=self.api_url, max_attempts=2, timeout=500
        )

    def page_origins(self) -> list[str]:
        # YooKassa's payment pages; a local stub serves its own.
        origins = ["https://yoomoney.ru", "https://*.yoomoney.ru"]
        if self.api_url != DEFAULT_API_URL:
            origins.append(origin_of(self.api_url))
        return origins

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        return PaymentOutcome(
            paid=False, message=_("Pay on YooKassa's page; the tickets come by e-mail.")
        )

    def checkout(
        self, *, order: Order, return_url: str, cancel_url: str, now: datetime
    ) -> HostedPayment:
        self._configure()
        still_open = self._open_payment(order)
        if still_open is not None:
            return still_open
        try:
            payment = Payment.create(
                {
                    "amount": {"value": amount_text(order.total), "currency": company_currency()},
                    "capture": True,
                    "confirmation": {"type": "redirect", "return_url": return_url},
                    "description": _("Order %(ref)s") % {"ref": order.reference},
                    "metadata": {"order": order.reference},
                },
                # One payment per attempt, however often the buyer presses "Pay"; a new one
                # only once the last can no longer be paid (cancelled, declined, abandoned).
                idempotency_key=self._attempt_key(order),
            )
        except Exception as exc:  # the SDK raises its own errors and requests' ones
            log.warning("YooKassa refused the payment for order %s: %s", order.reference, exc)
            raise PaymentFailed(
                _("The payment service did not take the payment. Try again in a minute.")
            ) from exc
        url = payment.confirmation.confirmation_url if payment.confirmation else ""
        if not url:
            raise PaymentFailed(_("The payment service gave no page to pay on. Try again."))
        return HostedPayment(url=url, reference=payment.id)

    def _open_payment(self, order: Order) -> HostedPayment | None:
        """The order's last payment, if the buyer can still pay it."""
        if not order.payment_reference:
            return None
        try:
            payment = Payment.find_one(order.payment_reference)
        except Exception:  # unknown there: start afresh
            return None
        url = payment.confirmation.confirmation_url if payment.confirmation else ""
        if payment.status == "pending" and url:
            return HostedPayment(url=url, reference=payment.id)
        return None

    def _attempt_key(self, order: Order) -> str:
        last = order.payment_reference
        if last:
            return f"callboard-order-{order.pk}-after-{last}"[:64]
        return f"callboard-order-{order.reference}-{order.pk}"

    def _trusted_address(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if any(ip in net for net in self.trusted):
            return True
        return bool(SecurityHelper().is_ip_trusted(address))

    def notification(
        self, *, body: bytes, headers: Mapping[str, str], address: str
    ) -> PaymentNotice:
        if not self._trusted_address(address):
            raise NotificationRejected(
                _("Notifications are taken only from YooKassa's own addresses.")
            )
        try:
            data: Any = json.loads(body)
            payment_id = str(data["object"]["id"])
            event = str(data.get("event", ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationRejected(_("This is not a YooKassa notification.")) from exc
        if not event.startswith("payment."):
            raise NotificationRejected(_("Only notifications about payments are taken."))
        self._configure()
        try:
            # What YooKassa's API says about the payment, not what the notification says.
            payment = Payment.find_one(payment_id)
        except Exception as exc:
            raise NotificationRejected(
                _("YooKassa does not know payment %(id)s.") % {"id": payment_id[:60]}
            ) from exc
        try:
            amount = Decimal(str(payment.amount.value))
        except (InvalidOperation, AttributeError) as exc:
            raise NotificationRejected(_("The payment has no amount.")) from exc
        metadata = payment.metadata or {}
        return PaymentNotice(
            reference=str(payment.id),
            order_reference=str(metadata.get("order", "")),
            paid=payment.status == "succeeded" and bool(payment.paid),
            amount=amount,
            currency=str(payment.amount.currency),
            event=event,
            checkout_reference=str(payment.id),
        )

    def refund(
        self, *, order: Order, amount: Decimal, now: datetime, payment_reference: str = ""
    ) -> PaymentOutcome:
        self._configure()
        # A second payment is refunded once, whoever asks again (the same idempotence key).
        key = (
            f"callboard-refund-{payment_reference}"
            if payment_reference
            else f"callboard-refund-{order.reference}-{now:%Y%m%d%H%M%S%f}"
        )
        try:
            refund = Refund.create(
                {
                    "payment_id": payment_reference or order.payment_reference,
                    "amount": {"value": amount_text(amount), "currency": company_currency()},
                    "description": _("Refund for order %(ref)s") % {"ref": order.reference},
                },
                idempotency_key=key,
            )
        except Exception as exc:
            log.warning("YooKassa refused the refund of order %s: %s", order.reference, exc)
            raise PaymentFailed(
                _("The payment service did not take the refund. Try again in a minute.")
            ) from exc
        return PaymentOutcome(paid=True, reference=str(refund.id))
