"""Steps shared by the real-browser tests (Playwright pages from the ``open_page`` fixture)."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, base: str, username: str, password: str, *, then: str | None = None) -> None:
    """Sign in on ``base``'s sign-in page and wait for the page it leads to: ``then`` (a path,
    sent as ``next``) or the home page."""
    page.goto(f"{base}/login/" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}" if then else f"{base}/")
