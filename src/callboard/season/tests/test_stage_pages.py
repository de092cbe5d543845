"""The venue's stage page (which room is its stage, how many dancers it holds, its get-in and
get-out) and a performance's own get-in and get-out: set by the season's editors on a form that
shows what is wrong, each change one history entry."""

from __future__ import annotations

import pytest

from callboard.audit.models import AuditEntry
from callboard.company.tests.factories import SiteFactory, StudioFactory
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.season import services
from callboard.season.models import Performance
from callboard.season.tests.factories import PerformanceFactory, VenueFactory, at

pytestmark = pytest.mark.django_db


def _history(obj: object) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            record_type=f"season.{type(obj).__name__.lower()}",
            record_id=obj.pk,  # type: ignore[attr-defined]
        ).order_by("pk")
    )


def test_an_existing_room_becomes_the_venues_stage_with_one_history_entry(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    venue = VenueFactory(name="Pavlov Theatre")
    room = StudioFactory(name="Main stage", capacity=40)
    services.venue_stage_set(
        venue=venue,
        room=room,
        capacity=60,
        get_in_minutes=180,
        get_out_minutes=60,
        by=manager,
        now=now,
    )
    venue.refresh_from_db()
    room.refresh_from_db()
    assert venue.stage == room and room.is_stage and room.capacity == 60
    assert (venue.get_in_minutes, venue.get_out_minutes) == (180, 60)
    (entry,) = _history(venue)
    assert entry.action == "season.venue_stage" and entry.actor == manager
    assert entry.changes["stage"] == [None, "Main stage"]
    assert entry.changes["get_in_minutes"] == [None, 180]
    # A second change: one more entry, saying only what changed.
    services.venue_stage_set(
        venue=venue, get_in_minutes=120, get_out_minutes=60, by=manager, now=now
    )
    entries = _history(venue)
    assert len(entries) == 2
    assert entries[1].changes == {"get_in_minutes": [180, 120]}
    venue.refresh_from_db()
    assert venue.stage == room  # kept when no room is named


def test_the_room_a_venue_leaves_is_a_studio_again(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    venue = VenueFactory(name="Pavlov Theatre")
    old, new = StudioFactory(name="Old stage"), StudioFactory(name="New stage")
    services.venue_stage_set(venue=venue, room=old, by=manager, now=now)
    old.refresh_from_db()
    assert old.is_stage
    services.venue_stage_set(venue=venue, room=new, by=manager, now=now)
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.is_stage and not old.is_stage
    assert _history(venue)[-1].changes["stage"] == ["Old stage", "New stage"]


def test_a_venue_without_a_stage_gets_a_new_room_at_the_site(make_user, now):
    venue = VenueFactory(name="Uglich Town Theatre")
    services.venue_stage_set(
        venue=venue,
        site=SiteFactory(name="Uglich theatre building"),
        capacity=20,
        by=make_user(Role.ARTISTIC_DIRECTOR),
        now=now,
    )
    venue.refresh_from_db()
    assert venue.stage is not None and venue.stage.is_stage
    assert venue.stage.site.name == "Uglich theatre building" and venue.stage.capacity == 20


def test_bad_stage_input_is_refused_naming_the_field_and_writing_nothing(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    theatre = VenueFactory(name="Pavlov Theatre")
    other = VenueFactory(name="Kremlin Palace")
    room = StudioFactory(name="Main stage")
    services.venue_stage_set(venue=theatre, room=room, by=manager, now=now)
    with pytest.raises(Conflict) as taken:
        services.venue_stage_set(venue=other, room=room, by=manager, now=now)
    assert taken.value.field == "room" and "Pavlov Theatre" in taken.value.message
    with pytest.raises(ValidationFailed) as nowhere:
        services.venue_stage_set(venue=other, by=manager, now=now)
    assert nowhere.value.field == "site"
    with pytest.raises(ValidationFailed) as long_get_in:
        services.venue_stage_set(venue=theatre, get_in_minutes=1500, by=manager, now=now)
    assert long_get_in.value.field == "get_in_minutes"
    with pytest.raises(PermissionDenied):
        services.venue_stage_set(
            venue=other, room=StudioFactory(), by=make_user(Role.DANCER), now=now
        )
    other.refresh_from_db()
    assert other.stage is None and not _history(other)


def test_a_performances_get_in_and_get_out_are_set_with_one_history_entry(make_user, now, settings):
    settings.CALLBOARD_STAGE_GET_IN_MINUTES = 240
    director = make_user(Role.ARTISTIC_DIRECTOR)
    show = PerformanceFactory(starts_at=at("2026-12-23", "19:00"))
    services.performance_stage_times_set(
        performance=show, get_in_minutes=300, get_out_minutes=30, by=director, now=now
    )
    show.refresh_from_db()
    assert show.stage_taken[0] == at("2026-12-23", "14:00")
    (entry,) = _history(show)
    assert entry.action == "season.performance_stage_times"
    assert entry.changes == {"get_in_minutes": [None, 300], "get_out_minutes": [None, 30]}
    with pytest.raises(ValidationFailed) as refused:
        services.performance_stage_times_set(
            performance=show, get_in_minutes=10, get_out_minutes=-5, by=director, now=now
        )
    assert refused.value.field == "get_out_minutes"
    show.refresh_from_db()
    assert show.get_in_minutes == 300 and len(_history(show)) == 1
    with pytest.raises(PermissionDenied):
        services.performance_stage_times_set(
            performance=show,
            get_in_minutes=None,
            get_out_minutes=None,
            by=make_user(Role.DANCER),
            now=now,
        )


def test_the_stage_page_sets_the_room_and_shows_errors(client_as):
    venue = VenueFactory(name="Pavlov Theatre")
    room = StudioFactory(name="Main stage")
    client = client_as(Role.COMPANY_MANAGER)
    page = client.get(f"/season/venues/{venue.pk}/stage/")
    assert page.status_code == 200 and "Main stage" in page.content.decode()
    bad = client.post(
        f"/season/venues/{venue.pk}/stage/", {"room": "", "site": "", "get_in_minutes": "90"}
    )
    assert bad.status_code == 422
    assert "Choose the room that is the stage" in bad.content.decode()
    too_long = client.post(
        f"/season/venues/{venue.pk}/stage/", {"room": room.pk, "get_in_minutes": "2000"}
    )
    assert too_long.status_code == 422 and 'role="alert"' in too_long.content.decode()
    venue.refresh_from_db()
    assert venue.stage is None
    done = client.post(
        f"/season/venues/{venue.pk}/stage/",
        {"room": room.pk, "capacity": "50", "get_in_minutes": "180", "get_out_minutes": "45"},
    )
    assert done.status_code == 302 and done.url == f"/season/venues/{venue.pk}/"
    venue.refresh_from_db()
    assert venue.stage == room and venue.get_in_minutes == 180
    shown = client.get(done.url).content.decode()
    assert "Main stage" in shown and "Get-in 180 min" in shown


def test_the_performance_stage_form_saves_and_refuses_bad_minutes(client_as):
    venue = VenueFactory(stage=StudioFactory(name="Main stage", is_stage=True))
    show = PerformanceFactory(venue=venue)
    client = client_as(Role.ARTISTIC_DIRECTOR)
    detail = client.get(f"/season/performances/{show.pk}/").content.decode()
    assert f"/season/performances/{show.pk}/stage/" in detail
    bad = client.post(f"/season/performances/{show.pk}/stage/", {"get_in_minutes": "abc"})
    assert bad.status_code == 422 and 'role="alert"' in bad.content.decode()
    done = client.post(
        f"/season/performances/{show.pk}/stage/", {"get_in_minutes": "300", "get_out_minutes": ""}
    )
    assert done.status_code == 302
    show.refresh_from_db()
    assert show.get_in_minutes == 300 and show.get_out_minutes is None


def test_a_dancer_may_not_open_the_stage_forms(client_as):
    show = PerformanceFactory()
    client = client_as(Role.DANCER)
    assert client.get(f"/season/venues/{show.venue_id}/stage/").status_code == 403
    assert (
        client.post(f"/season/performances/{show.pk}/stage/", {"get_in_minutes": "1"}).status_code
        == 403
    )
    assert Performance.objects.get(pk=show.pk).get_in_minutes is None
