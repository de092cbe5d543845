"""Reads: roster search and filters, the dancer profile, staff groups, labour in plain words."""

from __future__ import annotations

import pytest

from callboard.company import presets, selectors, services
from callboard.company.models import Dancer
from callboard.company.tests.factories import (
    DancerFactory,
    PersonFactory,
    StaffFactory,
)
from callboard.core.actors import CALLBOARD
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def _dancer(given, family, **kwargs):
    return DancerFactory(person=PersonFactory(given_name=given, family_name=family), **kwargs)


def _names(qs):
    return [d.person.full_name for d in qs]


def test_search_ignores_accents_and_case():
    _dancer("Klára", "Kalmurzaev", rank="principal")
    _dancer("Anna", "Petrova")
    assert _names(selectors.dancer_list(q="Klara")) == ["Klára Kalmurzaev"]
    assert _names(selectors.dancer_list(q="kalmurzaev")) == ["Klára Kalmurzaev"]
    assert _names(selectors.dancer_list(q="KLÁRA kalm")) == ["Klára Kalmurzaev"]
    assert _names(selectors.dancer_list(q="zzz")) == []


def test_filters_by_rank_and_status_and_orders_by_rank():
    _dancer("Anna", "Petrova", rank="corps")
    _dancer("Klára", "Kalmurzaev", rank="principal")
    _dancer("Boris", "Ivanov", rank="soloist", status="injured")
    assert _names(selectors.dancer_list()) == ["Klára Kalmurzaev", "Boris Ivanov", "Anna Petrova"]
    assert _names(selectors.dancer_list(rank="soloist")) == ["Boris Ivanov"]
    assert _names(selectors.dancer_list(status="injured")) == ["Boris Ivanov"]
    assert _names(selectors.dancer_list(rank="corps", status="injured")) == []


def test_unknown_rank_filter_is_a_clear_error():
    with pytest.raises(ValidationFailed) as caught:
        selectors.dancer_list(rank="star")
    assert "principal" in caught.value.message


def test_roster_page_is_bounded():
    DancerFactory.create_batch(selectors.ROSTER_PAGE_SIZE + 3)
    page = selectors.roster_page(page=1)
    assert len(page.object_list) == selectors.ROSTER_PAGE_SIZE
    assert page.paginator.count == selectors.ROSTER_PAGE_SIZE + 3
    assert len(selectors.roster_page(page="nonsense").object_list) == selectors.ROSTER_PAGE_SIZE


def test_private_facts_are_for_the_dancer_and_management(make_user):
    user = make_user(Role.DANCER)
    dancer = DancerFactory(person=PersonFactory(user=user))
    assert selectors.may_see_private(user, dancer.person)
    assert not selectors.may_see_private(make_user(Role.DANCER), dancer.person)
    assert not selectors.may_see_private(make_user(Role.PRESS), dancer.person)
    assert selectors.may_see_private(make_user(Role.BALLET_MASTER), dancer.person)


def test_dancer_get_of_a_missing_dancer_is_not_found():
    with pytest.raises(NotFound):
        selectors.dancer_get(pk=12345)


def test_staff_by_kind_groups_in_kind_order():
    StaffFactory(kind="pianist")
    StaffFactory(kind="choreographer")
    StaffFactory(kind="pianist")
    groups = selectors.staff_by_kind()
    assert [(label, len(members)) for label, members in groups] == [
        ("Choreographer", 1),
        ("Pianist", 2),
    ]


def test_labour_terms_speak_plainly(now):
    profile = services.labour_profile_from_preset(key="us_ballet", now=now, by=CALLBOARD)
    terms = selectors.labour_terms(profile)
    assert terms[0] == "At most 6 hours of work a day and 30 hours a week."
    assert "No call lasts longer than 3 hours." in terms
    assert "A break of 5 minutes in every hour of work." in terms
    assert "2 free days a week." in terms
    assert "Work starts no earlier than 10:00 and ends by 23:00." in terms


def test_labour_terms_mention_rest_between_days(now):
    profile = services.labour_profile_from_preset(key="uk_minimum", now=now, by=CALLBOARD)
    assert "At least 11 hours of rest between two working days." in selectors.labour_terms(profile)
    assert presets.PRESETS["uk_minimum"]["min_rest_between_days_minutes"] == 660


def test_duration_words():
    assert selectors.duration_words(90) == "1 hour 30 minutes"
    assert selectors.duration_words(5) == "5 minutes"
    assert selectors.duration_words(0) == "0 minutes"


def test_labour_overview_shows_the_profile_in_force(now):
    profile = services.labour_profile_from_preset(key="us_ballet", now=now, by=CALLBOARD)
    services.labour_profile_activate(profile=profile, now=now, by=CALLBOARD)
    overview = selectors.labour_overview()
    assert overview.in_force == profile
    assert [p for p, _terms in overview.profiles] == [profile]


def test_roster_excludes_nobody_by_default():
    DancerFactory(status=Dancer.Status.RETIRED)
    assert selectors.dancer_list().count() == 1
