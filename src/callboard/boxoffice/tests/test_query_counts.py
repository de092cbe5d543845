"""The on-sale rush path stays a fixed, small number of queries (see bench/boxoffice.py)."""

import pytest
from django.db import connection
from django.utils import timezone

from callboard.boxoffice.models import Cart, SeatClaim, Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids

pytestmark = pytest.mark.django_db
BASE = "/api/v1/boxoffice"


def _post(client, path, body):
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def test_chosen_seats_cart_and_order_take_few_queries(client, django_assert_max_num_queries):
    perf = on_sale(timezone.now())
    chosen = seat_ids(perf, "1", 2, 3)
    # The first cart reads the house document (3 queries), kept by the process for the rush.
    assert _post(client, f"/performances/{perf.pk}/carts", {"seats": seat_ids(perf, "2", 1)})
    # Each count has one query for the company's zone, language and currency (every request
    # reads them once: callboard.company.locale). The new cart's seats come from the house
    # document, not from the database.
    with django_assert_max_num_queries(8):
        cart = _post(client, f"/performances/{perf.pk}/carts", {"seats": chosen})
    assert cart.status_code == 201, cart.content
    # The order: the company's zone, language and currency; the cart locked (with its
    # performance and whether it sells price types); the buyer's unpaid orders counted (on
    # PostgreSQL after the advisory lock that serialises that count); the claims and their
    # seats read as their house rows are locked; the buyer as a patron (one upsert); the
    # order; its tickets; the claims turned into the tickets' (one statement); the history
    # entry; the cart marked ordered. Test transactions add a savepoint and its release.
    most = 13 if connection.vendor == "postgresql" else 12
    with django_assert_max_num_queries(most) as queries:
        order = _post(
            client,
            f"/carts/{cart.json()['token']}/order",
            {"buyer_name": "A. Buyer", "buyer_email": "a.buyer@example.org"},
        )
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("boxoffice_pricetype" in q and q.startswith("SELECT") for q in sql[2:]), sql
    assert sum(q.startswith("UPDATE") and "boxoffice_seatclaim" in q for q in sql) == 1, sql
    assert order.status_code == 201, order.content
    assert [t["seat"] for t in order.json()["tickets"]] == [
        s["label"] for s in cart.json()["seats"]
    ]
    assert Ticket.objects.filter(order__reference=order.json()["reference"]).count() == 2


def test_best_available_cart_reads_the_house_once(client, django_assert_max_num_queries):
    perf = on_sale(timezone.now())
    _post(client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 1}})
    # The house geometry is cached now; one query reads the company's zone, language, currency.
    with django_assert_max_num_queries(12):
        cart = _post(client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 2}})
    assert cart.status_code == 201, cart.content
    assert len(cart.json()["seats"]) == 2


def test_unchanged_availability_is_a_304_without_reading_the_house(
    client, django_assert_max_num_queries
):
    perf = on_sale(timezone.now())
    first = client.get(f"{BASE}/performances/{perf.pk}/taken")
    assert first.status_code == 200
    # Only the company's zone, language and currency (every request reads them once).
    with django_assert_max_num_queries(1):
        again = client.get(
            f"{BASE}/performances/{perf.pk}/taken", HTTP_IF_NONE_MATCH=first.headers["ETag"]
        )
    assert again.status_code == 304
    assert again.content == b""


def test_a_cart_that_loses_its_seats_writes_nothing(client, django_assert_max_num_queries):
    perf = on_sale(timezone.now())
    chosen = seat_ids(perf, "1", 2, 3)
    first = _post(client, f"/performances/{perf.pk}/carts", {"seats": chosen})
    assert first.status_code == 201, first.content
    # The second buyer's map predates the first cart: the seats are refused under their locks.
    with django_assert_max_num_queries(8) as queries:
        second = _post(client, f"/performances/{perf.pk}/carts", {"seats": chosen[1:]})
    assert second.status_code == 409, second.content
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("boxoffice_performanceseat" in q for q in sql), sql  # refused under the locks
    assert not any(q.startswith("INSERT") for q in sql), sql
    assert second.json()["detail"]["code"] == "seats_taken"
    assert Cart.objects.filter(performance=perf).count() == 1
    assert SeatClaim.objects.filter(performance=perf, active=True).count() == 2


def test_a_best_available_cart_is_written_with_its_seats(client):
    perf = on_sale(timezone.now())
    made = _post(client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 2}})
    assert made.status_code == 201, made.content
    cart = Cart.objects.get(token=made.json()["token"])
    assert sorted(cart.claims.values_list("seat_id", flat=True)) == sorted(
        s["id"] for s in made.json()["seats"]
    )


@pytest.mark.parametrize("pk", [0, 2**63, 2**70])
def test_a_performance_id_no_database_holds_is_not_found(client, pk):
    on_sale(timezone.now())
    assert client.get(f"{BASE}/performances/{pk}/house").status_code == 404
    made = _post(client, f"/performances/{pk}/carts", {"best_available": {"count": 1}})
    assert made.status_code == 404, made.content


def test_an_order_written_out_reads_back_as_the_orm_would_have_written_it(client):
    """The order and its tickets are inserted by hand-written SQL (core/rawsql.py):
    every field read back from the database equals the instance that was written."""
    from callboard.boxoffice import services
    from callboard.boxoffice.models import Order
    from callboard.core.actors import CALLBOARD

    now = timezone.now()
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "3", 4, 5), now=now, by=CALLBOARD
    )
    order = services.order_checkout(
        cart=cart, buyer_name="Анна Павлова", buyer_email="anna@example.org", now=now, by=CALLBOARD
    )
    written = [order, *order.issued_tickets]
    assert all(obj.pk for obj in written)
    for obj in written:
        again = type(obj).objects.get(pk=obj.pk)
        for field in type(obj)._meta.concrete_fields:
            assert getattr(again, field.attname) == getattr(obj, field.attname), field.name
    assert Order.objects.get(pk=order.pk).tickets.count() == 2
