"""Every write of the company checks who is writing and goes into the history, in its own
transaction: people, studios and sites, the labour agreement, roster imports."""

from __future__ import annotations

import pytest

from callboard.audit.models import AuditEntry
from callboard.audit.tests.conftest import entries
from callboard.company import services
from callboard.company.models import Dancer, Person, Studio
from callboard.company.tests.factories import DancerFactory, SiteFactory
from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_new_dancer_is_in_the_history_with_who_put_them_on_the_roster(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER, first_name="Oksana", last_name="Mirskaya")
    dancer = services.dancer_create(
        given_name="Klára", family_name="Kalmurzaev", rank="principal", by=manager, now=now
    )
    (entry,) = entries(kind=AuditEntry.Kind.PEOPLE)
    assert (entry.actor, entry.who, entry.at) == (manager, "Oksana Mirskaya", now)
    assert (entry.record_type, entry.record_id) == ("company.dancer", dancer.pk)
    assert entry.action == "people.dancer_create"
    assert "Klára Kalmurzaev" in entry.summary
    assert entry.changes["rank"] == [None, "principal"]


def test_a_change_to_a_dancer_records_the_old_and_the_new_value(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    dancer = DancerFactory(rank=Dancer.Rank.CORPS)
    services.dancer_update(
        dancer=dancer, changes={"rank": "soloist", "nationality": ""}, by=manager, now=now
    )
    (entry,) = entries(action="people.dancer_update")
    assert entry.changes == {"rank": ["corps", "soloist"]}  # unchanged fields are left out


def test_a_role_without_the_capability_changes_nothing_and_writes_no_history(make_user, now):
    dancer_user = make_user(Role.DANCER)
    with pytest.raises(PermissionDenied):
        services.dancer_create(
            given_name="Anna", family_name="Petrova", rank="corps", by=dancer_user, now=now
        )
    with pytest.raises(PermissionDenied):
        services.studio_create(
            name="Studio Z", site_id=SiteFactory().pk, capacity=10, by=dancer_user, now=now
        )
    assert not Person.objects.exists() and not Studio.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_change_leaves_no_history(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    with pytest.raises(ValidationFailed):
        services.dancer_create(
            given_name="Anna", family_name="Petrova", rank="prima", by=manager, now=now
        )
    assert not AuditEntry.objects.exists()


def test_studios_and_the_labour_agreement_are_in_the_history(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    site = services.site_create(name="Pavlov Theatre", by=manager, now=now)
    studio = services.studio_create(
        name="Studio A", site_id=site.pk, capacity=40, by=manager, now=now
    )
    services.studio_update(studio=studio, changes={"capacity": 30}, by=manager, now=now)
    profile = services.labour_profile_from_preset(key="uk_minimum", by=manager, now=now)
    services.labour_profile_activate(profile=profile, by=manager, now=now)
    assert [e.action for e in entries()] == [
        "studios.site_create",
        "studios.create",
        "studios.update",
        "labour.create",
        "labour.activate",
    ]
    assert entries(action="studios.update")[0].changes == {"capacity": [40, 30]}
