"""Embedding: only pages marked frameable, and only by the company's own origins."""

from __future__ import annotations

import contextlib
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from django.core import checks as django_checks
from django.test import Client, override_settings

from callboard.core import checks

SITE = "https://www.example-ballet.org"
OTHER = "https://friends.example-ballet.org:8443"


def ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == "frame-ancestors":
            return words[1:]
    raise AssertionError(f"no frame-ancestors in {policy!r}")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="callboard.core.tests.embed_urls")
def test_a_frameable_page_may_be_framed_by_the_company_website_only() -> None:
    with override_settings(CALLBOARD_EMBED_ORIGINS=[SITE, OTHER]):
        embed = Client().get("/embed/")
        other = Client().get("/other/")
    assert embed.status_code == 200
    assert ancestors(embed) == [SITE, OTHER]
    assert "X-Frame-Options" not in embed  # it cannot name an origin; CSP does
    assert ancestors(other) == ["'none'"]
    assert other["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="callboard.core.tests.embed_urls", CALLBOARD_EMBED_ORIGINS=[])
def test_without_origins_a_frameable_page_is_framed_by_nobody() -> None:
    embed = Client().get("/embed/")
    assert ancestors(embed) == ["'none'"]
    assert embed["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="callboard.core.tests.embed_urls", CALLBOARD_EMBED_ORIGINS=[SITE])
def test_the_site_policy_is_built_once_and_follows_its_setting() -> None:
    from csp.utils import build_policy

    from callboard.core.headers import site_policy

    plain = Client().get("/other/")
    assert plain["Content-Security-Policy"] == build_policy()  # django-csp's own, built once
    built = site_policy.cache_info()
    Client().get("/other/")
    assert site_policy.cache_info().hits > built.hits  # the next answer took it as built
    assert site_policy.cache_info().misses == built.misses
    assert "script-src 'self'" in plain["Content-Security-Policy"]
    assert ancestors(Client().get("/embed/")) == [SITE]  # a policy of its own, built for it
    report_only = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp/"}}
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only,
    ):
        changed = Client().get("/other/")
        assert changed["Content-Security-Policy"] == "default-src 'none'"
        assert changed["Content-Security-Policy-Report-Only"] == site_policy(True)
        assert "report-uri /csp/" in changed["Content-Security-Policy-Report-Only"]
    assert Client().get("/other/")["Content-Security-Policy"] == plain["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in Client().get("/other/")


@pytest.mark.parametrize(
    "origin",
    ["https://www.example-ballet.org/shop", "*", "www.example-ballet.org", "https://*.example.org"],
)
def test_an_embed_origin_that_is_not_one_is_refused_at_start(origin: str) -> None:
    with override_settings(CALLBOARD_EMBED_ORIGINS=[origin]):
        found = {m.id: m for m in checks.embedding(None)}
    assert "callboard.E020" in found
    assert origin in found["callboard.E020"].msg
    assert found["callboard.E020"].level >= django_checks.ERROR


def test_production_wants_https_origins_and_hsts() -> None:
    with override_settings(
        CALLBOARD_ENV="production", CALLBOARD_EMBED_ORIGINS=["http://www.example-ballet.org"]
    ):
        found = {m.id for m in checks.embedding(None)}
    assert "callboard.E020" in found
    with override_settings(
        CALLBOARD_ENV="production", CALLBOARD_EMBED_ORIGINS=[SITE], SECURE_HSTS_SECONDS=0
    ):
        assert {m.id for m in checks.embedding(None)} == {"callboard.E021"}
    with override_settings(CALLBOARD_EMBED_ORIGINS=[SITE, "http://127.0.0.1:8001"]):
        assert checks.embedding(None) == []


def test_production_settings_turn_hsts_on_and_read_the_embed_origins() -> None:
    """The settings module itself, loaded as production: HSTS for a year, and the embed
    origins read from the space-separated variable."""
    env = {
        **os.environ,
        "CALLBOARD_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "CALLBOARD_EMBED_ORIGINS": f"{SITE}  {OTHER}",
        "DJANGO_SETTINGS_MODULE": "callboard.settings",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "' '.join(s.CALLBOARD_EMBED_ORIGINS), s.MIDDLEWARE.index("
        "'callboard.core.headers.SecurityHeadersMiddleware'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) >= 365 * 24 * 3600
    assert out[1] == "True"
    assert out[2:4] == [SITE, OTHER]
    assert out[4] == "1"  # outermost but for the request id


@contextlib.contextmanager
def parent_site(html: str) -> Iterator[str]:
    """Another origin (a port of its own) serving one page: the company's website."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_company_website_shows_the_seat_picker_in_a_frame_and_nothing_else(
    live_server, open_page, settings
) -> None:
    """In Chromium: the company's site frames the frameable page; the same site cannot frame
    any other page, and another site cannot frame even the frameable one."""
    settings.ROOT_URLCONF = "callboard.core.tests.embed_urls"
    html = (
        f'<iframe name="embed" src="{live_server.url}/embed/"></iframe>'
        f'<iframe name="other" src="{live_server.url}/other/"></iframe>'
    )

    def framed(page, name: str) -> str:
        frame = page.frame(name=name)
        assert frame is not None
        try:
            return frame.inner_text("body", timeout=3_000)
        except Exception:  # a refused frame holds Chromium's error page, or nothing
            return ""

    with parent_site(html) as origin:
        settings.CALLBOARD_EMBED_ORIGINS = [origin]
        page = open_page()
        page.goto(origin + "/")
        page.wait_for_load_state("networkidle")
        assert "Seats" in framed(page, "embed")
        assert "Other" not in framed(page, "other")

        settings.CALLBOARD_EMBED_ORIGINS = ["https://www.example-ballet.org"]
        page.goto(origin + "/")
        page.wait_for_load_state("networkidle")
        assert "Seats" not in framed(page, "embed")
