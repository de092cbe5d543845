"""Steps of a buyer in the shop, through Django's test client."""

from __future__ import annotations

from typing import Any

from callboard.boxoffice.models import Order
from callboard.boxoffice.payments.stub import PaymentStub


def page(pk: int) -> str:
    return f"/shop/p/{pk}/"


def hold(client: Any, pk: int, seat_ids: list[int]) -> Any:
    return client.post(page(pk), {"action": "pick", "seats": ",".join(map(str, seat_ids))})


def checkout(
    client: Any,
    pk: int,
    seat_ids: list[int],
    *,
    email: str = "anna@example.org",
    name: str = "Anna Pavlova",
    **extra: Any,
) -> Any:
    answer = hold(client, pk, seat_ids)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return client.post(
        page(pk), {"action": "checkout", "buyer_name": name, "buyer_email": email}, **extra
    )


def order_of(email: str = "anna@example.org") -> Order:
    return Order.objects.get(buyer_email=email)


def deliver(client: Any, stub: PaymentStub, provider: str, pid: str, address: str = "127.0.0.1"):
    """Post the provider's notification about ``pid`` to the shop, as the provider would."""
    body, headers = stub.notification(provider, pid)
    extra = {k: v for k, v in headers.items() if k != "Content-Type"}
    return client.post(
        f"/shop/webhooks/{provider}/",
        data=body,
        content_type="application/json",
        headers=extra,
        REMOTE_ADDR=address,
    )
