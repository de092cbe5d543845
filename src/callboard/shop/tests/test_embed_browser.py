"""Buying inside the company website's iframe, in a real browser.

The company's website (another site: 127.0.0.1 while the shop is at localhost) frames a
performance's seat picker. In a third-party frame Chromium sends no SameSite=Lax cookie
(neither the session nor the CSRF cookie), so the embedded flow must not need them: the
buyer holds seats, checks out, pays on the (stub) provider's page, and the order is paid."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from callboard.boxoffice.models import Order
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.tests.test_headers import parent_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_holds_checks_out_and_pays_inside_the_company_websites_frame(
    live_server, open_page, yookassa, settings
):
    from playwright.sync_api import expect

    assert "localhost" in live_server.url  # the parent below is 127.0.0.1: another site
    settings.CALLBOARD_SITE_URL = live_server.url
    yookassa.config.yookassa_notify_url = f"{live_server.url}/shop/webhooks/yookassa/"
    perf = on_sale(timezone.now(), rows=4, seats=8)
    first, second = seat_ids(perf, "1", 4, 5)
    embed_url = f"{live_server.url}/shop/embed/p/{perf.pk}/"
    html = f'<h1>Our season</h1><iframe name="shop" src="{embed_url}" width="900" height="1400">'
    with parent_site(html + "</iframe>") as origin:
        settings.CALLBOARD_EMBED_ORIGINS = [origin]
        page = open_page(viewport={"width": 1000, "height": 1600})
        page.goto(origin + "/")
        frame = page.frame_locator('iframe[name="shop"]')
        expect(frame.locator("h1")).to_have_text(perf.billing)
        frame.locator(f'circle[data-id="{first}"]').click()
        frame.locator(f'circle[data-id="{second}"]').click()
        frame.get_by_role("button", name="Hold the chosen seats").click()

        cart = frame.locator("#cart")
        expect(cart.locator(".cart-seats li")).to_have_count(2)
        expect(cart.locator(".countdown")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
        frame.locator("#id_buyer_name").fill("Анна Павлова")
        frame.locator("#id_buyer_email").fill("anna@example.org")
        cart.get_by_role("button", name=re.compile("^Pay")).click()

        # The provider's page opens in the whole window (providers refuse to be framed), and
        # its return address is the order's page, also reached without any cookie.
        expect(page.locator("h1")).to_contain_text("YooKassa")
        assert page.url.startswith(yookassa.base_url)
        order = Order.objects.get(buyer_email="anna@example.org")
        assert order.status == Order.Status.AWAITING_PAYMENT
        assert order.tickets.count() == 2
        page.get_by_role("button", name=re.compile("^Pay")).click()
        expect(page.locator("h1")).to_contain_text("Order")
        expect(page.locator(".status")).to_contain_text("Paid")
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        assert sorted(order.tickets.values_list("seat_id", flat=True)) == sorted([first, second])
