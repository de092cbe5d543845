"""No input makes Callboard fail: hostile values in every address and every form.

Every URL pattern is taken from the URL resolver, so a new page or API operation is covered
the day it is added. Each is sent, as nobody and as the company manager:

- its path with valid-looking arguments (the records of the authorization matrix's world,
  or plain values where the matrix has none) and a query string in which every parameter a
  view or a form reads carries a hostile value;
- its path with each argument replaced by a hostile value in turn;

and every form page gets its form posted back with a hostile value in every field.

Hostile values: the NUL character (PostgreSQL refuses it in text), other control
characters (a line break that would split a header), a value of 10,000 characters, broken
percent-encoding (``%ff%fe``, a lone ``%``, ``%zz``) and a number beyond 64 bits.

Every answer is a 4xx that says something, or a 2xx/3xx where the value is simply ignored;
never a 5xx. Run on SQLite and on PostgreSQL (NUL only fails on PostgreSQL).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import reverse

import callboard
from callboard.site.tests import test_authz_matrix as matrix
from callboard.site.tests.authz_matrix import ADMIN_PREFIX, FORM, PAGES, POST
from callboard.site.tests.test_authz_matrix import World, page_url, undone, walk_patterns

SRC = Path(callboard.__file__).resolve().parent
world = matrix.world  # the authorization matrix's world: the demo company, one session each

NUL = "a\x00b"
CONTROL = "a\x01\x07\x1b[31m\r\nX-Injected: yes\x7fb"
OVERLONG = "x" * 10_000
BROKEN = "%ff%fe%zz%"  # sent as is: raw bytes 0xff 0xfe that are not UTF-8, and bad escapes
HUGE = str(2**70)

# name -> value put into a path argument (quoted, except the broken encoding)
PATH_VALUES = {
    "nul": quote(NUL, safe=""),
    "control": quote(CONTROL, safe=""),
    "overlong": OVERLONG,
    "long": "y" * 2_000,  # under the address limit: it reaches the view
    "broken": BROKEN,
    "huge": HUGE,
    "negative": "-1",
}
QUERY_VALUES = {
    "nul": quote(NUL, safe=""),
    "control": quote(CONTROL, safe=""),
    "overlong": OVERLONG,
    "broken": BROKEN,
    "huge": HUGE,
}
FORM_VALUES = {
    "nul": NUL,
    "control": CONTROL,
    "overlong": OVERLONG,
    "broken": BROKEN,
    "huge": HUGE,
}

ANONYMOUS = "anonymous"
MANAGER = "company_manager"
IDENTITIES = (ANONYMOUS, MANAGER)

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
PLAIN = {
    "int": "1",
    "str": "abc",
    "slug": "abc",
    "path": "a/b",
    "uuid": "0" * 8 + "-0000" * 3 + "-" + "0" * 12,
}


# --------------------------------------------------------------------------- what to send


@functools.cache
def query_names() -> tuple[str, ...]:
    """Every query parameter a view reads by name, and every field of every Django form (a
    form bound to ``request.GET`` reads them from the query)."""
    names: set[str] = set(form_field_names())
    pattern = re.compile(r"request\.(?:GET|POST|headers)(?:\.get|\.getlist)?[\[(]\s*[\"'](\w+)")
    for source in SRC.glob("*/**/*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        names.update(pattern.findall(source.read_text(encoding="utf-8")))
    names.update({"next", "page", "q", "sort", "day", "week", "format", "username", "password"})
    return tuple(sorted(names))


@functools.cache
def form_field_names() -> tuple[str, ...]:
    """The fields of every Django form of Callboard's apps."""
    for source in SRC.glob("*/forms.py"):
        __import__(f"callboard.{source.parent.name}.forms")

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: set[str] = set()
    for form in subclasses(forms.BaseForm):
        if form.__module__.startswith("callboard."):
            names.update(getattr(form, "base_fields", {}))
    return tuple(sorted(names))


def test_the_sweep_finds_forms_and_query_parameters() -> None:
    assert len(form_field_names()) > 30
    assert {"next", "password", "username"} <= set(query_names())


def fill(route: str, values: dict[str, str]) -> str:
    """The route with each ``<conv:name>`` replaced from ``values`` (else a plain value)."""

    def one(match: re.Match[str]) -> str:
        kind = match["kind"] or "str"
        return values.get(match["name"], PLAIN.get(kind, "abc"))

    # A regular expression route (re_path): its fixed start only.
    route = re.split(r"[(\[\\^$?*+]", route)[0] if not CONVERTER.search(route) else route
    return "/" + CONVERTER.sub(one, route)


