"""The wellbeing services: ratings of exertion, injuries and return-to-dance stages."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing import services
from callboard.wellbeing.models import Injury
from callboard.wellbeing.tests.conftest import dancer_with_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def me(make_user):
    return dancer_with_user(make_user)


# --------------------------------------------------------------------------- exertion


# --------------------------------------------------------------------------- injuries


def test_an_injury_in_the_future_or_with_absurd_time_lost_is_refused(me, now):
    dancer, user = me
    with pytest.raises(ValidationFailed):
        services.injury_record(
            dancer=dancer,
            body_part="knee",
            occurred_on=TODAY + dt.timedelta(days=1),
            by=user,
            now=now,
        )
    with pytest.raises(ValidationFailed):
        services.injury_record(
            dancer=dancer,
            body_part="knee",
            occurred_on=TODAY,
            time_lost_days=4000,
            by=user,
            now=now,
        )
    with pytest.raises(ValidationFailed, match="body part"):
        services.injury_record(dancer=dancer, body_part="soul", occurred_on=TODAY, by=user, now=now)
    with pytest.raises(ValidationFailed, match="NUL"):
        services.injury_record(
            dancer=dancer, body_part="knee", occurred_on=TODAY, notes="a\x00b", by=user, now=now
        )
    assert not Injury.objects.exists()


def test_time_lost_opens_a_planning_window_from_the_day_of_injury(me, now):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY, time_lost_days=10, by=user, now=now
    )
    injury.refresh_from_db()
    assert (injury.restricts, injury.restricted_from, injury.restricted_until) == (
        True,
        TODAY,
        TODAY + dt.timedelta(days=9),
    )


def test_stages_keep_the_planning_window_in_step(me, now):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY, by=user, now=now
    )
    injury.refresh_from_db()
    assert not injury.restricts
    services.return_stage_add(injury=injury, starts_on=TODAY, mode="out", by=user, now=now)
    services.return_stage_add(
        injury=injury,
        starts_on=TODAY + dt.timedelta(days=7),
        mode="limited",
        minutes_per_day=60,
        by=user,
        now=now,
    )
    injury.refresh_from_db()
    assert (injury.restricted_from, injury.restricted_until) == (TODAY, None)
    full = services.return_stage_add(
        injury=injury, starts_on=TODAY + dt.timedelta(days=14), mode="full", by=user, now=now
    )
    injury.refresh_from_db()
    assert injury.restricted_until == TODAY + dt.timedelta(days=13)
    assert full.may_perform
    services.return_stage_remove(stage=full, by=user, now=now)
    injury.refresh_from_db()
    assert injury.restricted_until is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "limited"}, "minutes_per_day"),  # neither cap nor restriction
        ({"mode": "limited", "minutes_per_day": 5}, "minutes_per_day"),
        ({"mode": "out", "minutes_per_day": 60}, "mode"),
        ({"mode": "full", "restrictions": ["no_jumps"]}, "mode"),
        ({"mode": "limited", "restrictions": ["no_dancing_at_all"]}, "restrictions"),
        ({"mode": "sideways"}, "mode"),
        ({"mode": "out", "starts_on": TODAY - dt.timedelta(days=30)}, "starts_on"),
    ],
)
def test_a_stage_that_makes_no_sense_is_refused_with_the_field_named(me, now, kwargs, field):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY - dt.timedelta(days=3), by=user, now=now
    )
    params = {"starts_on": TODAY, **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.return_stage_add(injury=injury, by=user, now=now, **params)
    assert exc.value.field == field
    assert not injury.stages.exists()


def test_two_stages_on_one_day_conflict(me, now):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY, by=user, now=now
    )
    services.return_stage_add(injury=injury, starts_on=TODAY, mode="out", by=user, now=now)
    with pytest.raises(Conflict):
        services.return_stage_add(injury=injury, starts_on=TODAY, mode="full", by=user, now=now)


def test_moving_the_injury_after_its_plan_is_refused(me, now):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY - dt.timedelta(days=5), by=user, now=now
    )
    services.return_stage_add(
        injury=injury, starts_on=TODAY - dt.timedelta(days=5), mode="out", by=user, now=now
    )
    with pytest.raises(ValidationFailed, match="move or remove the stage"):
        services.injury_update(injury=injury, by=user, now=now, changes={"occurred_on": TODAY})
    updated = services.injury_update(
        injury=injury, by=user, now=now, changes={"diagnosis": "Meniscus irritation"}
    )
    assert updated.diagnosis == "Meniscus irritation"


def test_only_the_medical_staff_remove_a_record(me, make_user, now):
    dancer, user = me
    injury = services.injury_record(
        dancer=dancer, body_part="knee", occurred_on=TODAY, by=user, now=now
    )
    with pytest.raises(PermissionDenied):
        services.injury_delete(injury=injury, by=user, now=now)
    services.injury_delete(injury=injury, by=make_user(Role.PHYSIOTHERAPIST), now=now)
    assert not Injury.objects.exists()


def test_a_superuser_is_not_medical_staff(me, now):
    dancer, _user = me
    admin = f.UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.injury_record(
            dancer=dancer, body_part="knee", occurred_on=TODAY, by=admin, now=now
        )
