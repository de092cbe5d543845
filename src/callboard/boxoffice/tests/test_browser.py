"""Real-browser journey at the box office (Debian's Chromium through Playwright), on a phone-sized
screen: choose seats on the SVG map, confirm the order, then scan its ticket twice at the door."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(open_page):
    return open_page(viewport={"width": 390, "height": 844}, has_touch=True)


def test_box_office_sells_seats_on_the_map_and_the_door_flags_a_second_scan(live_server, phone):
    from playwright.sync_api import expect

    from callboard.boxoffice.models import Ticket
    from callboard.boxoffice.tests.factories import on_sale, seat_ids
    from callboard.core.roles import Role
    from callboard.core.testing.browser import app_for, enter_code
    from callboard.core.testing.factories import PASSWORD, UserFactory

    user = UserFactory(username="rudneva", roles=[Role.BOX_OFFICE])
    perf = on_sale(timezone.now(), rows=4, seats=8)
    first, second = seat_ids(perf, "1", 4, 5)
    page = phone

    device = app_for(user.username)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, device)

    page.goto(f"{live_server.url}/boxoffice/performances/{perf.pk}/")
    hold = page.get_by_role("button", name="Hold the chosen seats")
    expect(hold).to_be_disabled()
    page.locator(f'circle[data-id="{first}"]').click()
    page.locator(f'circle[data-id="{second}"]').click()
    expect(page.locator("#chosen")).to_contain_text("Stalls row 1, seat 4")
    expect(page.locator(f'circle[data-id="{first}"]')).to_have_attribute("aria-checked", "true")
    hold.click()

    cart = page.locator("#cart")
    expect(cart.locator(".countdown")).to_have_text(__import__("re").compile(r"^(10:00|9:\d\d)$"))
    expect(cart.locator("li")).to_have_count(2)
    page.fill("#id_buyer_name", "Raisa Kalmurzaev")
    page.get_by_role("button", name="Confirm the order").click()
    expect(page.locator("h1")).to_contain_text("Order")
    expect(page.locator(".qr img")).to_have_count(2)

    code = page.locator(".qr code").first.inner_text().strip()
    page.goto(f"{live_server.url}/boxoffice/performances/{perf.pk}/door/")
    page.fill("#id_code", code.lower())
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".scan-result")).to_contain_text("Admit")
    page.fill("#id_code", code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".scan-result")).to_contain_text("Already scanned")
    expect(page.locator("#scan")).to_contain_text("1 of 2 tickets in")
    assert Ticket.objects.filter(checked_in_at__isnull=False).count() == 1


def test_the_door_shows_why_a_code_was_refused(live_server, phone):
    """A code the door cannot read (too long for any ticket) is answered with the reason on
    the screen, not a silent 422 that htmx would drop."""
    from playwright.sync_api import expect

    from callboard.boxoffice.models import CheckIn
    from callboard.boxoffice.tests.factories import on_sale
    from callboard.core.roles import Role
    from callboard.core.testing.browser import sign_in
    from callboard.core.testing.factories import PASSWORD, UserFactory

    UserFactory(username="rudneva", roles=[Role.BOX_OFFICE])
    perf = on_sale(timezone.now(), rows=1, seats=2)
    door = f"/boxoffice/performances/{perf.pk}/door/"
    sign_in(phone, live_server.url, "rudneva", PASSWORD, then=door)
    phone.fill("#id_code", "X" * 70)
    with phone.expect_response(lambda r: r.request.method == "POST") as answer:
        phone.get_by_role("button", name="Check in").click()
    assert answer.value.status == 422
    expect(phone.locator("#scan .error")).to_contain_text("at most 64 characters")
    assert not CheckIn.objects.exists()