def valid_path(route: str, name: str, world: World) -> str:
    entry = PAGES.get(name)
    if entry is not None:
        return page_url(name, entry, world)
    return fill(route, {})


def addresses(world: World) -> Iterator[tuple[str, str, str]]:
    """(label, method, address) of every pattern filled with hostile values."""
    names = query_names()
    for route, name in walk_patterns():
        base = valid_path(route, name, world)
        for kind, value in QUERY_VALUES.items():
            if kind == "overlong":
                query = f"q={value}"
            else:
                query = "&".join(f"{n}={value}" for n in names) + f"&{value}=1"
            yield f"{name} query {kind}", "GET", f"{base}?{query}"
        for argument in CONVERTER.finditer(route):
            for kind, value in PATH_VALUES.items():
                valid = {}
                entry = PAGES.get(name)
                if entry is not None:
                    valid = {k: str(world.keys[v]) for k, v in entry.kwargs.items()}
                address = fill(route, {**valid, argument["name"]: value})
                yield f"{name} <{argument['name']}> {kind}", "GET", address
                if entry is not None and entry.mode in (FORM, POST):
                    yield f"{name} <{argument['name']}> {kind}", "POST", address


# --------------------------------------------------------------------------- how to send


class Failures:
    """Collects every 5xx with the exception that caused it."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self._last: BaseException | None = None

    def _on_exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        self._last = sys.exc_info()[1]

    def __enter__(self) -> Failures:
        got_request_exception.connect(self._on_exception)
        return self

    def __exit__(self, *exc: object) -> None:
        got_request_exception.disconnect(self._on_exception)

    def check(self, label: str, response: Any) -> None:
        said = response.content[:300].decode("utf-8", "replace").strip()
        if response.status_code >= 500:
            self.found.append(f"{label}: {response.status_code} {self._last!r}")
        elif 400 <= response.status_code < 500 and not said:
            self.found.append(f"{label}: {response.status_code} with no message")
        self._last = None


def client_as(world: World, identity: str) -> Client:
    client = Client(raise_request_exception=False)
    if identity != ANONYMOUS:
        client.cookies["sessionid"] = world.sessions[identity]
    return client


def send(client: Client, method: str, address: str, data: Any = None) -> Any:
    path, _, query = address.partition("?")
    extra = {"QUERY_STRING": query} if query else {}
    if method == "GET":
        return undone(client.generic, "GET", path, **extra)
    return undone(client.post, path if not query else address, data or {})


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line in pytest's own output, past its capture: how much a sweep sent."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


# --------------------------------------------------------------------------- the tests


@pytest.fixture(autouse=True)
def _jobs_inline(settings: Any) -> None:
    settings.CALLBOARD_JOBS = "inline"


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_address_answers_a_server_error(
    identity: str, world: World, request: pytest.FixtureRequest
) -> None:
    client = client_as(world, identity)
    sent = 0
    with Failures() as failures:
        for label, method, address in addresses(world):
            failures.check(f"{method} {label}", send(client, method, address))
            sent += 1
    report(
        request, f"hostile addresses as {identity}: {sent} requests, {len(failures.found)} failed"
    )
    assert sent > 1000, "the sweep sent too little: it cannot have reached every page"
    assert not failures.found, f"{len(failures.found)} of {sent} answers failed:\n  " + "\n  ".join(
        failures.found
    )


FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_form_answers_a_server_error(
    identity: str, world: World, request: pytest.FixtureRequest
) -> None:
    """Each form page is fetched, and its form posted back with a hostile value in every
    field it shows (pages that only take a POST get the fields of every form)."""
    client = client_as(world, identity)
    sent = 0
    with Failures() as failures:
        for name, entry in sorted(PAGES.items()):
            if entry.mode not in (FORM, POST):
                continue
            url = page_url(name, entry, world)
            fields = set(entry.data)
            if entry.mode == FORM:
                page = undone(client.get, url)
                fields.update(FIELD.findall(page.content.decode("utf-8", "replace")))
            if not fields - {"csrfmiddlewaretoken"}:
                fields.update(form_field_names())
            fields.discard("csrfmiddlewaretoken")
            for kind, value in FORM_VALUES.items():
                data = {field: value for field in fields}
                failures.check(f"POST {name} form {kind}", send(client, "POST", url, data))
                sent += 1
    report(request, f"hostile forms as {identity}: {sent} posts, {len(failures.found)} failed")
    assert sent > 100
    assert not failures.found, f"{len(failures.found)} of {sent} answers failed:\n  " + "\n  ".join(
        failures.found
    )


def test_the_admin_is_swept_too() -> None:
    assert any(route.startswith(ADMIN_PREFIX) for route, _ in walk_patterns())
    assert reverse("admin:index") == "/admin/"


# --------------------------------------------------------------------------- the findings


@pytest.mark.django_db
def test_a_nul_in_the_calendar_feed_address_is_refused_with_a_message() -> None:
    """Found from outside: ``GET /schedule/feed/%00.ics`` answered 500 on PostgreSQL."""
    response = Client(raise_request_exception=False).get("/schedule/feed/%00.ics")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "send"),
    [
        ("the field “username”", lambda c: c.post("/login/", {"username": NUL, "password": "x"})),
        ("the query parameter “week”", lambda c: c.get("/schedule/", {"week": NUL})),
        ("the cookie “sessionid”", lambda c: c.get("/", HTTP_COOKIE="sessionid=abcdefgh\x00ij")),
        ("the address", lambda c: c.get("/people/%00/")),
    ],
)
def test_a_nul_anywhere_is_refused_naming_where(where: str, send: Any) -> None:
    response = send(Client(raise_request_exception=False))
    assert response.status_code == 400
    assert f"NUL character (\\0) in {where}" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_an_api_query_gets_the_json_shape() -> None:
    response = Client().get("/api/v1/boxoffice/performances", {"q": NUL})
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "nul_character"


@pytest.mark.django_db
def test_a_get_of_a_post_only_address_says_which_method_to_use() -> None:
    response = Client().get("/logout/")
    assert response.status_code == 405
    assert "does not take GET requests; it takes: POST" in response.content.decode()


# --------------------------------------------------------------------------- API and CSRF


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", ["", "Bearer cb_forged", "Bearer ", "Basic Zm9vOmJhcg=="])
def test_a_token_call_without_a_valid_token_is_401_not_a_csrf_failure(authorization: str) -> None:
    """Found from outside: a POST with a missing or forged token answered 403 "CSRF check
    failed"; the README documents 401."""
    client = Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    for path in ("/api/v1/repertoire/works", "/api/v1/boxoffice/checkins"):
        response = client.post(
            path, {"title": "Giselle"}, content_type="application/json", **headers
        )
        assert response.status_code == 401, (path, response.content)
        assert "Bearer" in response.json()["message"]


