import datetime as dt

import pytest

from callboard.core.roles import Role
from callboard.season.models import Performance, Programme, Season, Tour, Venue
from callboard.season.tests.factories import (
    PerformanceFactory,
    SeasonFactory,
    TourFactory,
    VenueFactory,
    WorkFactory,
    at,
    conductor,
    programme_with,
)

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "/season/",
    "/season/venues/",
    "/season/seasons/",
    "/season/performances/",
]
EDIT_PAGES = [
    "/season/venues/new/",
    "/season/seasons/new/",
    "/season/tours/new/",
    "/season/programmes/new/",
    "/season/performances/new/",
]


@pytest.fixture
def world():
    performance = PerformanceFactory(
        title="Annual Gala",
        programme=programme_with(60, 45, intervals=(20,)),
        tour=None,
    )
    tour = TourFactory(season=performance.programme.season)
    return {
        "performance": performance,
        "tour": tour,
        "read": [
            f"/season/venues/{performance.venue_id}/",
            f"/season/performances/{performance.pk}/",
            f"/season/programmes/{performance.programme_id}/",
            f"/season/tours/{tour.pk}/",
        ],
        "edit": [
            f"/season/venues/{performance.venue_id}/edit/",
            f"/season/seasons/{performance.programme.season_id}/edit/",
            f"/season/tours/{tour.pk}/edit/",
            f"/season/programmes/{performance.programme_id}/edit/",
            f"/season/performances/{performance.pk}/edit/",
        ],
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in READ_PAGES + EDIT_PAGES + world["read"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/"), url


def test_a_dancer_reads_the_season(client_as, world):
    client = client_as(Role.DANCER)
    for url in READ_PAGES + world["read"]:
        assert client.get(url).status_code == 200, url


def test_a_dancer_may_not_edit_the_season(client_as, world):
    client = client_as(Role.DANCER)
    for url in EDIT_PAGES + world["edit"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/season/performances/{world['performance'].pk}/cancel/")
    assert response.status_code == 403
    world["performance"].refresh_from_db()
    assert world["performance"].status == Performance.Status.PLANNED


@pytest.mark.parametrize("role", [Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER])
def test_season_editors_open_every_edit_page(client_as, world, role):
    client = client_as(role)
    for url in EDIT_PAGES + world["edit"]:
        assert client.get(url).status_code == 200, url


def test_unknown_records_are_404(client_as):
    client = client_as(Role.COMPANY_MANAGER)
    for url in ["/season/venues/999/", "/season/performances/999/", "/season/tours/999/edit/"]:
        assert client.get(url).status_code == 404, url


def test_performance_page_shows_its_works_and_the_venues_local_time(client_as):
    venue = VenueFactory(name="Opera House", city="Yekaterinburg", time_zone="Asia/Yekaterinburg")
    programme = programme_with(60, 45, intervals=(20,))
    maestro = conductor(given_name="Andrei", family_name="Vorontsov")
    start = at("2026-12-05", "18:30", "Asia/Yekaterinburg")  # 16:30 in Moscow
    performance = PerformanceFactory(
        programme=programme,
        venue=venue,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=125),
        conductor=maestro,
    )
    html = client_as(Role.DANCER).get(f"/season/performances/{performance.pk}/").content.decode()
    assert "18:30" in html and "Asia/Yekaterinburg" in html
    assert "16:30" not in html
    assert "Andrei Vorontsov" in html
    assert "125 minutes" in html
    for item in programme.items.all():
        assert f'href="/repertoire/{item.work_id}/"' in html


def test_venue_form_refuses_a_bad_time_zone(client_as):
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/venues/new/",
        {
            "name": "Uglich Town Theatre",
            "city": "Uglich",
            "time_zone": "Europe/Uglich",
            "capacity": "152",
        },
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
    assert not Venue.objects.exists()


def test_venue_form_creates_a_venue(client_as):
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/venues/new/",
        {
            "name": "Uglich Town Theatre",
            "city": "Uglich",
            "time_zone": "Europe/Moscow",
            "capacity": "152",
            "stage_notes": "Worn wooden stage, slight rake",
        },
    )
    venue = Venue.objects.get()
    assert response.status_code == 302 and response.url == f"/season/venues/{venue.pk}/"
    assert venue.orchestra_pit is False  # unchecked box


def test_season_and_tour_forms(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    client.post(
        "/season/seasons/new/",
        {"name": "2026–27", "starts_on": "2026-09-01", "ends_on": "2027-06-30"},
    )
    season = Season.objects.get()
    refused = client.post(
        "/season/tours/new/",
        {
            "season": season.pk,
            "name": "Volga tour",
            "starts_on": "2027-06-25",
            "ends_on": "2027-07-05",
        },
    )
    assert "inside the season" in refused.content.decode()
    response = client.post(
        "/season/tours/new/",
        {
            "season": season.pk,
            "name": "Volga tour",
            "starts_on": "2027-03-10",
            "ends_on": "2027-03-20",
        },
    )
    assert response.status_code == 302
    assert Tour.objects.get().name == "Volga tour"


def test_programme_form_keeps_works_in_order(client_as):
    season = SeasonFactory()
    veils, etudes = (
        WorkFactory(title="Dance of the Seven Veils", duration_minutes=40),
        WorkFactory(title="Études in Blue", duration_minutes=35),
    )
    response = client_as(Role.ARTISTIC_DIRECTOR).post(
        "/season/programmes/new/",
        {
            "season": season.pk,
            "title": "Annual Gala",
            "works-TOTAL_FORMS": "3",
            "works-INITIAL_FORMS": "0",
            "works-0-work": etudes.pk,
            "works-0-interval_after_minutes": "25",
            "works-1-work": veils.pk,
            "works-1-interval_after_minutes": "0",
            "works-2-work": "",
            "works-2-interval_after_minutes": "",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert [i.work.title for i in programme.items.all()] == [
        "Études in Blue",
        "Dance of the Seven Veils",
    ]
    assert programme.running_minutes == 100


def performance_post(programme, venue, **overrides):
    data = {
        "programme": programme.pk,
        "venue": venue.pk,
        "start_date": "2026-12-01",
        "start_time": "19:00",
        "status": "planned",
        "music": "orchestra",
    }
    data.update(overrides)
    return data


def test_performance_form_reads_the_start_at_the_venue(client_as):
    programme = programme_with(150)
    venue = VenueFactory(time_zone="Europe/Moscow")
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/performances/new/", performance_post(programme, venue, title="Annual Gala")
    )
    performance = Performance.objects.get()
    assert response.status_code == 302
    assert performance.starts_at == dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)
    assert performance.ends_at == dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)


def test_performance_form_shows_an_end_before_the_start(client_as):
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/performances/new/",
        performance_post(programme_with(150), VenueFactory(), end_time="18:00"),
    )
    assert response.status_code == 200
    assert "before it starts" in response.content.decode()
    assert not Performance.objects.exists()


