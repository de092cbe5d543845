"""The content security policy: every page carries it, no template needs inline script, and the
pages that use script run in a real browser without a single violation."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

import callboard

TEMPLATE_ROOT = Path(callboard.__file__).resolve().parent

# An inline <script> that the browser would run (JSON data blocks are not run), or an
# inline event handler attribute: both are refused by the policy.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
HX_ON = re.compile(r"\shx-on(:|-)", re.I)
# htmx evaluates trigger filters (``click[!this.value]``), hx-vars and js: values with eval.
HX_EVAL = re.compile(r"\shx-(trigger=\"[^\"]*\[|vars=|vals=\"(js|javascript):)", re.I)


def _templates() -> list[Path]:
    return sorted(TEMPLATE_ROOT.glob("**/templates/**/*.html"))


def test_no_template_needs_inline_script():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (INLINE_HANDLER, "inline event handler"),
            (HX_ON, "hx-on handler (needs eval)"),
            (HX_EVAL, "htmx trigger filter or js: value (needs eval)"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATE_ROOT)}:{line}: {what}")
    assert _templates(), "no templates found: the scan looked in the wrong place"
    assert not offenders, (
        "The content security policy refuses inline script. Move it to a static .js file "
        "(see core/static/callboard/ui.js for data-print, data-confirm, data-select-on-click):\n"
        + "\n".join(offenders)
    )


@pytest.mark.django_db
def test_pages_and_the_api_carry_the_policy(client):
    for url in ("/login/", "/api/v1/openapi.json", "/password-reset/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
        )
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in directives["style-src"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-eval'" not in policy, url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_with_script_run_without_a_policy_violation(live_server, open_page):
    """Sign in as the people who use the scripted pages and visit them: the browser reports
    no violation, and the behaviours moved out of inline script still work."""
    from playwright.sync_api import expect

    from callboard.boxoffice.models import Order
    from callboard.casting.models import CastAssignment
    from callboard.season.models import Performance
    from callboard.site.demo import PASSWORD

    call_command("demo", "--today", "2026-11-23", stdout=io.StringIO())
    cast = CastAssignment.objects.select_related("performance").order_by("pk").first()
    assert cast is not None
    programme_id = cast.performance.programme_id
    performance = (
        Performance.objects.filter(pk__in=Order.objects.values("performance"))
        .order_by("pk")
        .first()
    )
    assert performance is not None

    page = open_page(viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    page.on(
        "console",
        lambda m: (
            violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def sign_in(username: str) -> None:
        from callboard.core.testing.browser import app_for, enter_code

        device = app_for(username)
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if device is not None:
            enter_code(page, device)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    sign_in("director")
    for url in (
        "/",
        f"/casting/programmes/{programme_id}/",
        f"/casting/programmes/{programme_id}/sheet/",
        "/schedule/",
        "/schedule/feeds/",
        "/season/",
        "/repertoire/",
        "/api/v1/docs",
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")

    # data-print: the print button calls window.print (replaced here to observe it).
    page.goto(f"{live_server.url}/casting/programmes/{programme_id}/sheet/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed === true")

    sign_in("boxoffice")
    for url in (
        f"/boxoffice/performances/{performance.pk}/",
        f"/boxoffice/performances/{performance.pk}/holds/",
        f"/boxoffice/venues/{performance.venue_id}/seatmap/",
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        expect(page.locator("svg").first).to_be_visible()

    # The door: after a scan the form empties itself and keeps the focus (door.js).
    page.goto(f"{live_server.url}/boxoffice/performances/{performance.pk}/door/")
    page.fill("#id_code", "NOT-A-TICKET")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#scan")).to_contain_text(re.compile(r"\S"))
    expect(page.locator("#id_code")).to_have_value("")
    expect(page.locator("#id_code")).to_be_focused()

    assert not violations, "\n".join(violations)
