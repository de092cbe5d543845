"""Stage time: a venue's stage is a room of its site, stage and dress rehearsals are planned on
it, performances take it from their get-in to their get-out, and the checker knows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.casting.models import RehearsalNeed
from callboard.company.tests.plans import DAY1, DAY3, at
from callboard.core.actors import CALLBOARD
from callboard.core.errors import ValidationFailed
from callboard.scheduling import adapters, services
from callboard.scheduling.models import Call, CallRequest
from callboard.scheduling.tests.conftest import solve
from callboard.season import services as season_services
from callboard.season.tests.factories import PerformanceFactory, ProgrammeFactory, VenueFactory

DAY2 = DAY1 + dt.timedelta(days=1)
assert DAY2 < DAY3

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(world, now):
    """The theatre's stage (at the studios' site); Swan Lake there on DAY2 at 19:00, taking
    the stage from 15:00 (get-in) to 23:30 (get-out)."""
    venue = VenueFactory(name="Pavlov Theatre", city="Moscow")
    season_services.venue_stage_open(
        venue=venue,
        site=world.studio_a.site,
        get_in_minutes=240,
        get_out_minutes=90,
        by=CALLBOARD,
        now=now,
    )
    venue.refresh_from_db()
    show = PerformanceFactory(
        venue=venue,
        programme=ProgrammeFactory(title="Swan Lake"),
        starts_at=at(DAY2, 19),
        ends_at=at(DAY2, 22),
    )
    return venue.stage, show


def _stage_request(world, stage, now, minutes=120, **extra):
    request = services.call_request_create(
        period=world.period,
        values={
            "label": "Stage rehearsal",
            "kind": CallRequest.Kind.STAGE,
            "minutes": minutes,
            "priority": 1,
            "earliest_day": DAY2,
            "latest_day": DAY2,
            **extra,
        },
        people=[world.anna, world.clara],
        by=world.master,
        now=now,
    )
    request.studios.set([stage])
    return request


def test_the_solver_plans_the_stage_rehearsal_on_the_stage_before_the_get_in(world, stage, now):
    stage_studio, show = stage
    request = _stage_request(world, stage_studio, now)
    run = solve(world, now)
    assert run.status == "done"
    calls = list(Call.objects.filter(request=request, schedule__status="draft"))
    assert calls and all(c.studio_id == stage_studio.pk for c in calls)
    get_in, get_out = show.stage_taken
    assert all(c.ends_at <= get_in or c.starts_at >= get_out for c in calls)
    # Nothing else is called on the stage: "any studio that fits" means a studio.
    others = Call.objects.filter(studio=stage_studio, schedule__status="draft").exclude(
        request=request
    )
    assert not others.exists()


def test_a_stage_rehearsal_that_only_fits_in_the_get_in_is_not_placed(world, stage, now):
    stage_studio, _show = stage
    # Only from 16:00 on DAY2: the stage is the performance's from 15:00.
    request = _stage_request(world, stage_studio, now, window_start=dt.time(16, 0))
    solve(world, now)
    assert not Call.objects.filter(request=request, schedule__status="draft").exists()


def test_a_stage_booking_over_a_performance_get_in_is_refused_naming_it(world, stage, now):
    stage_studio, _show = stage
    with pytest.raises(ValidationFailed) as refused:
        services.call_add(
            period=world.period,
            studio=stage_studio,
            starts_at=at(DAY2, 16),
            ends_at=at(DAY2, 17),
            label="Spacing",
            people=[world.anna],
            by=world.master,
            now=now,
        )
    message = str(refused.value)
    assert "Swan Lake" in message and "Pavlov Theatre" in message
    assert "15:00" in message and "23:30" in message
    assert not Call.objects.filter(studio=stage_studio).exists()
    with pytest.raises(ValidationFailed):
        services.fixed_event_create(
            kind="other",
            label="Lighting",
            starts_at=at(DAY2, 14),
            ends_at=at(DAY2, 16),
            people=[world.anna],
            studio=stage_studio,
            by=world.master,
            now=now,
        )
    # Before the get-in the stage is free.
    services.call_add(
        period=world.period,
        studio=stage_studio,
        starts_at=at(DAY2, 11),
        ends_at=at(DAY2, 12),
        label="Spacing",
        people=[world.anna],
        by=world.master,
        now=now,
    )


def test_the_checker_knows_the_stage_and_its_get_in(world, stage, now):
    stage_studio, _show = stage
    request = _stage_request(world, stage_studio, now, minutes=60)
    row = adapters.CallRow(
        request_pk=request.pk,
        part=0,
        studio_pk=stage_studio.pk,
        starts_at=at(DAY2, 16),
        ends_at=at(DAY2, 17),
        person_pks=(world.anna.pk, world.clara.pk),
    )
    review = services.review_rows(world.period, [row])
    assert review.findings, "a call on the stage during the get-in must be a finding"
    ok = adapters.CallRow(
        request_pk=request.pk,
        part=0,
        studio_pk=stage_studio.pk,
        starts_at=at(DAY2, 11),
        ends_at=at(DAY2, 12),
        person_pks=(world.anna.pk, world.clara.pk),
    )
    assert not services.review_rows(world.period, [ok]).findings


def test_stage_and_dress_rehearsals_from_casting_are_imported_onto_the_stage(world, stage, now):
    stage_studio, show = stage
    need = RehearsalNeed.objects.create(
        programme=show.programme,
        label="Stage rehearsal at Pavlov Theatre",
        kind=RehearsalNeed.Kind.STAGE,
        venue=show.venue,
        performance=show,
        minutes=120,
        earliest=DAY1,
        latest=DAY2,
        updated_at=now,
    )
    need.people.set([world.anna.dancer, world.clara.dancer])
    result = services.requests_import(period=world.period, by=world.master, now=now)
    assert result.created == 1, result.skipped
    request = CallRequest.objects.get(need=need)
    assert request.kind == "stage"
    assert list(request.studios.all()) == [stage_studio]


def test_the_venue_and_performance_pages_show_the_stage_time(world, stage, client):
    _stage_studio, show = stage
    client.force_login(world.master)
    venue_page = client.get(reverse("season:venue", args=[show.venue_id])).content.decode()
    assert "Stage of Pavlov Theatre" in venue_page and "Get-in 240 min" in venue_page
    page = client.get(reverse("season:performance", args=[show.pk])).content.decode()
    assert "Stage taken" in page and "15:00–23:30" in page


def test_a_stage_rehearsal_moved_into_the_get_in_is_refused_naming_the_performance(
    world, stage, now
):
    stage_studio, _show = stage
    call = services.call_add(
        period=world.period,
        studio=stage_studio,
        starts_at=at(DAY2, 10),
        ends_at=at(DAY2, 11),
        label="Stage rehearsal",
        people=[world.anna],
        by=world.master,
        now=now,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.call_move(
            call=call,
            studio=stage_studio,
            starts_at=at(DAY2, 14, 30),
            ends_at=at(DAY2, 15, 30),
            by=world.master,
            now=now,
            override_reason="the director asked",  # no reason lets a call onto a taken stage
        )
    assert "Swan Lake" in str(refused.value) and refused.value.field == "starts_at"
    call.refresh_from_db()
    assert call.starts_at == at(DAY2, 10)


def test_a_longer_get_in_set_on_the_performance_closes_the_stage_earlier(world, stage, now):
    stage_studio, show = stage
    booking = {
        "period": world.period,
        "studio": stage_studio,
        "starts_at": at(DAY2, 13),
        "ends_at": at(DAY2, 14),
        "label": "Spacing",
        "people": [world.anna],
        "by": world.master,
        "now": now,
    }
    season_services.performance_stage_times_set(
        performance=show, get_in_minutes=420, get_out_minutes=None, by=CALLBOARD, now=now
    )  # from 12:00
    with pytest.raises(ValidationFailed) as refused:
        services.call_add(**booking)
    assert "Swan Lake" in str(refused.value) and "12:00" in str(refused.value)
    season_services.performance_stage_times_set(
        performance=show, get_in_minutes=120, get_out_minutes=None, by=CALLBOARD, now=now
    )  # from 17:00: 13:00 is free again
    assert services.call_add(**booking).studio == stage_studio


def test_a_longer_get_in_saved_names_the_calls_already_on_the_stage_then(
    world, stage, now, client, make_user
):
    """A get-in made longer on the performance's page does not move a call placed on the
    stage before: the page says which calls, in the draft and published, are now on the
    stage during the get-in."""
    from callboard.core.roles import Role

    stage_studio, show = stage
    services.call_add(
        period=world.period,
        studio=stage_studio,
        starts_at=at(DAY2, 13),
        ends_at=at(DAY2, 14),
        label="Spacing",
        people=[world.anna],
        by=world.master,
        now=now,
    )
    services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    )
    client.force_login(make_user(Role.COMPANY_MANAGER))
    page = client.post(
        reverse("season:performance_stage", args=[show.pk]),
        {"get_in_minutes": "180", "get_out_minutes": ""},
        follow=True,
    ).content.decode()
    assert "Get-in and get-out saved." in page
    assert "Spacing" not in page  # from 16:00: nothing on the stage then

    page = client.post(
        reverse("season:performance_stage", args=[show.pk]),
        {"get_in_minutes": "420", "get_out_minutes": ""},  # from 12:00
        follow=True,
    ).content.decode()
    assert "Get-in and get-out saved." in page
    assert "The published call “Spacing”" in page and "13:00–14:00" in page
    assert "The call “Spacing”" in page and "in the draft of" in page
    assert "Swan Lake" in page
