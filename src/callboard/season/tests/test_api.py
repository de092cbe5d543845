import datetime as dt
import json

import pytest

from callboard.core.roles import Role
from callboard.season.models import Performance, Programme, Season, Tour, Venue
from callboard.season.tests.factories import (
    PerformanceFactory,
    PersonFactory,
    SeasonFactory,
    TourFactory,
    VenueFactory,
    WorkFactory,
    at,
    conductor,
    programme_with,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/season"


def send(client, method, url, payload=None):
    body = payload if isinstance(payload, str) else json.dumps(payload or {})
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json")


@pytest.fixture
def manager(client_as):
    return client_as(Role.COMPANY_MANAGER)


@pytest.fixture
def booking():
    return {
        "programme": programme_with(150, title="Swan Lake"),
        "venue": VenueFactory(time_zone="Europe/Moscow"),
    }


def new_performance(booking, **extra):
    return {
        "programme_id": booking["programme"].pk,
        "venue_id": booking["venue"].pk,
        "local_start": "2026-12-01T19:00",
        **extra,
    }


# ---------------------------------------------------------------- reading


def test_reading_needs_a_sign_in(client):
    response = client.get(f"{API}/performances")
    assert response.status_code == 401
    assert "message" in response.json()


def test_performance_is_given_in_utc_and_at_the_venue(client_as):
    venue = VenueFactory(time_zone="Asia/Yekaterinburg", city="Yekaterinburg")
    start = at("2026-12-05", "18:30", "Asia/Yekaterinburg")
    performance = PerformanceFactory(
        venue=venue, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    body = client_as(Role.DANCER).get(f"{API}/performances/{performance.pk}").json()
    assert body["starts_at"] == "2026-12-05T13:30:00+00:00"
    assert body["local_starts_at"] == "2026-12-05T18:30:00+05:00"
    assert body["time_zone"] == "Asia/Yekaterinburg"


def test_performance_list_filters(client_as):
    early = PerformanceFactory(starts_at=at("2026-12-01", "19:00"))
    late = PerformanceFactory(starts_at=at("2026-12-10", "19:00"))
    client = client_as(Role.DANCER)
    ids = lambda query: [p["id"] for p in client.get(f"{API}/performances{query}").json()]  # noqa: E731
    assert ids("") == [early.pk, late.pk]
    assert ids("?from=2026-12-05") == [late.pk]
    assert ids("?to=2026-12-01") == [early.pk]
    assert ids("?from=2026-12-01T20:00:00%2B03:00") == [late.pk]
    assert ids(f"?venue={late.venue_id}") == [late.pk]
    assert ids(f"?season={early.programme.season_id}") == [early.pk]


def test_performance_list_refuses_bad_filters(client_as):
    client = client_as(Role.DANCER)
    assert client.get(f"{API}/performances?from=yesterday").status_code == 422
    assert client.get(f"{API}/performances?from=2026-12-01T10:00").status_code == 422
    assert client.get(f"{API}/performances?venue=-3").status_code == 422


def test_performance_list_query_count_does_not_grow(client_as, django_assert_max_num_queries):
    client = client_as(Role.DANCER)
    for _ in range(3):
        PerformanceFactory(conductor=conductor())
    with django_assert_max_num_queries(10) as few:
        client.get(f"{API}/performances")
    for _ in range(15):
        PerformanceFactory(conductor=conductor())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}/performances").json()) == 18


def test_unknown_performance_is_404(client_as):
    response = client_as(Role.DANCER).get(f"{API}/performances/9999")
    assert response.status_code == 404
    assert response.json()["message"]


def test_absurd_id_is_refused_not_crashed(client_as):
    assert (
        client_as(Role.DANCER).get(f"{API}/performances/99999999999999999999999").status_code == 422
    )


def test_tour_comes_with_its_warnings(client_as):
    tour = TourFactory(starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 20))
    programme = programme_with(165, season=tour.season)
    for city, time in [("Yaroslavl", "12:00"), ("Uglich", "19:30")]:
        PerformanceFactory(
            programme=programme,
            tour=tour,
            venue=VenueFactory(city=city),
            starts_at=at("2027-03-12", time),
        )
    body = client_as(Role.DANCER).get(f"{API}/tours/{tour.pk}").json()
    assert "two_cities_one_day" in {w["code"] for w in body["warnings"]}
    assert [s["travel_from"] for s in body["itinerary"]] == ["", "Yaroslavl"]


def test_programmes_list_running_time(client_as):
    programme = programme_with(50, 40, intervals=(25,))
    body = client_as(Role.DANCER).get(f"{API}/programmes?season={programme.season_id}").json()
    assert [(p["id"], p["running_minutes"]) for p in body] == [(programme.pk, 115)]


