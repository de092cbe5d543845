"""The authorization matrix: every page and API operation, for every role, checked over HTTP.

One demo company is built per module (the slow part: half a minute and more) and every
test runs in a savepoint on top of it. The cases are grouped per route: each page and each
API operation is one test case (its id is the URL name or the operationId), and inside it
every subject of ``authz_matrix.SUBJECTS`` is tried in turn and every wrong answer is
collected, so one failure reports the whole row (about 300 cases instead of 2,700).

Pages are fetched with GET; forms and POST-only pages are also sent a POST (empty, or the
entry's ``data`` where an empty form would be turned away before the guard is reached). API
operations are called with their method and a minimal body that passes validation, so a
denial is the guard's and not the schema's. Denied subjects go first, and together they
must write nothing to the database (counted by the database itself). Each allowed request
is rolled back after it; it may fail on its input (400, 409, 422) but never with a 500.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role
from callboard.core.testing.twofactor import verify_session
from callboard.site.api import api
from callboard.site.testing.worlds import add_wellbeing_records, build_company_quickly
from callboard.site.tests.authz_matrix import (
    ADMIN_PREFIX,
    ANONYMOUS,
    API_META,
    API_PREFIX,
    FORM,
    OPS,
    OTHER_DANCER,
    PAGES,
    POST,
    SIGNED_IN,
    SUBJECTS,
    TRESPASSES,
    Key,
    Op,
    Page,
)

USERNAMES = {
    Role.ARTISTIC_DIRECTOR.value: "director",
    Role.BALLET_MASTER.value: "balletmaster",
    Role.COMPANY_MANAGER.value: "manager",
    Role.BOX_OFFICE.value: "boxoffice",
    Role.PRESS.value: "press",
    Role.DANCER.value: "klara",
    Role.PHYSIOTHERAPIST.value: "physio",
    OTHER_DANCER: "eleonora",
}
# Rows that a request may change without being an action: sessions (messages, sign-in).
UNTRACKED_TABLES = {"django_session"}
ALLOWED_PAGE = {200, 201, 204, 301, 302, 303, 400, 405, 409, 422}
ALLOWED_API = {200, 201, 204, 400, 405, 409, 410, 422}


# --------------------------------------------------------------------------- enumeration


def walk_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(route, name) of every URL pattern, ``name`` qualified by its namespaces."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk_patterns(pattern, prefix + _route(pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + _route(pattern)
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                name = f"({route})"  # an unnamed pattern is known by its route
            yield route, name


def _route(pattern: URLPattern | URLResolver) -> str:
    """The pattern's route; a regular expression's anchors dropped."""
    return str(pattern.pattern).removeprefix("^").removesuffix("$")


@functools.cache
def openapi() -> dict[str, Any]:
    """The API's OpenAPI schema (built once: building it takes a second)."""
    return dict(api.get_openapi_schema())


