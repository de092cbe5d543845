"""Clashes across the season: the conductor and the orchestra booked in Moscow and Uglich at
once, a journey without time for it, and the times said right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.core.roles import Role
from callboard.season.clashes import clashes, duration
from callboard.season.selectors import tour_warnings
from callboard.season.tests.factories import (
    PerformanceFactory,
    TourFactory,
    VenueFactory,
    at,
    conductor,
    programme_with,
)

pytestmark = pytest.mark.django_db

ORCHESTRA = "Pavlov Ballet Theatre Orchestra"


@pytest.fixture
def night():
    """23 Dec 19:00: the Nutcracker in Moscow and Swan Lake in Uglich, one conductor."""
    maestro = conductor(given_name="Andrei", family_name="Vorontsov")
    tour = TourFactory(
        name="Volga tour", starts_on=dt.date(2026, 12, 20), ends_on=dt.date(2026, 12, 24)
    )
    nutcracker = programme_with(120, title="The Nutcracker", season=tour.season)
    swan_lake = programme_with(165, title="Swan Lake", season=tour.season)
    moscow = PerformanceFactory(
        programme=nutcracker,
        venue=VenueFactory(name="Pavlov Theatre", city="Moscow"),
        starts_at=at("2026-12-23", "19:00"),
        ends_at=at("2026-12-23", "21:00"),
        conductor=maestro,
        orchestra=ORCHESTRA,
    )
    uglich = PerformanceFactory(
        programme=swan_lake,
        venue=VenueFactory(name="Uglich Town Theatre", city="Uglich"),
        tour=tour,
        starts_at=at("2026-12-23", "19:00"),
        ends_at=at("2026-12-23", "21:45"),
        conductor=maestro,
        orchestra=f"{ORCHESTRA} (reduced, 24 players at floor level)",
    )
    return moscow, uglich, tour


def test_the_conductor_and_the_orchestra_booked_in_two_cities_at_once_are_flagged(night):
    moscow, _uglich, _tour = night
    found = clashes(
        start=at("2026-12-23", "00:00"), end=at("2026-12-24", "00:00"), performance_ids=[moscow.pk]
    )
    who = sorted(c.who for c in found)
    assert who == ["Andrei Vorontsov (conductor)", ORCHESTRA]
    assert {c.code for c in found} == {"two_places"}
    message = next(c.message for c in found if "conductor" in c.who)
    assert "Moscow" in message and "Uglich" in message
    assert "19:00–21:45" in message and "19:00–21:00" in message
    assert "The Nutcracker in Moscow starts 2 h 45 min before Swan Lake in Uglich ends" in message


def test_without_time_to_travel_between_cities_it_is_flagged_with_the_gap(night):
    _moscow, uglich, _tour = night
    uglich.starts_at = at("2026-12-23", "22:00")
    uglich.ends_at = at("2026-12-23", "23:59")
    uglich.save()
    found = clashes(start=at("2026-12-23", "00:00"), end=at("2026-12-24", "00:00"))
    conductor_clash = next(c for c in found if "conductor" in c.who)
    assert conductor_clash.code == "no_travel_time"
    assert "has 1 h between" in conductor_clash.message
    assert "from Moscow to Uglich takes 3 h" in conductor_clash.message


def test_a_day_apart_nothing_clashes(night):
    _moscow, uglich, _tour = night
    uglich.starts_at = at("2026-12-24", "19:00")
    uglich.ends_at = at("2026-12-24", "21:45")
    uglich.save()
    assert clashes(start=at("2026-12-22", "00:00"), end=at("2026-12-26", "00:00")) == []


def test_the_tour_says_the_moscow_show_starts_2_h_45_min_before_uglich_ends(night):
    moscow, _uglich, tour = night
    moscow.starts_at = at("2026-12-23", "19:00")
    moscow.save()
    warnings = tour_warnings(tour=tour)
    overlap = next(w for w in warnings if w.code == "two_places_at_once")
    assert "2 h 45 min before" in overlap.message
    assert "0:00" not in overlap.message


def test_duration_reads_as_people_say_it():
    assert duration(dt.timedelta(hours=2, minutes=45)) == "2 h 45 min"
    assert duration(dt.timedelta(minutes=45)) == "45 min"
    assert duration(dt.timedelta(hours=3)) == "3 h"


def test_the_performance_page_and_the_calendar_show_the_clash(night, client, make_user):
    moscow, _uglich, tour = night
    client.force_login(make_user(Role.COMPANY_MANAGER))
    for url in (
        reverse("season:performance", args=[moscow.pk]),
        reverse("season:calendar") + "?month=2026-12",
        reverse("season:tour", args=[tour.pk]),
    ):
        body = client.get(url).content.decode()
        assert 'id="clashes"' in body, url
        assert "Andrei Vorontsov (conductor) is booked in two places at once" in body, url
