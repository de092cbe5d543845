"""The payment providers' interface and the provider that needs nothing: the box office.

- **Pay at the box office** (``box_office``) is always there: the counter takes the money at
  once, or a reservation is paid before the performance.
- **YooKassa** (``yookassa``, roubles) and **Stripe** (``stripe``) take the shop's payments on
  their own hosted pages, through their official SDKs (:mod:`.yookassa_provider`,
  :mod:`.stripe_provider`). ``CALLBOARD_PAYMENT_PROVIDER`` names the one the shop uses; its
  keys come from the environment (the README says which).

A provider is called inside the order's transaction (:meth:`PaymentProvider.begin`), after
the tickets are written and before commit; an online provider only says "not paid yet" there
and talks to its service afterwards (:meth:`OnlineProvider.checkout`, outside the seat
locks). The order becomes paid only when the provider's **verified** notification arrives
(:meth:`OnlineProvider.notification`): never on the buyer's return to the shop, which anyone
can fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.core.errors import DomainError

if TYPE_CHECKING:
    from callboard.boxoffice.models import Order


@dataclass(frozen=True)
class PaymentOutcome:
    paid: bool
    reference: str = ""
    message: str = ""


@dataclass(frozen=True)
class HostedPayment:
    """A payment started at the provider: the page where the buyer pays, and its id there."""

    url: str
    reference: str


@dataclass(frozen=True)
class PaymentNotice:
    """What a provider's verified notification says about one payment."""

    reference: str  # the payment's id at the provider: what a refund names
    order_reference: str  # the order it pays for, as the shop told the provider
    paid: bool  # the money has been taken
    amount: Decimal
    currency: str
    event: str
    # The id :meth:`OnlineProvider.checkout` returned (a Stripe session's; for YooKassa the
    # payment's own): ties the notice to the payment the shop started for the order.
    checkout_reference: str = ""


class PaymentFailed(DomainError):
    """The payment provider refused or could not be reached; nothing was changed."""

    status_code = 502


class NotificationRejected(DomainError):
    """A notification that could not be verified as the provider's: ignored."""

    status_code = 400


@runtime_checkable
class PaymentProvider(Protocol):
    code: str
    label: str | Promise  # lazy: shown in the reader's language

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        """Start (or take) payment for ``order``."""
        ...

    def refund(
        self, *, order: Order, amount: Decimal, now: datetime, payment_reference: str = ""
    ) -> PaymentOutcome:
        """Give ``amount`` back to the buyer, from the order's payment or, when given, from
        the payment ``payment_reference`` (a second payment for an order paid already: asked
        again for it, the provider makes no second refund)."""
        ...


@runtime_checkable
class OnlineProvider(PaymentProvider, Protocol):
    """A provider whose buyer pays on the provider's own page and who tells the shop by a
    notification (webhook) it can verify."""

    def page_origins(self) -> list[str]:
        """Where the provider's payment pages are (``https://host``): a page whose form leads
        there must allow them in its content security policy's ``form-action``."""
        ...

    def checkout(
        self, *, order: Order, return_url: str, cancel_url: str, now: datetime
    ) -> HostedPayment:
        """Create the payment at the provider (the same one again while the order's last
        payment there can still be paid); the buyer is sent to ``HostedPayment.url``."""
        ...

    def notification(
        self, *, body: bytes, headers: Mapping[str, str], address: str
    ) -> PaymentNotice:
        """Verify a notification the provider sent, the provider's way, and read it; raise
        :class:`NotificationRejected` when it cannot be verified."""
        ...


class PayAtBoxOffice:
    """The buyer pays at the box office: at once when the sale is made at the counter, or
    before the performance for a reservation; refunds are paid out at the counter."""

    code = "box_office"
    label: str | Promise = gettext_lazy("Pay at the box office")

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        if at_counter:
            return PaymentOutcome(paid=True, reference=f"counter-{now:%Y%m%d%H%M%S}")
        return PaymentOutcome(
            paid=False, message=_("Pay at the box office before the performance begins.")
        )

    def refund(
        self, *, order: Order, amount: Decimal, now: datetime, payment_reference: str = ""
    ) -> PaymentOutcome:
        return PaymentOutcome(paid=True, reference=f"refund-counter-{now:%Y%m%d%H%M%S}")
