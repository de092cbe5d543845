"""Every write of the season checks ``EDIT_SEASON`` and goes into the history."""

from __future__ import annotations

import pytest

from callboard.audit.models import AuditEntry
from callboard.audit.tests.conftest import entries
from callboard.core.errors import PermissionDenied
from callboard.core.roles import Role
from callboard.season import services
from callboard.season.models import Venue
from callboard.season.tests.factories import PerformanceFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_a_venue_added_and_changed_is_in_the_history(make_user, now):
    director = make_user(Role.ARTISTIC_DIRECTOR)
    venue = services.venue_create(
        name="Uglich Town Theatre",
        city="Uglich",
        time_zone="Europe/Moscow",
        capacity=152,
        by=director,
        now=now,
    )
    services.venue_update(venue=venue, changes={"capacity": 150}, by=director, now=now)
    created, changed = entries(kind=AuditEntry.Kind.SEASON)
    assert created.action == "season.venue_create" and created.actor == director
    assert changed.changes == {"capacity": [152, 150]}


def test_an_update_changes_only_the_fields_it_names(make_user, now):
    venue = VenueFactory(city="Uglich", stage_notes="Worn wooden stage")
    services.venue_update(
        venue=venue, changes={"capacity": 200}, by=make_user(Role.COMPANY_MANAGER), now=now
    )
    venue.refresh_from_db()
    assert (venue.capacity, venue.city, venue.stage_notes) == (200, "Uglich", "Worn wooden stage")


def test_a_cancelled_performance_is_in_the_history_with_its_reason(make_user, now):
    performance = PerformanceFactory()
    services.performance_cancel(
        performance=performance, reason="Flooded stage", by=make_user(Role.COMPANY_MANAGER), now=now
    )
    (entry,) = entries(action="season.performance_cancel")
    assert entry.changes == {"status": ["planned", "cancelled"], "reason": [None, "Flooded stage"]}


def test_a_dancer_may_not_book_the_season(make_user, now):
    with pytest.raises(PermissionDenied):
        services.venue_create(
            name="Nowhere",
            city="Uglich",
            time_zone="Europe/Moscow",
            capacity=10,
            by=make_user(Role.DANCER),
            now=now,
        )
    assert not Venue.objects.exists() and not AuditEntry.objects.exists()