# ---------------------------------------------------------------- writing


def test_a_dancer_cannot_book(client_as, booking):
    response = send(client_as(Role.DANCER), "post", "/performances", new_performance(booking))
    assert response.status_code == 403
    assert not Performance.objects.exists()


def test_booking_with_a_local_start(manager, booking):
    response = send(manager, "post", "/performances", new_performance(booking, title="Annual Gala"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["starts_at"] == "2026-12-01T16:00:00+00:00"
    assert body["local_ends_at"] == "2026-12-01T21:30:00+03:00"
    assert body["billing"] == "Annual Gala"


def test_booking_with_an_aware_start(manager, booking):
    payload = new_performance(booking, starts_at="2026-12-01T16:00:00Z")
    del payload["local_start"]
    response = send(manager, "post", "/performances", payload)
    assert response.status_code == 201
    assert response.json()["local_starts_at"] == "2026-12-01T19:00:00+03:00"


def test_booking_with_a_naive_starts_at_is_422(manager, booking):
    payload = new_performance(booking, starts_at="2026-12-01T19:00")
    del payload["local_start"]
    assert send(manager, "post", "/performances", payload).status_code == 422
    assert not Performance.objects.exists()


def test_booking_without_a_start_is_422(manager, booking):
    payload = new_performance(booking)
    del payload["local_start"]
    response = send(manager, "post", "/performances", payload)
    assert response.status_code == 422
    assert "local_start" in response.json()["message"]


def test_booking_that_ends_before_it_starts_is_422(manager, booking):
    response = send(
        manager, "post", "/performances", new_performance(booking, local_end="2026-12-01T18:00")
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "ends_at"}
    assert not Performance.objects.exists()


def test_booking_at_an_unknown_venue_is_422(manager, booking):
    response = send(manager, "post", "/performances", new_performance(booking, venue_id=9999))
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "venue_id"


def test_booking_with_an_unknown_conductor_is_422(manager, booking):
    response = send(manager, "post", "/performances", new_performance(booking, conductor_id=9999))
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "conductor_id"


def test_booking_with_someone_who_is_no_conductor_is_422(manager, booking):
    critic = PersonFactory(given_name="Critic", family_name="Moscow Times")
    response = send(
        manager, "post", "/performances", new_performance(booking, conductor_id=critic.pk)
    )
    assert response.status_code == 422
    assert "not on the staff as a conductor" in response.json()["message"]
    assert not Performance.objects.exists()


def test_booking_with_a_conductor(manager, booking):
    maestro = conductor(given_name="Andrei", family_name="Vorontsov")
    response = send(
        manager, "post", "/performances", new_performance(booking, conductor_id=maestro.pk)
    )
    assert response.status_code == 201
    assert response.json()["conductor_name"] == "Andrei Vorontsov"


def test_overlapping_booking_is_409(manager, booking):
    assert send(manager, "post", "/performances", new_performance(booking)).status_code == 201
    response = send(
        manager, "post", "/performances", new_performance(booking, local_start="2026-12-01T20:00")
    )
    assert response.status_code == 409
    assert Performance.objects.count() == 1


def test_bad_status_and_malformed_json_are_refused(manager, booking):
    assert (
        send(
            manager, "post", "/performances", new_performance(booking, status="sold out")
        ).status_code
        == 422
    )
    response = send(manager, "post", "/performances", "{not json")
    assert 400 <= response.status_code < 500
    assert not Performance.objects.exists()


def test_patch_moves_the_start_and_keeps_the_length(manager, booking):
    created = send(manager, "post", "/performances", new_performance(booking)).json()
    response = send(
        manager, "patch", f"/performances/{created['id']}", {"local_start": "2026-12-01T19:30"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["local_starts_at"] == "2026-12-01T19:30:00+03:00"
    assert response.json()["local_ends_at"] == "2026-12-01T22:00:00+03:00"


def test_patch_to_an_end_before_the_start_is_422_and_changes_nothing(manager, booking):
    created = send(manager, "post", "/performances", new_performance(booking)).json()
    response = send(
        manager, "patch", f"/performances/{created['id']}", {"local_end": "2026-12-01T10:00"}
    )
    assert response.status_code == 422
    assert Performance.objects.get().ends_at == dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)


def test_patch_to_recorded_music_drops_the_conductor(manager, booking):
    created = send(
        manager, "post", "/performances", new_performance(booking, conductor_id=conductor().pk)
    ).json()
    response = send(manager, "patch", f"/performances/{created['id']}", {"music": "recorded"})
    assert response.status_code == 200
    assert response.json()["conductor_id"] is None


def test_cancel(manager, booking):
    created = send(manager, "post", "/performances", new_performance(booking)).json()
    response = send(
        manager, "post", f"/performances/{created['id']}/cancel", {"reason": "Stage repairs"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_cancel_a_performance_that_took_place_is_422(manager):
    performance = PerformanceFactory(status=Performance.Status.PERFORMED)
    response = send(manager, "post", f"/performances/{performance.pk}/cancel", {})
    assert response.status_code == 422


def test_venue_with_a_bad_time_zone_is_422(manager):
    response = send(
        manager,
        "post",
        "/venues",
        {
            "name": "Uglich Town Theatre",
            "city": "Uglich",
            "time_zone": "Europe/Uglich",
            "capacity": 152,
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "time_zone"}
    assert not Venue.objects.exists()


def test_venue_create_and_patch(manager):
    response = send(
        manager,
        "post",
        "/venues",
        {
            "name": "Uglich Town Theatre",
            "city": "Uglich",
            "time_zone": "Europe/Moscow",
            "capacity": 152,
            "stage_width_m": 8.5,
        },
    )
    assert response.status_code == 201
    venue_id = response.json()["id"]
    patched = send(manager, "patch", f"/venues/{venue_id}", {"stage_notes": "Worn wooden stage"})
    assert patched.status_code == 200
    assert patched.json()["stage_notes"] == "Worn wooden stage"
    assert patched.json()["stage_width_m"] == 8.5
    assert send(manager, "patch", "/venues/9999", {"capacity": 3}).status_code == 404


def test_season_tour_programme_round_trip(manager):
    season = send(
        manager,
        "post",
        "/seasons",
        {"name": "2026–27", "starts_on": "2026-09-01", "ends_on": "2027-06-30"},
    )
    assert season.status_code == 201
    season_id = season.json()["id"]
    outside = send(
        manager,
        "post",
        "/tours",
        {
            "season_id": season_id,
            "name": "Volga tour",
            "starts_on": "2027-06-20",
            "ends_on": "2027-07-10",
        },
    )
    assert outside.status_code == 422
    tour = send(
        manager,
        "post",
        "/tours",
        {
            "season_id": season_id,
            "name": "Volga tour",
            "starts_on": "2027-03-10",
            "ends_on": "2027-03-20",
        },
    )
    assert tour.status_code == 201 and tour.json()["warnings"] == []
    swan_lake = WorkFactory(title="Swan Lake", duration_minutes=165)
    programme = send(
        manager,
        "post",
        "/programmes",
        {"season_id": season_id, "title": "Swan Lake", "works": [{"work_id": swan_lake.pk}]},
    )
    assert programme.status_code == 201 and programme.json()["running_minutes"] == 165
    unknown_work = send(
        manager,
        "post",
        "/programmes",
        {"season_id": season_id, "title": "Ghost", "works": [{"work_id": 9999}]},
    )
    assert unknown_work.status_code == 422
    assert (
        Season.objects.count() == 1 and Tour.objects.count() == 1 and Programme.objects.count() == 1
    )


def test_season_patch_that_reverses_dates_is_422(manager):
    season = SeasonFactory()
    response = send(manager, "patch", f"/seasons/{season.pk}", {"ends_on": "2026-01-01"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "times",
    [
        {"local_start": "0001-01-01T00:00"},
        {"local_start": None, "starts_at": "9999-12-31T23:00:00Z"},
        {"local_end": "9999-12-31T23:59"},
    ],
)
def test_absurd_years_are_422(manager, booking, times):
    payload = {k: v for k, v in new_performance(booking, **times).items() if v is not None}
    response = send(manager, "post", "/performances", payload)
    assert response.status_code == 422
    assert not Performance.objects.exists()


def test_patch_with_an_absurd_year_is_422(manager):
    performance = PerformanceFactory()
    response = send(
        manager, "patch", f"/performances/{performance.pk}", {"starts_at": "9999-12-31T23:00:00Z"}
    )
    assert response.status_code == 422


def test_season_in_year_one_is_422(manager):
    response = send(
        manager,
        "post",
        "/seasons",
        {"name": "Antiquity", "starts_on": "0001-01-01", "ends_on": "0001-12-31"},
    )
    assert response.status_code == 422
    assert not Season.objects.exists()


def test_performance_list_with_year_one_is_422(client_as):
    assert client_as(Role.DANCER).get(f"{API}/performances?from=0001-01-01").status_code == 422


def test_text_with_a_nul_character_is_422(manager, booking):
    response = send(
        manager, "post", "/performances", new_performance(booking, notes="bad\u0000byte")
    )
    assert response.status_code == 422
    venue = send(
        manager,
        "post",
        "/venues",
        {"name": "A\u0000", "city": "Uglich", "time_zone": "Europe/Moscow", "capacity": 5},
    )
    assert venue.status_code == 422
