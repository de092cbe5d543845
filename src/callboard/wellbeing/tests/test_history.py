"""Injuries and return-to-dance plans: medical history, read by the medical staff and the dancer."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.audit.models import AuditEntry
from callboard.audit.selectors import trail_for
from callboard.audit.tests.conftest import entries
from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing import services
from callboard.wellbeing.models import ReturnStage

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    dancer_user = make_user(Role.DANCER, username="klara")
    dancer = f.DancerFactory(
        person=f.PersonFactory(user=dancer_user, given_name="Klara", family_name="K")
    )
    return {
        "dancer": dancer,
        "dancer_user": dancer_user,
        "physio": make_user(Role.PHYSIOTHERAPIST, username="physio"),
        "master": make_user(Role.BALLET_MASTER, username="master"),
        "director": make_user(Role.ARTISTIC_DIRECTOR, username="director"),
        "other_dancer": make_user(Role.DANCER, username="olga"),
    }


def _injury(people, now, by=None):
    return services.injury_record(
        dancer=people["dancer"],
        body_part="ankle",
        side="left",
        occurred_on=now.date() - dt.timedelta(days=2),
        diagnosis="Sprain",
        time_lost_days=10,
        by=by or people["physio"],
        now=now,
    )


def test_recording_an_injury_writes_one_medical_entry_about_the_dancer(people, now):
    injury = _injury(people, now)
    (entry,) = entries()
    assert (entry.actor, entry.action, entry.kind, entry.sensitivity) == (
        people["physio"],
        "injury.record",
        "injury",
        AuditEntry.Sensitivity.MEDICAL,
    )
    assert entry.subject == people["dancer"].person
    assert (entry.record_type, entry.record_id) == ("wellbeing.injury", injury.pk)
    assert entry.summary == "Recorded an injury of Klara K: Ankle (left), 2026-11-21."
    assert entry.changes["diagnosis"] == [None, "Sprain"]


def test_only_the_medical_staff_and_the_dancer_read_the_injurys_history(people, now):
    injury = _injury(people, now)
    assert len(trail_for(people["physio"], injury)) == 1
    assert len(trail_for(people["dancer_user"], injury)) == 1
    for who in ("master", "director", "other_dancer"):
        assert trail_for(people[who], injury) == []


def test_an_update_writes_what_changed_and_a_refused_one_nothing(people, now):
    injury = _injury(people, now, by=people["dancer_user"])
    with pytest.raises(ValidationFailed):
        services.injury_update(
            injury=injury,
            by=people["physio"],
            now=now,
            changes={"occurred_on": now.date() + dt.timedelta(1)},
        )
    with pytest.raises(PermissionDenied):
        services.injury_update(
            injury=injury, by=people["master"], now=now, changes={"diagnosis": "Fracture"}
        )
    services.injury_update(
        injury=injury, by=people["physio"], now=now, changes={"diagnosis": "Grade 2 sprain"}
    )
    services.injury_update(
        injury=injury, by=people["physio"], now=now, changes={"diagnosis": "Grade 2 sprain"}
    )
    recorded, updated = entries()
    assert recorded.actor == people["dancer_user"]
    assert updated.changes == {"diagnosis": ["Sprain", "Grade 2 sprain"]}
    assert updated.summary.endswith(": diagnosis.")


def test_the_return_to_dance_plan_and_a_removal_are_medical_entries(people, now):
    injury = _injury(people, now)
    stage = services.return_stage_add(
        injury=injury,
        starts_on=now.date(),
        mode=ReturnStage.Mode.LIMITED,
        minutes_per_day=120,
        restrictions=["no_jumps"],
        by=people["physio"],
        now=now,
    )
    with pytest.raises(ValidationFailed):  # a limited stage needs a limit
        services.return_stage_add(
            injury=injury,
            starts_on=now.date() + dt.timedelta(days=3),
            mode=ReturnStage.Mode.LIMITED,
            by=people["physio"],
            now=now,
        )
    services.return_stage_remove(stage=stage, by=people["dancer_user"], now=now)
    injury_id = injury.pk
    services.injury_delete(injury=injury, by=people["physio"], now=now)
    _recorded, added, removed, deleted = entries()
    assert added.summary == (
        "Return-to-dance plan: from 2026-11-23, limited, at most 120 min a day, no jumps, "
        "not performing."
    )
    assert removed.actor == people["dancer_user"] and "removed the stage" in removed.summary
    assert (deleted.action, deleted.record_id) == ("injury.delete", injury_id)
    assert {e.sensitivity for e in entries()} == {AuditEntry.Sensitivity.MEDICAL}