def api_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path template, OpenAPI operation) for every API operation."""
    schema = openapi()
    found = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def test_every_page_has_an_entry_in_the_matrix() -> None:
    missing = []
    for route, name in walk_patterns():
        if route.startswith(ADMIN_PREFIX):
            continue  # one entry class: staff only, checked below
        if route.startswith(API_PREFIX):
            continue  # every operation is checked from the schema
        if name not in PAGES:
            missing.append(f"{name or '(unnamed)'} at /{route}")
    assert not missing, (
        "These pages have no entry in src/callboard/site/tests/authz_matrix.py; add one to "
        "PAGES saying who may open them (and how to fill their URL arguments):\n  "
        + "\n  ".join(missing)
    )
    known = {name for _route, name in walk_patterns()}
    stale = sorted(set(PAGES) - known)
    assert not stale, f"PAGES names URL patterns that no longer exist: {stale}"


def test_every_api_operation_has_an_entry_in_the_matrix() -> None:
    operations = api_operations()
    missing = sorted(
        f"{method} {path} ({op_id})"
        for op_id, (method, path, _o) in operations.items()
        if op_id not in OPS
    )
    assert not missing, (
        "These API operations have no entry in src/callboard/site/tests/authz_matrix.py; add "
        "one to OPS (by operationId) saying who may call them:\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(OPS) - set(operations))
    assert not stale, f"OPS names operations the API no longer has: {stale}"
    # Every URL pattern under api/v1/ is an operation of the schema or a view of the API itself.
    api_paths = {path.removeprefix("/") for _m, path, _o in operations.values()}
    for route, name in walk_patterns():
        if route.startswith(API_PREFIX) and name not in API_META:
            as_template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            assert as_template in api_paths, f"/{route} ({name}) is not in the API's schema"


def test_the_api_schema_and_unknown_api_paths_answer_anyone(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    lost = client.get("/api/v1/no-such-thing")
    assert lost.status_code == 404
    assert "message" in lost.json()


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    keys: dict[str, Any]
    sessions: dict[str, str]  # subject -> session key
    baseline: str  # fingerprint of the database as every test starts

    def value(self, given: Any) -> Any:
        return self.keys[given] if isinstance(given, Key) else given


def writes() -> int | None:
    """How many rows this connection has written so far, where the database can say cheaply.

    PostgreSQL counts them per table for the current transaction (sessions left out). SQLite
    counts every row, sessions included (a first request may note something in its session),
    so there :class:`Unchanged` reads the statements instead. Elsewhere: None, and the caller
    compares :func:`fingerprint` instead.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return 0
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables WHERE relname <> 'django_session'"
            )
        else:
            return None
        return int(cursor.fetchone()[0])


WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)


def _written_tables(queries: list[dict[str, Any]]) -> set[str]:
    tables = set()
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in UNTRACKED_TABLES:
            tables.add(match.group(2))
    return tables


class Unchanged:
    """``with Unchanged(world) as check: ...; check.ok`` - did the block write nothing?"""

    def __init__(self, world: World) -> None:
        self.world = world
        self.ok = True

    def __enter__(self) -> Unchanged:
        self.statements = CaptureQueriesContext(connection)
        self.statements.__enter__()
        self.before = writes()
        return self

    def __exit__(self, *exc: object) -> None:
        self.statements.__exit__(*exc)
        if self.before is None:
            self.ok = fingerprint() == self.world.baseline
        else:
            self.ok = writes() == self.before
        # Every write statement but a session's (SQLite cannot count them per table).
        self.written = _written_tables(self.statements.captured_queries)
        self.ok = self.ok and not self.written