@pytest.mark.django_db
def test_a_valid_token_needs_no_csrf_and_a_session_still_does() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from callboard.core import services
    from callboard.core.roles import Role
    from callboard.core.testing.factories import UserFactory

    user = UserFactory(username="repertoire-keeper", roles=[Role.ARTISTIC_DIRECTOR])
    _token, raw = services.api_token_create(user=user, name="door", now=timezone.now())
    body = {"title": "Giselle"}
    by_token = Client(enforce_csrf_checks=True).post(
        "/api/v1/repertoire/works",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert by_token.status_code in (201, 422), by_token.content  # past the guard, no CSRF asked
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(get_user_model().objects.get(pk=user.pk))
    by_session = browser.post("/api/v1/repertoire/works", body, content_type="application/json")
    assert by_session.status_code == 403
    assert "CSRF" in by_session.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", [f"/boxoffice/venues/{HUGE}/seatmap.json", f"/boxoffice/orders/?performance={HUGE}"]
)
def test_a_number_beyond_64_bits_is_refused_not_a_server_error(address: str) -> None:
    """Found by the sweep as the company manager: on SQLite these answered 500
    (OverflowError); a number the database cannot hold is the request's fault."""
    from callboard.core.roles import Role
    from callboard.core.testing.factories import UserFactory

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="manager-of-numbers", roles=[Role.COMPANY_MANAGER]))
    response = client.get(address)
    assert response.status_code in (400, 404), response.status_code
    assert "out of range" in response.content.decode() or response.status_code == 404


@pytest.mark.django_db
def test_a_form_checked_for_nul_can_still_be_read_whole_by_its_view() -> None:
    """Found by the sweep when the shop came: the NUL check parsed a multipart form from the
    stream, and the payment webhook, which reads the raw body, answered 500."""
    response = Client(raise_request_exception=False).post(
        "/shop/webhooks/stripe/", {"type": "checkout.session.completed"}
    )
    assert response.status_code < 500, response.content[:300]
