"""A solve run through a real Celery worker on the real Redis (CALLBOARD_JOBS=celery)."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from callboard.core import jobs
from callboard.core.testing.celery import broker
from callboard.scheduling import services
from callboard.scheduling.models import SolveRun
from conftest import require_redis

REDIS_DB = 13  # a database of the test's own; only its own keys are removed


@pytest.fixture
def celery_on_redis(settings):
    require_redis()
    app = jobs.celery_app()

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    queue = f"callboard-test-{uuid.uuid4().hex[:8]}"
    settings.CALLBOARD_JOBS = "celery"
    try:
        with broker(app, url, queue):
            yield app, queue
    finally:
        client = redis.Redis.from_url(url)
        keys = [k for k in client.scan_iter(f"*{queue}*")]
        if keys:
            client.delete(*keys)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_solve_run_goes_through_a_real_celery_worker_on_redis(world, now, celery_on_redis):
    app, queue = celery_on_redis
    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        queues=[queue],
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ):
        run = services.solve_run_start(
            period=world.period, by=world.master, now=now, time_limit=2, workers=1
        )
        deadline = time.monotonic() + 180  # a loaded machine starts the worker slowly
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.finished:
                break
            time.sleep(0.2)
    assert run.job_id  # Celery's task id
    assert run.status == SolveRun.Status.DONE, run.log + run.error
    assert run.objective is not None
    assert services.draft_of(world.period).calls.count() > 0