def fingerprint() -> str:
    """A digest of every row of every table but sessions."""
    digest = hashlib.sha1()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in UNTRACKED_TABLES:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest.update(table.encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()


def _world_keys(now: dt.datetime) -> dict[str, Any]:
    from callboard.boxoffice import models as bm
    from callboard.boxoffice import services as box
    from callboard.casting import models as km
    from callboard.company import models as cm
    from callboard.core import services as core_services
    from callboard.reception import models as rcm
    from callboard.repertoire import models as rm
    from callboard.scheduling import models as sm
    from callboard.scheduling import services as sched
    from callboard.season import models as se

    users = get_user_model().objects
    klara_user = users.get(username="klara")
    klara = cm.Dancer.objects.select_related("person").get(person__user=klara_user)
    swan_lake = rm.Work.objects.get(title="Swan Lake")
    cast_performance = (
        se.Performance.objects.filter(cast_assignments__isnull=False).order_by("starts_at").first()
    )
    assert cast_performance is not None, "the demo casts no performance"
    on_sale = (  # a performance still to come whose tickets sell (the gala is over)
        se.Performance.objects.filter(tickets__isnull=False, starts_at__gt=now)
        .distinct()
        .order_by("starts_at")
        .first()
    )
    assert on_sale is not None, "the demo sells no ticket"
    survey = rcm.FeedbackSurvey.objects.select_related("performance").order_by("pk").first()
    assert survey is not None, "the demo has no audience survey"
    published = sm.Schedule.objects.filter(number__isnull=False).order_by("pk").first()
    assert published is not None, "the demo publishes no schedule"
    call = sm.Call.objects.filter(schedule=published).order_by("starts_at").first()
    assert call is not None

    proposal = km.CastingProposal.objects.order_by("pk").first()
    if proposal is None:
        proposal = km.CastingProposal.objects.create(
            programme=cast_performance.programme, created_at=now
        )
        proposal.performances.add(cast_performance)
    notification = km.Notification.objects.filter(person=klara.person).order_by("pk").first()
    if notification is None:
        notification = km.Notification.objects.create(
            person=klara.person, subject="Casting", body="You are cast.", created_at=now
        )
    notice = sm.Notice.objects.filter(person=klara.person).order_by("pk").first()
    if notice is None:
        notice = sm.Notice.objects.create(
            person=klara.person,
            schedule=published,
            kind=sm.Notice.Kind.values[0],
            new_call=call,
            subject="Your call changed",
            body="Now at ten.",
            created_at=now,
        )
    wellbeing = add_wellbeing_records(now=now, diagnosis="Authorization-matrix sprain")
    injury, stage, rating = wellbeing.injury, wellbeing.stage, wellbeing.rating
    draft = (
        km.CastAssignment.objects.filter(performance__starts_at__gt=now)
        .filter(performance__casting_announcements__isnull=True)
        .select_related("dancer__person")
        .order_by("performance__starts_at", "pk")
        .first()
    )
    assert draft is not None, "the demo has no draft casting to keep from dancers"
    comp_claim = bm.FamilyComp.objects.create(
        performance=on_sale,
        dancer=klara,
        guest_name="Klára's mother",
        seats=1,
        requested_at=now,
    )
    cast_role = (
        km.CastAssignment.objects.filter(performance=cast_performance)
        .order_by("pk")
        .first()
        .role_id
    )
    token, _raw = core_services.api_token_create(user=klara_user, name="phone", now=now)
    feed = sched.feed_token_create(
        user=klara_user, scope=sm.CalendarFeedToken.Scope.PERSONAL, now=now
    )
    paid_order = (
        bm.Order.objects.filter(status=bm.Order.Status.PAID, token__isnull=False)
        .order_by("pk")
        .first()
    )
    assert paid_order is not None, "the demo has no paid order to download tickets of"
    cart = box.cart_create(
        performance=on_sale, now=timezone.now(), best=box.BestRequest(count=1), by=CALLBOARD
    )
    discount = box.discount_create(
        code="MATRIX-10", kind="percent", value=10, max_uses=5, by=CALLBOARD, now=now
    )
    patron = box.patron_for_order(email="matrix.patron@example.org", name="Matrix Patron", now=now)
    waiting = bm.WaitlistEntry.objects.create(
        performance=on_sale,
        name="Waiting Buyer",
        email="waiting.buyer@example.org",
        seats=1,
        token="matrix-waitlist-token",
        created_at=now,
    )
    asked = _availability_period(now)
    conflict = sm.AvailabilityConflict.objects.create(
        period=asked,
        person=klara.person,
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=20, hours=2),
        kind="doctor",
        reason="Authorization-matrix dentist",
        created_at=now,
    )
    keys = {
        "discount": discount.pk,
        "patron": patron.pk,
        "patron_email": patron.email,
        "waitlist_token": waiting.token,
        "waitlist_email": waiting.email,
        "dancer": klara.pk,
        "dancer_person": klara.person_id,
        "dancer_email": klara.person.email,
        "injury_diagnosis": injury.diagnosis,
        "training": cm.TrainingEntry.objects.filter(dancer=klara).order_by("pk").first().pk,
        "staff": cm.Staff.objects.order_by("pk").first().pk,
        "contact": cm.Person.objects.filter(kind=cm.Person.Kind.CONTACT).order_by("pk")[0].pk,
        "studio": cm.Studio.objects.order_by("pk").first().pk,
        "site": cm.Site.objects.order_by("pk").first().pk,
        "labour": cm.LabourProfile.objects.order_by("pk").first().pk,
        "work": swan_lake.pk,
        "section": rm.Section.objects.filter(work=swan_lake).order_by("pk").first().pk,
        "role": rm.Role.objects.get(work=swan_lake, name="Odette/Odile").pk,
        "commission": rm.Commission.objects.get().pk,
        "milestone": rm.Milestone.objects.filter(done_on__isnull=True).order_by("pk")[0].pk,
        "venue": se.Venue.objects.order_by("pk").first().pk,
        "season": se.Season.objects.get().pk,
        "tour": se.Tour.objects.order_by("pk").first().pk,
        "programme": swan_lake.programme_items.order_by("pk").first().programme_id,
        "performance": cast_performance.pk,
        "cast_programme": cast_performance.programme_id,
        "cast_performance": cast_performance.pk,
        "proposal": proposal.pk,
        "need": km.RehearsalNeed.objects.order_by("pk").first().pk,
        "notification": notification.pk,
        "plan": published.period_id,
        "version": published.pk,
        "version_number": published.number,
        "call_request": sm.CallRequest.objects.filter(period=published.period_id)
        .order_by("pk")
        .first()
        .pk,
        "fixed_event": sm.FixedEvent.objects.order_by("pk").first().pk,
        "closure": (sm.StudioClosure.objects.order_by("pk").first() or _closure(now)).pk,
        "unavailability": (
            sm.Unavailability.objects.order_by("pk").first() or _unavailability(klara, now)
        ).pk,
        "run": sm.SolveRun.objects.order_by("pk").first().pk,
        "availability_period": asked.pk,
        "conflict": conflict.pk,
        "conflict_reason": conflict.reason,
        "call": call.pk,
        "call_day": call.starts_at.astimezone(sched_zone()).date().isoformat(),
        "notice": notice.pk,
        "feed_token": feed.token,
        "house": on_sale.venue_id,
        "on_sale": on_sale.pk,
        "order": bm.Order.objects.filter(performance=on_sale).order_by("pk").first().pk,
        "ticket_code": bm.Ticket.objects.order_by("pk").first().code,
        "cart_token": cart.token,
        "order_token": bm.Order.objects.filter(performance=on_sale).order_by("pk").first().token,
        "paid_order_token": paid_order.token,
        "paid_ticket_code": paid_order.tickets.order_by("pk").first().code,
        "payment_provider": "box_office",
        "performed": survey.performance_id,
        "survey_token": survey.token,
        "review": rcm.Review.objects.order_by("pk").first().pk,
        "feedback": rcm.Feedback.objects.order_by("pk").first().pk,
        "injury": injury.pk,
        "stage": stage.pk,
        "rating": rating.pk,
        "cast_role": cast_role,
        "comp_claim": comp_claim.pk,
        "draft_performance": draft.performance_id,
        "draft_dancer": str(draft.dancer.person),
        "rated_day": rating.day.isoformat(),
        "today": timezone.localdate().isoformat(),
        "api_token": token.pk,
        "reset_uid": urlsafe_base64_encode(force_bytes(klara_user.pk)),
        "reset_token": default_token_generator.make_token(klara_user),
    }
    return keys


