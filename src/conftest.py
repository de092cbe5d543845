"""Shared pytest fixtures for the whole suite.

PostgreSQL and Redis tests call ``require_postgres()`` / ``require_redis()``: without the
server they skip with the reason printed, but when ``CI`` is set they fail instead, so CI
always runs them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callboard.core.roles import Role, ensure_groups

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def missing_requirement(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        if not _port_open("127.0.0.1", 5432):
            missing_requirement("PostgreSQL is not running on 127.0.0.1:5432")
        pytest.skip("runs only on the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")


def require_redis() -> None:
    if not _port_open("127.0.0.1", 6379):
        missing_requirement("Redis is not running on 127.0.0.1:6379")


CHROMIUM = os.environ.get("CALLBOARD_CHROMIUM", "/usr/bin/chromium")


def require_chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        pytest.skip(
            "no Chromium at /usr/bin/chromium: install Debian's chromium package "
            "to run browser tests"
        )
    return path


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def groups(db: None) -> None:
    ensure_groups()


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    from callboard.core.testing.factories import UserFactory

    def make(*roles: Role, **kwargs):  # type: ignore[no-untyped-def]
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def client_as(client, make_user):  # type: ignore[no-untyped-def]
    """``client_as(Role.BALLET_MASTER)`` -> a test client signed in with that role."""

    def sign_in(*roles: Role, user=None):  # type: ignore[no-untyped-def]
        user = user or make_user(*roles)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_company_zone():  # type: ignore[no-untyped-def]
    """The company's time zone is cached between reads; each test starts from its own."""
    from callboard.core import zones

    zones.forget_company_zone()
    yield
    zones.forget_company_zone()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):  # type: ignore[no-untyped-def]
    """Argon2 is deliberately slow; tests that create users don't need that strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_inline(settings):  # type: ignore[no-untyped-def]
    """Background jobs (an e-mail's sending, a solve) run in the test's own thread when their
    transaction's on-commit callbacks run; tests of threads or Celery say so themselves."""
    settings.CALLBOARD_JOBS = "inline"


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):  # type: ignore[no-untyped-def]
    """``client.force_login(user)`` skips the sign-in form, so it skips the second factor too:
    for a role that must use one, the user gets an authenticator app and the session is marked
    verified, as entering the code would. Tests of the second step itself use the form."""
    from django.test import Client

    from callboard.core.testing.twofactor import verify_session

    original = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: rate limits and lockouts never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """pytest-django's, and at the end of the session, on PostgreSQL, the connections a
    background thread or the test server left open to the test database are closed by the
    server, so that the database can be dropped (else it is left behind with a warning)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _sqlite_pass_waits_as_a_server_would() -> None:
    from callboard.core.testing.sqlitepass import prepare_the_sqlite_pass

    prepare_the_sqlite_pass()


@pytest.fixture
def open_page(request, monkeypatch):  # type: ignore[no-untyped-def]
    """``open_page(viewport=..., timeout_ms=15000, **context)`` -> a page in Debian's Chromium.

    Skips (with the reason) where no Chromium is installed. Every page opened is saved as
    ``test-artifacts/<test name>[-n].png`` when the test ends, pass or fail. Playwright's
    sync API runs an event loop in the test's thread, so Django's async guard is relaxed.
    """
    chromium = require_chromium()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: on a loaded CI machine a page can take longer
    # than Playwright's 5 s default to answer a click.
    expect.set_options(timeout=15_000)

    pages = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        def open_one(*, timeout_ms: int = 15_000, **context):  # type: ignore[no-untyped-def]
            ctx = browser.new_context(**{"locale": "en-GB", **context})
            ctx.set_default_timeout(timeout_ms)
            page = ctx.new_page()
            pages.append(page)
            return page

        try:
            yield open_one
            ARTIFACTS.mkdir(exist_ok=True)
            for n, page in enumerate(pages):
                suffix = f"-{n + 1}" if n else ""
                page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}{suffix}.png"), full_page=True
                )
        finally:
            browser.close()
