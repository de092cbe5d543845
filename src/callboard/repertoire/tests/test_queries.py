"""Pages make a fixed number of queries whatever the size of the repertoire."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callboard.core.roles import Role
from callboard.repertoire.tests.factories import (
    CommissionFactory,
    DancerFactory,
    DancerRoleFactory,
    MilestoneFactory,
    RoleFactory,
    SectionFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _works(n: int) -> None:
    for _ in range(n):
        choreographer = DancerFactory().person
        work = WorkFactory(choreographer=choreographer)
        sections = [SectionFactory(work=work) for _ in range(2)]
        for _ in range(2):
            RoleFactory(work=work).sections.set(sections)


@pytest.mark.parametrize("role", [Role.DANCER, Role.ARTISTIC_DIRECTOR])
def test_the_list_page_makes_the_same_queries_for_3_and_30_works(
    client_as, role, django_assert_max_num_queries
):
    client = client_as(role)
    url = reverse("repertoire:works")
    _works(3)
    _queries(client, url)  # warm caches (content types, sessions)
    few = _queries(client, url)
    _works(27)
    many = _queries(client, url)
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url, {"q": "work", "status": "in_repertoire"})


def test_the_board_makes_the_same_queries_for_2_and_20_commissions(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    url = reverse("repertoire:commissions")

    def commissions(n: int) -> None:
        for i in range(n):
            status = ["commissioned", "in_creation", "premiered", "cancelled"][i % 4]
            work_status = {"cancelled": "retired"}.get(status, status)
            c = CommissionFactory(status=status, work__status=work_status)
            MilestoneFactory.create_batch(2, commission=c)

    commissions(4)  # one in each column, so every prefetch runs
    _queries(client, url)
    few = _queries(client, url)
    commissions(16)
    assert _queries(client, url) == few


def test_the_role_page_makes_the_same_queries_whatever_its_dancers(client_as):
    client = client_as(Role.BALLET_MASTER)
    role = RoleFactory()
    DancerRoleFactory(role=role)
    url = reverse("repertoire:role_edit", args=[role.pk])
    _queries(client, url)
    few = _queries(client, url)
    DancerRoleFactory.create_batch(10, role=role)
    SectionFactory.create_batch(5, work=role.work)
    assert _queries(client, url) == few
