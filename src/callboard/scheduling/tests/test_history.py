"""The rehearsal schedule: hand edits, overrides, locks and publications are in the history."""

from __future__ import annotations

import pytest

from callboard.audit.tests.conftest import entries
from callboard.company.tests.plans import DAY1, at
from callboard.core.errors import ValidationFailed
from callboard.scheduling import services

pytestmark = pytest.mark.django_db


def _add(plan, now, start=14, end=15, label="Veils fitting", **kw):
    return services.call_add(
        period=plan.period,
        studio=plan.studio_b,
        starts_at=at(DAY1, start),
        ends_at=at(DAY1, end),
        label=label,
        people=[plan.klara],
        by=plan.master,
        now=now,
        **kw,
    )


def test_adding_a_call_by_hand_writes_one_entry_on_the_plan(plan, now):
    call = _add(plan, now)
    (entry,) = entries()
    assert (entry.actor, entry.action, entry.kind) == (plan.master, "schedule.add_call", "schedule")
    assert (entry.record_type, entry.record_id) == ("scheduling.call", call.pk)
    assert (entry.parent_type, entry.parent_id) == ("scheduling.scheduleperiod", plan.period.pk)
    assert entry.summary.startswith("Added a call: Veils fitting, ")
    assert "14:00–15:00, Studio B" in entry.summary


def test_a_refused_move_writes_nothing_and_an_override_names_its_rule_and_reason(plan, now):
    call = _add(plan, now)
    with pytest.raises(ValidationFailed):
        services.call_move(
            call=call,
            studio=plan.studio_a,
            starts_at=at(DAY1, 8),  # before the agreement's earliest start
            ends_at=at(DAY1, 9),
            by=plan.master,
            now=now,
        )
    assert len(entries()) == 1
    services.call_move(
        call=call,
        studio=plan.studio_a,
        starts_at=at(DAY1, 8),
        ends_at=at(DAY1, 9),
        by=plan.master,
        now=now,
        override_reason="Guest coach only free at 8",
    )
    override = entries()[-1]
    assert override.action == "schedule.override"
    assert "Overriding" in override.summary
    assert override.summary.endswith("Reason: Guest coach only free at 8")
    assert override.changes["studio"] == ["Studio B", "Studio A"]
    assert override.changes["starts"] == ["2026-11-24 14:00", "2026-11-24 08:00"]


def test_a_plain_move_lock_and_removal_are_one_entry_each(plan, now):
    call = _add(plan, now)
    services.call_move(
        call=call,
        studio=plan.studio_a,
        starts_at=at(DAY1, 16),
        ends_at=at(DAY1, 17),
        by=plan.master,
        now=now,
    )
    services.call_lock(call=call, locked=True, by=plan.master, now=now)
    services.call_lock(call=call, locked=True, by=plan.master, now=now)  # no change
    services.call_remove(call=call, by=plan.master, now=now)
    assert [e.action for e in entries()] == [
        "schedule.add_call",
        "schedule.move_call",
        "schedule.lock_call",
        "schedule.remove_call",
    ]
    assert entries()[1].summary.startswith("Moved Veils fitting, ")


def test_publishing_and_publishing_again_after_a_change_are_one_entry_each(plan, now):
    call = _add(plan, now)
    first = services.schedule_publish(period=plan.period, by=plan.master, now=now).version
    services.call_move(
        call=call,
        studio=plan.studio_b,
        starts_at=at(DAY1, 17),
        ends_at=at(DAY1, 18),
        by=plan.master,
        now=now,
    )
    second = services.schedule_publish(
        period=plan.period, by=plan.master, now=now, firm=True
    ).version
    published = entries(kind="schedule", action__in=["schedule.publish", "schedule.republish"])
    assert [(e.action, e.record_id) for e in published] == [
        ("schedule.publish", first.pk),
        ("schedule.republish", second.pk),
    ]
    assert published[0].summary.startswith("Published version 1 (tentative): 1 call(s)")
    assert published[1].summary.startswith("Published version 2 (firm), replacing version 1")
    assert "1 notice(s) of changes sent" in published[1].summary
    assert published[1].changes["version"] == [1, 2]


def test_a_refused_publication_writes_nothing(plan, now):
    with pytest.raises(ValidationFailed):
        services.schedule_publish(
            period=plan.period, by=plan.master, now=now, first_day=DAY1.replace(day=30)
        )
    assert entries() == []
