import datetime as dt

import pytest

from callboard.company.models import Company
from callboard.core.roles import Role
from callboard.season import views
from callboard.season.selectors import calendar_month
from callboard.season.tests.factories import PerformanceFactory, VenueFactory, at
from callboard.season.views import parse_month

pytestmark = pytest.mark.django_db


def events_by_day(month):
    return {d.day: [p.pk for p in d.events] for week in month.weeks for d in week if d.events}


def test_grid_is_whole_weeks_from_monday():
    month = calendar_month(first=dt.date(2026, 12, 1))
    assert month.weeks[0][0].day == dt.date(2026, 11, 30)  # a Monday
    assert month.weeks[-1][-1].day == dt.date(2027, 1, 3)  # a Sunday
    assert all(len(week) == 7 for week in month.weeks)
    assert (month.previous, month.next) == (dt.date(2026, 11, 1), dt.date(2027, 1, 1))


def test_late_evening_in_a_western_zone_lands_on_its_local_day():
    # 31 Dec 23:00 in Los Angeles is already 1 Jan in UTC (and in Moscow).
    venue = VenueFactory(time_zone="America/Los_Angeles", city="Los Angeles")
    new_year = at("2026-12-31", "23:00", "America/Los_Angeles")
    performance = PerformanceFactory(
        venue=venue, starts_at=new_year, ends_at=new_year + dt.timedelta(hours=2)
    )
    assert new_year.astimezone(dt.UTC).date() == dt.date(2027, 1, 1)

    december = calendar_month(first=dt.date(2026, 12, 1))
    assert events_by_day(december) == {dt.date(2026, 12, 31): [performance.pk]}
    assert december.count == 1
    january = calendar_month(first=dt.date(2027, 1, 1))
    assert january.count == 0


def test_early_morning_in_an_eastern_zone_lands_on_its_local_day():
    venue = VenueFactory(time_zone="Asia/Vladivostok", city="Vladivostok")
    start = at("2027-02-01", "01:00", "Asia/Vladivostok")  # still 31 Jan in UTC
    performance = PerformanceFactory(
        venue=venue, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    assert events_by_day(calendar_month(first=dt.date(2027, 2, 1))) == {
        dt.date(2027, 2, 1): [performance.pk]
    }


def test_season_filter_keeps_only_that_seasons_performances():
    mine = PerformanceFactory(starts_at=at("2026-12-03", "19:00"))
    PerformanceFactory(starts_at=at("2026-12-04", "19:00"))
    month = calendar_month(first=dt.date(2026, 12, 1), season_id=mine.programme.season_id)
    assert events_by_day(month) == {dt.date(2026, 12, 3): [mine.pk]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12", dt.date(2026, 12, 1)),
        ("2026-13", None),
        ("12-2026", None),
        ("", None),
        ("0001-01", None),
    ],
)
def test_month_parameter(text, expected):
    assert parse_month(text) == expected


def test_calendar_page_places_a_performance_and_links_it(client_as):
    performance = PerformanceFactory(title="Annual Gala", starts_at=at("2026-12-20", "19:00"))
    response = client_as(Role.DANCER).get("/season/?month=2026-12")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/season/performances/{performance.pk}/"' in html
    cell = html.split('data-day="2026-12-20"')[1].split('data-day="2026-12-21"')[0]
    assert "19:00 Annual Gala" in cell
    assert "?month=2026-11" in html and "?month=2027-01" in html


def test_calendar_defaults_to_this_month_in_the_companys_zone(client_as, monkeypatch):
    Company.objects.create(name="Pavlov Ballet Theatre", time_zone="Asia/Vladivostok")
    # 31 Jan 20:00 UTC is already 1 Feb in Vladivostok.
    monkeypatch.setattr(
        views.timezone, "now", lambda: dt.datetime(2027, 1, 31, 20, 0, tzinfo=dt.UTC)
    )
    response = client_as(Role.DANCER).get("/season/")
    assert response.context["month"].first == dt.date(2027, 2, 1)


def test_a_malformed_month_shows_this_month_with_a_note(client_as):
    response = client_as(Role.DANCER).get("/season/?month=December")
    assert response.status_code == 200
    assert b"YYYY-MM" in response.content


def test_calendar_query_count_does_not_grow_with_performances(
    client_as, django_assert_max_num_queries
):
    client = client_as(Role.COMPANY_MANAGER)
    for day in range(1, 4):
        PerformanceFactory(starts_at=at(f"2026-12-{day:02d}", "19:00"))
    client.get("/season/?month=2026-12")  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get("/season/?month=2026-12")
    for day in range(4, 28):
        PerformanceFactory(starts_at=at(f"2026-12-{day:02d}", "19:00"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/season/?month=2026-12")
    assert response.context["month"].count == 27


@pytest.mark.parametrize(
    "query",
    ["?season=99999999999999999999", "?season=²", "?season=-1&month=2026-00", "?month=9999-12"],
)
def test_odd_query_strings_never_break_the_calendar(client_as, query):
    assert client_as(Role.DANCER).get(f"/season/{query}").status_code == 200
