"""When a performance takes its venue's stage: its own get-in, else the venue's, else the
default; the venue's get-in and get-out are edited like its other details."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core.actors import CALLBOARD
from callboard.core.errors import ValidationFailed
from callboard.season import services
from callboard.season.tests.factories import PerformanceFactory, VenueFactory, at

pytestmark = pytest.mark.django_db


def test_the_stage_is_taken_from_the_get_in_to_the_get_out(settings, now):
    settings.CALLBOARD_STAGE_GET_IN_MINUTES = 240
    settings.CALLBOARD_STAGE_GET_OUT_MINUTES = 90
    venue = VenueFactory()
    show = PerformanceFactory(venue=venue, starts_at=at("2026-12-23", "19:00"))
    assert show.stage_taken[0] == at("2026-12-23", "15:00")
    assert show.stage_taken[1] == show.ends_at + dt.timedelta(minutes=90)
    services.venue_update(
        venue=venue, changes={"get_in_minutes": 180, "get_out_minutes": 60}, by=CALLBOARD, now=now
    )
    show.refresh_from_db()
    assert show.stage_taken == (at("2026-12-23", "16:00"), show.ends_at + dt.timedelta(hours=1))
    show.get_in_minutes = 300
    assert show.stage_taken[0] == at("2026-12-23", "14:00")


def test_a_get_in_longer_than_a_day_is_refused(now):
    venue = VenueFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.venue_update(venue=venue, changes={"get_in_minutes": 2000}, by=CALLBOARD, now=now)
    assert refused.value.field == "get_in_minutes"
    venue.refresh_from_db()
    assert venue.get_in_minutes is None
