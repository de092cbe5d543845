"""The shop's tests run against a local stub of YooKassa's and Stripe's APIs (a real HTTP
server on a thread, driven through the official SDKs) and a real SMTP server."""

from __future__ import annotations

import pytest

from callboard.boxoffice import services
from callboard.boxoffice.payments.stub import PaymentStub, StubConfig
from callboard.core.testing.smtp import Mailbox


@pytest.fixture(autouse=True)
def _fresh_house_cache():
    services.house_cache_clear()
    yield
    services.house_cache_clear()


@pytest.fixture
def stub():
    with PaymentStub(StubConfig()) as running:
        yield running


@pytest.fixture
def yookassa(settings, stub):
    """The shop sells through YooKassa, whose API is the stub; it trusts loopback senders."""
    settings.CALLBOARD_PAYMENT_PROVIDER = "yookassa"
    settings.CALLBOARD_YOOKASSA_SHOP_ID = stub.config.yookassa_shop_id
    settings.CALLBOARD_YOOKASSA_SECRET_KEY = stub.config.yookassa_secret_key
    settings.CALLBOARD_YOOKASSA_API_URL = stub.yookassa_api_url
    settings.CALLBOARD_YOOKASSA_TRUSTED_NETWORKS = ["127.0.0.0/8"]
    return stub


@pytest.fixture
def stripe_shop(settings, stub):
    settings.CALLBOARD_PAYMENT_PROVIDER = "stripe"
    settings.CALLBOARD_STRIPE_SECRET_KEY = stub.config.stripe_secret_key
    settings.CALLBOARD_STRIPE_WEBHOOK_SECRET = stub.config.stripe_webhook_secret
    settings.CALLBOARD_STRIPE_API_BASE = stub.base_url
    return stub


@pytest.fixture
def smtp(settings):
    with Mailbox() as box:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = box.port
        settings.EMAIL_TIMEOUT = 5
        yield box
