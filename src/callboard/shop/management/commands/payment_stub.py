"""`callboard payment_stub`: a local stand-in for YooKassa's and Stripe's APIs, for the demo.

It answers the official SDKs as the providers do, shows a payment page with "Pay" and
"Cancel", and sends the shop the provider's notification when the buyer pays. Start it, then
start Callboard with the environment it prints (``make run-shop`` does both)::

    callboard payment_stub --port 8765
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from callboard.boxoffice.payments.stub import PaymentStub, StubConfig
from callboard.core.links import absolute


class Command(BaseCommand):
    help = "Run a local stub of YooKassa's and Stripe's payment APIs for the demo shop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8765, help="port to listen on")
        parser.add_argument(
            "--site",
            default="",
            help="where Callboard runs, for the notifications (default: CALLBOARD_SITE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def hook(provider: str) -> str:
            path = reverse("shop:webhook", kwargs={"provider": provider})
            site = str(options["site"]).rstrip("/")
            return f"{site}{path}" if site else absolute(path)

        config = StubConfig(yookassa_notify_url=hook("yookassa"), stripe_notify_url=hook("stripe"))
        stub = PaymentStub(config, host=options["host"], port=options["port"]).start()
        self.stdout.write(
            f"Payment stub at {stub.base_url}; notifications go to {config.yookassa_notify_url} "
            f"and {config.stripe_notify_url}.\n"
            "Start Callboard with, for YooKassa:\n"
            "  CALLBOARD_PAYMENT_PROVIDER=yookassa "
            f"CALLBOARD_YOOKASSA_SHOP_ID={config.yookassa_shop_id} "
            f"CALLBOARD_YOOKASSA_SECRET_KEY={config.yookassa_secret_key} "
            f"CALLBOARD_YOOKASSA_API_URL={stub.yookassa_api_url}\n"
            "or, for Stripe:\n"
            "  CALLBOARD_PAYMENT_PROVIDER=stripe "
            f"CALLBOARD_STRIPE_SECRET_KEY={config.stripe_secret_key} "
            f"CALLBOARD_STRIPE_WEBHOOK_SECRET={config.stripe_webhook_secret} "
            f"CALLBOARD_STRIPE_API_BASE={stub.base_url}\n"
            "Ctrl-C stops it."
        )
        self.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            stub.stop()
