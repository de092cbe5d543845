"""Real-browser journeys through the demo company, driven in Debian's Chromium by Playwright.

Run them with ``pytest -m browser``; without Chromium they skip and say why. Each journey
leaves a screenshot under ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANCHOR = dt.date(2026, 11, 23)


@pytest.fixture
def browser_page(open_page):
    """A fresh Chromium page; its last view is saved to test-artifacts/<test name>.png.

    Playwright's sync API runs an event loop in the test's thread, where Django's ORM
    would then refuse to run; the test database is only touched outside page calls.
    """
    return open_page(viewport={"width": 1280, "height": 900})


def test_dancer_signs_in_and_finds_klara_by_an_unaccented_search(live_server, browser_page):
    from playwright.sync_api import expect

    from callboard.site.demo import PASSWORD, build_demo

    build_demo(today=ANCHOR)
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "klara")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")

    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "/people/?" in r.url else None)
    page.goto(live_server.url + reverse("company:roster"))
    search = page.locator("input[name='q']")
    search.fill("Klara")
    search.press("Enter")
    results = page.locator("main")
    klara_link = results.get_by_role("link", name="Klára Kalmurzaev", exact=True)
    expect(klara_link).to_be_visible()
    # The search narrowed the roster: other dancers are gone.
    expect(results.get_by_role("link", name="Anastasia Volkova", exact=True)).to_have_count(0)
    # One search for one Enter: no second answer arrives later to redraw the list under the
    # pointer (Enter also fires the box's "change", and typing's own search is then dropped).
    page.wait_for_timeout(600)
    assert len(searches) == 1, searches

    klara_link.click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    klara_url = page.url

    # Choosing a rank narrows the roster at once; typing narrows it without Enter, and
    # leaving the box for a result sends no further search.
    page.goto(live_server.url + reverse("company:roster"))
    page.select_option("#id_rank", label="Principal")
    expect(page).to_have_url(re.compile(r"rank=principal"))
    expect(results.get_by_role("link", name="Anastasia Volkova", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Léa Moreau", exact=True)).to_have_count(0)
    searches.clear()
    search.fill("Klara")
    expect(results.get_by_role("link", name="Anastasia Volkova", exact=True)).to_have_count(0)
    klara_link.click()
    expect(page).to_have_url(klara_url)
    assert len(searches) == 1, searches
    profile = page.locator("main")
    expect(profile.get_by_role("heading", name=re.compile("Klára Kalmurzaev"))).to_be_visible()
    expect(profile).to_contain_text("Principal")
    expect(profile).to_contain_text("Tatar family from Chechnya")
