"""Jobs on a real Celery worker and a redis-server of the test's own, which the test stops.

- A job asked for while the broker is away is kept in the database and sent once it is back.
- An e-mail is sent by the worker to a real SMTP server, carrying the request's id into the
  worker's log lines.
- A job whose record was deleted ends with a logged error and leaves nothing to redeliver.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone

from callboard.core import jobs, logs, outbox
from callboard.core.models import OutboundEmail, PendingJob, WorkerHeartbeat
from callboard.core.testing.celery import broker
from callboard.core.testing.redis_server import RedisServer
from callboard.core.testing.smtp import Mailbox
from conftest import missing_requirement

QUEUE = "callboard-test"


@pytest.fixture
def redis_server():
    if not RedisServer.available():
        missing_requirement("redis-server is not installed (Debian: redis-server)")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def celery_app(settings, redis_server):
    from callboard.celery import app

    settings.CALLBOARD_JOBS = "celery"
    with broker(app, f"{redis_server.url}/0", QUEUE):
        yield app


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records():
    """Log records of callboard.*, kept by a handler of the test's own (the worker thread
    sets up logging again, which removes pytest's capture handler)."""
    handler = _Records()
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("callboard")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _queue(server: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(f"{server.url}/0")


@pytest.mark.redis
@pytest.mark.django_db
def test_a_job_asked_for_while_redis_is_away_is_sent_once_it_is_back(celery_app, redis_server):
    redis_server.stop()
    started = time.monotonic()
    noted = jobs.new_id()
    job = jobs.enqueue("callboard.core.tasks.heartbeat", job_id=noted)
    assert time.monotonic() - started < 10  # the request is not held for long
    assert job.startswith("pending-")
    kept = PendingJob.objects.get()
    assert kept.fn_path == "callboard.core.tasks.heartbeat" and kept.last_error
    assert kept.job_id == noted
    # Still away: the chore leaves it waiting.
    assert jobs.jobs_redispatch() == {"sent": 0, "waiting": 1}
    assert PendingJob.objects.get().attempts == 2
    redis_server.start()  # the same process: its connection pools must recover by themselves
    assert jobs.jobs_redispatch() == {"sent": 1, "waiting": 0}
    assert not PendingJob.objects.exists()
    assert _queue(redis_server).llen(QUEUE) == 1
    sent = json.loads(_queue(redis_server).lindex(QUEUE, 0))
    assert sent["headers"]["id"] == noted  # sent under the id its caller noted


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_outbox_and_logs_with_the_request_id(
    celery_app, redis_server, settings, records
):
    with Mailbox() as box:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.port
        token = logs.request_id.set("req-test-0123456789")
        try:
            with (
                start_worker(celery_app, pool="solo", queues=[QUEUE], perform_ping_check=False),
                transaction.atomic(),
            ):
                email = outbox.email_queue(
                    to="klara@example.org",
                    subject="Call changed",
                    body="Now: 11:00",
                    kind="test.notice",
                    now=timezone.now(),
                )
        finally:
            logs.request_id.reset(token)
        # start_worker stops its worker on leaving; the e-mail was sent before that or not.
        message = box.wait_for(lambda m: m["To"] == "klara@example.org", timeout=5)
    assert message["Subject"] == "Call changed"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    sent = [r for r in records if r.getMessage().startswith(f"e-mail {email.pk} ")]
    assert sent and sent[0].request_id == "req-test-0123456789"  # type: ignore[attr-defined]
    assert sent[0].task == "callboard.core.email_send"  # type: ignore[attr-defined]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_job_for_a_deleted_record_fails_visibly_once(celery_app, redis_server, records):
    with start_worker(celery_app, pool="solo", queues=[QUEUE], perform_ping_check=False):
        jobs.enqueue("callboard.scheduling.tasks.solve_run", run_id=987654)
        jobs.enqueue("callboard.core.tasks.heartbeat")  # runs after it: the worker goes on
        deadline = time.monotonic() + 30
        while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert WorkerHeartbeat.objects.exists()
    gone = [r for r in records if "no longer exists" in r.getMessage()]
    assert len(gone) == 1 and gone[0].levelno == logging.ERROR
    assert "run_id=987654" in gone[0].getMessage()
    queue = _queue(redis_server)
    assert queue.llen(QUEUE) == 0 and queue.hlen("unacked") == 0  # nothing to deliver again
