"""Writes of the workload: ratings of exertion, checked against the published schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.wellbeing.models import ExertionRating
from callboard.workload import services
from callboard.workload.tests.conftest import at, company_class, dancer_with_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def me(make_user):
    return dancer_with_user(make_user)


def test_a_dancer_rates_a_day_and_a_second_rating_corrects_the_first(me, now):
    dancer, user = me
    services.exertion_record(dancer=dancer, day=TODAY, session="day", rpe=6, by=user, now=now)
    services.exertion_record(dancer=dancer, day=TODAY, session="day", rpe=7, by=user, now=now)
    assert list(ExertionRating.objects.values_list("rpe", flat=True)) == [7]


@pytest.mark.parametrize("rpe", [-1, 11, 5.5, True, "7"])
def test_exertion_outside_0_to_10_is_refused(me, now, rpe):
    dancer, user = me
    with pytest.raises(ValidationFailed) as exc:
        services.exertion_record(dancer=dancer, day=TODAY, session="day", rpe=rpe, by=user, now=now)
    assert exc.value.field == "rpe"
    assert not ExertionRating.objects.exists()


def test_a_day_still_to_come_or_long_past_cannot_be_rated(me, now):
    dancer, user = me
    for day in (TODAY + dt.timedelta(days=1), TODAY - dt.timedelta(days=15)):
        with pytest.raises(ValidationFailed):
            services.exertion_record(dancer=dancer, day=day, session="day", rpe=5, by=user, now=now)


def test_a_session_the_dancer_did_not_have_cannot_be_rated(me, now):
    dancer, user = me
    with pytest.raises(ValidationFailed, match="no company class"):
        services.exertion_record(dancer=dancer, day=TODAY, session="class", rpe=5, by=user, now=now)
    company_class([TODAY], now=now)
    services.exertion_record(dancer=dancer, day=TODAY, session="class", rpe=5, by=user, now=now)


def test_nobody_rates_exertion_for_another_dancer_but_the_medical_staff(me, make_user, now):
    dancer, _user = me
    _other, other_user = dancer_with_user(make_user)
    for by in (other_user, make_user(Role.BALLET_MASTER)):
        with pytest.raises(PermissionDenied):
            services.exertion_record(dancer=dancer, day=TODAY, session="day", rpe=5, by=by, now=now)
    services.exertion_record(
        dancer=dancer, day=TODAY, session="day", rpe=5, by=make_user(Role.PHYSIOTHERAPIST), now=now
    )


def test_ratings_are_kept_whole_days_apart_from_the_schedule(me, now):
    dancer, user = me
    company_class([TODAY], now=now)
    rating = services.exertion_record(
        dancer=dancer,
        day=TODAY,
        session="class",
        rpe=3,
        note="easy barre",
        by=user,
        now=at(TODAY, 12),
    )
    services.exertion_delete(rating=rating, by=user, now=now)
    assert not ExertionRating.objects.exists()
