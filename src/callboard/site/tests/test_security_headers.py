"""Every answer carries the security headers: every URL pattern (from the URL resolver, so a
new page is covered the day it is added), as nobody and as the company manager, and the
answers no view makes (a static file, a refusal, a page not found, a method not allowed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from callboard.site.tests import test_authz_matrix as matrix
from callboard.site.tests.test_authz_matrix import World, undone, walk_patterns
from callboard.site.tests.test_hostile_input import ANONYMOUS, IDENTITIES, client_as, valid_path

YEAR = 365 * 24 * 3600
world = matrix.world  # the authorization matrix's world: the demo company, one session each


def directives(response: Any) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def wrong_headers(response: Any, *, hsts: bool = False) -> list[str]:
    found = []
    policy = directives(response)
    if policy.get("frame-ancestors") != ["'none'"]:
        found.append(f"frame-ancestors {policy.get('frame-ancestors')}")
    if policy.get("script-src") != ["'self'"] or policy.get("object-src") != ["'none'"]:
        found.append(f"Content-Security-Policy {response.get('Content-Security-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        found.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')!r}")
    if response.get("Referrer-Policy") != "same-origin":
        found.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if hsts and not response.get("Strict-Transport-Security", "").startswith(f"max-age={YEAR}"):
        found.append(f"Strict-Transport-Security {response.get('Strict-Transport-Security')!r}")
    return found


def a_static_file() -> str:
    assert finders.find("callboard/ui.js"), "the static file the test fetches has moved"
    return "/static/callboard/ui.js"


EDGE_CASES = {
    "static file": ("GET", lambda: a_static_file()),
    "page not found": ("GET", lambda: "/no-such-page/"),
    "API path not found": ("GET", lambda: "/api/v1/no-such-thing"),
    "NUL refused": ("GET", lambda: "/schedule/feed/%00.ics"),
    "address too long": ("GET", lambda: "/api/v1/boxoffice/carts/" + "t" * 10_000),
    "method not allowed": ("GET", lambda: "/logout/"),
    "API without sign-in": ("POST", lambda: "/api/v1/boxoffice/checkins"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(EDGE_CASES))
@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_answers_no_view_makes_carry_the_headers(label: str, secure: bool) -> None:
    method, url = EDGE_CASES[label]
    hsts = {"SECURE_HSTS_SECONDS": YEAR} if secure else {}
    with override_settings(**hsts):
        response = Client().generic(method, url(), secure=secure)
    assert response.status_code < 500
    assert wrong_headers(response, hsts=secure) == [], f"{label}: {response.status_code}"


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_page_and_endpoint_carries_the_headers(identity: str, world: World) -> None:
    client = client_as(world, identity)
    wrong, seen = [], 0
    with override_settings(SECURE_HSTS_SECONDS=YEAR):
        for route, name in walk_patterns():
            url = valid_path(route, name, world)
            response = undone(client.get, url, secure=True)
            seen += 1
            problems = wrong_headers(response, hsts=True)
            if problems:
                wrong.append(f"{name} {url} ({response.status_code}): {'; '.join(problems)}")
    assert seen > 300
    assert not wrong, f"as {identity}:\n  " + "\n  ".join(wrong)
    assert identity == ANONYMOUS or world.sessions[identity]
