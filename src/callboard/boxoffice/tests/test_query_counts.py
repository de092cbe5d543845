"""The on-sale rush path stays a fixed, small number of queries (see bench/boxoffice.py)."""

import pytest
from django.utils import timezone

from callboard.boxoffice.models import Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids

pytestmark = pytest.mark.django_db
BASE = "/api/v1/boxoffice"


def _post(client, path, body):
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def test_chosen_seats_cart_and_order_take_few_queries(client, django_assert_max_num_queries):
    perf = on_sale(timezone.now())
    chosen = seat_ids(perf, "1", 2, 3)
    with django_assert_max_num_queries(8):
        cart = _post(client, f"/performances/{perf.pk}/carts", {"seats": chosen})
    assert cart.status_code == 201, cart.content
    # 13: two more than before reservations were limited (the count of the buyer's unpaid
    # orders, and on PostgreSQL the advisory lock that serialises that count per buyer).
    with django_assert_max_num_queries(13):
        order = _post(
            client,
            f"/carts/{cart.json()['token']}/order",
            {"buyer_name": "A. Buyer", "buyer_email": "a.buyer@example.org"},
        )
    assert order.status_code == 201, order.content
    assert [t["seat"] for t in order.json()["tickets"]] == [
        s["label"] for s in cart.json()["seats"]
    ]
    assert Ticket.objects.filter(order__reference=order.json()["reference"]).count() == 2


def test_best_available_cart_reads_the_house_once(client, django_assert_max_num_queries):
    perf = on_sale(timezone.now())
    _post(client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 1}})
    with django_assert_max_num_queries(11):  # the house geometry is cached now
        cart = _post(client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 2}})
    assert cart.status_code == 201, cart.content
    assert len(cart.json()["seats"]) == 2
