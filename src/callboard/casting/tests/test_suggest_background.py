"""Casting suggestions are worked out in the background: asking returns at once, the answer
is stored in one transaction when the solver is done, and a lost or failed worker leaves a
proposal that says so and changes nothing."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from callboard.casting import services
from callboard.casting.models import CastAssignment, CastingProposal, ProposalItem
from callboard.core import jobs
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict

from .conftest import make_world


@pytest.fixture
def cast_world(world):
    for _ in range(2):
        world.dancer(world.queen, rank="principal")
    for _ in range(8):
        world.dancer(world.swans)
    return world


def test_asking_records_a_proposal_being_worked_out_and_queues_it_after_commit(
    cast_world, now, settings, django_capture_on_commit_callbacks
):
    settings.CALLBOARD_JOBS = "inline"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        proposal = services.suggestion_request(
            programme=cast_world.programme, by=CALLBOARD, now=now, time_limit=5, covers=0
        )
    assert proposal.status == CastingProposal.Status.WORKING
    assert not proposal.items.exists() and proposal.covers == 0
    assert proposal.performances.count() == 3
    assert len(queued) == 1  # nothing runs before the request's transaction commits
    queued[0]()
    proposal.refresh_from_db()
    assert proposal.status == CastingProposal.Status.OPEN
    assert proposal.items.exists() and proposal.started_at == now
    assert proposal.finished_at is not None and proposal.finished_at >= now
    assert not proposal.items.filter(kind="cover").exists()  # covers=0 was kept for the run
    assert not CastAssignment.objects.exists()


def test_a_proposal_being_worked_out_cannot_be_accepted(cast_world, now):
    proposal = services.suggestion_request(
        programme=cast_world.programme, by=CALLBOARD, now=now, enqueue=False
    )
    with pytest.raises(Conflict, match="still being worked out"):
        services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)


def test_discarding_while_it_is_worked_out_drops_the_answer(cast_world, now):
    proposal = services.suggestion_request(
        programme=cast_world.programme, by=CALLBOARD, now=now, time_limit=5, enqueue=False
    )
    services.suggestion_discard(proposal=proposal, by=CALLBOARD, now=now)
    done = services.suggestion_work_out(proposal_id=proposal.pk, now=now)
    assert done.status == CastingProposal.Status.DISCARDED
    assert not ProposalItem.objects.exists() and not CastAssignment.objects.exists()


def test_a_proposal_whose_worker_stopped_is_marked_failed_when_looked_at(cast_world, now):
    proposal = services.suggestion_request(
        programme=cast_world.programme, by=CALLBOARD, now=now, time_limit=5, enqueue=False
    )
    # the worker starts it (its first write), then dies without an answer
    CastingProposal.objects.filter(pk=proposal.pk).update(started_at=now)
    proposal.refresh_from_db()
    soon = now + dt.timedelta(seconds=5 + services.SUGGESTION_GRACE_SECONDS)
    assert services.suggestion_refresh(proposal=proposal, now=soon).status == "working"
    late = soon + dt.timedelta(seconds=1)
    lost = services.suggestion_refresh(proposal=proposal, now=late)
    assert lost.status == CastingProposal.Status.FAILED and "worker working it out" in lost.error
    with pytest.raises(Conflict, match="could not be worked out"):
        services.suggestion_accept(proposal=lost, by=CALLBOARD, now=late)
    # a worker that comes back after all finds the proposal given up and leaves it alone
    assert services.suggestion_work_out(proposal_id=proposal.pk, now=late).status == "failed"
    assert not ProposalItem.objects.exists()


def test_a_proposal_no_worker_takes_waits_its_turn_then_says_so(cast_world, now):
    proposal = services.suggestion_request(
        programme=cast_world.programme, by=CALLBOARD, now=now, time_limit=5, enqueue=False
    )
    busy = now + dt.timedelta(seconds=services.SUGGESTION_QUEUE_SECONDS)
    assert services.suggestion_refresh(proposal=proposal, now=busy).status == "working"
    gone = services.suggestion_refresh(proposal=proposal, now=busy + dt.timedelta(seconds=1))
    assert gone.status == CastingProposal.Status.FAILED and "No worker took" in gone.error


def test_a_solver_failure_marks_the_proposal_failed_and_writes_nothing(
    cast_world, now, monkeypatch
):
    from callboard.casting.suggest import adapter

    def broken(**_):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(adapter, "build_problem", broken)
    proposal = services.suggestion_request(
        programme=cast_world.programme, by=CALLBOARD, now=now, enqueue=False
    )
    failed = services.suggestion_work_out(proposal_id=proposal.pk, now=now)
    assert failed.status == CastingProposal.Status.FAILED and "Ask for a new one" in failed.error
    assert not ProposalItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_embedded_worker_thread_works_it_out(now, settings):
    settings.CALLBOARD_JOBS = "thread"
    w = make_world()
    for _ in range(2):
        w.dancer(w.queen, rank="principal")
    proposal = services.suggestion_request(
        programme=w.programme, by=CALLBOARD, now=now, time_limit=5
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        proposal.refresh_from_db()
        if proposal.status != CastingProposal.Status.WORKING:
            break
        time.sleep(0.2)
    assert proposal.status == CastingProposal.Status.OPEN
    assert proposal.items.filter(role=w.queen, kind="first").count() == 3


def test_the_celery_worker_knows_the_suggestion_task():
    app = jobs.celery_app()

    app.loader.import_default_modules()
    assert "callboard.casting.suggestion_work_out" in app.tasks
