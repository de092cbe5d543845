"""Payment providers: one interface, chosen in settings.

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

from django.conf import settings
from django.utils.translation import gettext as _

from callboard.boxoffice.payments.base import (
    HostedPayment,
    NotificationRejected,
    OnlineProvider,
    PayAtBoxOffice,
    PaymentFailed,
    PaymentNotice,
    PaymentOutcome,
    PaymentProvider,
)
from callboard.boxoffice.payments.stripe_provider import Stripe
from callboard.boxoffice.payments.yookassa_provider import YooKassa
from callboard.core.errors import ValidationFailed

__all__ = [
    "HostedPayment",
    "NotificationRejected",
    "OnlineProvider",
    "PayAtBoxOffice",
    "PaymentFailed",
    "PaymentNotice",
    "PaymentOutcome",
    "PaymentProvider",
    "Stripe",
    "YooKassa",
    "get_provider",
    "is_online",
    "shop_provider",
]

PROVIDERS: dict[str, PaymentProvider] = {PayAtBoxOffice.code: PayAtBoxOffice()}
"""Providers that need no settings; the online ones are built from settings on each use."""

ONLINE_CODES = ("yookassa", "stripe")


def _online(code: str) -> PaymentProvider | None:
    """The online provider ``code`` as the settings configure it, or None without its keys."""
    if code == YooKassa.code and settings.CALLBOARD_YOOKASSA_SHOP_ID:
        return YooKassa.from_settings()
    if code == Stripe.code and settings.CALLBOARD_STRIPE_SECRET_KEY:
        return Stripe.from_settings()
    return None


def get_provider(code: str) -> PaymentProvider:
    provider = PROVIDERS.get(code) or _online(code)
    if provider is None:
        known = sorted({*PROVIDERS, *(c for c in ONLINE_CODES if _online(c) is not None)})
        raise ValidationFailed(
            _("Unknown payment method %(code)s; use one of: %(all)s.")
            % {"code": code, "all": ", ".join(known)},
            field="provider",
        )
    return provider


def shop_provider() -> PaymentProvider:
    """The provider the shop sells through (``CALLBOARD_PAYMENT_PROVIDER``); pay at the box
    office when none is set or the one named has no keys."""
    code = settings.CALLBOARD_PAYMENT_PROVIDER or PayAtBoxOffice.code
    return PROVIDERS.get(code) or _online(code) or PROVIDERS[PayAtBoxOffice.code]


def is_online(provider: PaymentProvider) -> bool:
    return isinstance(provider, OnlineProvider)
