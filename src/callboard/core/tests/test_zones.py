import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from callboard.core.errors import ValidationFailed
from callboard.core.zones import local_to_utc, time_zone_problem, zone, zone_or_utc


def test_iana_zone_names_are_accepted():
    assert time_zone_problem("Europe/Moscow") is None
    assert time_zone_problem("Asia/Yekaterinburg") is None
    assert time_zone_problem("UTC") is None


@pytest.mark.parametrize("name", ["", "  ", "Moscow", "Europe", "../etc/passwd", "Mars/Olympus"])
def test_names_that_are_not_zones_are_refused_with_a_reason(name):
    problem = time_zone_problem(name)
    assert problem
    with pytest.raises(ValidationFailed) as caught:
        zone(name)
    assert caught.value.field == "time_zone"


def test_a_wrongly_capitalised_zone_gets_a_suggestion():
    assert "Europe/Moscow" in time_zone_problem("europe/moscow")


def test_a_broken_zone_shows_in_utc_rather_than_failing():
    assert zone_or_utc("Nowhere/Special") is dt.UTC


def test_moscow_evening_is_afternoon_in_utc():
    instant = local_to_utc(local=dt.datetime(2026, 12, 1, 19, 0), zone_name="Europe/Moscow")
    assert instant == dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)


def test_local_time_must_come_without_offset():
    with pytest.raises(ValidationFailed):
        local_to_utc(
            local=dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.UTC), zone_name="Europe/Moscow"
        )


def test_a_time_skipped_by_the_clocks_going_forward_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        local_to_utc(local=dt.datetime(2027, 3, 28, 2, 30), zone_name="Europe/Berlin")
    assert "does not exist" in caught.value.message


def test_a_time_that_happens_twice_means_the_first():
    instant = local_to_utc(local=dt.datetime(2026, 10, 25, 2, 30), zone_name="Europe/Berlin")
    assert instant == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # still summer time


def test_a_local_days_bounds_follow_the_clock_change():
    from callboard.core.zones import local_day_bounds

    berlin = ZoneInfo("Europe/Berlin")
    start, end = local_day_bounds(dt.date(2026, 10, 25), berlin)  # clocks go back: 25 hours
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=25)
