"""The history on the records' pages, and the company-wide history at /audit/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.audit.models import AuditEntry
from callboard.boxoffice import services as boxoffice
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.casting import services as casting
from callboard.casting.tests.conftest import make_world
from callboard.company.tests.plans import DAY1, at
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role
from callboard.scheduling import services as scheduling
from callboard.season.tests import factories as f
from callboard.wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_house_cache():
    boxoffice.house_cache_clear()
    yield
    boxoffice.house_cache_clear()


def _history(html: str) -> str:
    assert 'id="history"' in html, "the page has no history section"
    return html.split('id="history"', 1)[1]


def test_the_casting_board_shows_who_cast_whom(client_as, make_user, now):
    world = make_world()
    director = make_user(Role.ARTISTIC_DIRECTOR, first_name="Sergei", last_name="Pavlov")
    klara = world.dancer(world.queen, rank="principal", person=f.PersonFactory(given_name="Klara"))
    casting.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=klara, by=director, now=now
    )
    client = client_as(user=director)
    history = _history(
        client.get(reverse("casting:board", args=[world.programme.pk])).content.decode()
    )
    assert "Sergei Pavlov" in history and "Cast Klara" in history and "Swan Queen" in history


def test_the_plan_and_version_pages_show_the_edits_and_the_publication(client, plan, now):
    scheduling.call_add(
        period=plan.period,
        studio=plan.studio_b,
        starts_at=at(DAY1, 14),
        ends_at=at(DAY1, 15),
        label="Veils fitting",
        people=[plan.klara],
        by=plan.master,
        now=now,
    )
    version = scheduling.schedule_publish(period=plan.period, by=plan.master, now=now).version
    client.force_login(plan.master)
    history = _history(
        client.get(reverse("scheduling:plan", args=[plan.period.pk])).content.decode()
    )
    assert "Added a call: Veils fitting" in history and "Published version 1" in history
    page = client.get(reverse("scheduling:version", args=[plan.period.pk, version.number]))
    history = _history(page.content.decode())
    assert "Published version 1" in history and "Added a call" not in history


def test_the_holds_and_order_pages_show_their_history(client_as, make_user, now):
    clerk = make_user(Role.BOX_OFFICE, first_name="Svetlana", last_name="Rudneva")
    perf = on_sale(now)
    boxoffice.hold_create(
        performance=perf,
        kind="press",
        reason="Review seats",
        owner_label="The Moscow Times",
        seat_ids=seat_ids(perf, "1", 1),
        by=clerk,
        now=now,
    )
    order = buy(perf, seat_ids(perf, "2", 1), now, name="Grandmother")
    boxoffice.order_refund(order=order, by=clerk, now=now)
    client = client_as(user=clerk)
    holds = _history(client.get(reverse("boxoffice:holds", args=[perf.pk])).content.decode())
    assert "Svetlana Rudneva" in holds and "The Moscow Times" in holds
    assert "Grandmother" not in holds  # orders are on their own pages
    page = _history(client.get(reverse("boxoffice:order", args=[order.pk])).content.decode())
    assert "for Grandmother" in page and "Cancelled 1 ticket(s)" in page
    assert "The Moscow Times" not in page


@pytest.fixture
def injured(make_user, now):
    dancer_user = make_user(Role.DANCER)
    dancer = f.DancerFactory(person=f.PersonFactory(user=dancer_user, given_name="Klara"))
    physio = make_user(Role.PHYSIOTHERAPIST, first_name="Nina", last_name="Sorokina")
    injury = wellbeing.injury_record(
        dancer=dancer,
        body_part="ankle",
        occurred_on=now.date() - dt.timedelta(days=1),
        diagnosis="Sprain",
        by=physio,
        now=now,
    )
    return {"injury": injury, "dancer_user": dancer_user, "physio": physio}


def test_the_injury_page_shows_its_history_to_the_physio_and_the_dancer_only(
    client, make_user, injured
):
    url = reverse("wellbeing:injury", args=[injured["injury"].pk])
    for user in (injured["physio"], injured["dancer_user"]):
        client.force_login(user)
        history = _history(client.get(url).content.decode())
        assert "Nina Sorokina" in history and "Recorded an injury of Klara" in history
    client.force_login(make_user(Role.BALLET_MASTER))
    refused = client.get(url)
    assert refused.status_code == 403 and b"Recorded an injury" not in refused.content


def test_the_company_history_is_for_the_director_and_the_company_manager(client, make_user):
    url = reverse("audit:index")
    assert client.get(url).status_code == 302  # sign in first
    for role in (Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 200
    for role in (Role.BALLET_MASTER, Role.BOX_OFFICE, Role.DANCER, Role.PHYSIOTHERAPIST):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 403


def test_the_company_history_filters_and_never_lists_injuries_for_management(
    client, make_user, injured, now
):
    clerk = make_user(Role.BOX_OFFICE, first_name="Svetlana", last_name="Rudneva")
    perf = on_sale(now)
    boxoffice.hold_create(
        performance=perf,
        kind="kill",
        reason="Camera position",
        owner_label="Television",
        seat_ids=seat_ids(perf, "1", 1),
        by=clerk,
        now=now,
    )
    buy(perf, seat_ids(perf, "2", 1), now, name="Grandmother")
    client.force_login(make_user(Role.ARTISTIC_DIRECTOR))
    url = reverse("audit:index")
    everything = client.get(url).content.decode()
    assert "Killed 1 seat(s)" in everything and "for Grandmother" in everything
    assert "Recorded an injury" not in everything and "Sprain" not in everything
    holds = client.get(url, {"kind": "hold"}).content.decode()
    assert "Killed 1 seat(s)" in holds and "for Grandmother" not in holds
    by_clerk = client.get(url, {"who": clerk.pk}).content.decode()
    assert "Killed 1 seat(s)" in by_clerk and "for Grandmother" not in by_clerk
    automatic = client.get(url, {"who": "system"}).content.decode()
    assert "for Grandmother" in automatic and "Killed" not in automatic
    later = (now + dt.timedelta(days=1)).date().isoformat()
    assert "Killed" not in client.get(url, {"first_day": later}).content.decode()
    on_the_day = client.get(url, {"first_day": now.date(), "last_day": now.date()})
    assert "Killed" in on_the_day.content.decode()
    injuries = client.get(url, {"kind": "injury"}).content.decode()
    assert "Recorded an injury" not in injuries


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "gossip"},
        {"who": "nobody"},
        {"first_day": "yesterday"},
        {"first_day": "2026-11-25", "last_day": "2026-11-20"},
        {"page": "9999"},
        {"page": "-1"},
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error(client, make_user, query):
    client.force_login(make_user(Role.COMPANY_MANAGER))
    response = client.get(reverse("audit:index"), query)
    assert response.status_code == 200
    if "page" not in query:
        assert b'class="errorlist"' in response.content


def test_the_company_history_costs_the_same_queries_for_few_and_many_entries(
    client, make_user, now
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk = make_user(Role.BOX_OFFICE)
    perf = on_sale(now, rows=3, seats=10)
    client.force_login(make_user(Role.ARTISTIC_DIRECTOR))

    def hold(n):
        boxoffice.hold_create(
            performance=perf,
            kind="house",
            reason="House seats",
            owner_label=f"Guest {n}",
            seat_ids=seat_ids(perf, "1", n),
            by=clerk,
            now=now,
        )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("audit:index"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    hold(1)
    count()  # warm the session and the roles
    few, _html = count()
    for n in range(2, 11):
        hold(n)
    many, html = count()
    assert html.count("House seats for Guest") == 10
    assert few == many <= 8


def test_the_admin_lists_entries_read_only_and_without_medical_ones(client, make_user, injured):
    boxoffice_perf = on_sale(injured["injury"].recorded_at)
    boxoffice.hold_create(
        performance=boxoffice_perf,
        kind="press",
        reason="Review seats",
        owner_label="The Moscow Times",
        seat_ids=seat_ids(boxoffice_perf, "1", 1),
        by=CALLBOARD,
        now=injured["injury"].recorded_at,
    )
    client.force_login(make_user(is_superuser=True, is_staff=True))
    listing = client.get("/admin/audit/auditentry/").content.decode()
    assert "The Moscow Times" in listing and "Recorded an injury" not in listing
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    entry = AuditEntry.objects.get(kind="hold")
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.exclude(kind=AuditEntry.Kind.SIGNIN).count() == 2
