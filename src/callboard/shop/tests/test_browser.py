"""The whole purchase in a real browser at a phone's size: an anonymous buyer chooses two
seats on the map, pays on the (stub) provider's page, gets the e-mail with two PDF tickets on
a real SMTP server, and the door admits each ticket once; an unpaid order is refused."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import CheckIn, Order
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.roles import Role
from callboard.shop.tests.test_tickets_email import read_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(open_page):
    return open_page(viewport={"width": 390, "height": 844}, has_touch=True)


def test_an_anonymous_buyer_pays_two_seats_on_a_phone_and_the_door_admits_each_once(
    live_server, phone, yookassa, smtp, make_user, settings
):
    from playwright.sync_api import expect

    settings.CALLBOARD_SITE_URL = live_server.url
    yookassa.config.yookassa_notify_url = f"{live_server.url}/shop/webhooks/yookassa/"
    perf = on_sale(timezone.now(), rows=4, seats=8)
    first, second = seat_ids(perf, "1", 4, 5)
    page = phone

    page.goto(f"{live_server.url}/shop/")
    page.get_by_role("link", name=perf.billing).click()
    expect(page.locator("h1")).to_have_text(perf.billing)
    expect(page.locator(".prices")).to_contain_text("100")
    page.locator(f'circle[data-id="{first}"]').click()
    page.locator(f'circle[data-id="{second}"]').click()
    page.get_by_role("button", name="Hold the chosen seats").click()

    cart = page.locator("#cart")
    expect(cart.locator(".countdown")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    expect(cart.locator(".cart-seats li")).to_have_count(2)
    # A bad e-mail is refused, and the page says so.
    page.fill("#id_buyer_name", "Анна Павлова")
    page.fill("#id_buyer_email", "anna at example")
    cart.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.locator("#cart .errorlist")).to_contain_text("e-mail")
    page.fill("#id_buyer_email", "anna@example.org")
    page.locator("#cart").get_by_role("button", name=re.compile("^Pay")).click()

    # The provider's hosted page (the stub), then back to the order's page.
    expect(page.locator("h1")).to_contain_text("YooKassa")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.locator("h1")).to_contain_text("Order")
    expect(page.locator(".status")).to_contain_text("Paid")
    expect(page.get_by_role("link", name="Ticket (PDF)")).to_have_count(2)

    message = smtp.wait_for(lambda m: m["To"] == "anna@example.org", timeout=30)
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 2
    codes = []
    for part in pdfs:
        words, found = read_ticket(part.get_content())
        assert perf.billing in words and "Анна Павлова" in words
        codes += found
    order = Order.objects.get(buyer_email="anna@example.org")
    assert sorted(codes) == sorted(order.tickets.values_list("code", flat=True))

    usher = make_user(Role.BOX_OFFICE)
    scans = [
        services.ticket_check_in(code=c, performance=perf, now=timezone.now(), by=usher)
        for c in codes + codes
    ]
    assert [s.checkin.result for s in scans] == (
        [CheckIn.Result.ADMITTED] * 2 + [CheckIn.Result.DUPLICATE] * 2
    )

    # Another buyer reserves and never pays: the door refuses the ticket.
    other = open_page_again(page)
    other.goto(f"{live_server.url}/shop/p/{perf.pk}/")
    other.locator('select[name="zone"]').select_option("B")
    other.fill('input[name="count"]', "1")
    other.get_by_role("button", name="Find seats").click()
    other.fill("#id_buyer_name", "Nobody Pays")
    other.fill("#id_buyer_email", "nopay@example.org")
    other.locator("#cart").get_by_role("button", name=re.compile("^Pay")).click()
    expect(other.locator("h1")).to_contain_text("YooKassa")
    unpaid = Order.objects.get(buyer_email="nopay@example.org")
    assert unpaid.status == Order.Status.AWAITING_PAYMENT
    scan = services.ticket_check_in(
        code=unpaid.tickets.get().code, performance=perf, now=timezone.now(), by=usher
    )
    assert scan.checkin.result == CheckIn.Result.UNPAID


def open_page_again(page):
    """A second buyer: a fresh browser context (own cookies) at the same phone size."""
    context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    return context.new_page()
