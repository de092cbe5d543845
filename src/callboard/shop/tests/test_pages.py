"""The shop's pages as a buyer sees them: what is on sale, a performance with its cast, prices
and seats, the cart's rules (best available, wheelchair spaces, the most seats per order) and
errors that say what to do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from callboard.boxoffice.models import Order, Seat
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.season.models import Performance
from callboard.shop.tests.buying import checkout, hold, order_of, page

pytestmark = pytest.mark.django_db


def test_the_shop_lists_performances_on_sale_with_their_prices_and_the_company(client):
    perf = on_sale(timezone.now())
    planned = on_sale(timezone.now())
    Performance.objects.filter(pk=planned.pk).update(status=Performance.Status.PLANNED)
    answer = client.get("/shop/")
    text = answer.content.decode().replace("\xa0", " ")  # money has a no-break space
    assert answer.status_code == 200
    assert "Callboard company" in text  # the company's name heads every page of the shop
    assert f'href="/shop/p/{perf.pk}/"' in text and f'href="/shop/p/{planned.pk}/"' not in text
    assert "RUB 50.00 to RUB 100.00" in text
    assert client.get(page(planned.pk)).status_code == 404


def test_a_performance_shows_its_time_in_the_venue_zone_its_prices_and_its_free_seats(client):
    perf = on_sale(timezone.now())
    perf.venue.time_zone = "Asia/Yekaterinburg"  # two hours ahead of Moscow
    perf.venue.save()
    perf.starts_at = perf.starts_at.replace(hour=14, minute=0, second=0, microsecond=0)
    perf.ends_at = perf.starts_at + dt.timedelta(hours=2)
    perf.save()
    text = client.get(page(perf.pk)).content.decode().replace("\xa0", " ")
    assert "19:00" in text and "Asia/Yekaterinburg" in text
    assert "Front <strong>RUB 100.00</strong>" in text and "Back <strong>RUB 50.00</strong>" in text
    assert "18 seats free" in text
    assert text.count('class="seat free pick') == 18


def test_best_available_finds_a_wheelchair_space_with_its_companion_seat(client):
    perf = on_sale(timezone.now())
    Seat.objects.filter(seat_map__venue=perf.venue, row="3", number="1").update(accessible=True)
    Seat.objects.filter(seat_map__venue=perf.venue, row="3", number="2").update(companion=True)
    answer = client.post(page(perf.pk), {"action": "best", "count": 2, "accessible": "on"})
    assert answer.status_code == 302
    text = client.get(page(perf.pk)).content.decode()
    assert "(wheelchair space)" in text and "(companion seat)" in text
    assert re.search(r"held for you for", text, re.I)


def test_an_order_holds_at_most_the_set_number_of_seats_and_says_so(client, settings):
    settings.CALLBOARD_MAX_TICKETS_PER_ORDER = 3
    perf = on_sale(timezone.now())
    answer = client.post(page(perf.pk), {"action": "best", "count": 4})
    assert answer.status_code == 422
    assert "less than or equal to 3" in answer.content.decode()
    hold(client, perf.pk, seat_ids(perf, "1", 1, 2))
    answer = hold(client, perf.pk, seat_ids(perf, "1", 3, 4))
    assert answer.status_code == 422
    assert "At most 3 seats per order." in answer.content.decode()


def test_checkout_refuses_a_bad_email_and_keeps_the_seats_held(client):
    perf = on_sale(timezone.now())
    answer = checkout(client, perf.pk, seat_ids(perf, "1", 1), email="anna at example")
    assert answer.status_code == 422
    assert "That is not an e-mail address" in answer.content.decode()
    assert not Order.objects.exists()
    assert 'class="cart-seats"' in answer.content.decode()


def test_without_a_payment_provider_the_shop_reserves_seats_paid_at_the_box_office(client):
    perf = on_sale(timezone.now())
    answer = checkout(client, perf.pk, seat_ids(perf, "1", 1))
    order = order_of()
    assert answer["Location"] == f"/shop/o/{order.token}/"
    assert order.kind == Order.Kind.RESERVATION and order.provider == "box_office"
    assert order.channel == "shop" and order.pay_by is not None
    text = client.get(answer["Location"]).content.decode()
    assert "Pay at the box office before the performance" in text


def test_a_cart_whose_ten_minutes_ran_out_cannot_be_ordered(client):
    perf = on_sale(timezone.now())
    hold(client, perf.pk, seat_ids(perf, "1", 1))
    from callboard.boxoffice.models import Cart

    Cart.objects.update(
        created_at=timezone.now() - dt.timedelta(minutes=20),
        expires_at=timezone.now() - dt.timedelta(minutes=10),
    )
    answer = client.post(
        page(perf.pk),
        {"action": "checkout", "buyer_name": "Anna", "buyer_email": "anna@example.org"},
    )
    assert answer.status_code == 409
    assert "Your ten minutes ran out" in answer.content.decode()
    assert not Order.objects.exists()


def test_the_shop_speaks_russian(client):
    perf = on_sale(timezone.now())
    text = client.get(page(perf.pk), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Лучшие свободные" in text or "Выбрать на схеме" in text
    assert "Цены" in text


def test_the_company_website_may_frame_a_performances_seat_picker_and_nothing_else(
    client, settings
):
    """i15: the embedded seat picker is frameable by CALLBOARD_EMBED_ORIGINS; the shop's own
    pages (its list, and the performance's page that keeps its cart in the session) are not."""
    perf = on_sale(timezone.now())
    settings.CALLBOARD_EMBED_ORIGINS = ["https://www.example-ballet.org"]
    picker = client.get(f"/shop/embed/p/{perf.pk}/")
    assert "frame-ancestors https://www.example-ballet.org" in picker["Content-Security-Policy"]
    assert "X-Frame-Options" not in picker
    for own in (client.get("/shop/"), client.get(page(perf.pk))):
        assert "frame-ancestors 'none'" in own["Content-Security-Policy"]
        assert own["X-Frame-Options"] == "DENY"


def test_the_embedded_picker_needs_no_cookie_and_the_shop_page_keeps_csrf() -> None:
    """In a third-party frame neither the session nor the CSRF cookie arrives: the embedded
    page carries the cart's token in its address; the shop's own page still refuses a POST
    without the CSRF token."""
    perf = on_sale(timezone.now())
    first, second = seat_ids(perf, "1", 1, 2)
    url = f"/shop/embed/p/{perf.pk}/"
    framed = Client(enforce_csrf_checks=True)
    held = framed.post(url, {"action": "pick", "seats": f"{first},{second}"})
    assert held.status_code == 302
    location = held["Location"]
    assert location.startswith(url + "?cart=") and location.endswith("#cart")
    framed.cookies.clear()  # what Chromium sends in a third-party frame: nothing
    shown = framed.get(location.split("#")[0])
    assert shown.status_code == 200
    assert shown.content.decode().count('<form method="post" class="inline">') == 2
    # The same address without the token shows no cart: the token is what holds it.
    assert 'class="cart-seats"' not in Client().get(url).content.decode()
    framed.cookies.clear()
    paid = framed.post(
        location.split("#")[0],
        {"action": "checkout", "buyer_name": "Anna Pavlova", "buyer_email": "anna@example.org"},
    )
    assert paid.status_code == 302, paid.content.decode()[:2000]
    order = Order.objects.get(buyer_email="anna@example.org")
    assert sorted(order.tickets.values_list("seat_id", flat=True)) == sorted([first, second])
    # Another buyer's forged POST without the token makes no order of this cart.
    assert (
        framed.post(
            url, {"action": "checkout", "buyer_name": "X", "buyer_email": "x@example.org"}
        ).status_code
        == 409
    )

    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(page(perf.pk), {"action": "pick", "seats": str(first)})
    assert refused.status_code == 403
