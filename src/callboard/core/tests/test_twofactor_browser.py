"""Two-factor sign-in in a real browser (Debian's Chromium through Playwright): the artistic
director sets up her app, signs in with password and code, and once with a recovery code."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from callboard.core import twofactor
from callboard.core.roles import Role
from callboard.core.testing.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _fresh_code(secret: str, used: set[str]) -> str:
    """The code the app shows, waiting for the next one if this one was used already."""
    while True:
        code = twofactor.code_for(secret, at=timezone.now())
        if code not in used:
            used.add(code)
            return code
        time.sleep(1)


def test_the_director_signs_in_with_her_app_and_once_with_a_recovery_code(live_server, open_page):
    from playwright.sync_api import expect

    UserFactory(username="director", roles=[Role.ARTISTIC_DIRECTOR])
    page = open_page(viewport={"width": 1280, "height": 900})
    base = live_server.url
    used: set[str] = set()

    # First sign-in: sent to set up the app before anything else.
    _password(page, base, "director")
    page.wait_for_url("**/account/two-factor/**")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_code", "000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("does not match")
    page.fill("#id_code", _fresh_code(secret, used))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes code")).to_have_count(10)
    codes = page.locator("#recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Password, then the app's code; a wrong code says so on the page.
    _password(page, base, "director")
    page.wait_for_url("**/login/verify/**")
    page.fill("#id_code", "12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("does not match")
    time.sleep(1.2)  # a wrong code makes the next try wait a second
    page.fill("#id_code", _fresh_code(secret, used))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Phone lost: a recovery code opens the account once, and only once.
    _password(page, base, "director")
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    _password(page, base, "director")
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("does not match")
    assert "/login/verify/" in page.url
