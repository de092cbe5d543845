import datetime as dt

import pytest
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import Hold, Order, Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.roles import Role
from callboard.core.services import api_token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/boxoffice"


@pytest.fixture
def perf():
    return on_sale(timezone.now())


def _cart(client, perf, body):
    return client.post(
        f"{BASE}/performances/{perf.pk}/carts", body, content_type="application/json"
    )


def test_buyer_lists_performances_and_availability_without_an_account(client, perf):
    listed = client.get(f"{BASE}/performances")
    assert [p["id"] for p in listed.json()] == [perf.pk]
    seats = client.get(f"{BASE}/performances/{perf.pk}/availability").json()
    assert seats["capacity"] == 18
    assert seats["available"] == 18


def test_buyer_holds_best_seats_and_confirms_an_order(client, perf):
    cart = _cart(client, perf, {"best_available": {"count": 2}})
    assert cart.status_code == 201
    token = cart.json()["token"]
    assert len(cart.json()["seats"]) == 2
    order = client.post(
        f"{BASE}/carts/{token}/order",
        {"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
        content_type="application/json",
    )
    assert order.status_code == 201
    body = order.json()
    assert body["kind"] == "reservation" and body["status"] == "awaiting_payment"
    assert len(body["tickets"]) == 2
    again = client.post(
        f"{BASE}/carts/{token}/order",
        {"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
        content_type="application/json",
    )
    assert again.json()["reference"] == body["reference"]
    assert client.get(f"{BASE}/performances/{perf.pk}/availability").json()["available"] == 16


def test_seat_of_another_venue_is_a_422(client, perf):
    other = on_sale(timezone.now())
    response = _cart(client, perf, {"seats": seat_ids(other, "1", 1)})
    assert response.status_code == 422
    assert "message" in response.json()


def test_held_seat_is_a_409_seats_taken(client, perf):
    services.hold_create(
        performance=perf,
        kind=Hold.Kind.KILL,
        owner_label="Crew",
        reason="Camera",
        seat_ids=seat_ids(perf, "1", 1),
        now=timezone.now(),
    )
    response = _cart(client, perf, {"seats": seat_ids(perf, "1", 1)})
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "seats_taken"
    assert "taken" in response.json()["message"]


def test_expired_cart_is_a_409_and_no_order(client, perf):
    cart = services.cart_create(
        performance=perf,
        seat_ids=seat_ids(perf, "1", 1),
        now=timezone.now() - dt.timedelta(minutes=11),
    )
    response = client.post(
        f"{BASE}/carts/{cart.token}/order", {"buyer_name": "Late"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "cart_expired"
    assert not Order.objects.exists()


def test_unknown_cart_is_a_404_and_bad_body_a_422(client, perf):
    assert (
        client.post(
            f"{BASE}/carts/nope/order", {"buyer_name": "X"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert _cart(client, perf, {"best_available": {"count": "many"}}).status_code == 422
    assert _cart(client, perf, {"best_available": {"count": 50}}).status_code == 422
    assert _cart(client, perf, {}).status_code == 422


def test_anonymous_buyer_cannot_give_comps(client, perf):
    token = _cart(client, perf, {"seats": seat_ids(perf, "1", 1)}).json()["token"]
    response = client.post(
        f"{BASE}/carts/{token}/order",
        {"buyer_name": "X", "kind": "comp", "comp_reason": "me"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_door_scan_twice_is_flagged(client, perf, make_user):
    token = _cart(client, perf, {"seats": seat_ids(perf, "1", 1)}).json()["token"]
    client.post(
        f"{BASE}/carts/{token}/order",
        {"buyer_name": "X", "buyer_email": "x@example.org"},
        content_type="application/json",
    )
    ticket = Ticket.objects.select_related("order").get()
    code = ticket.code
    _t, raw = api_token_create(user=make_user(Role.BOX_OFFICE), name="door", now=timezone.now())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = {"code": code, "performance_id": perf.pk}
    unpaid = client.post(f"{BASE}/checkins", body, content_type="application/json", **auth)
    assert unpaid.json()["result"] == "unpaid" and unpaid.json()["admitted"] is False
    services.order_mark_paid(order=ticket.order, now=timezone.now())
    first = client.post(f"{BASE}/checkins", body, content_type="application/json", **auth)
    second = client.post(f"{BASE}/checkins", body, content_type="application/json", **auth)
    assert first.json()["admitted"] is True
    assert second.status_code == 200
    assert second.json()["admitted"] is False and second.json()["result"] == "duplicate"


def test_door_needs_the_check_in_capability(client, perf, make_user):
    _t, raw = api_token_create(user=make_user(Role.DANCER), name="x", now=timezone.now())
    response = client.post(
        f"{BASE}/checkins",
        {"code": "ABC", "performance_id": perf.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403


def test_openapi_documents_the_box_office(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/boxoffice/performances/{performance_id}/carts" in schema["paths"]
