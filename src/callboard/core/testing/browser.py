"""Steps shared by the real-browser tests (Playwright pages from the ``open_page`` fixture)."""

from __future__ import annotations

from typing import Any


def app_for(username: str) -> Any:
    """Before signing in: the authenticator app of a user who will be asked for a code (made
    now for a role that must have one), else ``None``."""
    from django.contrib.auth import get_user_model

    from callboard.core import twofactor
    from callboard.core.testing.twofactor import give_app

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not (twofactor.required_for(user) or twofactor.is_on(user)):
        return None
    return give_app(user)


def enter_code(page: Any, device: Any) -> None:
    """The second step of signing in: type the code the app shows now."""
    from callboard.core.testing.twofactor import code_now

    page.wait_for_url("**/login/verify/**")
    page.fill("#id_code", code_now(device))
    page.press("#id_code", "Enter")


def sign_in(page: Any, base: str, username: str, password: str, *, then: str | None = None) -> None:
    """Sign in on ``base``'s sign-in page (with the code of the user's app where one is asked)
    and wait for the page it leads to: ``then`` (a path, sent as ``next``) or the home page."""
    device = app_for(username)
    page.goto(f"{base}/login/" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        enter_code(page, device)
    page.wait_for_url(f"**{then}" if then else f"{base}/")
