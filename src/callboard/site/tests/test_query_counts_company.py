"""The roster and a dancer's profile cost the same queries for 15 dancers and for 150.

Each test builds the company of ``bench/load.py`` (dancers with accounts and a published
week of calls) with 15 dancers, counts the queries of a page, adds 150 more dancers and
counts again: the counts must be equal.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callboard.bench.load import company_week
from callboard.company.models import TrainingEntry
from callboard.core.roles import Role
from callboard.repertoire.models import DancerRole
from callboard.season.models import ProgrammeWork
from callboard.season.tests.factories import DancerRoleFactory, PerformanceFactory, RoleFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 15, 150
MAX_QUERIES = 10

ROSTER_URLS = [
    "",
    "?page=2",
    "?rank=corps",
    "?status=active&rank=soloist",
    "?q=anna",
    "?q=dancer+0",
    "?q=ann&rank=principal&status=active&page=1",
]


def _count(client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _company(dancers: int, now: dt.datetime, week: int):
    return company_week(
        dancers=dancers, first_day=now.date() + dt.timedelta(days=1 + 7 * week), now=now
    )


@pytest.mark.parametrize("role", [Role.DANCER, Role.BALLET_MASTER])
def test_the_roster_and_its_filters_cost_the_same_for_15_and_150_dancers(client_as, now, role):
    _company(SMALL, now, 0)
    client = client_as(role)
    base = reverse("company:roster")
    _count(client, base)  # warm the session and the roles
    few = {url: _count(client, base + url) for url in ROSTER_URLS}
    few_htmx = _count(client, base + "?q=anna", HTTP_HX_REQUEST="true")
    _company(LARGE, now, 1)
    many = {url: _count(client, base + url) for url in ROSTER_URLS}
    assert many == few
    assert _count(client, base + "?q=anna", HTTP_HX_REQUEST="true") == few_htmx
    assert max(many.values()) <= MAX_QUERIES
    body = client.get(base + "?page=7").content.decode()  # past the end: the last page
    assert "Page 7 of 7" in body  # 165 dancers, 25 a page


def _well_known(dancer, *, roles: int, training: int, performances: int) -> None:
    """Give a dancer roles (learned, learning, danced), training and coming performances."""
    for k in range(training):
        TrainingEntry.objects.create(
            dancer=dancer, institution=f"School {k}", start_year=2000 + k, end_year=2001 + k
        )
    for k in range(roles):
        status = DancerRole.Status.LEARNING if k % 3 == 2 else DancerRole.Status.LEARNED
        known = DancerRoleFactory(dancer=dancer, role=RoleFactory(), status=status)
        if k % 2:
            known.times_danced = k
            known.first_danced_on = dt.date(2020, 1, 1) + dt.timedelta(days=30 * k)
            known.save()
        for _p in range(performances if k == 0 else 0):
            perf = PerformanceFactory()
            ProgrammeWork.objects.create(programme=perf.programme, work=known.role.work)


@pytest.mark.parametrize("role", [Role.DANCER, Role.ARTISTIC_DIRECTOR])
def test_a_dancers_profile_costs_the_same_whatever_the_company_and_their_career(
    client_as, now, role
):
    small = _company(SMALL, now, 0)
    newcomer = small.dancers[0].dancer
    _well_known(newcomer, roles=1, training=1, performances=1)
    client = client_as(role)
    url = reverse("company:dancer", args=[newcomer.pk])
    _count(client, url)
    few = _count(client, url)

    large = _company(LARGE, now, 1)
    star = large.dancers[-1].dancer
    _well_known(star, roles=9, training=4, performances=6)
    for other in large.dancers[:40]:  # other dancers know roles too: not shown on this page
        DancerRoleFactory(dancer=other.dancer)
    url = reverse("company:dancer", args=[star.pk])
    assert _count(client, url) == few <= MAX_QUERIES
    body = client.get(url).content.decode()
    assert star.person.full_name in body and "School 3" in body


def test_a_dancer_sees_their_own_profile_with_the_same_queries(client, now):
    small = _company(SMALL, now, 0)
    large = _company(LARGE, now, 1)
    counts = []
    for person in (small.dancers[0], large.dancers[-1]):
        client.force_login(person.user)
        url = reverse("company:dancer", args=[person.dancer.pk])
        _count(client, url)
        counts.append(_count(client, url))
        assert person.email in client.get(url).content.decode()  # their own private details
    assert counts[0] == counts[1]
