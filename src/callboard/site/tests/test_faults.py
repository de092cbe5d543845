"""The database going away mid-request: a clear 503 page or JSON error, nothing half-written.

Real PostgreSQL, real requests: between the two writes of a service that saves two records
in one transaction (a new dancer is a person and their dancer record), the server ends the
request's connection (``pg_terminate_backend`` from a second connection). The answer must be
the 503 "try again" page (or the API's ``{message, detail}``), and neither record may exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from callboard.company.models import Dancer, Person
from callboard.core import services as core_services
from callboard.core.roles import Role
from callboard.core.testing.faults import (
    database_lost_after_first_insert,
    database_lost_after_first_save,
    terminate,
)
from conftest import require_postgres

pytestmark = [pytest.mark.django_db(transaction=True)]

NEW_DANCER = {
    "given_name": "Eleonora",
    "family_name": "Kalmurzaev",
    "rank": "principal",
    "status": "active",
}
PAGE_TEXT = (
    "The company&#x27;s database cannot be reached just now.",
    "Nothing you sent was saved halfway; try again in a minute.",
)


@pytest.fixture
def postgres() -> None:
    require_postgres()


@pytest.mark.postgres
def test_a_page_whose_database_goes_away_mid_write_says_so_and_saves_nothing(
    postgres: None, client_as: Any
) -> None:
    client = client_as(Role.ARTISTIC_DIRECTOR)
    with database_lost_after_first_save(Person) as fault:
        response = client.post("/people/new/", NEW_DANCER)

    assert fault.pid, "the fault was never injected: the service saved no person"
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    for text in PAGE_TEXT:
        assert text in page
    # The person was written and then lost with its transaction: neither record exists.
    assert not Person.objects.filter(pk=fault.saved_pk).exists()
    assert not Person.objects.filter(family_name="Kalmurzaev").exists()
    assert not Dancer.objects.exists()

    # The database is back: the same form, sent again, puts the dancer on the roster once.
    again = client.post("/people/new/", NEW_DANCER)
    assert again.status_code == 302
    assert Dancer.objects.get().person.given_name == "Eleonora"


@pytest.mark.postgres
def test_the_api_answers_a_clear_json_503_and_saves_nothing(postgres: None, make_user: Any) -> None:
    from django.test import Client

    user = make_user(Role.COMPANY_MANAGER)
    _token, raw = core_services.api_token_create(user=user, name="faults", now=timezone.now())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with database_lost_after_first_save(Person) as fault:
        response = client.post(
            "/api/v1/company/dancers", NEW_DANCER, content_type="application/json"
        )

    assert fault.pid
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "detail"}
    assert "cannot be reached just now" in body["message"]
    assert "Nothing you sent was saved halfway" in body["message"]
    assert body["detail"] == {"code": "database_unavailable", "retry_after": 60}
    assert not Person.objects.filter(pk=fault.saved_pk).exists()
    assert not Person.objects.filter(family_name="Kalmurzaev").exists()
    assert not Dancer.objects.exists()

    again = client.post("/api/v1/company/dancers", NEW_DANCER, content_type="application/json")
    assert again.status_code == 201
    assert Dancer.objects.count() == 1


@pytest.mark.postgres
def test_a_page_read_on_a_dead_connection_is_the_503_page_too(
    postgres: None, client_as: Any
) -> None:
    """Not only writes: a page whose connection was ended before it queried answers 503."""
    client = client_as(Role.ARTISTIC_DIRECTOR)
    # Open the connection now and end it; Django only notices when the page queries.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    terminate(pid)

    response = client.get("/people/")
    assert response.status_code == 503
    assert PAGE_TEXT[1] in response.content.decode()
    # What Django does at the end of every real request (the test client skips it): a
    # connection that failed and no longer answers is dropped, so the next page reconnects.
    connection.close_if_unusable_or_obsolete()
    assert client.get("/people/").status_code == 200


def test_on_sqlite_a_database_held_by_another_writer_is_the_503_page(client_as: Any) -> None:
    """SQLite cannot lose a connection, but it can refuse one: another writer holds the file.

    The service's transaction cannot begin, so nothing is written and the person is told
    to try again, the same page as PostgreSQL's lost connection.
    """
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass of the suite shows this; PostgreSQL's tests are above")
    import sqlite3

    client = client_as(Role.ARTISTIC_DIRECTOR)
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, held
        response = client.post("/people/new/", NEW_DANCER)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert response.status_code == 503
    assert PAGE_TEXT[1] in response.content.decode()
    connection.close_if_unusable_or_obsolete()
    assert not Person.objects.filter(family_name="Kalmurzaev").exists()
    assert client.post("/people/new/", NEW_DANCER).status_code == 302


def test_the_500_handler_answers_503_when_the_database_failed_outside_a_view(rf: Any) -> None:
    """``handler500`` runs while Django handles the error (a middleware's, or the session's
    save after the view): the database's errors get the 503 page, anything else the 500."""
    from django.db import OperationalError

    from callboard.core.middleware import server_error

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        page = server_error(rf.get("/people/"))
        api = server_error(rf.get("/api/v1/company/dancers"))
    assert page.status_code == 503 and PAGE_TEXT[1] in page.content.decode()
    assert api.status_code == 503 and api["Content-Type"] == "application/json"

    try:
        raise ValueError("a bug, not the database")
    except ValueError:
        other = server_error(rf.get("/people/"))
    assert other.status_code == 500


@pytest.mark.postgres
def test_a_box_office_order_cut_off_by_the_database_is_a_503_not_busy_and_sells_nothing(
    postgres: None, client: Any
) -> None:
    """The box office turns lost races into "very busy, try again" (409); a database that is
    gone is not a race: the buyer gets the 503 answer and no order, ticket or sold seat."""
    from callboard.audit.models import AuditEntry
    from callboard.boxoffice import services as boxoffice
    from callboard.boxoffice.models import Order, Ticket
    from callboard.boxoffice.tests.factories import on_sale

    boxoffice.house_cache_clear()
    perf = on_sale(timezone.now())
    base = "/api/v1/boxoffice"
    cart = client.post(
        f"{base}/performances/{perf.pk}/carts",
        {"best_available": {"count": 2}},
        content_type="application/json",
    )
    assert cart.status_code == 201
    token = cart.json()["token"]

    # The order and its tickets are written, then its entry in the history: the connection
    # is lost right after that, before the sale commits.
    with database_lost_after_first_insert(AuditEntry) as fault:
        response = client.post(
            f"{base}/carts/{token}/order",
            {"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
            content_type="application/json",
        )

    assert fault.pid, "the fault was never injected: no history entry was saved"
    assert response.status_code == 503, response.content
    assert response.json()["detail"]["code"] == "database_unavailable"
    connection.close_if_unusable_or_obsolete()
    assert not Order.objects.exists()
    assert not Ticket.objects.exists()

    # Back again: the same cart still holds its seats and becomes one order of two tickets.
    again = client.post(
        f"{base}/carts/{token}/order",
        {"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
        content_type="application/json",
    )
    assert again.status_code == 201
    assert Order.objects.count() == 1 and Ticket.objects.count() == 2
    boxoffice.house_cache_clear()
