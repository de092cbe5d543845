"""A record's history shows medical entries only to the medical staff and to the person the
record is about."""

from __future__ import annotations

import pytest

from callboard.audit import selectors, services
from callboard.company.tests import factories as f
from callboard.core.roles import Role


def _venue_entry(actor, venue, **kw):
    # Any model instance is a record; a studio stands in for one here.
    return services.record(actor=actor, action="hold.create", obj=venue, summary="Held", **kw)


@pytest.mark.django_db
def test_a_trail_shows_medical_entries_only_to_medical_staff_and_their_subject(make_user, now):
    dancer_user = make_user(Role.DANCER)
    person = f.PersonFactory(user=dancer_user)
    venue = f.StudioFactory()
    _venue_entry(None, venue, at=now)
    services.record(
        actor=None,
        action="injury.record",
        obj=venue,
        summary="Medical",
        sensitivity=services.MEDICAL,
        subject=person,
        at=now,
    )

    def seen(user):
        return [e.summary for e in selectors.trail_for(user, venue)]

    assert seen(make_user(Role.PHYSIOTHERAPIST)) == ["Medical", "Held"]
    assert seen(dancer_user) == ["Medical", "Held"]
    assert seen(make_user(Role.BALLET_MASTER)) == ["Held"]
    assert seen(make_user(Role.DANCER)) == ["Held"]
    assert seen(make_user(is_superuser=True)) == ["Held"]  # no superuser bypass
