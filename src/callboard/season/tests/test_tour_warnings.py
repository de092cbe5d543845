import datetime as dt

import pytest

from callboard.company.models import Company
from callboard.season.models import Performance
from callboard.season.selectors import tour_plan, tour_warnings
from callboard.season.tests.factories import (
    LabourProfileFactory,
    PerformanceFactory,
    TourFactory,
    VenueFactory,
    at,
    programme_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tour():
    return TourFactory(
        name="Volga tour", starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 20)
    )


@pytest.fixture
def swan_lake(tour):
    return programme_with(165, season=tour.season, title="Swan Lake")


@pytest.fixture
def yaroslavl():
    return VenueFactory(name="Volga Regional Theatre", city="Yaroslavl")


@pytest.fixture
def uglich():
    return VenueFactory(name="Uglich Town Theatre", city="Uglich")


def date_at(tour, swan_lake, venue, day, time, **kwargs):
    start = at(day, time)
    return PerformanceFactory(
        programme=swan_lake,
        venue=venue,
        tour=tour,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=165),
        **kwargs,
    )


def with_rest_rule(minutes):
    profile = LabourProfileFactory(min_rest_between_days_minutes=minutes)
    Company.objects.create(name="Pavlov Ballet Theatre", labour_profile=profile)


def codes(tour):
    return [w.code for w in tour_warnings(tour=tour)]


def test_a_well_spaced_tour_has_no_warnings(tour, swan_lake, yaroslavl, uglich):
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")
    date_at(tour, swan_lake, uglich, "2027-03-14", "19:00")
    assert tour_warnings(tour=tour) == []


def test_two_cities_on_one_day_is_warned(tour, swan_lake, yaroslavl, uglich):
    matinee = date_at(tour, swan_lake, yaroslavl, "2027-03-12", "12:00")
    evening = date_at(tour, swan_lake, uglich, "2027-03-12", "19:30")
    warnings = [w for w in tour_warnings(tour=tour) if w.code == "two_cities_one_day"]
    assert len(warnings) == 1
    assert warnings[0].day == dt.date(2027, 3, 12)
    assert set(warnings[0].performance_ids) == {matinee.pk, evening.pk}
    assert "Uglich" in warnings[0].message and "Yaroslavl" in warnings[0].message


def test_a_home_performance_on_a_tour_day_counts(tour, swan_lake, uglich):
    date_at(tour, swan_lake, uglich, "2027-03-15", "19:00")
    home = VenueFactory(name="Pavlov Theatre Main Stage", city="Moscow")
    PerformanceFactory(programme=swan_lake, venue=home, starts_at=at("2027-03-15", "12:00"))
    assert "two_cities_one_day" in codes(tour)


def test_cancelled_performances_raise_no_warnings(tour, swan_lake, yaroslavl, uglich):
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "12:00", status=Performance.Status.CANCELLED)
    date_at(tour, swan_lake, uglich, "2027-03-12", "19:30")
    assert tour_warnings(tour=tour) == []


def test_without_a_rest_rule_a_same_day_city_change_is_the_travel_warning(
    tour, swan_lake, yaroslavl, uglich
):
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "12:00")
    date_at(tour, swan_lake, uglich, "2027-03-12", "19:30")
    assert "short_rest_after_travel" in codes(tour)


def test_without_a_rest_rule_the_next_day_is_fine(tour, swan_lake, yaroslavl, uglich):
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")
    date_at(tour, swan_lake, uglich, "2027-03-13", "11:00")
    assert codes(tour) == []


def test_the_labour_agreements_rest_is_applied_after_travel(tour, swan_lake, yaroslavl, uglich):
    with_rest_rule(12 * 60)
    before = date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")  # ends 21:45
    after = date_at(tour, swan_lake, uglich, "2027-03-13", "09:00")  # 11 h 15 later
    warnings = tour_warnings(tour=tour)
    assert [w.code for w in warnings] == ["short_rest_after_travel"]
    assert warnings[0].performance_ids == (before.pk, after.pk)
    assert "11:15" in warnings[0].message


def test_enough_rest_after_travel_is_fine(tour, swan_lake, yaroslavl, uglich):
    with_rest_rule(12 * 60)
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")
    date_at(tour, swan_lake, uglich, "2027-03-13", "12:00")
    assert codes(tour) == []


def test_short_rest_in_the_same_city_is_not_travel(tour, swan_lake, yaroslavl):
    with_rest_rule(12 * 60)
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")
    date_at(tour, swan_lake, VenueFactory(city="Yaroslavl"), "2027-03-13", "09:00")
    assert codes(tour) == []


def test_itinerary_shows_travel_between_cities(tour, swan_lake, yaroslavl, uglich):
    date_at(tour, swan_lake, yaroslavl, "2027-03-12", "19:00")
    date_at(tour, swan_lake, yaroslavl, "2027-03-13", "19:00")
    date_at(tour, swan_lake, uglich, "2027-03-15", "19:00")
    stops = tour_plan(tour=tour).stops
    assert [s.travel_from for s in stops] == ["", "", "Yaroslavl"]
    assert [s.days_between for s in stops] == [None, 1, 2]
