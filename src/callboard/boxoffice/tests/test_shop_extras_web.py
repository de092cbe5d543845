"""The API endpoints and staff pages of price types, discount codes, patrons and the waiting
list: a happy and an unhappy request each."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import DiscountCode, Order, Patron, PriceType, WaitlistEntry
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1/boxoffice"


@pytest.fixture
def perf():
    perf = on_sale(timezone.now())
    services.price_type_save(
        performance=perf,
        code="concession",
        name="Concession",
        prices={"A": Decimal("60"), "B": Decimal("30")},
        by=CALLBOARD,
        now=timezone.now(),
    )
    return perf


def _cart(client, perf, *ids):
    response = client.post(
        f"{API}/performances/{perf.pk}/carts", {"seats": list(ids)}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_api_lists_price_types_and_zone_prices(client, perf):
    body = client.get(f"{API}/performances/{perf.pk}/prices").json()
    assert body["price_types"][0]["code"] == "concession"
    assert {p["zone"]: p["price"] for p in body["price_types"][0]["prices"]} == {
        "A": "60.00",
        "B": "30.00",
    }
    assert {z["zone"] for z in body["zones"]} == {"A", "B"}


def test_api_quote_and_order_with_price_types_and_a_code(client, perf):
    services.discount_create(
        code="FRIENDS",
        kind="amount",
        value=Decimal("10"),
        max_uses=1,
        by=CALLBOARD,
        now=timezone.now(),
    )
    front, back = seat_ids(perf, "1", 1)[0], seat_ids(perf, "2", 1)[0]
    token = _cart(client, perf, front, back)
    types = [
        {"seat_id": front, "price_type": "full"},
        {"seat_id": back, "price_type": "concession"},
    ]
    quote = client.post(
        f"{API}/carts/{token}/quote",
        {"price_types": types, "discount_code": "friends"},
        content_type="application/json",
    ).json()
    assert (quote["subtotal"], quote["discount"], quote["total"]) == ("130.00", "10.00", "120.00")
    assert DiscountCode.objects.get().uses == 0  # a quote uses nothing
    response = client.post(
        f"{API}/carts/{token}/order",
        {
            "buyer_name": "Nina",
            "buyer_email": "nina@example.org",
            "price_types": types,
            "discount_code": "FRIENDS",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == "120.00" and body["discount"] == "10.00"
    assert body["discount_code"] == "FRIENDS"
    assert {t["price_type"] for t in body["tickets"]} == {"full", "concession"}
    assert Order.objects.get().patron.email == "nina@example.org"


def test_api_refuses_an_unknown_code_with_422_naming_the_field(client, perf):
    token = _cart(client, perf, seat_ids(perf, "1", 1)[0])
    response = client.post(
        f"{API}/carts/{token}/order",
        {"buyer_name": "Nina", "buyer_email": "nina@example.org", "discount_code": "NOPE"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "NOPE" in json.dumps(response.json())
    assert not Order.objects.exists()


def test_api_waitlist_join_and_bad_email(client):
    now = timezone.now()
    perf = on_sale(now, rows=1, seats=1)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    services.order_checkout(
        cart=cart, buyer_name="A", kind="sale", may_sell=True, now=now, by=CALLBOARD
    )
    url = f"{API}/performances/{perf.pk}/waitlist"
    bad = client.post(
        url, {"name": "Ann", "email": "nope", "seats": 1}, content_type="application/json"
    )
    assert bad.status_code == 422
    ok = client.post(
        url,
        {"name": "Ann", "email": "ann@example.org", "seats": 1},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["position"] == 1
    entry = WaitlistEntry.objects.get()
    gone = client.post(f"{API}/waitlist/{entry.token}/cart")
    assert gone.status_code == 409  # nothing offered yet


def test_price_types_page_saves_and_shows_errors(client_as, perf):
    client = client_as(Role.BOX_OFFICE)
    url = f"/boxoffice/performances/{perf.pk}/prices/"
    page = client.get(url)
    assert page.status_code == 200 and b"Concession" in page.content
    saved = client.post(
        url, {"action": "save", "code": "child", "name": "Child", "order": 2, "price_B": "20"}
    )
    assert saved.status_code == 302
    assert PriceType.objects.get(code="child").prices.get().price == Decimal("20.00")
    bad = client.post(url, {"action": "save", "code": "senior", "name": "Senior", "order": 3})
    assert bad.status_code == 422
    assert b"Give a price in at least one zone" in bad.content


def test_counter_sale_takes_a_price_type_per_ticket_and_a_code(client_as, perf):
    services.discount_create(
        code="STAFF",
        kind="percent",
        value=Decimal("50"),
        max_uses=2,
        by=CALLBOARD,
        now=timezone.now(),
    )
    client = client_as(Role.BOX_OFFICE)
    url = f"/boxoffice/performances/{perf.pk}/"
    sid = seat_ids(perf, "2", 3)[0]
    client.post(url, {"action": "pick", "seats": str(sid)})
    page = client.get(url)
    assert f'name="price_type-{sid}"'.encode() in page.content
    client.post(
        url,
        {
            "action": "checkout",
            "buyer_name": "Olga",
            "kind": "sale",
            f"price_type-{sid}": "concession",
            "discount_code": "staff",
        },
    )
    ticket = Order.objects.get().tickets.get()
    assert (ticket.price_type_name, ticket.price) == ("Concession", Decimal("15.00"))


def test_discount_pages_create_list_and_show_uses(client_as, perf):
    client = client_as(Role.BOX_OFFICE)
    made = client.post(
        "/boxoffice/discounts/",
        {"code": "gala-friends", "kind": "percent", "value": "15", "max_uses": "20"},
    )
    assert made.status_code == 302
    code = DiscountCode.objects.get()
    assert code.code == "GALA-FRIENDS"
    listing = client.get("/boxoffice/discounts/")
    assert b"GALA-FRIENDS" in listing.content and b"0 / 20" in listing.content
    again = client.post(
        "/boxoffice/discounts/",
        {"code": "GALA-FRIENDS", "kind": "percent", "value": "15", "max_uses": "20"},
    )
    assert again.status_code == 422 and b"already a discount code" in again.content
    detail = client.get(f"/boxoffice/discounts/{code.pk}/")
    assert detail.status_code == 200 and b"Not used yet" in detail.content
    client.post(f"/boxoffice/discounts/{code.pk}/", {"action": "stop"})
    assert not DiscountCode.objects.get().active


def test_patron_pages_search_export_and_erase(client_as, perf):
    now = timezone.now()
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    services.order_checkout(
        cart=cart, buyer_name="Klára Novák", buyer_email="klara@example.org", now=now, by=CALLBOARD
    )
    patron = Patron.objects.get()
    box = client_as(Role.BOX_OFFICE)
    assert b"Kl\xc3\xa1ra" in box.get("/boxoffice/patrons/?q=klara").content
    assert b"No patrons found" in box.get("/boxoffice/patrons/?q=zzz").content
    assert box.get(f"/boxoffice/patrons/{patron.pk}/").status_code == 200
    assert (
        box.post(f"/boxoffice/patrons/{patron.pk}/erase/", {"confirm": "erase"}).status_code == 403
    )
    manager = client_as(Role.COMPANY_MANAGER)
    export = manager.post(f"/boxoffice/patrons/{patron.pk}/export.json")
    assert export.status_code == 200
    assert export.json()["patron"]["email"] == "klara@example.org"
    unconfirmed = manager.post(f"/boxoffice/patrons/{patron.pk}/erase/", follow=True)
    assert b"Tick the box" in unconfirmed.content
    assert Patron.objects.get().erased_at is None
    manager.post(f"/boxoffice/patrons/{patron.pk}/erase/", {"confirm": "erase"})
    assert Patron.objects.get().erased_at is not None


def test_public_waitlist_form_and_offer_page(client):
    now = timezone.now()
    perf = on_sale(now, rows=1, seats=1)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    order = services.order_checkout(
        cart=cart, buyer_name="A", kind="sale", may_sell=True, now=now, by=CALLBOARD
    )
    url = f"/boxoffice/performances/{perf.pk}/waitlist/join/"
    bad = client.post(url, {"name": "Ann", "email": "nope", "seats": 1})
    assert bad.status_code == 422 and b"errorlist" in bad.content
    ok = client.post(url, {"name": "Ann", "email": "ann@example.org", "seats": 1})
    assert ok.status_code == 200 and b"number 1" in ok.content
    services.order_refund(order=order, now=now, by=CALLBOARD)
    services.waitlist_offers(now=timezone.now())
    entry = WaitlistEntry.objects.get()
    offer = client.get(f"/boxoffice/waitlist/{entry.token}/")
    assert offer.status_code == 200 and b"Buy these seats" in offer.content
    taken = client.post(f"/boxoffice/waitlist/{entry.token}/")
    assert taken.status_code == 302
    entry.refresh_from_db()
    assert taken["Location"] == f"/shop/p/{perf.pk}/#cart"
    assert client.session[f"shop-cart-{perf.pk}"] == entry.cart.token
    assert client.get(f"/shop/p/{perf.pk}/").status_code == 200
    assert client.get("/boxoffice/waitlist/nope/").status_code == 404


def test_staff_waitlist_page_lists_the_line(client_as):
    now = timezone.now()
    perf = on_sale(now, rows=1, seats=1)
    WaitlistEntry.objects.create(
        performance=perf, name="Ann", email="ann@example.org", seats=1, token="t1", created_at=now
    )
    page = client_as(Role.BOX_OFFICE).get(f"/boxoffice/performances/{perf.pk}/waitlist/")
    assert page.status_code == 200 and b"ann@example.org" in page.content


def test_the_waitlist_fragment_renders_without_a_form(rf):
    from django.template.loader import render_to_string

    perf = on_sale(timezone.now(), rows=1, seats=1)
    html = render_to_string(
        "boxoffice/_waitlist_form.html", {"performance": perf}, request=rf.get("/")
    )
    assert f'action="/boxoffice/performances/{perf.pk}/waitlist/join/"' in html
    assert 'name="email"' in html and 'name="seats"' in html and "csrfmiddlewaretoken" in html
