"""Real browser: the season's editor sets a venue's stage and a performance's get-in; a bad
value is refused with its message on the screen, and nothing is saved."""

from __future__ import annotations

import pytest

from callboard.company.tests.factories import StudioFactory
from callboard.core.roles import Role
from callboard.core.testing.browser import sign_in
from callboard.core.testing.factories import PASSWORD
from callboard.season.tests.factories import PerformanceFactory, VenueFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_stage_and_get_in_forms_show_their_errors_then_save(live_server, open_page, make_user):
    from playwright.sync_api import expect

    make_user(Role.COMPANY_MANAGER, username="manager")
    venue = VenueFactory(name="Pavlov Theatre", time_zone="Europe/Moscow")
    StudioFactory(name="Main stage of the Pavlov")
    show = PerformanceFactory(venue=venue, starts_at=at("2026-12-23", "19:00"))
    page = open_page(viewport={"width": 1280, "height": 900}, timeout_ms=60000)
    sign_in(page, live_server.url, "manager", PASSWORD, then=f"/season/venues/{venue.pk}/")
    page.get_by_role("link", name="Stage", exact=True).click()
    page.fill("input[name=get_in_minutes]", "180")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(page.locator(".errorlist")).to_contain_text("Choose the room that is the stage")
    venue.refresh_from_db()
    assert venue.stage_id is None
    page.locator("select[name=room]").select_option(
        label="Main stage of the Pavlov (Main building)"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/season/venues/{venue.pk}/")
    expect(page.locator("#stage-time")).to_contain_text("Get-in 180 min")
    page.goto(f"{live_server.url}/season/performances/{show.pk}/")
    page.get_by_role("link", name="Change the get-in and get-out").click()
    page.fill("input[name=get_in_minutes]", "2000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(page.locator(".errorlist").first).to_be_visible()
    page.fill("input[name=get_in_minutes]", "300")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/season/performances/{show.pk}/")
    expect(page.get_by_text("14:00–")).to_be_visible()  # the curtain at 19:00, 300 min before
    show.refresh_from_db()
    assert show.get_in_minutes == 300
