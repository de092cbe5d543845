"""Parts of the company's and the repertoire's pages that season supplies: a dancer's coming
performances and roles (with repertoire's part), a work's performances."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callboard.company import selectors
from callboard.core.roles import Role
from callboard.repertoire.models import DancerRole
from callboard.season.models import Performance, ProgrammeWork
from callboard.season.tests.factories import (
    DancerFactory,
    DancerRoleFactory,
    PerformanceFactory,
    ProgrammeFactory,
    RoleFactory,
    SectionFactory,
    VenueFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


def test_dancer_profile_splits_roles_and_finds_performances_of_known_works(make_user, now):
    dancer = DancerFactory()
    swan_lake = WorkFactory(title="Swan Lake")
    giselle = WorkFactory(title="Giselle")
    unknown = WorkFactory(title="The Nutcracker")
    DancerRoleFactory(
        dancer=dancer,
        role=RoleFactory(work=swan_lake, name="Odette/Odile"),
        status=DancerRole.Status.LEARNED,
        first_danced_on=dt.date(2024, 3, 1),
        times_danced=12,
    )
    DancerRoleFactory(
        dancer=dancer,
        role=RoleFactory(work=giselle, name="Myrtha"),
        status=DancerRole.Status.LEARNING,
    )
    programme = ProgrammeFactory(title="Volga tour")
    ProgrammeWork.objects.create(programme=programme, work=swan_lake)
    other_programme = ProgrammeFactory(title="Nutcracker run")
    ProgrammeWork.objects.create(programme=other_programme, work=unknown)
    coming = PerformanceFactory(programme=programme, starts_at=now + dt.timedelta(days=3))
    PerformanceFactory(programme=programme, starts_at=now - dt.timedelta(days=3))  # past
    PerformanceFactory(
        programme=programme,
        starts_at=now + dt.timedelta(days=4),
        status=Performance.Status.CANCELLED,
    )
    PerformanceFactory(programme=other_programme, starts_at=now + dt.timedelta(days=5))

    profile = selectors.dancer_profile(pk=dancer.pk, user=make_user(Role.DANCER), now=now)

    assert [dr.role.name for dr in profile.learned] == ["Odette/Odile"]
    assert [dr.role.name for dr in profile.learning] == ["Myrtha"]
    assert [dr.role.name for dr in profile.danced] == ["Odette/Odile"]
    assert profile.upcoming == [coming]
    assert profile.show_private is False


MAX_QUERIES = 12


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _work(sections: int, roles: int, dancers_per_role: int, performances: int):
    work = WorkFactory(choreographer=DancerFactory().person)
    acts = [SectionFactory(work=work) for _ in range(max(1, sections // 2))]
    scenes = [
        SectionFactory(work=work, parent=acts[i % len(acts)], kind="scene")
        for i in range(sections // 2)
    ]
    for _ in range(roles):
        role = RoleFactory(work=work)
        role.sections.set([*acts, *scenes][:3])
        for _ in range(dancers_per_role):
            DancerRoleFactory(role=role)
    for i in range(performances):
        performance = PerformanceFactory(
            starts_at=dt.datetime(2026, 1, 1, 19, tzinfo=dt.UTC) + dt.timedelta(days=60 * i)
        )
        ProgrammeWork.objects.create(programme=performance.programme, work=work)
    return work


@pytest.mark.parametrize("role", [Role.DANCER, Role.BALLET_MASTER])
def test_the_work_page_makes_the_same_queries_whatever_its_size(
    client_as, role, django_assert_max_num_queries
):
    client = client_as(role)
    small = _work(sections=2, roles=1, dancers_per_role=1, performances=1)
    large = _work(sections=16, roles=12, dancers_per_role=5, performances=8)
    _queries(client, reverse("repertoire:work", args=[small.pk]))
    few = _queries(client, reverse("repertoire:work", args=[small.pk]))
    many = _queries(client, reverse("repertoire:work", args=[large.pk]))
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES + 4):
        client.get(reverse("repertoire:work", args=[large.pk]))


def test_the_work_page_shows_performances_in_the_venues_time_zone(client_as, now):
    from callboard.season.models import ProgrammeWork

    work = WorkFactory(title="Swan Lake")
    uglich = VenueFactory(name="Uglich Town Theatre", city="Uglich", time_zone="Asia/Yekaterinburg")
    performance = PerformanceFactory(
        venue=uglich,
        title="Volga tour",
        starts_at=dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC),
    )
    ProgrammeWork.objects.create(programme=performance.programme, work=work)
    page = client_as(Role.DANCER).get(reverse("repertoire:work", args=[work.pk])).content.decode()
    assert "Volga tour" in page
    assert "21:00" in page  # 16:00 UTC is 21:00 in Yekaterinburg


def test_mark_premiered_asks_which_performance_was_the_premiere(client_as):
    """The commission page offers the work's danced performances; the one chosen sets the
    premiere's day. A day still to come is refused."""
    import datetime as dt

    from django.utils import timezone

    from callboard.core.roles import Role
    from callboard.repertoire.models import Commission, Work
    from callboard.repertoire.tests.factories import CommissionFactory
    from callboard.season.tests import factories as sf

    commission = CommissionFactory(status=Commission.Status.IN_CREATION)
    programme = sf.ProgrammeFactory()
    sf.ProgrammeWorkFactory(programme=programme, work=commission.work)
    today = timezone.now()
    gala = sf.PerformanceFactory(
        programme=programme, starts_at=today - dt.timedelta(days=10), title="Annual gala"
    )
    sf.PerformanceFactory(programme=programme, starts_at=today - dt.timedelta(days=3))
    sf.PerformanceFactory(programme=programme, starts_at=today + dt.timedelta(days=5))
    client = client_as(Role.ARTISTIC_DIRECTOR)
    page = client.get(f"/repertoire/commissions/{commission.pk}/").content.decode()
    assert "Which performance was the premiere?" in page
    assert page.count("<option value=") == 2  # the two danced, not the one to come
    gala_day = gala.starts_at.astimezone(dt.timezone(dt.timedelta(hours=3))).date()
    future = (today + dt.timedelta(days=5)).date().isoformat()
    refused = client.post(
        f"/repertoire/commissions/{commission.pk}/advance/",
        {"to_status": "premiered", "premiere_date": future, "back": "commission"},
        follow=True,
    )
    assert "still to come" in refused.content.decode()
    assert Work.objects.get(pk=commission.work_id).premiere_date is None
    client.post(
        f"/repertoire/commissions/{commission.pk}/advance/",
        {"to_status": "premiered", "premiere_date": gala_day.isoformat(), "back": "commission"},
    )
    work = Work.objects.get(pk=commission.work_id)
    assert work.premiere_date == gala_day and work.status == Work.Status.PREMIERED