def sched_zone() -> Any:
    from callboard.core.zones import company_zone

    return company_zone()


def _closure(now: dt.datetime) -> Any:
    from callboard.company.models import Studio
    from callboard.scheduling.models import StudioClosure

    return StudioClosure.objects.create(
        studio=Studio.objects.order_by("pk").first(),
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=2),
        reason="Floor repair",
        created_at=now,
    )


def _availability_period(now: dt.datetime) -> Any:
    from callboard.scheduling.models import AvailabilityPeriod

    today = now.date()
    return AvailabilityPeriod.objects.create(
        first_day=today + dt.timedelta(days=14),
        last_day=today + dt.timedelta(days=40),
        deadline=now + dt.timedelta(days=7),
        created_at=now,
    )


def _unavailability(dancer: Any, now: dt.datetime) -> Any:
    from callboard.scheduling.models import Unavailability

    return Unavailability.objects.create(
        person=dancer.person,
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=3),
        reason="Doctor",
        created_at=now,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        keys = _world_keys(build_company_quickly())
        sessions = {}
        for subject, username in USERNAMES.items():
            client = Client()
            user = get_user_model().objects.get(username=username)
            client.force_login(user)
            verify_session(client, user)  # module-scoped: before the autouse fixture's patch
            sessions[subject] = client.cookies["sessionid"].value
        yield World(keys=keys, sessions=sessions, baseline=fingerprint())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _jobs_inline(settings: Any) -> None:
    settings.CALLBOARD_JOBS = "inline"


