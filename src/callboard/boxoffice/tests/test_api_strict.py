"""The public box-office API validates strictly: each bad input found from outside gets a 422
that names its field (or the 401 the README documents), and nothing is written."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import Cart, Order, SeatClaim
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role
from callboard.core.services import api_token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/boxoffice"


@pytest.fixture
def perf():
    return on_sale(timezone.now())


def _post(client, path, body, **extra):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **extra)


def _fields(response) -> set[str]:
    """The fields a 422 names: pydantic's locations, or a domain error's field."""
    detail = response.json()["detail"]
    if isinstance(detail, list):
        return {".".join(str(p) for p in e["loc"][2:]) for e in detail}
    return {detail.get("field", "")}


def _cart_token(client, perf, row="1", *numbers):
    response = _post(
        client, f"/performances/{perf.pk}/carts", {"seats": seat_ids(perf, row, *numbers)}
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_invalid_buyer_email_is_a_422_even_from_the_box_office(client, perf, make_user):
    token = _cart_token(client, perf, "1", 1)
    _t, raw = api_token_create(user=make_user(Role.BOX_OFFICE), name="till", now=timezone.now())
    response = _post(
        client,
        f"/carts/{token}/order",
        {"buyer_name": "Nina", "buyer_email": "not-an-email", "kind": "sale"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422, response.content
    assert _fields(response) == {"buyer_email"}
    assert not Order.objects.exists()


def test_invalid_buyer_email_online_is_a_422(client, perf):
    token = _cart_token(client, perf, "1", 1)
    response = _post(client, f"/carts/{token}/order", {"buyer_name": "N", "buyer_email": "a@b@c"})
    assert response.status_code == 422
    assert _fields(response) == {"buyer_email"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"best_available": {"count": 2, "accessible": "yes"}}, "best_available.accessible"),
        ({"best_available": {"count": 2, "accessible": 1}}, "best_available.accessible"),
        ({"best_available": {"count": "2"}}, "best_available.count"),
        ({"best_available": {"count": 2.0}}, "best_available.count"),
        ({"seats": [True]}, "seats.0"),
        ({"seats": ["1"]}, "seats.0"),
        ({"seats": [0]}, "seats.0"),
    ],
)
def test_loose_types_are_not_coerced(client, perf, body, field):
    response = _post(client, f"/performances/{perf.pk}/carts", body)
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert not Cart.objects.exists()


def test_seats_and_best_available_together_are_refused_with_a_message(client, perf):
    body = {"seats": seat_ids(perf, "1", 1), "best_available": {"count": 1}}
    response = _post(client, f"/performances/{perf.pk}/carts", body)
    assert response.status_code == 422
    assert "not both" in str(response.json()["detail"])
    assert not SeatClaim.objects.exists()


def test_unknown_zone_is_a_422_naming_the_field_without_echoing_it(client, perf):
    response = _post(
        client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 1, "zone": "ZZ"}}
    )
    assert response.status_code == 422, response.content
    assert _fields(response) == {"best_available.zone"}
    assert response.json()["detail"]["zones"] == ["A", "B"]
    assert "ZZ" not in response.json()["message"]


@pytest.mark.parametrize("zone", ["Z" * 10_000, "A\x00"])
def test_overlong_or_nul_zone_is_a_422_that_does_not_echo_it(client, perf, zone):
    response = _post(
        client, f"/performances/{perf.pk}/carts", {"best_available": {"count": 1, "zone": zone}}
    )
    assert response.status_code == 422
    assert "best_available.zone" in _fields(response)
    assert len(response.content) < 2000
    assert "ZZZZZZZZZZZZ" not in response.content.decode()


def test_unknown_seat_is_a_422_naming_seats(client, perf):
    response = _post(client, f"/performances/{perf.pk}/carts", {"seats": [2**40]})
    assert response.status_code == 422
    assert _fields(response) == {"seats"}
    assert response.json()["detail"]["code"] == "unknown_seat"


def test_expired_cart_reads_as_expired(client, perf):
    cart = services.cart_create(
        performance=perf,
        seat_ids=seat_ids(perf, "1", 1),
        now=timezone.now() - dt.timedelta(minutes=11),
        by=CALLBOARD,
    )
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.OPEN  # not swept yet
    body = client.get(f"{BASE}/carts/{cart.token}").json()
    assert body["status"] == "expired"
    assert body["seats"] == []


@pytest.mark.parametrize("header", [None, "Bearer cb_forged-token"])
def test_check_in_without_a_valid_token_is_a_401_not_a_csrf_403(perf, header):
    client = Client(enforce_csrf_checks=True)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = _post(client, "/checkins", {"code": "ABC", "performance_id": perf.pk}, **extra)
    assert response.status_code == 401
    assert "token" in response.json()["message"]


def test_check_in_with_a_session_still_needs_csrf(perf, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.BOX_OFFICE))
    response = _post(client, "/checkins", {"code": "ABC", "performance_id": perf.pk})
    assert response.status_code == 403
    client.get("/")  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    ok = _post(
        client, "/checkins", {"code": "ABC", "performance_id": perf.pk}, HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["result"] == "unknown"
