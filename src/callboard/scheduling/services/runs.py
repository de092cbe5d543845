"""Solve runs: started (recorded, then sent to the background), stopped with the best schedule
found so far, and marked failed when their worker is lost."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.core import jobs
from callboard.core.actors import Actor, user_of
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.scheduling.models import (
    SchedulePeriod,
    SolveRun,
)
from callboard.scheduling.selectors import latest_version
from callboard.scheduling.services.common import (
    MAX_TIME_LIMIT,
    MAX_WORKERS,
    RUN_LOST_SECONDS,
    draft_of,
    log,
)


def _run_limits(time_limit: float, workers: int, seed: int) -> tuple[float, int, int]:
    try:
        time_limit = float(time_limit)
        workers = int(workers)
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give numbers for the time limit, workers and seed.")) from None
    if not math.isfinite(time_limit) or not 0.1 <= time_limit <= MAX_TIME_LIMIT:
        raise ValidationFailed(
            _("Give a time limit between 0.1 and %(max)s seconds.") % {"max": int(MAX_TIME_LIMIT)},
            field="time_limit",
        )
    if not 1 <= workers <= MAX_WORKERS:
        raise ValidationFailed(
            _("Use 1 to %(max)s workers.") % {"max": MAX_WORKERS}, field="workers"
        )
    if not 0 <= seed < 2**31:
        raise ValidationFailed(_("The seed is a whole number from 0."), field="seed")
    return time_limit, workers, seed


def run_lost_after() -> dt.timedelta:
    """How long a running run may go without a heartbeat before its worker counts as lost."""
    seconds = float(settings.CALLBOARD_RUN_LOST_SECONDS)
    return dt.timedelta(seconds=seconds if seconds > 0 else RUN_LOST_SECONDS)


def lost_worker_reason(status: str = SolveRun.Status.RUNNING) -> str:
    """What a run's page says when its worker is gone."""
    if status == SolveRun.Status.QUEUED:
        return _(
            "No planning worker took this run up in time. Nothing was published and the "
            "draft was left as it was: start the run again."
        )
    return _(
        "The planning worker stopped before finishing (its process ended or lost contact). "
        "Nothing was published and the draft was left as it was: start the run again."
    )


def _lost_runs(runs: Iterable[SolveRun], now: dt.datetime) -> list[SolveRun]:
    lost_after = run_lost_after()
    lost = []
    for run in runs:
        if run.status == SolveRun.Status.RUNNING and run.heartbeat_at is not None:
            if now - run.heartbeat_at > lost_after:
                lost.append(run)
        elif run.status in (SolveRun.Status.QUEUED, SolveRun.Status.RUNNING):
            # Never claimed by a worker (or claimed by one that never beat): long past its
            # time limit, nobody is going to run it.
            since = run.started_at or run.created_at
            if now - since > dt.timedelta(seconds=run.time_limit + 300):
                lost.append(run)
    return lost


def solve_runs_reap(*, now: dt.datetime, period: SchedulePeriod | None = None) -> list[int]:
    """Mark failed the unfinished runs whose worker is gone; returns their ids.

    A worker writes ``heartbeat_at`` with its progress while it runs; a running run whose
    heartbeat is older than ``run_lost_after()`` lost its worker. Its draft was never
    written (the draft is replaced in one transaction at the very end) and nothing is ever
    published by a run, so marking it failed is all there is to do. Each run is marked by
    one conditional update, so a worker that beats again just now keeps its run.
    """
    runs = SolveRun.objects.filter(status__in=[SolveRun.Status.QUEUED, SolveRun.Status.RUNNING])
    if period is not None:
        runs = runs.filter(period=period)
    return [run.pk for run in _lost_runs(runs, now) if _mark_lost(run, now)]


def _mark_lost(run: SolveRun, now: dt.datetime) -> bool:
    marked = SolveRun.objects.filter(
        pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at
    ).update(
        status=SolveRun.Status.FAILED,
        finished_at=now,
        error=lost_worker_reason(run.status),
        log=(run.log + "\n" + lost_worker_reason(run.status)).strip(),
    )
    if marked:
        log.warning("solve run %s lost its worker; marked failed", run.pk)
    return bool(marked)


def solve_run_refresh(*, run: SolveRun, now: dt.datetime) -> SolveRun:
    """``run``, marked failed first if its worker stopped beating (its pages and the API poll
    this). Only the heartbeat counts here; a run still waiting for a worker is judged by
    ``solve_runs_reap`` (the next start on its plan, or ``callboard schedule reap``)."""
    if run.status == SolveRun.Status.RUNNING and run.heartbeat_at and _lost_runs([run], now):
        _mark_lost(run, now)
        run.refresh_from_db()
    return run


@transaction.atomic
def solve_run_start(
    *,
    period: SchedulePeriod,
    by: Actor,
    now: dt.datetime,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    mode: str = SolveRun.Mode.FULL,
    enqueue: bool = True,
) -> SolveRun:
    """Record a run and hand it to a background worker; returns at once."""
    require(by, Cap.PLAN_SCHEDULE)
    time_limit, workers, seed = _run_limits(time_limit, workers, seed)
    if mode not in SolveRun.Mode.values:
        raise ValidationFailed(_("Choose how to plan: from scratch or re-plan."), field="mode")
    if mode == SolveRun.Mode.REPLAN and latest_version(period) is None:
        raise ValidationFailed(
            _("Nothing is published yet for these days: plan from scratch."), field="mode"
        )
    SchedulePeriod.objects.select_for_update().filter(pk=period.pk).first()
    solve_runs_reap(now=now, period=period)
    active = SolveRun.objects.filter(period=period, status__in=["queued", "running"]).first()
    if active is not None:
        raise Conflict(
            _("A run is already under way for this plan: wait for it or stop it."),
            detail={"run": active.pk},
        )
    # The job's id is noted with the run, so nothing is written once the job may be running.
    job_id = jobs.new_id() if enqueue else ""
    run = SolveRun.objects.create(
        period=period,
        schedule=draft_of(period),
        mode=mode,
        seed=seed,
        time_limit=time_limit,
        workers=workers,
        created_at=now,
        created_by=user_of(by),
        job_id=job_id,
    )
    if enqueue:
        run_pk = run.pk
        transaction.on_commit(
            lambda: jobs.enqueue(
                "callboard.scheduling.tasks.solve_run", job_id=job_id, run_id=run_pk
            )
        )
    return run


@transaction.atomic
def solve_run_stop(*, run: SolveRun, by: Actor, now: dt.datetime) -> SolveRun:
    """Ask a run to stop; it keeps the best schedule found so far."""
    require(by, Cap.PLAN_SCHEDULE)
    run = SolveRun.objects.select_for_update().get(pk=run.pk)
    if run.finished:
        return run
    if run.status == SolveRun.Status.QUEUED:
        run.status = SolveRun.Status.STOPPED
        run.finished_at = now
        run.log = (run.log + "\n" + _("Stopped before it started.")).strip()
    run.stop_requested = True
    run.save()
    return run