def test_performance_form_shows_an_overlap(client_as):
    existing = PerformanceFactory(
        programme=programme_with(150), starts_at=at("2026-12-01", "19:00")
    )
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/performances/new/",
        performance_post(existing.programme, existing.venue, start_time="20:00"),
    )
    assert "already booked" in response.content.decode()
    assert Performance.objects.count() == 1


def test_performance_form_refuses_a_conductor_for_recorded_music(client_as):
    response = client_as(Role.COMPANY_MANAGER).post(
        "/season/performances/new/",
        performance_post(
            programme_with(60), VenueFactory(), music="recorded", conductor=conductor().pk
        ),
    )
    assert "Only a live orchestra has a conductor" in response.content.decode()
    assert not Performance.objects.exists()


def test_editing_keeps_the_local_time(client_as):
    venue = VenueFactory(time_zone="Asia/Yekaterinburg")
    start = at("2026-12-05", "18:30", "Asia/Yekaterinburg")
    performance = PerformanceFactory(
        venue=venue, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    client = client_as(Role.COMPANY_MANAGER)
    form = client.get(f"/season/performances/{performance.pk}/edit/").context["form"]
    assert form.initial["start_time"] == dt.time(18, 30)
    response = client.post(
        f"/season/performances/{performance.pk}/edit/",
        performance_post(
            performance.programme,
            venue,
            start_date="2026-12-05",
            start_time="19:00",
            end_time="21:15",
        ),
    )
    assert response.status_code == 302
    performance.refresh_from_db()
    assert performance.starts_at == at("2026-12-05", "19:00", "Asia/Yekaterinburg")
    assert performance.ends_at == at("2026-12-05", "21:15", "Asia/Yekaterinburg")


def test_cancel_button_cancels(client_as):
    performance = PerformanceFactory(starts_at=at("2026-12-01", "19:00"))
    response = client_as(Role.COMPANY_MANAGER).post(
        f"/season/performances/{performance.pk}/cancel/", {"reason": "Stage repairs"}
    )
    assert response.status_code == 302
    performance.refresh_from_db()
    assert performance.status == Performance.Status.CANCELLED


def test_tour_page_lists_travel_and_warnings(client_as):
    tour = TourFactory(starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 20))
    programme = programme_with(165, season=tour.season)
    for city, time in [("Yaroslavl", "12:00"), ("Uglich", "19:30")]:
        PerformanceFactory(
            programme=programme,
            tour=tour,
            venue=VenueFactory(city=city),
            starts_at=at("2027-03-12", time),
        )
    html = client_as(Role.DANCER).get(f"/season/tours/{tour.pk}/").content.decode()
    assert "Travel Yaroslavl → Uglich" in html
    assert 'data-code="two_cities_one_day"' in html


def test_seasons_page_lists_tours_and_programmes_with_running_time(client_as):
    programme = programme_with(50, 40, intervals=(25,), title="Annual Gala")
    TourFactory(season=programme.season, name="Volga tour")
    html = client_as(Role.DANCER).get("/season/seasons/").content.decode()
    assert "Volga tour" in html and "Annual Gala" in html and "115 min" in html


def test_performance_list_filters_by_venue(client_as):
    mine = PerformanceFactory()
    PerformanceFactory()
    response = client_as(Role.DANCER).get(f"/season/performances/?venue={mine.venue_id}")
    assert [p.pk for p in response.context["page"]] == [mine.pk]


def test_performance_list_query_count_does_not_grow(client_as, django_assert_max_num_queries):
    client = client_as(Role.COMPANY_MANAGER)
    tour = TourFactory()
    for _ in range(3):
        PerformanceFactory(conductor=conductor())
    client.get("/season/performances/?start=2026-01-01")
    with django_assert_max_num_queries(15) as few:
        client.get("/season/performances/?start=2026-01-01")
    for _ in range(20):
        PerformanceFactory(conductor=conductor(), tour=tour)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/season/performances/?start=2026-01-01")
    assert len(response.context["page"]) == 23


def test_performance_list_starts_today_by_default(client_as, monkeypatch):
    from callboard.season import views

    monkeypatch.setattr(views.timezone, "now", lambda: at("2026-12-02", "10:00"))
    PerformanceFactory(starts_at=at("2026-12-01", "19:00"))
    coming = PerformanceFactory(starts_at=at("2026-12-03", "19:00"))
    response = client_as(Role.DANCER).get("/season/performances/")
    assert [p.pk for p in response.context["page"]] == [coming.pk]
