"""Faults around the callboard: a planning worker killed mid-run, the database lost mid-publish.

Real PostgreSQL, the real solver in a real separate process (``callboard schedule solve``
and a real Celery worker on Redis), killed with SIGKILL while it solves. The run must end up
marked failed with the reason on its page, and the published version, its calls and the
draft must be exactly as they were. Publishing cut off by a lost database connection
leaves no half version. The reaper's rules themselves are tested on any database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from callboard.company.tests.plans import DAY1, DAY3, make_dancer
from callboard.core import jobs
from callboard.core.testing.celery import broker
from callboard.core.testing.faults import database_lost_after_first_save
from callboard.scheduling import services
from callboard.scheduling.models import Call, CallPerson, Schedule, SolveRun
from callboard.scheduling.tests.conftest import World, solve
from conftest import require_postgres, require_redis

FAILED_TEXT = "The planning worker stopped before finishing"
LOST_SECONDS = 2.0  # the heartbeat is written twice a second; this test's patience


# --------------------------------------------------------------------------- helpers


def busy(world: World, now: dt.datetime) -> None:
    """Make the plan big enough that the solver is still improving when it is killed."""
    rng = random.Random(8)
    dancers = list(world.dancers)
    for n in range(12):
        dancers.append(make_dancer(f"Dancer{n}", f"Corps{n}"))
    for n in range(18):
        people = rng.sample(dancers, rng.randint(3, 5))
        services.call_request_create(
            period=world.period,
            values={
                "label": f"Corps work {n}",
                "minutes": rng.choice([60, 90, 120]),
                "priority": 2,
            },
            people=[*people, world.repetiteur] if n % 3 == 0 else people,
            by=world.master,
            now=now,
        )


def publish_first_version(world: World, now: dt.datetime) -> Schedule:
    run = solve(world, now, time_limit=5)
    assert run.status in ("done", "stopped"), run.log + run.error
    return services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    ).version


def snapshot(schedule: Schedule) -> str:
    """Every stored field of a schedule, its calls and their people, as one string."""
    calls = list(Call.objects.filter(schedule=schedule).order_by("pk").values())
    people = list(
        CallPerson.objects.filter(call__schedule=schedule)
        .order_by("pk")
        .values("pk", "call", "person")
    )
    row = Schedule.objects.filter(pk=schedule.pk).values().get()
    return json.dumps({"schedule": row, "calls": calls, "people": people}, default=str)


def _env(**extra: str) -> dict[str, str]:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    if s["PASSWORD"]:
        url = url.replace("@", f":{s['PASSWORD']}@", 1)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "callboard.settings",
        **extra,
    }


def wait_until_solving(proc: subprocess.Popen[Any], *, timeout: float = 90) -> SolveRun:
    """The newest run once its worker is mid-solve: running, beating, a schedule found."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the worker ended by itself: {proc.communicate()}"
        run = SolveRun.objects.order_by("-pk").first()
        if (
            run is not None
            and run.status == SolveRun.Status.RUNNING
            and run.heartbeat_at is not None
            and run.started_at is not None
            and run.heartbeat_at > run.started_at
            and run.solutions >= 1
        ):
            return run
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"the run never got under way: {proc.communicate()}")


