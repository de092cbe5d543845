"""Rules of sites, studios, travel times and labour profiles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from callboard.company import presets, services
from callboard.company.models import LabourProfile, Site, SiteTravel, Studio
from callboard.company.tests.factories import LabourProfileFactory, SiteFactory, StudioFactory
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- sites and studios


def test_site_and_studio_create(now):
    site = services.site_create(name="Main building", address="Tverskaya 1", now=now, by=CALLBOARD)
    studio = services.studio_create(
        name="Studio A",
        site_id=site.pk,
        capacity=40,
        length_m="18.5",
        width_m=14,
        has_piano=True,
        now=now,
        by=CALLBOARD,
    )
    studio.refresh_from_db()
    assert studio.site == site
    assert str(studio.length_m) == "18.5"


def test_site_names_are_unique_whatever_the_case(now):
    services.site_create(name="Main building", now=now, by=CALLBOARD)
    with pytest.raises(Conflict):
        services.site_create(name="main BUILDING", now=now, by=CALLBOARD)
    assert Site.objects.count() == 1


def test_studio_capacity_must_be_positive_and_bounded(now):
    site = SiteFactory()
    for capacity in (0, -3, 40000):
        with pytest.raises(ValidationFailed) as caught:
            services.studio_create(
                name="Studio X", site_id=site.pk, capacity=capacity, now=now, by=CALLBOARD
            )
        assert caught.value.field == "capacity"
    assert not Studio.objects.exists()


def test_studio_needs_an_existing_site(now):
    with pytest.raises(ValidationFailed) as caught:
        services.studio_create(name="Studio X", site_id=999, capacity=10, now=now, by=CALLBOARD)
    assert caught.value.field == "site_id"


def test_studio_size_must_be_metres(now):
    site = SiteFactory()
    with pytest.raises(ValidationFailed):
        services.studio_create(
            name="S", site_id=site.pk, capacity=10, length_m="long", now=now, by=CALLBOARD
        )
    with pytest.raises(ValidationFailed):
        services.studio_create(
            name="S", site_id=site.pk, capacity=10, width_m=100000, now=now, by=CALLBOARD
        )
    assert not Studio.objects.exists()


def test_studio_duplicate_name_is_a_conflict(now):
    existing = StudioFactory(name="Studio A")
    with pytest.raises(Conflict):
        services.studio_create(
            name="studio a", site_id=existing.site_id, capacity=10, now=now, by=CALLBOARD
        )


def test_studio_update_moves_it_and_keeps_rules(now):
    studio = StudioFactory(capacity=20)
    other = SiteFactory(name="Annex")
    services.studio_update(
        studio=studio, changes={"site_id": other.pk, "has_piano": False}, now=now, by=CALLBOARD
    )
    studio.refresh_from_db()
    assert studio.site == other
    assert studio.has_piano is False
    with pytest.raises(ValidationFailed):
        services.studio_update(
            studio=studio, changes={"capacity": 0, "name": "Renamed"}, now=now, by=CALLBOARD
        )
    studio.refresh_from_db()
    assert studio.capacity == 20
    assert studio.name != "Renamed"


def test_site_travel_is_stored_both_ways_and_can_change(now):
    a, b = SiteFactory(name="Main building"), SiteFactory(name="Annex")
    services.site_travel_set(origin_id=a.pk, destination_id=b.pk, minutes=20, now=now, by=CALLBOARD)
    services.site_travel_set(origin_id=b.pk, destination_id=a.pk, minutes=25, now=now, by=CALLBOARD)
    assert sorted(SiteTravel.objects.values_list("minutes", flat=True)) == [25, 25]


def test_site_travel_refuses_same_site_and_silly_minutes(now):
    a, b = SiteFactory(name="Main building"), SiteFactory(name="Annex")
    with pytest.raises(ValidationFailed):
        services.site_travel_set(
            origin_id=a.pk, destination_id=a.pk, minutes=5, now=now, by=CALLBOARD
        )
    with pytest.raises(ValidationFailed):
        services.site_travel_set(
            origin_id=a.pk, destination_id=b.pk, minutes=-5, now=now, by=CALLBOARD
        )
    with pytest.raises(ValidationFailed):
        services.site_travel_set(
            origin_id=a.pk, destination_id=9999, minutes=5, now=now, by=CALLBOARD
        )
    assert not SiteTravel.objects.exists()


# --------------------------------------------------------------------------- labour profiles


def _terms(**changes):
    base = {k: v for k, v in presets.PRESETS["us_ballet"].items()}
    base["name"] = "Test agreement"
    base.update(changes)
    return base


def test_labour_profile_from_each_preset(now):
    for key, preset in presets.PRESETS.items():
        profile = services.labour_profile_from_preset(key=key, now=now, by=CALLBOARD)
        assert profile.name == preset["name"]
        assert profile.preset == key
        assert profile.max_minutes_per_day == preset["max_minutes_per_day"]


def test_labour_profile_from_preset_twice_gets_a_numbered_name(now):
    services.labour_profile_from_preset(key="us_ballet", now=now, by=CALLBOARD)
    second = services.labour_profile_from_preset(key="us_ballet", now=now, by=CALLBOARD)
    assert second.name == "US ballet company agreement (2)"


def test_labour_profile_from_preset_takes_who_and_when_like_every_write():
    with pytest.raises(TypeError):
        services.labour_profile_from_preset(key="uk_minimum", by=CALLBOARD)  # type: ignore[call-arg]
    assert services.labour_profile_from_preset(
        key="uk_minimum", by=CALLBOARD, now=timezone.now()
    ).pk


def test_labour_profile_unknown_preset_is_refused(now):
    with pytest.raises(ValidationFailed) as caught:
        services.labour_profile_from_preset(key="moon", now=now, by=CALLBOARD)
    assert "us_ballet" in caught.value.message
    assert not LabourProfile.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_minutes_per_week": 300}, "max_minutes_per_week"),  # week < day
        ({"max_minutes_per_day": 0}, "max_minutes_per_day"),
        ({"max_minutes_per_day": -60}, "max_minutes_per_day"),
        ({"max_minutes_per_day": 2000}, "max_minutes_per_day"),  # more than a day
        ({"free_days_per_week": 8}, "free_days_per_week"),
        ({"break_minutes": 60}, "break_minutes"),  # break not shorter than its interval
        ({"meal_break_minutes": 300}, "meal_break_minutes"),
        ({"break_every_minutes": None}, "break_every_minutes"),  # a break with no interval
        ({"meal_break_minutes": 0}, "meal_break_minutes"),  # a window with no rest
        ({"longest_call_minutes": 400}, "longest_call_minutes"),  # longer than a day's work
        ({"max_span_minutes": 120}, "max_span_minutes"),  # shorter than the longest call
        ({"latest_end": dt.time(9, 0)}, "latest_end"),  # ends before it starts
        ({"name": "  "}, "name"),
    ],
)
def test_labour_profile_rules(now, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        services.labour_profile_create(data=_terms(**changes), now=now, by=CALLBOARD)
    assert caught.value.field == field
    assert not LabourProfile.objects.exists()


def test_labour_profile_create_refuses_unknown_terms(now):
    with pytest.raises(ValidationFailed):
        services.labour_profile_create(data=_terms(coffee_minutes=10), now=now, by=CALLBOARD)


def test_labour_profile_duplicate_name_is_a_conflict(now):
    services.labour_profile_create(data=_terms(), now=now, by=CALLBOARD)
    with pytest.raises(Conflict):
        services.labour_profile_create(data=_terms(name="test AGREEMENT"), now=now, by=CALLBOARD)


def test_labour_profile_update_keeps_the_old_terms_on_error(now):
    profile = services.labour_profile_create(data=_terms(), now=now, by=CALLBOARD)
    services.labour_profile_update(
        profile=profile, changes={"max_minutes_per_week": 1500}, now=now, by=CALLBOARD
    )
    with pytest.raises(ValidationFailed):
        services.labour_profile_update(
            profile=profile,
            changes={"max_minutes_per_day": 420, "max_minutes_per_week": 400},
            now=now,
            by=CALLBOARD,
        )
    profile.refresh_from_db()
    assert (profile.max_minutes_per_day, profile.max_minutes_per_week) == (360, 1500)


def test_labour_profile_activate_puts_it_in_force(now):
    profile = LabourProfileFactory()
    company = services.labour_profile_activate(profile=profile, now=now, by=CALLBOARD)
    assert company.labour_profile == profile
    assert services.company_get().labour_profile_id == profile.pk


def test_labour_profile_activate_of_a_deleted_profile_is_not_found(now):
    profile = LabourProfileFactory()
    LabourProfile.objects.filter(pk=profile.pk).delete()
    with pytest.raises(NotFound):
        services.labour_profile_activate(profile=profile, now=now, by=CALLBOARD)
    assert services.company_get().labour_profile_id is None
