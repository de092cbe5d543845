"""The callboard's pages cost the same queries for a company of 15 dancers and of 150.

Each test builds a published, firm week for 15 dancers, counts the queries of a page of that
week, then builds a second week for 150 more dancers (a week later, its own plan) and counts
the same page of the second week: the counts must be equal. ``make bench-load`` measures the
same pages under 200 concurrent users (see ``bench/load.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callboard.bench.load import CompanyWeek, company_week
from callboard.company.models import Company
from callboard.core import zones
from callboard.scheduling import services, views
from callboard.scheduling.models import CallPerson

pytestmark = pytest.mark.django_db

SMALL, LARGE = 15, 150
MAX_QUERIES = 16
REVIEW_MAX_QUERIES = 36


@pytest.fixture
def weeks(now, monkeypatch) -> tuple[CompanyWeek, CompanyWeek]:
    """A published week of 15 dancers, and one of 150 dancers the week after.

    A first week of 10 dancers comes before both, so that each has a published week behind
    it (the planner's review reads the past weeks' calls for the dancers' workload).
    """
    monkeypatch.setattr(views, "_now", lambda: now)  # "today" on pages is the test's day
    first = now.date() + dt.timedelta(days=1)
    company_week(dancers=10, first_day=first, now=now)
    small = company_week(dancers=SMALL, first_day=first + dt.timedelta(days=7), now=now)
    large = company_week(dancers=LARGE, first_day=first + dt.timedelta(days=14), now=now)
    return small, large


LAST_QUERIES: list[str] = []


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    LAST_QUERIES[:] = [q["sql"] for q in ctx.captured_queries]
    return len(ctx.captured_queries)


def _shapes(queries: list[str]) -> list[str]:
    """The queries without their literal values, to show which one a page added."""
    return [re.sub(r"\b\d+\b|'[^']*'", "?", q)[:300] for q in queries]


def _same_for_both(
    client,
    weeks: tuple[CompanyWeek, CompanyWeek],
    url: Callable[[CompanyWeek], str],
    most: int = MAX_QUERIES,
) -> int:
    small, large = weeks
    _count(client, url(small))  # warm the session, the roles and the company's zone
    few = _count(client, url(small))
    few_queries = _shapes(LAST_QUERIES)
    many = _count(client, url(large))
    extra = list((Counter(_shapes(LAST_QUERIES)) - Counter(few_queries)).elements())
    assert few == many, (
        f"{url(large)}: {few} queries for {SMALL} dancers, {many} for {LARGE}; "
        f"the larger company's page added: {extra}"
    )
    assert many <= most
    return many


def test_the_weeks_are_what_the_pages_show(weeks):
    small, large = weeks
    assert len(large.dancers) == LARGE and len(large.groups) == LARGE // 10
    # Every dancer of the large company is called twice a day, all week.
    assert CallPerson.objects.filter(call__schedule=large.version).count() == LARGE * 2 * 5
    assert services.schedule_verify(large.version)
    assert small.version.firm_through == small.days[-1]


def test_the_call_sheet_of_the_day(client, weeks):
    large = weeks[1]
    client.force_login(large.master)
    _same_for_both(client, weeks, lambda w: reverse("scheduling:board", args=[w.days[0]]))
    body = client.get(reverse("scheduling:board", args=[large.days[0]])).content.decode()
    assert body.count("Rehearsal group") >= 2 * len(large.groups)
    assert large.dancers[-1].full_name in body


def test_my_calls_of_a_dancer(client, weeks):
    small, large = weeks
    client.force_login(small.dancers[0].user)
    _count(client, reverse("scheduling:me") + f"?day={small.days[0]}")
    few = _count(client, reverse("scheduling:me") + f"?day={small.days[0]}")
    client.force_login(large.dancers[-1].user)
    _count(client, reverse("scheduling:me") + f"?day={large.days[0]}")
    many = _count(client, reverse("scheduling:me") + f"?day={large.days[0]}")
    assert few == many <= MAX_QUERIES
    body = client.get(reverse("scheduling:me") + f"?day={large.days[0]}").content.decode()
    assert "Rehearsal group 15" in body and "Rehearsal group 1<" not in body


def test_my_calls_of_the_ballet_master_show_everyone(client, weeks):
    large = weeks[1]
    client.force_login(large.master)
    _same_for_both(client, weeks, lambda w: reverse("scheduling:me") + f"?day={w.days[0]}")


@pytest.mark.parametrize("view", ["grid", "people"])
def test_the_planners_review_grid(client, weeks, view):
    large = weeks[1]
    client.force_login(large.master)

    def url(w: CompanyWeek) -> str:
        return reverse("scheduling:review", args=[w.period.pk]) + f"?day={w.days[1]}&view={view}"

    # The review checks the whole draft against the agreement, so it reads more than a
    # dancer's page does; what matters is that it does not grow with the company.
    _same_for_both(client, weeks, url, most=REVIEW_MAX_QUERIES)
    body = client.get(url(large)).content.decode()
    assert "Rehearsal group 15" in body


def test_the_callboard_index_and_the_calendar_feeds_as_the_company_grows(client, now, monkeypatch):
    """Counted with the week of 15 dancers, then again once the week of 150 is published."""
    monkeypatch.setattr(views, "_now", lambda: now)
    tomorrow = now.date() + dt.timedelta(days=1)
    small = company_week(dancers=SMALL, first_day=tomorrow, now=now)
    company = services.feed_token_create(user=small.master, scope="company", now=now)
    mine = services.feed_token_create(user=small.dancers[0].user, scope="personal", now=now)
    urls = {
        "index": reverse("scheduling:index"),
        "company feed": reverse("scheduling:feed", args=[company.token]),
        "personal feed": reverse("scheduling:feed", args=[mine.token]),
    }
    client.force_login(small.master)
    for url in urls.values():
        _count(client, url)  # warm the session; a feed's first use records itself
    few = {name: _count(client, url) for name, url in urls.items()}

    large = company_week(dancers=LARGE, first_day=tomorrow + dt.timedelta(days=7), now=now)
    theirs = services.feed_token_create(user=large.dancers[0].user, scope="personal", now=now)
    urls["personal feed"] = reverse("scheduling:feed", args=[theirs.token])
    _count(client, urls["personal feed"])
    many = {name: _count(client, url) for name, url in urls.items()}
    assert many == few
    assert max(many.values()) <= MAX_QUERIES
    body = client.get(urls["company feed"]).content.decode()
    assert body.count("BEGIN:VEVENT") == 2 * 5 * (len(small.groups) + len(large.groups))
    assert client.get(urls["personal feed"]).content.decode().count("BEGIN:VEVENT") == 2 * 5


def test_a_page_costs_the_same_queries_whatever_the_clock(client, weeks, monkeypatch):
    """The company's time zone is read once per request: a page's count never depends on how
    long ago the last page was served, and a new zone is used as soon as it is saved."""
    small = weeks[0]
    client.force_login(small.master)
    url = reverse("scheduling:board", args=[small.days[0]])
    _count(client, url)
    soon = _count(client, url)
    clock = [zones.time.monotonic()]
    monkeypatch.setattr(zones.time, "monotonic", lambda: clock[0])
    _count(client, url)
    clock[0] += 3600  # an hour later: the cached zone would be stale
    assert _count(client, url) == soon
    assert _count(client, url) == soon

    company = Company.objects.get()
    company.time_zone = "Asia/Almaty"
    company.save()
    assert zones.company_zone() == ZoneInfo("Asia/Almaty")