def kill(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL: no handler, no cleanup, no last word to the database."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def assert_failed_and_untouched(
    run: SolveRun, client: Any, published: Schedule, before: str, draft_before: str
) -> None:
    run.refresh_from_db()
    assert run.status == SolveRun.Status.RUNNING  # killed: nobody was left to say otherwise
    time.sleep(LOST_SECONDS + 0.5)

    page = client.get(reverse("scheduling:run", args=[run.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Failed" in text
    assert FAILED_TEXT in text
    assert "Nothing was published" in text
    run.refresh_from_db()
    assert run.status == SolveRun.Status.FAILED
    assert run.error == services.lost_worker_reason()
    assert run.finished_at is not None

    assert snapshot(published) == before  # the published version: byte for byte
    assert snapshot(services.draft_of(run.period)) == draft_before  # and the draft
    assert Schedule.objects.filter(status=Schedule.Status.PUBLISHED).count() == 1


# --------------------------------------------------------------------------- killed workers


@pytest.fixture
def postgres() -> None:
    require_postgres()


@pytest.fixture
def lost_quickly(settings: Any) -> None:
    settings.CALLBOARD_RUN_LOST_SECONDS = LOST_SECONDS


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_solve_killed_mid_run_is_marked_failed_and_the_published_schedule_is_untouched(
    postgres: None, lost_quickly: None, world: World, now: dt.datetime, client: Any
) -> None:
    busy(world, now)
    published = publish_first_version(world, now)
    before = snapshot(published)
    draft_before = snapshot(services.draft_of(world.period))

    proc = subprocess.Popen(
        [sys.executable, "-m", "callboard.cli", "schedule", "solve", "--from", str(DAY1),
         "--to", str(DAY3), "--time-limit", "300", "--workers", "1", "--seed", "5"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        run = wait_until_solving(proc)
        # Alive and beating: long past LOST_SECONDS since it started, nobody gives it up.
        time.sleep(LOST_SECONDS + 0.5)
        assert services.solve_runs_reap(now=timezone.now()) == []
        assert SolveRun.objects.get(pk=run.pk).status == SolveRun.Status.RUNNING
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL

    client.force_login(world.master)
    assert_failed_and_untouched(run, client, published, before, draft_before)
    # And the plan can be solved again at once (no "a run is already under way").
    again = services.solve_run_start(
        period=world.period, by=world.master, now=timezone.now(), enqueue=False
    )
    assert again.status == SolveRun.Status.QUEUED


@pytest.fixture
def celery_worker_process(postgres: None, settings: Any) -> Iterator[Any]:
    """A real ``celery -A callboard worker`` process on the test's own Redis database."""
    require_redis()
    import redis

    app = jobs.celery_app()

    url = "redis://127.0.0.1:6379/13"
    queue = f"callboard-faults-{uuid.uuid4().hex[:8]}"
    settings.CALLBOARD_JOBS = "celery"

    def start() -> subprocess.Popen[Any]:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "callboard", "worker", "--pool", "solo",
             "-Q", queue, "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            env=_env(
                CALLBOARD_JOBS="celery", CALLBOARD_REDIS_URL=url, CALLBOARD_CELERY_QUEUE=queue
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip

    try:
        with broker(app, url, queue):
            yield start
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"*{queue}*"))
        if keys:
            client.delete(*keys)
        # The killed worker's message waits, unacknowledged, to be delivered again: drop it.
        for tag, value in client.hscan_iter("unacked"):
            if queue.encode() in value:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_killed_mid_solve_leaves_the_run_failed_and_publishes_nothing(
    lost_quickly: None,
    celery_worker_process: Any,
    world: World,
    now: dt.datetime,
    client: Any,
) -> None:
    busy(world, now)
    published = publish_first_version(world, now)
    before = snapshot(published)
    draft_before = snapshot(services.draft_of(world.period))

    proc = celery_worker_process()
    try:
        started = services.solve_run_start(
            period=world.period, by=world.master, now=timezone.now(), time_limit=300, workers=1
        )
        run = wait_until_solving(proc)
        assert run.pk == started.pk
        assert run.job_id  # Celery's task id: it went through Redis
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL

    client.force_login(world.master)
    assert_failed_and_untouched(run, client, published, before, draft_before)


# --------------------------------------------------------------------------- the reaper's rules


@pytest.mark.django_db
def test_a_running_run_with_a_fresh_heartbeat_is_left_alone(world: World, now: dt.datetime) -> None:
    run = services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    SolveRun.objects.filter(pk=run.pk).update(status="running", started_at=now, heartbeat_at=now)
    later = now + services.run_lost_after() - dt.timedelta(seconds=1)
    assert services.solve_runs_reap(now=later) == []
    assert SolveRun.objects.get(pk=run.pk).status == "running"


@pytest.mark.django_db
def test_a_running_run_whose_heartbeat_stopped_is_failed_with_the_reason(
    world: World, now: dt.datetime, client_as: Any
) -> None:
    run = services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    SolveRun.objects.filter(pk=run.pk).update(status="running", started_at=now, heartbeat_at=now)
    later = now + services.run_lost_after() + dt.timedelta(seconds=1)

    assert services.solve_runs_reap(now=later) == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.finished_at == later
    assert FAILED_TEXT in run.error and FAILED_TEXT in run.log
    assert services.solve_runs_reap(now=later) == []  # once


@pytest.mark.django_db
def test_the_run_page_and_the_api_mark_a_lost_run_failed_when_polled(
    world: World, client_as: Any
) -> None:
    now = timezone.now()
    stale = now - services.run_lost_after() - dt.timedelta(seconds=5)
    run = services.solve_run_start(period=world.period, by=world.master, now=stale, enqueue=False)
    SolveRun.objects.filter(pk=run.pk).update(
        status="running", started_at=stale, heartbeat_at=stale
    )
    client = client_as(user=world.master)

    progress = client.get(reverse("scheduling:run_progress", args=[run.pk]))
    assert progress.status_code == 200
    assert FAILED_TEXT in progress.content.decode()
    assert 'hx-trigger="every 1s"' not in progress.content.decode()  # polling stops

    body = client.get(f"/api/v1/schedule/runs/{run.pk}").json()
    assert body["status"] == "failed"
    assert FAILED_TEXT in body["error"]


@pytest.mark.django_db
def test_a_queued_run_no_worker_took_up_is_failed_after_its_time_limit(
    world: World, now: dt.datetime
) -> None:
    run = services.solve_run_start(
        period=world.period, by=world.master, now=now, time_limit=10, enqueue=False
    )
    assert services.solve_runs_reap(now=now + dt.timedelta(seconds=300)) == []
    assert services.solve_runs_reap(now=now + dt.timedelta(seconds=311)) == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed"
    assert "No planning worker took this run up" in run.error


@pytest.mark.django_db
def test_a_job_delivered_again_after_its_worker_died_fails_its_run_instead_of_hanging(
    world: World, now: dt.datetime
) -> None:
    """Celery delivers an unacknowledged solve again; the run it finds is the dead one's."""
    run = services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    stale = timezone.now() - services.run_lost_after() - dt.timedelta(seconds=5)
    SolveRun.objects.filter(pk=run.pk).update(
        status="running", started_at=stale, heartbeat_at=stale
    )

    again = services.solve_run_execute(run_id=run.pk)
    assert again.status == "failed"
    assert FAILED_TEXT in again.error
    assert not services.draft_of(world.period).calls.exists()


@pytest.mark.django_db
def test_the_reap_command_reports_what_it_marked(world: World, now: dt.datetime) -> None:
    from io import StringIO

    from django.core.management import call_command

    run = services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    stale = timezone.now() - services.run_lost_after() - dt.timedelta(seconds=5)
    SolveRun.objects.filter(pk=run.pk).update(
        status="running", started_at=stale, heartbeat_at=stale
    )
    out = StringIO()
    call_command("schedule", "reap", stdout=out)
    assert f"Marked failed 1 run(s) whose worker stopped: {run.pk}." in out.getvalue()
    out = StringIO()
    call_command("schedule", "reap", stdout=out)
    assert "No run has lost its worker." in out.getvalue()


# --------------------------------------------------------------------------- publishing cut off


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_publishing_cut_off_by_a_lost_database_leaves_no_half_version(
    postgres: None, world: World, now: dt.datetime, client: Any
) -> None:
    published = publish_first_version(world, now)
    before = snapshot(published)
    calls_before = Call.objects.count()
    client.force_login(world.master)

    # The new version's row is written, then the database goes away before its calls are.
    with database_lost_after_first_save(Schedule) as fault:
        response = client.post(
            reverse("scheduling:publish", args=[world.period.pk]),
            {"first_day": DAY1.isoformat(), "last_day": DAY3.isoformat(), "firm": "on"},
        )

    assert fault.pid
    assert response.status_code == 503
    assert "Nothing you sent was saved halfway" in response.content.decode()
    assert list(Schedule.objects.filter(status="published").values_list("number", flat=True)) == [1]
    assert Call.objects.count() == calls_before
    assert snapshot(published) == before
    assert not Schedule.objects.filter(pk=fault.saved_pk).exists()  # written, then rolled back

    # Sent again with the database back, it publishes version 2, whole.
    again = client.post(
        reverse("scheduling:publish", args=[world.period.pk]),
        {"first_day": DAY1.isoformat(), "last_day": DAY3.isoformat(), "firm": "on"},
    )
    assert again.status_code == 302
    version = Schedule.objects.get(status="published", number=2)
    assert version.calls.count() == published.calls.count()
