"""The full path through the services: plan, solve, edit, publish, re-plan, notices."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from callboard.casting.models import RehearsalNeed
from callboard.company.tests.plans import DAY1, DAY3, at
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.scheduling import services
from callboard.scheduling.models import (
    Call,
    CallPerson,
    CallRequest,
    ImmutableVersionError,
    Notice,
    Schedule,
    SchedulePeriod,
)
from callboard.scheduling.tests.conftest import solve
from callboard.season.tests import factories as f

pytestmark = pytest.mark.django_db


def draft_calls(world):
    return list(
        Call.objects.filter(schedule__period=world.period, schedule__status="draft")
        .prefetch_related("called")
        .order_by("starts_at")
    )


def test_opening_overlapping_plans_is_refused_and_same_days_reopen(world, now):
    again = services.period_open(first_day=DAY1, last_day=DAY3, by=world.master, now=now)
    assert again.pk == world.period.pk
    with pytest.raises(Conflict):
        services.period_open(
            first_day=DAY3, last_day=DAY3 + dt.timedelta(days=2), by=world.master, now=now
        )
    with pytest.raises(ValidationFailed):
        services.period_open(
            first_day=dt.date(2027, 1, 1), last_day=dt.date(2027, 2, 1), by=world.master, now=now
        )


def test_a_dancer_cannot_plan(world, now):
    with pytest.raises(PermissionDenied):
        services.period_open(
            first_day=dt.date(2027, 1, 4),
            last_day=dt.date(2027, 1, 4),
            by=world.klara_user,
            now=now,
        )
    assert not SchedulePeriod.objects.filter(first_day=dt.date(2027, 1, 4)).exists()


def test_needs_from_casting_become_call_requests_with_their_share_of_minutes(world, now):
    programme = f.ProgrammeFactory()
    need = RehearsalNeed.objects.create(
        programme=programme,
        label="Coaching: Klára learns Odette",
        kind=RehearsalNeed.Kind.COACHING,
        minutes=600,
        earliest=DAY1,
        latest=DAY1 + dt.timedelta(days=5),  # six days, three of them in the plan
        priority=1,
        staff_kind="repetiteur",
        updated_at=now,
    )
    need.people.set([world.klara.dancer])
    stage = RehearsalNeed.objects.create(
        programme=programme,
        label="Stage rehearsal",
        kind=RehearsalNeed.Kind.STAGE,
        minutes=180,
        earliest=DAY1,
        latest=DAY1,
        updated_at=now,
    )
    stage.people.set([world.klara.dancer])

    result = services.requests_import(period=world.period, by=world.master, now=now)

    assert result.created == 1
    assert any("Stage rehearsal" in line for line in result.skipped)
    request = CallRequest.objects.get(period=world.period, need=need)
    assert request.minutes == 300
    assert set(request.people.all()) == {world.klara, world.repetiteur}
    again = services.requests_import(period=world.period, by=world.master, now=now)
    assert again.created == 0 and again.already == 1


def test_solving_fills_the_draft_with_calls_that_keep_every_rule(world, now):
    run = solve(world, now)

    assert run.status == "done"
    calls = draft_calls(world)
    assert {c.request_id for c in calls} == {world.pdd.pk, world.variation.pk, world.corps.pk}
    assert sum(c.minutes for c in calls) == 60 + 45 + 120
    assert max(c.minutes for c in calls if c.request_id == world.corps.pk) <= 60
    assert services.draft_review(world.period).findings == []
    assert run.inputs["requests"] and run.objective is not None and run.bound is not None
    assert "Best schedule" in run.log


def _the_pdd(world):
    return next(c for c in draft_calls(world) if c.request_id == world.pdd.pk)


def test_a_move_that_breaks_a_rule_is_refused_until_overridden_with_a_reason(world, now):
    solve(world, now)
    call = _the_pdd(world)
    before = (call.starts_at, call.studio_id)
    with pytest.raises(ValidationFailed) as refused:
        services.call_move(
            call=call,
            studio=world.studio_a,
            starts_at=at(DAY1, 8),  # before the earliest start of the agreement
            ends_at=at(DAY1, 9),
            by=world.master,
            now=now,
        )
    assert "earliest" in str(refused.value.detail).lower()
    call.refresh_from_db()
    assert (call.starts_at, call.studio_id) == before

    moved = services.call_move(
        call=call,
        studio=world.studio_a,
        starts_at=at(DAY1, 8),
        ends_at=at(DAY1, 9),
        by=world.master,
        now=now,
        override_reason="Guest coach only free at 8",
    )
    assert "Guest coach" in moved.override_reason
    assert {r["rule"] for r in moved.overridden_rules} >= {"earliest_start"}
    assert services.draft_review(world.period).open_findings == []


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (at(DAY1, 23), at(DAY1 + dt.timedelta(days=1), 1), "ends_at"),  # runs past midnight
        (at(DAY3 + dt.timedelta(days=3), 12), at(DAY3 + dt.timedelta(days=3), 13), "starts_at"),
        (at(DAY1, 13), at(DAY1, 12), "ends_at"),
    ],
)
def test_a_call_outside_its_day_or_the_plan_is_refused_and_nothing_changes(
    world, now, start, end, field
):
    solve(world, now)
    call = _the_pdd(world)
    before = (call.starts_at, call.ends_at)
    with pytest.raises(ValidationFailed) as refused:
        services.call_move(
            call=call, studio=world.studio_a, starts_at=start, ends_at=end, by=world.master, now=now
        )
    assert refused.value.field == field
    call.refresh_from_db()
    assert (call.starts_at, call.ends_at) == before


def test_an_unknown_or_closed_studio_is_refused(world, now):
    solve(world, now)
    call = _the_pdd(world)
    world.studio_b.active = False
    world.studio_b.save()
    with pytest.raises(ValidationFailed) as refused:
        services.call_move(
            call=call,
            studio=world.studio_b,
            starts_at=at(DAY1, 12),
            ends_at=at(DAY1, 13),
            by=world.master,
            now=now,
        )
    assert refused.value.field == "studio"
    with pytest.raises(ValidationFailed):
        services.call_move(
            call=call,
            studio=None,
            starts_at=at(DAY1, 12),
            ends_at=at(DAY1, 13),
            by=world.master,
            now=now,
        )


def test_adding_a_call_by_hand_makes_its_own_request(world, now):
    call = services.call_add(
        period=world.period,
        studio=world.studio_b,
        starts_at=at(DAY1, 14),
        ends_at=at(DAY1, 15),
        label="Fitting run for the veils",
        people=[world.klara],
        by=world.master,
        now=now,
    )
    assert call.request.label == "Fitting run for the veils"
    assert list(call.people.all()) == [world.klara]


def test_publishing_an_infeasible_draft_is_refused_and_changes_nothing(world, now):
    solve(world, now)
    call = _the_pdd(world)
    other = next(c for c in draft_calls(world) if c.request_id == world.corps.pk)
    # Boris in two calls at once, written past the services to simulate a bad draft.
    Call.objects.filter(pk=call.pk).update(
        starts_at=other.starts_at, ends_at=other.starts_at + dt.timedelta(minutes=60)
    )
    with pytest.raises(ValidationFailed) as refused:
        services.schedule_publish(period=world.period, by=world.master, now=now)
    assert "cannot be published" in refused.value.message
    assert refused.value.detail["violations"]
    assert not Schedule.objects.filter(period=world.period, status="published").exists()
    assert Notice.objects.count() == 0


def test_a_published_version_can_never_change(world, now):
    solve(world, now)
    version = services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True
    ).version
    call = Call.objects.filter(schedule=version).first()
    assert services.schedule_verify(version)

    with pytest.raises(Conflict):
        services.call_move(
            call=call,
            studio=world.studio_a,
            starts_at=at(DAY1, 12),
            ends_at=at(DAY1, 13),
            by=world.master,
            now=now,
        )
    with pytest.raises(ImmutableVersionError):
        call.label = "changed"
        call.save()
    with pytest.raises(ImmutableVersionError):
        Call.objects.filter(schedule=version).update(label="changed")
    with pytest.raises(ImmutableVersionError):
        Call.objects.filter(schedule=version).delete()
    with pytest.raises(ImmutableVersionError):
        CallPerson.objects.filter(call__schedule=version).delete()
    with pytest.raises(ImmutableVersionError):
        version.note = "changed"
        version.save()
    with pytest.raises(ImmutableVersionError):
        Schedule.objects.filter(pk=version.pk).update(note="changed")
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        Call.objects.create(
            schedule=version,
            studio=world.studio_a,
            starts_at=at(DAY1, 12),
            ends_at=at(DAY1, 13),
            label="sneaked in",
            created_at=now,
        )
    # Written past every guard, the fingerprint tells.
    CallPerson.objects.bulk_create(
        [CallPerson(call=call, person=world.anna)], ignore_conflicts=True
    )
    assert not services.schedule_verify(version)


def test_replanning_after_an_illness_notifies_exactly_the_people_touched(
    world, now, django_capture_on_commit_callbacks, settings
):
    solve(world, now)
    first = services.schedule_publish(period=world.period, by=world.master, now=now).version
    pdd = Call.objects.get(schedule=first, request=world.pdd)
    untouched = {c.uid for c in Call.objects.filter(schedule=first).exclude(request=world.pdd)}
    # Klára falls ill on the day of the pas de deux: she cannot be called that day.
    day = pdd.starts_at.astimezone(at(DAY1, 0).tzinfo).date()
    services.unavailability_create(
        person=world.klara,
        starts_at=at(day, 0),
        ends_at=at(day + dt.timedelta(days=1), 0),
        reason="Fever",
        by=world.master,
        now=now,
    )
    run = solve(world, now, mode="replan")
    assert run.status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        result = services.schedule_publish(period=world.period, by=world.master, now=now)

    second = result.version
    assert second.number == 2 and second.previous_id == first.pk
    moved = Call.objects.get(schedule=second, request=world.pdd)
    assert moved.uid == pdd.uid  # the same call, moved
    assert moved.starts_at.date() != pdd.starts_at.date() or moved.starts_at != pdd.starts_at
    assert {
        c.uid for c in Call.objects.filter(schedule=second).exclude(request=world.pdd)
    } == untouched
    notified = set(Notice.objects.filter(schedule=second).values_list("person_id", flat=True))
    assert notified == {world.klara.pk, world.boris.pk, world.repetiteur.pk}
    notice = Notice.objects.get(schedule=second, person=world.klara)
    assert (
        notice.kind == "changed" and notice.old_call_id == pdd.pk and notice.new_call_id == moved.pk
    )
    assert "Before:" in notice.body and "Now:" in notice.body
    assert {m.to[0] for m in mail.outbox} == {
        world.klara.email,
        world.boris.email,
        world.repetiteur.email,
    }
    assert Notice.objects.filter(email__status="sent").count() == 3
    assert all(f"{settings.CALLBOARD_SITE_URL}/schedule/me/" in m.body for m in mail.outbox)
    assert services.schedule_verify(first) and services.schedule_verify(second)


def test_a_change_inside_the_personal_notice_window_is_flagged(world, now):
    solve(world, now)
    services.schedule_publish(period=world.period, by=world.master, now=now, send_email=False)
    call = _the_pdd(world)
    later = call.starts_at - dt.timedelta(hours=3)  # three hours before the call
    services.call_move(
        call=call,
        studio=call.studio,
        starts_at=call.starts_at + dt.timedelta(hours=4),
        ends_at=call.ends_at + dt.timedelta(hours=4),
        by=world.master,
        now=later,
        override_reason="late change test",
    )
    result = services.schedule_publish(
        period=world.period, by=world.master, now=later, send_email=False
    )
    assert result.late_notices == result.notices > 0
    assert all(n.late for n in Notice.objects.filter(schedule=result.version))


def test_publishing_one_day_keeps_the_other_days_of_the_previous_version(world, now):
    solve(world, now)
    first = services.schedule_publish(
        period=world.period, by=world.master, now=now, first_day=DAY1, last_day=DAY1, firm=True
    ).version
    assert first.published_from == first.published_to == DAY1
    assert first.is_firm(DAY1) and not first.is_firm(DAY3)
    second = services.schedule_publish(
        period=world.period, by=world.master, now=now, first_day=DAY3, last_day=DAY3
    ).version
    assert (second.published_from, second.published_to, second.firm_through) == (DAY1, DAY3, DAY1)


def test_publishing_after_the_posting_deadline_is_recorded(world, now):
    solve(world, now)
    late_now = at(DAY1 - dt.timedelta(days=1), 16)  # 16:00 the day before: past 15:00
    result = services.schedule_publish(
        period=world.period, by=world.master, now=late_now, first_day=DAY1, last_day=DAY1
    )
    assert result.late_days == [DAY1]


def test_a_dancer_declares_their_own_unavailability_but_nobody_elses(world, now):
    own = services.unavailability_create(
        person=world.klara,
        starts_at=at(DAY1, 9),
        ends_at=at(DAY1, 12),
        by=world.klara_user,
        now=now,
    )
    assert own.person == world.klara
    with pytest.raises(PermissionDenied):
        services.unavailability_create(
            person=world.anna,
            starts_at=at(DAY1, 9),
            ends_at=at(DAY1, 12),
            by=world.klara_user,
            now=now,
        )


def test_a_locked_call_stays_where_it_is_when_the_rest_is_solved_again(world, now):
    solve(world, now)
    call = _the_pdd(world)
    services.call_move(
        call=call,
        studio=world.studio_b,
        starts_at=at(DAY3, 16),
        ends_at=at(DAY3, 17),
        by=world.master,
        now=now,
    )
    services.call_lock(call=call, locked=True, by=world.master, now=now)
    solve(world, now)
    kept = Call.objects.get(pk=call.pk)
    assert (kept.studio_id, kept.starts_at) == (world.studio_b.pk, at(DAY3, 16))
    assert Call.objects.filter(schedule=kept.schedule, request=world.pdd).count() == 1


def test_a_second_run_while_one_is_under_way_is_refused(world, now):
    services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    with pytest.raises(Conflict):
        services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)


@pytest.mark.parametrize("limit", [0, -1, 1e9, float("nan")])
def test_absurd_time_limits_are_refused(world, now, limit):
    with pytest.raises(ValidationFailed):
        services.solve_run_start(
            period=world.period, by=world.master, now=now, time_limit=limit, enqueue=False
        )


def test_stopping_a_run_keeps_its_best_schedule(world, now):
    run = services.solve_run_start(
        period=world.period, by=world.master, now=now, time_limit=30, workers=1, enqueue=False
    )
    services.solve_run_stop(run=run, by=world.master, now=now)  # queued: stops before starting
    run.refresh_from_db()
    assert run.status == "stopped"

    from callboard.scheduling import adapters

    inputs = adapters.load_inputs(world.period)
    problem, _mapping = adapters.build_problem(inputs)
    solution, stopped = adapters.solve_problem(
        problem, time_limit=30, seed=1, workers=1, should_stop=lambda: True, poll_seconds=0.05
    )
    assert stopped
    assert solution.has_schedule and solution.calls


def test_a_run_planned_day_by_day_never_shows_an_unproven_bound(world, now):
    """A plan of 30 calls or more is first planned day by day. Its live lines give a bound only
    once one is proven (the person bound, computed first, or CP-SAT's): either "no bound proven
    yet" or a bound no higher than the schedule's cost, never a "bound 0" that proves nothing;
    the finished run has its bound."""
    dancers = [world.klara, world.boris, world.anna, world.clara]
    for k in range(30):
        services.call_request_create(
            period=world.period,
            values={"label": f"Section {k + 1}", "minutes": 30, "priority": 1 + k % 3},
            people=[dancers[k % 4], dancers[(k + 1) % 4]],
            by=world.master,
            now=now,
        )
    run = solve(world, now, time_limit=6)

    assert run.status == "done", run.log + run.error
    progress = [line for line in run.log.splitlines() if "a schedule costing" in line]
    assert progress, run.log
    for line in progress:
        match = re.search(r"costing (\d+) \((?:bound (\d+)|no bound proven yet)\)", line)
        assert match, line
        cost, bound = match.groups()
        if bound is not None:
            assert int(bound) <= int(cost), line
            # A bound of 0 is only worth showing beside a schedule that costs 0 (it proves it).
            assert int(bound) > 0 or int(cost) == 0, line
    assert run.bound is not None
    assert run.bound <= run.objective
