"""Payment providers: a plug-in interface and the one shipped implementation.

A provider is called inside the order's transaction, after the tickets are written and before
commit. A provider that talks to an outside service must only *start* a payment there (and
report ``paid=False``); it confirms later through
:func:`callboard.boxoffice.services.order_mark_paid`, so a slow payment service never holds
seat locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.utils.translation import gettext as _

from callboard.core.errors import ValidationFailed

if TYPE_CHECKING:
    from callboard.boxoffice.models import Order


@dataclass(frozen=True)
class PaymentOutcome:
    paid: bool
    reference: str = ""
    message: str = ""


@runtime_checkable
class PaymentProvider(Protocol):
    code: str
    label: str

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        """Start (or take) payment for ``order``."""
        ...

    def refund(self, *, order: Order, amount: Decimal, now: datetime) -> PaymentOutcome:
        """Give ``amount`` back to the buyer."""
        ...


class PayAtBoxOffice:
    """The buyer pays at the box office: at once when the sale is made at the counter, or
    before the performance for a reservation; refunds are paid out at the counter."""

    code = "box_office"
    label = _("Pay at the box office")

    def begin(self, *, order: Order, at_counter: bool, now: datetime) -> PaymentOutcome:
        if at_counter:
            return PaymentOutcome(paid=True, reference=f"counter-{now:%Y%m%d%H%M%S}")
        return PaymentOutcome(
            paid=False, message=_("Pay at the box office before the performance begins.")
        )

    def refund(self, *, order: Order, amount: Decimal, now: datetime) -> PaymentOutcome:
        return PaymentOutcome(paid=True, reference=f"refund-counter-{now:%Y%m%d%H%M%S}")


PROVIDERS: dict[str, PaymentProvider] = {PayAtBoxOffice.code: PayAtBoxOffice()}


def get_provider(code: str) -> PaymentProvider:
    provider = PROVIDERS.get(code)
    if provider is None:
        raise ValidationFailed(
            _("Unknown payment method %(code)s; use one of: %(all)s.")
            % {"code": code, "all": ", ".join(sorted(PROVIDERS))},
            field="provider",
        )
    return provider