def undone(send: Any, *args: Any, **kwargs: Any) -> Any:
    """Send a request whose effects are rolled back, so the next subject finds the same world."""
    with transaction.atomic():
        response = send(*args, **kwargs)
        transaction.set_rollback(True)
    return response


@functools.cache
def _client(subject: str) -> Client:
    # One client per subject: a client loads the middleware once (WhiteNoise's scan of the
    # static files alone costs more than most pages).
    return Client()


def client_for(world: World, subject: str) -> Client:
    """The subject's client with only its session cookie (a sign-out never sticks)."""
    client = _client(subject)
    client.cookies = SimpleCookie()
    if subject != ANONYMOUS:
        client.cookies["sessionid"] = world.sessions[subject]
    return client


@pytest.mark.django_db
def test_the_change_detector_sees_a_write(world: World) -> None:
    from callboard.company.models import Studio

    with Unchanged(world) as untouched:
        Studio.objects.order_by("pk").first()
    assert untouched.ok
    with Unchanged(world) as touched:
        Studio.objects.filter(pk=world.keys["studio"]).update(name="Renamed")
    assert not touched.ok


# --------------------------------------------------------------------------- pages


def page_url(name: str, entry: Page, world: World) -> str:
    kwargs = {arg: world.keys[key] for arg, key in entry.kwargs.items()}
    missing = [key for arg, key in entry.kwargs.items() if kwargs[arg] is None]
    assert not missing, f"the fixture world has no record for {missing}"
    return reverse(name, kwargs=kwargs)


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def _denied(entry: Page, subject: str, response: Any) -> bool:
    if subject == ANONYMOUS:
        return _to_login(response)
    return response.status_code in entry.deny and not _to_login(response)


def _allowed(response: Any) -> bool:
    return response.status_code in ALLOWED_PAGE and not _to_login(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(name: str, world: World) -> None:
    entry = PAGES[name]
    url = page_url(name, entry, world)
    query = {param: world.value(value) for param, value in entry.query.items()}
    wrong: list[str] = []
    denied = [s for s in SUBJECTS if s not in entry.allow]
    allowed = [s for s in SUBJECTS if s in entry.allow]

    data = {field: world.value(value) for field, value in entry.data.items()}
    with Unchanged(world) as unchanged:
        if entry.mode in (FORM, POST):
            for subject in denied:
                response = client_for(world, subject).post(url, data)
                if not _denied(entry, subject, response):
                    wrong.append(f"POST as {subject}: {_said(response)}, expected a denial")
        for subject in denied:
            response = client_for(world, subject).get(url, query)
            if entry.mode == POST:
                if response.status_code not in (302, 403, 404, 405):
                    wrong.append(f"GET as {subject}: {_said(response)}")
            elif not _denied(entry, subject, response):
                wrong.append(f"GET as {subject}: {_said(response)}, expected a denial")
    if not unchanged.ok:
        wrong.append(f"a denied request changed the database ({', '.join(denied)})")

    for subject in allowed:
        response = undone(client_for(world, subject).get, url, query)
        if entry.mode == POST:
            if response.status_code not in (302, 405) or _to_login(response):
                wrong.append(f"GET of a POST-only page as {subject}: {_said(response)}")
        elif not _allowed(response) or response.status_code == 405:
            wrong.append(f"GET as {subject}: {_said(response)}, expected the page")
        else:
            wrong += _privacy(entry, world, subject, response, "GET")
    if entry.mode in (FORM, POST) and not entry.skip_allowed_post:
        for subject in allowed:
            response = undone(client_for(world, subject).post, url, data)
            if entry.signs_out and _to_login(response):
                continue
            if not _allowed(response):
                wrong.append(f"empty POST as {subject}: {_said(response)}")

    assert not wrong, f"{name} ({url}):\n  " + "\n  ".join(wrong)


def _privacy(entry: Page | Op, world: World, subject: str, response: Any, method: str) -> list[str]:
    """What ``response`` shows that ``subject`` may not see, or hides that they should."""
    text = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)  # "Klára", not "Kl\\u00e1ra"
    wrong = []
    for check, strict in ((entry.reveals, True), (entry.hides, False)):
        if check is None:
            continue
        key, who = check
        secret = str(world.keys[key])
        assert secret, f"the fixture world has no {key}"
        shown = secret in text
        if shown and subject not in who:
            wrong.append(f"{method} as {subject}: shows {key} ({secret!r})")
        elif strict and not shown and subject in who:
            wrong.append(f"{method} as {subject}: does not show {key} ({secret!r})")
    return wrong


