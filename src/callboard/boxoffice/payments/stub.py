"""A local stand-in for YooKassa's and Stripe's HTTP APIs, for tests and the demo.

It answers the requests the official SDKs make, in the shapes the providers document, and
plays the buyer's side of their hosted payment pages:

- YooKassa (``/v3``): ``POST /payments`` (basic auth with the shop id and secret key, an
  ``Idempotence-Key``: the same key gives the same payment), ``GET /payments/{id}``,
  ``POST /refunds``; the payment page ``/yookassa/pay/{id}``. When the buyer pays there, the
  stub sends the ``payment.succeeded`` notification to the shop (YooKassa signs nothing: the
  shop asks the API for the payment again) and sends the buyer back to ``return_url``.
- Stripe (``/v1``): ``POST /checkout/sessions`` (bearer key, form-encoded as the SDK sends
  it), ``GET /checkout/sessions/{id}``, ``POST /refunds``; the Checkout page
  ``/stripe/pay/{id}``. Paying sends ``checkout.session.completed``, signed the Stripe way
  (``Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")``).

Run it with ``callboard payment_stub`` (the demo), or start a :class:`PaymentStub` in a test.
Nothing here is used when the real providers are configured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)


@dataclass
class StubConfig:
    yookassa_shop_id: str = "demo-shop"
    yookassa_secret_key: str = "demo-secret"
    yookassa_notify_url: str = ""
    stripe_secret_key: str = "sk_test_demo"
    stripe_webhook_secret: str = "whsec_demo"
    stripe_notify_url: str = ""


@dataclass
class StubState:
    yookassa: dict[str, dict[str, Any]] = field(default_factory=dict)
    yookassa_keys: dict[str, str] = field(default_factory=dict)
    stripe: dict[str, dict[str, Any]] = field(default_factory=dict)
    stripe_keys: dict[str, str] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[tuple[str, int]] = field(default_factory=list)  # (url, HTTP status)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def stripe_signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def _nested(form: list[tuple[str, str]]) -> dict[str, str]:
    """Stripe's form keys as they come: ``line_items[0][quantity]`` and so on."""
    return dict(form)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("payment stub: " + format, *args)

    # --- plumbing -----------------------------------------------------------------------

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _html(self, status: int, body: str) -> None:
        raw = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Payment</title></head><body>{body}</body></html>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _redirect(self, url: str) -> None:
        self.send_response(303)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _yookassa_error(
        self, status: int, code: str, description: str, parameter: str = ""
    ) -> None:
        error = {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description}
        if parameter:
            error["parameter"] = parameter
        self._json(status, error)

    def _stripe_error(self, status: int, message: str, param: str = "") -> None:
        self._json(
            status, {"error": {"type": "invalid_request_error", "message": message, "param": param}}
        )

    def _yookassa_authorised(self) -> bool:
        config = self.server.config
        expected = base64.b64encode(
            f"{config.yookassa_shop_id}:{config.yookassa_secret_key}".encode()
        ).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _stripe_authorised(self) -> bool:
        return self.headers.get("Authorization", "") == (
            f"Bearer {self.server.config.stripe_secret_key}"
        )

    # --- routing ------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/v3/payments/"):
            return self._yookassa_get(path.rsplit("/", 1)[1])
        if path.startswith("/v1/checkout/sessions/"):
            return self._stripe_get(path.rsplit("/", 1)[1])
        if path.startswith("/yookassa/pay/"):
            return self._pay_page("yookassa", path.rsplit("/", 1)[1])
        if path.startswith("/stripe/pay/"):
            return self._pay_page("stripe", path.rsplit("/", 1)[1])
        self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/v3/payments":
            return self._yookassa_create(body)
        if path == "/v3/refunds":
            return self._yookassa_refund(body)
        if path == "/v1/checkout/sessions":
            return self._stripe_create(body)
        if path == "/v1/refunds":
            return self._stripe_refund(body)
        for provider in ("yookassa", "stripe"):
            if path.startswith(f"/{provider}/pay/"):
                choice = dict(parse_qsl(body.decode()))
                return self._pay(provider, path.rsplit("/", 1)[1], choice.get("action", ""))
        self._json(404, {"error": "not found"})

    # --- YooKassa -----------------------------------------------------------------------

    def _yookassa_create(self, body: bytes) -> None:
        if not self._yookassa_authorised():
            return self._yookassa_error(401, "invalid_credentials", "Wrong shopId or secret key")
        key = self.headers.get("Idempotence-Key", "")
        if not key:
            return self._yookassa_error(400, "invalid_request", "Idempotence-Key is missing")
        try:
            data = json.loads(body)
            value = Decimal(str(data["amount"]["value"]))
            currency = str(data["amount"]["currency"])
            return_url = str(data["confirmation"]["return_url"])
        except (ValueError, KeyError, TypeError):
            return self._yookassa_error(400, "invalid_request", "Bad payment", "amount")
        if value <= 0:
            return self._yookassa_error(400, "invalid_request", "Amount must be > 0", "amount")
        state = self.server.state
        with state.lock:
            if key in state.yookassa_keys:
                return self._json(200, state.yookassa[state.yookassa_keys[key]])
            pid = str(uuid.uuid4())
            host = self.server.base_url
            payment = {
                "id": pid,
                "status": "pending",
                "paid": False,
                "amount": {"value": f"{value:.2f}", "currency": currency},
                "confirmation": {
                    "type": "redirect",
                    "return_url": return_url,
                    "confirmation_url": f"{host}/yookassa/pay/{pid}",
                },
                "created_at": _iso(datetime.now(UTC)),
                "description": str(data.get("description", ""))[:128],
                "metadata": data.get("metadata") or {},
                "recipient": {"account_id": self.server.config.yookassa_shop_id, "gateway_id": "1"},
                "refundable": False,
                "test": True,
            }
            state.yookassa[pid] = payment
            state.yookassa_keys[key] = pid
        self._json(200, payment)

    def _yookassa_get(self, pid: str) -> None:
        if not self._yookassa_authorised():
            return self._yookassa_error(401, "invalid_credentials", "Wrong shopId or secret key")
        payment = self.server.state.yookassa.get(pid)
        if payment is None:
            return self._yookassa_error(404, "not_found", "Payment not found", "payment_id")
        self._json(200, payment)

    def _yookassa_refund(self, body: bytes) -> None:
        if not self._yookassa_authorised():
            return self._yookassa_error(401, "invalid_credentials", "Wrong shopId or secret key")
        try:
            data = json.loads(body)
            pid = str(data["payment_id"])
            value = Decimal(str(data["amount"]["value"]))
        except (ValueError, KeyError, TypeError):
            return self._yookassa_error(400, "invalid_request", "Bad refund", "payment_id")
        state = self.server.state
        with state.lock:
            payment = state.yookassa.get(pid)
            if payment is None or payment["status"] != "succeeded":
                return self._yookassa_error(
                    400, "invalid_request", "Payment is not succeeded", "payment_id"
                )
            refunded = Decimal(payment.get("refunded_amount", {}).get("value", "0"))
            if refunded + value > Decimal(payment["amount"]["value"]):
                return self._yookassa_error(
                    400, "invalid_request", "Refund exceeds the payment", "amount"
                )
            payment["refunded_amount"] = {
                "value": f"{refunded + value:.2f}",
                "currency": payment["amount"]["currency"],
            }
            refund = {
                "id": str(uuid.uuid4()),
                "payment_id": pid,
                "status": "succeeded",
                "created_at": _iso(datetime.now(UTC)),
                "amount": {"value": f"{value:.2f}", "currency": payment["amount"]["currency"]},
            }
            state.refunds.append({"provider": "yookassa", **refund})
        self._json(200, refund)

    # --- Stripe -------------------------------------------------------------------------

    def _stripe_create(self, body: bytes) -> None:
        if not self._stripe_authorised():
            return self._stripe_error(401, "Invalid API Key provided")
        form = _nested(parse_qsl(body.decode(), keep_blank_values=True))
        key = self.headers.get("Idempotency-Key", "")
        total = 0
        index = 0
        currency = ""
        while f"line_items[{index}][quantity]" in form:
            try:
                quantity = int(form[f"line_items[{index}][quantity]"])
                unit = int(form[f"line_items[{index}][price_data][unit_amount]"])
            except (KeyError, ValueError):
                return self._stripe_error(400, "Each line item needs price_data", "line_items")
            currency = form.get(f"line_items[{index}][price_data][currency]", currency)
            total += quantity * unit
            index += 1
        if not index or not form.get("success_url"):
            return self._stripe_error(400, "line_items and success_url are required")
        state = self.server.state
        with state.lock:
            if key and key in state.stripe_keys:
                return self._json(200, state.stripe[state.stripe_keys[key]])
            sid = "cs_test_" + uuid.uuid4().hex
            metadata = {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            }
            session = {
                "id": sid,
                "object": "checkout.session",
                "amount_total": total,
                "currency": currency,
                "client_reference_id": form.get("client_reference_id"),
                "customer_email": form.get("customer_email"),
                "metadata": metadata,
                "mode": "payment",
                "payment_intent": None,
                "payment_status": "unpaid",
                "status": "open",
                "success_url": form["success_url"],
                "cancel_url": form.get("cancel_url"),
                "url": f"{self.server.base_url}/stripe/pay/{sid}",
                "created": int(time.time()),
                "expires_at": int(form.get("expires_at") or time.time() + 86400),
                "livemode": False,
            }
            state.stripe[sid] = session
            if key:
                state.stripe_keys[key] = sid
        self._json(200, session)

    def _stripe_get(self, sid: str) -> None:
        if not self._stripe_authorised():
            return self._stripe_error(401, "Invalid API Key provided")
        session = self.server.state.stripe.get(sid)
        if session is None:
            return self._stripe_error(404, f"No such checkout.session: '{sid}'", "id")
        self._json(200, session)

    def _stripe_refund(self, body: bytes) -> None:
        if not self._stripe_authorised():
            return self._stripe_error(401, "Invalid API Key provided")
        form = dict(parse_qsl(body.decode()))
        intent = form.get("payment_intent", "")
        state = self.server.state
        with state.lock:
            session = next(
                (s for s in state.stripe.values() if s["payment_intent"] == intent and intent),
                None,
            )
            if session is None:
                return self._stripe_error(400, f"No such payment_intent: '{intent}'")
            amount = int(form.get("amount") or session["amount_total"])
            refunded = int(session.get("amount_refunded", 0))
            if refunded + amount > session["amount_total"]:
                return self._stripe_error(400, "Refund amount exceeds the charge", "amount")
            session["amount_refunded"] = refunded + amount
            refund = {
                "id": "re_" + uuid.uuid4().hex[:24],
                "object": "refund",
                "amount": amount,
                "currency": session["currency"],
                "payment_intent": intent,
                "status": "succeeded",
                "created": int(time.time()),
            }
            state.refunds.append({"provider": "stripe", **refund})
        self._json(200, refund)

    # --- the hosted payment pages ---------------------------------------------------------

    def _pay_page(self, provider: str, pid: str) -> None:
        record = self.server.payment(provider, pid)
        if record is None:
            return self._html(404, "<h1>Unknown payment</h1>")
        if provider == "yookassa":
            amount = f"{record['amount']['value']} {record['amount']['currency']}"
        else:
            amount = f"{record['amount_total'] / 100:.2f} {str(record['currency']).upper()}"
        name = "YooKassa" if provider == "yookassa" else "Stripe"
        self._html(
            200,
            f"<main><h1>{name} (test stub)</h1><p>Amount: <strong>{escape(amount)}</strong></p>"
            f"<form method='post'><button name='action' value='pay'>Pay {escape(amount)}"
            "</button> <button name='action' value='cancel'>Cancel</button></form></main>",
        )

    def _pay(self, provider: str, pid: str, action: str) -> None:
        record = self.server.payment(provider, pid)
        if record is None:
            return self._html(404, "<h1>Unknown payment</h1>")
        if action == "pay":
            back = self.server.complete(provider, pid)
        else:
            back = self.server.cancel(provider, pid)
        self._redirect(back)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: StubConfig) -> None:
        super().__init__(address, _Handler)
        self.config = config
        self.state = StubState()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}"

    def payment(self, provider: str, pid: str) -> dict[str, Any] | None:
        return (self.state.yookassa if provider == "yookassa" else self.state.stripe).get(pid)

    def complete(self, provider: str, pid: str) -> str:
        """The buyer paid: mark it, notify the shop, and say where the buyer goes back to."""
        with self.state.lock:
            record = self.payment(provider, pid)
            if record is None:
                raise KeyError(pid)
            if provider == "yookassa":
                if record["status"] == "pending":
                    record.update(
                        status="succeeded",
                        paid=True,
                        refundable=True,
                        captured_at=_iso(datetime.now(UTC)),
                    )
                back = record["confirmation"]["return_url"]
            else:
                if record["payment_status"] != "paid":
                    record.update(
                        status="complete",
                        payment_status="paid",
                        payment_intent="pi_" + uuid.uuid4().hex[:24],
                    )
                back = record["success_url"]
        self.notify(provider, pid)
        return str(back)

    def cancel(self, provider: str, pid: str) -> str:
        with self.state.lock:
            record = self.payment(provider, pid)
            if record is None:
                raise KeyError(pid)
            if provider == "yookassa":
                if record["status"] == "pending":
                    record.update(
                        status="canceled",
                        cancellation_details={
                            "party": "yoo_money",
                            "reason": "canceled_by_merchant",
                        },
                    )
                back = record["confirmation"]["return_url"]
            else:
                back = record.get("cancel_url") or record["success_url"]
        if provider == "yookassa":
            self.notify(provider, pid)
        return str(back)

    def notification(self, provider: str, pid: str) -> tuple[str, dict[str, str]]:
        """The notification the provider sends about a payment now: (JSON body, headers)."""
        record = self.payment(provider, pid)
        if record is None:
            raise KeyError(pid)
        if provider == "yookassa":
            event = {
                "succeeded": "payment.succeeded",
                "canceled": "payment.canceled",
            }.get(record["status"], "payment.waiting_for_capture")
            payload = json.dumps({"type": "notification", "event": event, "object": record})
            return payload, {"Content-Type": "application/json"}
        kind = (
            "checkout.session.completed"
            if record["payment_status"] == "paid"
            else "checkout.session.expired"
        )
        payload = json.dumps(
            {
                "id": "evt_" + uuid.uuid4().hex[:24],
                "object": "event",
                "api_version": "2024-06-20",
                "created": int(time.time()),
                "type": kind,
                "data": {"object": record},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
            }
        )
        return payload, {
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_signature(payload, self.config.stripe_webhook_secret),
        }

    def notify(self, provider: str, pid: str) -> int:
        """Send the shop the provider's notification about a payment (again, if called
        again, as providers do); returns the shop's HTTP status (0 when unreachable or when
        no address to notify is set)."""
        payload, headers = self.notification(provider, pid)
        url = (
            self.config.yookassa_notify_url
            if provider == "yookassa"
            else self.config.stripe_notify_url
        )
        if not url:
            return 0
        request = urllib.request.Request(url, data=payload.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status = int(answer.status)
        except urllib.error.HTTPError as exc:
            status = int(exc.code)
        except OSError as exc:
            log.warning("payment stub: the shop at %s did not answer: %s", url, exc)
            status = 0
        with self.state.lock:
            self.state.notifications.append((url, status))
        return status


class PaymentStub:
    """The stub on a thread: ``with PaymentStub(config) as stub: stub.base_url …``."""

    def __init__(self, config: StubConfig | None = None, host: str = "127.0.0.1", port: int = 0):
        self.server = _Server((host, port), config or StubConfig())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def config(self) -> StubConfig:
        return self.server.config

    @property
    def state(self) -> StubState:
        return self.server.state

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def yookassa_api_url(self) -> str:
        return f"{self.base_url}/v3"

    def complete(self, provider: str, pid: str) -> str:
        return self.server.complete(provider, pid)

    def notify(self, provider: str, pid: str) -> int:
        return self.server.notify(provider, pid)

    def notification(self, provider: str, pid: str) -> tuple[str, dict[str, str]]:
        return self.server.notification(provider, pid)

    def start(self) -> PaymentStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> PaymentStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
