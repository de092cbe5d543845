"""The compact availability document (`/taken`) and the house document (`/house`): what they
say, their ETags and 304s, and that every kind of change shows at once."""

import datetime as dt

import pytest
from django.utils import timezone

from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import Hold
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/boxoffice"


@pytest.fixture
def perf():
    return on_sale(timezone.now())


def _taken(client, perf, etag=""):
    extra = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(f"{BASE}/performances/{perf.pk}/taken", **extra)


def _ids(document) -> list[int]:
    return [pk for first, last in document["taken"] for pk in range(first, last + 1)]


def test_house_document_has_every_seat_once_with_an_etag(client, perf):
    response = client.get(f"{BASE}/performances/{perf.pk}/house")
    assert response.status_code == 200
    house = response.json()
    assert house["capacity"] == len(house["seats"]) == 18
    assert {z["code"]: z["price"] for z in house["zones"]} == {"A": "100.00", "B": "50.00"}
    assert {"id", "section", "row", "number", "zone", "x", "y"} <= set(house["seats"][0])
    assert "public" in response.headers["Cache-Control"]
    again = client.get(
        f"{BASE}/performances/{perf.pk}/house", HTTP_IF_NONE_MATCH=response.headers["ETag"]
    )
    assert again.status_code == 304


def test_taken_document_follows_carts_holds_and_releases(client, perf):
    first = _taken(client, perf)
    assert first.status_code == 200
    assert first.json() == {
        "performance_id": perf.pk,
        "capacity": 18,
        "available": 18,
        "taken": [],
    }
    etag = first.headers["ETag"]
    assert _taken(client, perf, etag).status_code == 304

    chosen = seat_ids(perf, "1", 2, 3)
    cart = client.post(
        f"{BASE}/performances/{perf.pk}/carts", {"seats": chosen}, content_type="application/json"
    ).json()
    after_cart = _taken(client, perf, etag)
    assert after_cart.status_code == 200
    assert _ids(after_cart.json()) == sorted(chosen)
    assert after_cart.json()["available"] == 16
    assert after_cart.headers["ETag"] != etag

    services.hold_create(
        performance=perf,
        kind=Hold.Kind.KILL,
        owner_label="Crew",
        reason="Camera",
        seat_ids=seat_ids(perf, "1", 6),
        now=timezone.now(),
        by=CALLBOARD,
    )
    held = _taken(client, perf, after_cart.headers["ETag"])
    assert held.status_code == 200
    assert _ids(held.json()) == sorted([*chosen, *seat_ids(perf, "1", 6)])

    client.delete(f"{BASE}/carts/{cart['token']}")
    released = _taken(client, perf, held.headers["ETag"]).json()
    assert _ids(released) == seat_ids(perf, "1", 6)


def test_a_cart_that_runs_out_frees_its_seats_in_the_document(perf):
    now = timezone.now()
    chosen = seat_ids(perf, "1", 1)
    services.cart_create(performance=perf, seat_ids=chosen, now=now, by=CALLBOARD)
    live = selectors.availability_document(performance_id=perf.pk, now=now)
    assert live is not None and b'"taken":[[' in live.body
    later = selectors.availability_document(
        performance_id=perf.pk, now=now + dt.timedelta(minutes=services.CART_MINUTES, seconds=1)
    )
    assert later is not None and b'"taken":[]' in later.body
    assert later.etag != live.etag


def test_the_document_goes_stale_when_its_first_cart_runs_out(perf):
    now = timezone.now()
    # The first to run out holds the later seat: the moment is the earliest of all claims.
    first = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "2", 1), now=now, by=CALLBOARD
    )
    services.cart_create(
        performance=perf,
        seat_ids=seat_ids(perf, "1", 1),
        now=now + dt.timedelta(minutes=1),
        by=CALLBOARD,
    )
    document = selectors.availability_document(performance_id=perf.pk, now=now)
    assert document is not None
    assert document.until == pytest.approx(first.expires_at.timestamp(), abs=1e-3)


def test_unknown_performance_has_no_documents(client):
    assert client.get(f"{BASE}/performances/999999/taken").status_code == 404
    assert client.get(f"{BASE}/performances/999999/house").status_code == 404


def _cart(client, perf, ids):
    return client.post(
        f"{BASE}/performances/{perf.pk}/carts", {"seats": ids}, content_type="application/json"
    )


def test_seats_the_document_shows_taken_are_refused_before_any_write(
    client, perf, django_assert_max_num_queries
):
    chosen = seat_ids(perf, "1", 2, 3)
    assert _cart(client, perf, chosen).status_code == 201
    assert _taken(client, perf).status_code == 200  # a buyer reads the map
    # The company's locale and the performance: no transaction, no lock, no cart.
    with django_assert_max_num_queries(2):
        late = _cart(client, perf, chosen[1:])
    assert late.status_code == 409
    assert late.json()["detail"] == {"code": "seats_taken", "seats": chosen[1:]}


def test_released_seats_can_be_taken_again_at_once(client, perf):
    chosen = seat_ids(perf, "1", 4)
    first = _cart(client, perf, chosen).json()
    assert _taken(client, perf).status_code == 200
    client.delete(f"{BASE}/carts/{first['token']}")
    again = _cart(client, perf, chosen)
    assert again.status_code == 201, again.content