def test_the_privacy_check_sees_a_leak_and_a_gap() -> None:
    world = World(keys={"secret": "s3cret"}, sessions={}, baseline="")
    page = HttpResponse("<p>s3cret</p>")
    blank = HttpResponse("<p>nothing</p>")
    hidden = Op(SIGNED_IN, hides=(Key("secret"), frozenset({"physiotherapist"})))
    assert _privacy(hidden, world, "press", page, "GET")
    assert not _privacy(hidden, world, "physiotherapist", page, "GET")
    shown = Op(SIGNED_IN, reveals=(Key("secret"), frozenset({"press"})))
    assert _privacy(shown, world, "press", blank, "GET")
    assert not _privacy(shown, world, "press", page, "GET")


def _said(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(TRESPASSES))
def test_a_dancer_cannot_act_on_another_dancers_record(label: str, world: World) -> None:
    entry = TRESPASSES[label]
    url = reverse(entry.name, kwargs={a: world.keys[k] for a, k in entry.kwargs.items()})
    data = {name: world.value(value) for name, value in entry.data.items()}
    with Unchanged(world) as unchanged:
        response = client_for(world, OTHER_DANCER).post(url, data)
    assert response.status_code < 500
    assert unchanged.ok, f"{label}: the other dancer's POST to {url} changed the database"
    with Unchanged(world) as by_owner:
        response = undone(client_for(world, "dancer").post, url, data)
    assert not by_owner.ok, (
        f"{label}: the owner's own POST to {url} ({_said(response)}) changed nothing, so the "
        "check above proves nothing: fix the entry's data in TRESPASSES"
    )


# --------------------------------------------------------------------------- admin


def admin_urls() -> list[str]:
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return urls


@pytest.mark.django_db
def test_admin_is_for_staff_only(world: World) -> None:
    """Every role and every dancer is sent to the admin's own sign-in; the superuser gets in."""
    admin_client = Client()
    admin_client.force_login(get_user_model().objects.get(username="admin"))
    wrong = []
    index = reverse("admin:index")
    for url in admin_urls():
        # The admin lets in staff only, whatever the page: every subject tries the index, and
        # the most trusted role, a dancer and an anonymous visitor try every model's list.
        subjects = SUBJECTS if url == index else (ANONYMOUS, "artistic_director", "dancer")
        for subject in subjects:
            response = client_for(world, subject).get(url)
            if not (response.status_code == 302 and "/admin/login/" in response["Location"]):
                wrong.append(f"{url} as {subject}: {_said(response)}")
    response = admin_client.get(reverse("admin:index"))
    if response.status_code != 200:
        wrong.append(f"the admin's index as the superuser: {response.status_code}")
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------- API


