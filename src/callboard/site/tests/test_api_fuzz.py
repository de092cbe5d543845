"""The API, fuzzed against its own OpenAPI schema as every role and as nobody.

Schemathesis reads ``/api/v1/openapi.json`` from the Django WSGI application in process and
generates requests for every operation, unsafe methods included, against the demo company
in the test database. Every answer must be a documented status code with a
documented content type and a body that matches the documented schema, and never a 5xx.

- ``test_every_identity``: a few generated requests per operation (valid and invalid ones),
  each sent as anonymous and as one demo person of every role, with personal API tokens.
- ``test_all_roles_in_depth``: more requests per operation, with Schemathesis' coverage phase
  (boundary values of every parameter and field), as one person who holds every role, so
  that requests get past the capability checks into the services.

Each request runs in a savepoint that is rolled back, so every request sees the same world
and a database error in one cannot poison the next (PostgreSQL aborts the transaction).
Half of the generated ids named like ``dancer_id`` are swapped for ids of real records.
Generation is derandomized and the demo is built around today, so a failure in CI is
reproduced by running this file again the same day.

The world is the demo company without its two slow parts (a casting suggestion and twelve
weeks of workload history), plus an injury with its return-to-dance stage and a rating:
every kind of record the API names by id exists, so every router's operations reach real
records (``callboard.site.testing.worlds``, shared with the authorization matrix).
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from callboard.casting import models as km
from callboard.company import models as cm
from callboard.core import services
from callboard.core.models import ApiToken
from callboard.core.roles import Role
from callboard.core.testing.factories import UserFactory
from callboard.reception.models import Review
from callboard.repertoire import models as rm
from callboard.scheduling import models as schm
from callboard.season import models as sm
from callboard.site.api import api
from callboard.site.testing.worlds import add_wellbeing_records, build_company_quickly
from callboard.wellbeing import models as wm

SCHEMA_PATH = "/api/v1/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ANONYMOUS = "anonymous"
ALL_ROLES = "all_roles"
# One demo person per role (the dancer is a real dancer of the company, with her own records).
SIGN_IN = {
    Role.ARTISTIC_DIRECTOR: "director",
    Role.BALLET_MASTER: "balletmaster",
    Role.COMPANY_MANAGER: "manager",
    Role.BOX_OFFICE: "boxoffice",
    Role.PRESS: "press",
    Role.DANCER: "klara",
    Role.PHYSIOTHERAPIST: "physio",
}
IDENTITIES = [ANONYMOUS, *(role.value for role in SIGN_IN)]

# How many generated requests each operation gets in the fuzzing phase; with 128 operations
# this keeps the file at about five thousand requests in all.
EVERY_IDENTITY_EXAMPLES = 3
IN_DEPTH_EXAMPLES = 8


def _config(*, coverage: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 8,
            "generation": {
                "mode": "all",  # valid and invalid requests
                "deterministic": True,
                "with-security-parameters": False,  # the test sends each identity's token
            },
            "phases": {
                "examples": {"enabled": False},
                "coverage": {
                    "enabled": coverage,
                    "unexpected-methods": [],
                    "generation": {"mode": "positive"},
                },
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


_app = get_wsgi_application()
every_identity_schema = schemathesis.openapi.from_wsgi(
    SCHEMA_PATH, _app, config=_config(coverage=False)
)
in_depth_schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, _app, config=_config(coverage=True))

# The demo's records by the name of the id that points at them in paths, queries and bodies.
# Half the generated ids of these names are swapped for a real one, so requests reach the
# services (and not only "not found"); filled in by the ``world`` fixture.
ID_MODELS = {
    "commission_id": rm.Commission,
    "dancer_id": cm.Dancer,
    "entry_id": cm.TrainingEntry,
    "milestone_id": rm.Milestone,
    "performance_id": sm.Performance,
    "profile_id": cm.LabourProfile,
    "review_id": Review,
    "programme_id": sm.Programme,
    "role_id": rm.Role,
    "season_id": sm.Season,
    "section_id": rm.Section,
    "studio_id": cm.Studio,
    "token_id": ApiToken,
    "tour_id": sm.Tour,
    "venue_id": sm.Venue,
    "work_id": rm.Work,
    # casting, the schedule, box office and wellbeing
    "need_id": km.RehearsalNeed,
    "notification_id": km.Notification,
    "proposal_id": km.CastingProposal,
    "plan_id": schm.SchedulePeriod,
    "version_id": schm.Schedule,
    "run_id": schm.SolveRun,
    "notice_id": schm.Notice,
    "period_id": schm.AvailabilityPeriod,
    "conflict_id": schm.AvailabilityConflict,
    "injury_id": wm.Injury,
    "stage_id": wm.ReturnStage,
    "rating_id": wm.ExertionRating,
}
KNOWN_IDS: dict[str, list[int]] = {}


def _with_known_ids(_context: Any, values: Any) -> st.SearchStrategy[Any]:
    if not isinstance(values, dict):
        return st.just(values)
    swaps = {
        name: st.one_of(st.just(value), st.sampled_from(KNOWN_IDS[name]))
        for name, value in values.items()
        if type(value) is int and KNOWN_IDS.get(name)
    }
    if not swaps:
        return st.just(values)
    return st.fixed_dictionaries(swaps).map(lambda swapped: {**values, **swapped})


for _schema in (every_identity_schema, in_depth_schema):
    for _container in ("path_parameters", "query", "body"):
        _schema.hook(f"flatmap_{_container}")(_with_known_ids)

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        # the fixtures below hold the world for the whole test; each request is rolled back
        HealthCheck.function_scoped_fixture,
    ],
}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, dict[str, str]]]:
    """The core demo company, and an ``Authorization`` header per identity.

    Built once for this file inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it (pytest-django's ``db``).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # Every kind of record at least once: the demo without its two slow parts, and
            # an injury with a return-to-dance stage and a rating.
            now = build_company_quickly()
            add_wellbeing_records(now=now, diagnosis="Fuzzed sprain")
            for name, model in ID_MODELS.items():
                KNOWN_IDS[name] = list(
                    model.objects.order_by("pk").values_list("pk", flat=True)[:50]
                )
            now = timezone.now()
            users = {
                role.value: get_user_model().objects.get(username=u) for role, u in SIGN_IN.items()
            }
            users[ALL_ROLES] = UserFactory(username="every-role", roles=list(Role))
            headers: dict[str, dict[str, str]] = {ANONYMOUS: {}}
            for identity, user in users.items():
                _, raw = services.api_token_create(user=user, name="fuzz", now=now)
                headers[identity] = {"Authorization": f"Bearer {raw}"}
            yield headers
        finally:
            KNOWN_IDS.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_process(db: None) -> Iterator[None]:
    """Requests go through Django's WSGI handler inside the test's transaction.

    Like Django's test client, keep the handler from closing the connection at the end of
    each request (it would end the transaction the test database lives in).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Requests sent and server errors met, by identity: reported at the end of the run.
SENT: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    SENT.clear()
    SERVER_ERRORS.clear()
    yield
    if not SENT:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    per_identity = ", ".join(f"{who} {n}" for who, n in sorted(SENT.items()))
    line = (
        f"API fuzzing: {sum(SENT.values())} requests, "
        f"{sum(SERVER_ERRORS.values())} answered 5xx ({per_identity})"
    )
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


def call_and_validate(case: Any, identity: str, headers: dict[str, str]) -> None:
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    SENT[identity] += 1
    if response.status_code >= 500:
        SERVER_ERRORS[identity] += 1
    try:
        case.validate_response(response, headers=headers, checks=CHECKS)
    except (FailureGroup, AssertionError) as exc:
        exc.add_note(f"Sent as: {identity}")
        raise


def test_each_identity_is_who_it_says(world: dict[str, dict[str, str]], in_process: None) -> None:
    """The fuzzing below would pass just as well if every token were refused (401 is
    documented); so first, each token signs in its person with the expected roles."""
    me = every_identity_schema["/api/v1/account/me"]["GET"]
    for identity in [*IDENTITIES, ALL_ROLES]:
        response = me.Case().call(headers=world[identity])
        if identity == ANONYMOUS:
            assert response.status_code == 401
            continue
        assert response.status_code == 200, identity
        roles = response.json()["roles"]
        assert roles == (sorted(r.value for r in Role) if identity == ALL_ROLES else [identity])


def test_a_number_too_large_for_the_database_is_a_client_error(
    client: Any, world: dict[str, dict[str, str]], in_process: None
) -> None:
    """Found by the fuzzer: on SQLite a section id beyond 64 bits raised OverflowError (500)."""
    work_id = KNOWN_IDS["work_id"][0]
    response = client.post(
        f"/api/v1/repertoire/works/{work_id}/roles",
        {"name": "Peasant", "section_ids": [2**70]},
        content_type="application/json",
        HTTP_AUTHORIZATION=world[ALL_ROLES]["Authorization"],
    )
    # SQLite cannot bind the number (422); PostgreSQL looks it up and finds no section (404).
    assert response.status_code in (404, 422)
    assert set(response.json()) == {"message", "detail"}


@pytest.mark.slow
@every_identity_schema.parametrize()
@settings(max_examples=EVERY_IDENTITY_EXAMPLES, **HYPOTHESIS)
def test_every_identity(case: Any, world: dict[str, dict[str, str]], in_process: None) -> None:
    for identity in IDENTITIES:
        call_and_validate(case, identity, world[identity])


@pytest.mark.slow
@in_depth_schema.parametrize()
@settings(max_examples=IN_DEPTH_EXAMPLES, **HYPOTHESIS)
def test_all_roles_in_depth(case: Any, world: dict[str, dict[str, str]], in_process: None) -> None:
    call_and_validate(case, ALL_ROLES, world[ALL_ROLES])


def test_every_schema_name_names_one_schema() -> None:
    """Ninja keys the schema's components by class name: two ``PerformanceOut`` classes in two
    apps would leave one of them documented with the other's fields."""
    found: dict[str, set[str]] = {}
    visited: set[type] = set()

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in visited:
                return
            visited.add(annotation)
            if not annotation.__module__.startswith("ninja"):
                name = f"{annotation.__module__}.{annotation.__qualname__}"
                found.setdefault(annotation.__name__, set()).add(name)
            for field in annotation.model_fields.values():
                walk(field.annotation)
        for argument in typing.get_args(annotation):
            walk(argument)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    walk(model)
    assert len(found) > 50  # the walk did reach the apps' schemas
    assert {name: classes for name, classes in found.items() if len(classes) > 1} == {}
