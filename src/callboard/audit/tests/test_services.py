"""The history itself: one entry per change, in the change's transaction, append-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from callboard.audit import services
from callboard.audit.models import AppendOnlyError, AuditEntry
from callboard.core.roles import Role


def _stand_in() -> Group:
    return Group.objects.create(name="A record")


def _venue_entry(actor, venue, **kw):
    # Any model instance is a record; a group of users stands in for one here.
    return services.record(actor=actor, action="hold.create", obj=venue, summary="Held", **kw)


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_in_a_change_rolled_back_is_gone_with_it(make_user):
    venue = _stand_in()
    user = make_user(Role.BOX_OFFICE)
    with pytest.raises(RuntimeError), transaction.atomic():
        _venue_entry(user, venue)
        assert AuditEntry.objects.count() == 1
        raise RuntimeError("the change fails after its entry was written")
    assert AuditEntry.objects.count() == 0
    with transaction.atomic():
        _venue_entry(user, venue)
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused():
    venue = _stand_in()
    with pytest.raises(services.NotInTransaction):
        _venue_entry(None, venue)
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_entries_are_append_only(make_user, now):
    venue = _stand_in()
    entry = _venue_entry(make_user(Role.BOX_OFFICE), venue, at=now)
    entry.summary = "Rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="Rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().summary == "Held"


@pytest.mark.django_db
def test_the_actor_is_named_as_they_were_and_callboard_itself_when_none(make_user, now):
    venue = _stand_in()
    user = make_user(Role.BOX_OFFICE, first_name="Svetlana", last_name="Rudneva")
    mine = _venue_entry(user, venue, at=now)
    system = _venue_entry(None, venue, at=now)
    assert (mine.actor, mine.who) == (user, "Svetlana Rudneva")
    assert system.actor is None and "Callboard" in system.who
    user.delete()  # a user who leaves keeps their name in the history
    mine.refresh_from_db()
    assert (mine.actor, mine.who) == (None, "Svetlana Rudneva")


@pytest.mark.django_db
def test_changes_are_kept_as_plain_json(now):
    venue = _stand_in()
    entry = _venue_entry(
        None,
        venue,
        at=now,
        changes={"day": [None, now.date()], "when": [now, None], "seats": [{3, 1}, None]},
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "day": [None, "2026-11-23"],
        "when": ["2026-11-23 10:00", None],
        "seats": [[1, 3], None],
    }


@pytest.mark.django_db
def test_an_unknown_kind_or_sensitivity_is_refused(now):
    venue = _stand_in()
    with pytest.raises(ValueError):
        services.record(actor=None, action="gossip.spread", obj=venue, summary="x")
    with pytest.raises(ValueError):
        _venue_entry(None, venue, sensitivity="secret")
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_an_entry_written_out_reads_back_as_the_orm_would_have_written_it(make_user, now):
    """Entries are inserted by hand-written SQL (core/rawsql.py): every field reads back as
    the ORM's own insert would have stored it."""
    record, parent = _stand_in(), Group.objects.create(name="Its parent")
    user = make_user(Role.PHYSIOTHERAPIST, first_name="Irina", last_name="Sokolova")
    # The person the record is about (the history sits below the company's records: the
    # model is reached through the field, not imported).
    person = AuditEntry._meta.get_field("subject").related_model
    subject = person.objects.create(given_name="Anna", family_name="Orlova")
    written = services.record(
        actor=user,
        action="injury.report",
        obj=record,
        parent=parent,
        subject=subject,
        summary="  Ankle, left  ",
        changes={"since": [None, now], "notes": ["", "Rest «до пятницы»"]},
        sensitivity=services.MEDICAL,
        at=now,
    )
    assert written.pk is not None and not written._state.adding
    by_orm = AuditEntry(
        at=now,
        actor=user,
        actor_name="Irina Sokolova",
        action="injury.report",
        kind="injury",
        record_type=written.record_type,
        record_id=record.pk,
        parent_type=written.parent_type,
        parent_id=parent.pk,
        subject=subject,
        summary="Ankle, left",
        changes={"since": [None, "2026-11-23 10:00"], "notes": ["", "Rest «до пятницы»"]},
        sensitivity=services.MEDICAL,
    )
    by_orm.save()
    names = [f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    read = AuditEntry.objects.get(pk=written.pk)
    expected = AuditEntry.objects.get(pk=by_orm.pk)
    assert {n: getattr(read, n) for n in names} == {n: getattr(expected, n) for n in names}
    assert read.parent_type and read.record_type