def _resolve(ref: str, components: dict[str, Any]) -> dict[str, Any]:
    return components["schemas"][ref.rsplit("/", 1)[-1]]  # type: ignore[no-any-return]


# Which record of the world an id field of a request body names (``performance_id`` ->
# the world's "performance"); ids of the world, never a guessed 1: ids depend on what the
# database made before (PostgreSQL's sequences do not roll back with a test's records).
BODY_IDS = {
    "choreographer_id": "contact",
    "commissioned_by_id": "contact",
    "conductor_id": "contact",
    "creator_id": "contact",
    "critic_id": "contact",
    "person_id": "contact",
    "ids": "feedback",
    "parent_id": "section",
    "performance_ids": "performance",
    "section_ids": "section",
    "work_ids": "work",
}


def example(
    schema: dict[str, Any], components: dict[str, Any], world: World, name: str = ""
) -> Any:
    """A small value that passes ``schema``: the first enum member, an id from the world..."""
    if "$ref" in schema:
        return example(_resolve(schema["$ref"], components), components, world, name)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return example(options[0], components, world, name)
    if "default" in schema and schema.get("default") is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            prop_name: example(prop, components, world, prop_name)
            for prop_name, prop in schema.get("properties", {}).items()
            if prop_name in required
        }
    if kind == "array":
        return (
            [example(schema.get("items", {}), components, world, name)]
            if schema.get("minItems")
            else []
        )
    if kind == "integer":
        key = BODY_IDS.get(name) or name.removesuffix("_id")
        if name.endswith(("_id", "ids")) and isinstance(world.keys.get(key), int):
            return world.keys[key]
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(schema.get("minimum", 1)), 1.0)
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return "2026-12-01"
    if fmt == "date-time":
        return "2026-12-01T10:00:00+03:00"
    if fmt == "time":
        return "10:00:00"
    if fmt == "email":
        return "someone@example.org"
    length = int(schema.get("minLength", 1))
    return "x" * max(length, 1)


def op_request(op_id: str, entry: Op, world: World) -> tuple[str, str, Any]:
    schema = openapi()
    method, path, operation = api_operations()[op_id]
    url = path
    for param, key in entry.kwargs.items():
        value = world.keys[key]
        assert value is not None, f"the fixture world has no record for {key}"
        url = url.replace("{" + param + "}", str(value))
    assert "{" not in url, f"{op_id}: fill {url} from the world in OPS kwargs"
    if entry.query:
        url += "?" + urlencode({k: world.value(v) for k, v in entry.query.items()})
    body = entry.body
    if body is None and "requestBody" in operation:
        content = operation["requestBody"]["content"]
        media = content.get("application/json") or next(iter(content.values()))
        body = example(media["schema"], schema.get("components", {}), world)
    return method, url, body


def call(client: Client, method: str, url: str, body: Any) -> Any:
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("op_id", sorted(OPS))
def test_api_operation(op_id: str, world: World) -> None:
    entry = OPS[op_id]
    method, url, body = op_request(op_id, entry, world)
    wrong: list[str] = []
    denied = [s for s in SUBJECTS if s not in entry.allow]
    allowed = [s for s in SUBJECTS if s in entry.allow]
    with Unchanged(world) as unchanged:
        for subject in denied:
            response = call(client_for(world, subject), method, url, body)
            expected = (401,) if subject == ANONYMOUS else entry.deny
            if response.status_code not in expected:
                wrong.append(f"{method} as {subject}: {response.status_code}, expected {expected}")
    if not unchanged.ok:
        wrong.append(f"a denied request changed the database ({', '.join(denied)})")
    if not entry.skip_allowed:
        for subject in allowed:
            response = undone(call, client_for(world, subject), method, url, body)
            if response.status_code not in ALLOWED_API:
                wrong.append(
                    f"{method} as {subject}: {response.status_code} {response.content[:200]!r}"
                )
            elif response.status_code == 200:
                wrong += _privacy(entry, world, subject, response, method)
    assert not wrong, f"{op_id} ({method} {url}, body {body}):\n  " + "\n  ".join(wrong)
