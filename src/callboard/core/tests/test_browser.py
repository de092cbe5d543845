"""Real-browser journeys through the demo company, driven in Debian's Chromium by Playwright.

Run them with ``pytest -m browser``; without Chromium they skip and say why. Each journey
leaves a screenshot under ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANCHOR = dt.date(2026, 11, 23)
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(request, monkeypatch):
    """A fresh Chromium page; its last view is saved to test-artifacts/<test name>.png.

    Playwright's sync API runs an event loop in the test's thread, where Django's ORM
    would then refuse to run; the test database is only touched outside page calls.
    """
    chromium = require_chromium()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            context.set_default_timeout(10_000)
            page = context.new_page()
            yield page
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        finally:
            browser.close()


def test_dancer_signs_in_and_finds_klara_by_an_unaccented_search(live_server, browser_page):
    from playwright.sync_api import expect

    from callboard.core.demo import PASSWORD, build_demo

    build_demo(today=ANCHOR)
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "klara")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(live_server.url + reverse("company:roster"))
    search = page.locator("input[name='q']")
    search.fill("Klara")
    search.press("Enter")
    results = page.locator("main")
    klara_link = results.get_by_role("link", name="Klára Kalmurzaev", exact=True)
    expect(klara_link).to_be_visible()
    # The search narrowed the roster: other dancers are gone.
    expect(results.get_by_role("link", name="Anastasia Volkova", exact=True)).to_have_count(0)

    klara_link.click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    profile = page.locator("main")
    expect(profile.get_by_role("heading", name=re.compile("Klára Kalmurzaev"))).to_be_visible()
    expect(profile).to_contain_text("Principal")
    expect(profile).to_contain_text("Tatar family from Chechnya")
