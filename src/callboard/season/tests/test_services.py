import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed
from callboard.season import services
from callboard.season.models import Performance, Programme, ProgrammeWork, Season, Tour, Venue
from callboard.season.services import PerformanceData, ProgrammeItem
from callboard.season.tests.factories import (
    PerformanceFactory,
    PersonFactory,
    ProgrammeFactory,
    SeasonFactory,
    StaffFactory,
    TourFactory,
    VenueFactory,
    WorkFactory,
    at,
    conductor,
    programme_with,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def book(**overrides):
    """performance_create with sensible defaults; overrides replace fields of the data."""
    now = overrides.pop("now", at("2026-11-23", "10:00"))
    fields = {
        "programme": overrides.pop("programme", None) or programme_with(120),
        "venue": overrides.pop("venue", None) or VenueFactory(),
        "starts_at": at("2026-12-01", "19:00"),
    }
    fields.update(overrides)
    return services.performance_create(data=PerformanceData(**fields), now=now, by=CALLBOARD)


# ---------------------------------------------------------------- venues


def test_venue_is_created_with_its_stage():
    venue = services.venue_create(
        name="Uglich Town Theatre",
        city="Uglich",
        country="Russia",
        time_zone="Europe/Moscow",
        capacity=152,
        stage_width_m=Decimal("8.0"),
        stage_depth_m=Decimal("7.0"),
        stage_notes="Worn wooden stage, slight rake",
        orchestra_pit=False,
        by=CALLBOARD,
        now=timezone.now(),
    )
    venue.refresh_from_db()
    assert (venue.capacity, venue.orchestra_pit) == (152, False)
    assert venue.stage_notes == "Worn wooden stage, slight rake"


def test_venue_with_an_unknown_time_zone_is_refused_and_not_written():
    with pytest.raises(ValidationFailed) as caught:
        services.venue_create(
            name="Nowhere",
            city="Uglich",
            time_zone="Moscow",
            capacity=100,
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert caught.value.field == "time_zone"
    assert "Europe/Moscow" in caught.value.message
    assert not Venue.objects.exists()


def test_second_venue_with_the_same_name_is_a_conflict():
    VenueFactory(name="Volga Regional Theatre")
    with pytest.raises(Conflict):
        services.venue_create(
            name="volga regional theatre",
            city="Yaroslavl",
            time_zone="Europe/Moscow",
            capacity=720,
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert Venue.objects.count() == 1


def test_venue_update_changes_the_zone():
    venue = VenueFactory()
    services.venue_update(
        venue=venue,
        changes={
            "name": venue.name,
            "city": "Yekaterinburg",
            "time_zone": "Asia/Yekaterinburg",
            "capacity": 500,
        },
        by=CALLBOARD,
        now=timezone.now(),
    )
    venue.refresh_from_db()
    assert venue.time_zone == "Asia/Yekaterinburg"


# ---------------------------------------------------------------- seasons and tours


def test_season_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationFailed):
        services.season_create(
            name="2026–27",
            starts_on=dt.date(2027, 6, 30),
            ends_on=dt.date(2026, 9, 1),
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert not Season.objects.exists()


def test_season_cannot_shrink_away_from_its_tour():
    tour = TourFactory(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 10))
    season = tour.season
    with pytest.raises(ValidationFailed) as caught:
        services.season_update(
            season=season,
            changes={"ends_on": dt.date(2027, 4, 30)},
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert tour.name in caught.value.message
    season.refresh_from_db()
    assert season.ends_on == dt.date(2027, 6, 30)


def test_season_cannot_shrink_away_from_its_performances():
    performance = PerformanceFactory(starts_at=at("2027-06-20", "19:00"))
    season = performance.programme.season
    with pytest.raises(ValidationFailed):
        services.season_update(
            season=season,
            changes={"ends_on": dt.date(2027, 6, 1)},
            by=CALLBOARD,
            now=timezone.now(),
        )


def test_tour_must_lie_inside_its_season():
    season = SeasonFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.tour_create(
            season=season,
            name="Volga tour",
            starts_on=dt.date(2027, 6, 25),
            ends_on=dt.date(2027, 7, 5),
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert caught.value.field == "starts_on"
    assert not Tour.objects.exists()


def test_tour_dates_ordered():
    with pytest.raises(ValidationFailed):
        services.tour_create(
            season=SeasonFactory(),
            name="Volga tour",
            starts_on=dt.date(2027, 3, 5),
            ends_on=dt.date(2027, 3, 1),
            by=CALLBOARD,
            now=timezone.now(),
        )


def test_tour_cannot_shrink_away_from_its_performances():
    tour = TourFactory()
    book(
        programme=programme_with(120, season=tour.season),
        tour=tour,
        starts_at=at("2027-03-20", "19:00"),
    )
    with pytest.raises(ValidationFailed):
        services.tour_update(
            tour=tour,
            changes={"starts_on": dt.date(2027, 3, 1), "ends_on": dt.date(2027, 3, 10)},
            by=CALLBOARD,
            now=timezone.now(),
        )
    tour.refresh_from_db()
    assert tour.ends_on == dt.date(2027, 3, 31)


def test_duplicate_tour_name_in_a_season_is_a_conflict():
    tour = TourFactory(name="Volga tour")
    with pytest.raises(Conflict):
        services.tour_create(
            season=tour.season,
            name="Volga Tour",
            starts_on=dt.date(2027, 4, 1),
            ends_on=dt.date(2027, 4, 5),
            by=CALLBOARD,
            now=timezone.now(),
        )


# ---------------------------------------------------------------- programmes


def test_programme_keeps_works_in_order_and_adds_intervals_to_running_time():
    gala_opening, premiere = WorkFactory(duration_minutes=40), WorkFactory(duration_minutes=55)
    programme = services.programme_create(
        season=SeasonFactory(),
        title="Annual Gala",
        items=[
            ProgrammeItem(work=gala_opening, interval_after_minutes=20),
            ProgrammeItem(work=premiere),
        ],
        by=CALLBOARD,
        now=timezone.now(),
    )
    programme = Programme.objects.get(pk=programme.pk)
    assert [i.work for i in programme.items.all()] == [gala_opening, premiere]
    assert programme.running_minutes == 40 + 20 + 55


def test_interval_after_the_last_work_does_not_count():
    assert programme_with(60, intervals=(30,)).running_minutes == 60


def test_programme_needs_a_work():
    with pytest.raises(ValidationFailed):
        services.programme_create(
            season=SeasonFactory(), title="Empty", items=[], by=CALLBOARD, now=timezone.now()
        )
    assert not Programme.objects.exists()


def test_programme_lists_each_work_once():
    work = WorkFactory()
    with pytest.raises(ValidationFailed):
        services.programme_create(
            season=SeasonFactory(),
            title="Twice",
            items=[ProgrammeItem(work=work), ProgrammeItem(work=work)],
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert not ProgrammeWork.objects.exists()


def test_programme_update_replaces_its_works():
    programme = programme_with(60, 30)
    giselle = WorkFactory(title="Giselle", duration_minutes=110)
    services.programme_update(
        programme=programme,
        changes={"title": "Giselle", "items": [ProgrammeItem(work=giselle)]},
        by=CALLBOARD,
        now=timezone.now(),
    )
    programme = Programme.objects.get(pk=programme.pk)
    assert [i.work.title for i in programme.items.all()] == ["Giselle"]
    assert programme.running_minutes == 110


def test_programme_with_performances_cannot_change_season():
    performance = PerformanceFactory()
    programme = performance.programme
    with pytest.raises(ValidationFailed):
        services.programme_update(
            programme=programme,
            changes={"season": SeasonFactory(), "items": [ProgrammeItem(work=WorkFactory())]},
            by=CALLBOARD,
            now=timezone.now(),
        )


# ---------------------------------------------------------------- performances


def test_moscow_evening_start_is_stored_in_utc():
    performance = book(starts_at=at("2026-12-01", "19:00", "Europe/Moscow"))
    performance.refresh_from_db()
    assert performance.starts_at == dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert performance.local_starts_at.hour == 19


def test_end_defaults_to_the_programmes_running_time():
    performance = book(programme=programme_with(50, 40, intervals=(25,)))
    assert performance.ends_at - performance.starts_at == dt.timedelta(minutes=50 + 25 + 40)


def test_performance_ending_before_it_starts_is_refused_and_not_written():
    with pytest.raises(ValidationFailed) as caught:
        book(starts_at=at("2026-12-01", "19:00"), ends_at=at("2026-12-01", "18:00"))
    assert caught.value.field == "ends_at"
    assert "before it starts" in caught.value.message
    assert not Performance.objects.exists()


def test_naive_start_is_refused():
    with pytest.raises(ValidationFailed):
        book(starts_at=dt.datetime(2026, 12, 1, 19, 0))


def test_overlapping_performances_at_one_venue_conflict_and_nothing_is_written():
    venue = VenueFactory()
    first = book(venue=venue, starts_at=at("2026-12-01", "19:00"))
    with pytest.raises(Conflict) as caught:
        book(venue=venue, starts_at=at("2026-12-01", "20:00"))
    assert caught.value.detail["performance_id"] == first.pk
    assert Performance.objects.count() == 1


def test_back_to_back_performances_at_one_venue_are_allowed():
    venue = VenueFactory()
    matinee = book(venue=venue, starts_at=at("2026-12-01", "12:00"))
    evening = book(venue=venue, starts_at=matinee.ends_at)
    assert evening.starts_at == matinee.ends_at


def test_the_same_time_at_another_venue_is_allowed():
    book(starts_at=at("2026-12-01", "19:00"))
    book(starts_at=at("2026-12-01", "19:00"))
    assert Performance.objects.count() == 2


def test_a_cancelled_performance_frees_its_slot():
    venue = VenueFactory()
    first = book(venue=venue)
    services.performance_cancel(performance=first, now=at("2026-11-23", "10:00"), by=CALLBOARD)
    second = book(venue=venue)
    assert second.starts_at == first.starts_at


def test_performance_outside_its_season_is_refused():
    programme = programme_with(
        120, season=SeasonFactory(starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 6, 30))
    )
    with pytest.raises(ValidationFailed) as caught:
        book(programme=programme, starts_at=at("2027-07-02", "19:00"))
    assert caught.value.field == "starts_at"
    assert not Performance.objects.exists()


def test_season_dates_are_read_at_the_venue():
    # 1 Sep 01:00 in Vladivostok is still 31 Aug in UTC: inside a season starting 1 Sep.
    programme = programme_with(60, season=SeasonFactory(starts_on=dt.date(2026, 9, 1)))
    performance = book(
        programme=programme,
        venue=VenueFactory(time_zone="Asia/Vladivostok"),
        starts_at=at("2026-09-01", "01:00", "Asia/Vladivostok"),
    )
    assert performance.starts_at.astimezone(UTC).date() == dt.date(2026, 8, 31)


def test_performance_outside_its_tour_is_refused():
    tour = TourFactory(starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 15))
    with pytest.raises(ValidationFailed) as caught:
        book(
            programme=programme_with(90, season=tour.season),
            tour=tour,
            starts_at=at("2027-03-16", "19:00"),
        )
    assert caught.value.field == "tour"


def test_tour_of_another_season_is_refused():
    tour = TourFactory()
    with pytest.raises(ValidationFailed):
        book(tour=tour, starts_at=at("2027-03-12", "19:00"))


def test_conductor_must_hold_a_conductors_post():
    pianist = StaffFactory(kind="pianist").person
    with pytest.raises(ValidationFailed) as caught:
        book(conductor=pianist)
    assert caught.value.field == "conductor"
    assert pianist.full_name in caught.value.message
    assert not Performance.objects.exists()


def test_conductor_is_kept_for_a_live_orchestra():
    maestro = conductor(given_name="Andrei", family_name="Vorontsov")
    performance = book(conductor=maestro, orchestra="Pavlov Ballet Theatre Orchestra")
    performance.refresh_from_db()
    assert performance.conductor == maestro


def test_recorded_music_has_no_conductor():
    with pytest.raises(ValidationFailed) as caught:
        book(music=Performance.Music.RECORDED, conductor=conductor())
    assert caught.value.field == "conductor"


def test_database_refuses_a_conductor_for_recorded_music():
    performance = PerformanceFactory(music=Performance.Music.RECORDED)
    performance.conductor = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        performance.save()


def test_future_performance_cannot_be_marked_performed():
    with pytest.raises(ValidationFailed) as caught:
        book(status=Performance.Status.PERFORMED, now=at("2026-11-23", "10:00"))
    assert caught.value.field == "status"


def test_update_does_not_clash_with_itself_and_moves_the_performance():
    performance = book(starts_at=at("2026-12-01", "19:00"))
    services.performance_update(
        performance=performance,
        changes=vars(
            PerformanceData(
                programme=performance.programme,
                venue=performance.venue,
                starts_at=at("2026-12-01", "19:30"),
                title="Annual Gala",
            )
        ),
        by=CALLBOARD,
        now=at("2026-11-23", "10:00"),
    )
    performance.refresh_from_db()
    assert performance.starts_at == dt.datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert performance.billing == "Annual Gala"


def test_update_into_another_booking_is_a_conflict_and_changes_nothing():
    venue = VenueFactory()
    book(venue=venue, starts_at=at("2026-12-01", "19:00"))
    other = book(venue=venue, starts_at=at("2026-12-02", "19:00"))
    with pytest.raises(Conflict):
        services.performance_update(
            performance=other,
            changes=vars(
                PerformanceData(
                    programme=other.programme, venue=venue, starts_at=at("2026-12-01", "18:00")
                )
            ),
            by=CALLBOARD,
            now=at("2026-11-23", "10:00"),
        )
    other.refresh_from_db()
    assert other.starts_at == at("2026-12-02", "19:00")


def test_cancel_records_the_reason():
    performance = book()
    services.performance_cancel(
        performance=performance, reason="Snowstorm", now=at("2026-11-30", "09:00"), by=CALLBOARD
    )
    performance.refresh_from_db()
    assert performance.status == Performance.Status.CANCELLED
    assert "Snowstorm" in performance.notes


def test_a_performance_that_took_place_cannot_be_cancelled():
    performance = PerformanceFactory(status=Performance.Status.PERFORMED)
    with pytest.raises(ValidationFailed):
        services.performance_cancel(
            performance=performance, now=at("2026-12-30", "09:00"), by=CALLBOARD
        )
    performance.refresh_from_db()
    assert performance.status == Performance.Status.PERFORMED


def test_programme_without_works_needs_an_end():
    with pytest.raises(ValidationFailed) as caught:
        book(programme=ProgrammeFactory())
    assert caught.value.field == "ends_at"
