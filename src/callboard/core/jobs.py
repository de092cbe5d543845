"""Background jobs: long work never blocks a request.

``enqueue("package.module.function", **kwargs)`` runs ``function(**kwargs)`` elsewhere and
returns a job id at once. Where depends on ``settings.CALLBOARD_JOBS``:

- ``"thread"`` (the embedded default): a daemon thread of the web process. Nothing else to
  start; the job dies with the process (a run left "running" is marked failed when its
  page is next opened, see ``scheduling.services``).
- ``"celery"`` (production): a Celery task on the broker at ``CALLBOARD_REDIS_URL``; start
  workers with ``celery -A callboard worker``. When the function is itself a Celery task
  it is sent as that task; any other function goes through the generic ``run_job`` task.
- ``"inline"``: run now, in the caller (tests and commands that show their own progress).

Keyword arguments must be JSON-serialisable (ids, not model instances). A caller that keeps
the job's id with its record chooses it first (``new_id()``, saved in the same transaction
that asks for the job) and passes it as ``job_id``: the job runs under that id wherever it
runs (Celery's task id too), so nothing is written after the commit that could fail.

When the broker cannot be reached (Redis restarting, a network blip), ``enqueue`` does not
fail the request: the job is kept in the database (``PendingJob``) and the
``callboard.core.jobs_redispatch`` chore sends it once the broker is back, so a job asked for
during an outage runs after it. Jobs must therefore tolerate running late, and (since a
worker lost mid-job may have its message delivered again) running twice: every job here
claims its record with a conditional update first.

A job whose record was deleted before it ran (a run, a suggestion, an e-mail) ends at once
with an error in the log (``gone``), is not tried again, and never crash-loops a worker.
"""

from __future__ import annotations

import importlib
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from celery import Celery, current_app, shared_task
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

log = logging.getLogger(__name__)

MODES = ("thread", "celery", "inline")
# Publishing to the broker: one quick retry, then the job is kept for the redispatch chore
# (a web request must not hang on a broker that is away).
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


def resolve(fn_path: str) -> Callable[..., Any]:
    module_name, _, name = fn_path.rpartition(".")
    if not module_name:
        raise ValueError(f"{fn_path!r} is not a dotted path to a function")
    found: Callable[..., Any] = getattr(importlib.import_module(module_name), name)
    return found


def celery_app() -> Celery:
    """Callboard's Celery app. ``callboard.celery`` makes it (and makes it the current app);
    the site app imports that module at start-up, and ``celery -A callboard`` does in workers."""
    return current_app._get_current_object()


def mode() -> str:
    value = settings.CALLBOARD_JOBS
    if value not in MODES:
        raise ValueError(f"CALLBOARD_JOBS must be one of {', '.join(MODES)}, not {value!r}")
    return str(value)


def _call(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    run = getattr(fn, "run", None)  # a Celery task: call its body, not the task machinery
    return (run if callable(run) and hasattr(fn, "apply_async") else fn)(**kwargs)


def _in_thread(fn_path: str, kwargs: dict[str, Any]) -> None:
    try:
        _call(resolve(fn_path), kwargs)
    except Exception:  # the job records its own failure; this only keeps the thread quiet
        log.exception("background job %s failed", fn_path)
    finally:
        connections.close_all()


def new_id() -> str:
    """A fresh job id, for a caller that notes it before the job is sent (see ``enqueue``)."""
    return uuid.uuid4().hex


def _publish(fn: Callable[..., Any], fn_path: str, kwargs: dict[str, Any], job_id: str) -> str:
    app = celery_app()
    options: dict[str, Any] = {"retry": True, "retry_policy": PUBLISH_RETRY}
    if job_id:
        options["task_id"] = job_id
    if hasattr(fn, "apply_async"):
        return str(app.send_task(getattr(fn, "name", fn_path), kwargs=kwargs, **options).id)
    return str(
        app.send_task(run_job.name, args=[fn_path], kwargs={"job_kwargs": kwargs}, **options).id
    )


def _keep(fn_path: str, kwargs: dict[str, Any], job_id: str, exc: Exception) -> str:
    from callboard.core.models import PendingJob

    with transaction.atomic():
        pending = PendingJob.objects.create(
            fn_path=fn_path,
            kwargs=kwargs,
            job_id=job_id,
            created_at=timezone.now(),
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
        )
    log.warning(
        "broker unreachable (%s): job %s kept as pending job %s, sent when it is back",
        exc,
        fn_path,
        pending.pk,
    )
    return f"pending-{pending.pk}"


def enqueue(fn_path: str, *, job_id: str = "", **kwargs: Any) -> str:
    """Run ``fn_path(**kwargs)`` in the background; returns the job's id (``job_id`` when
    given; ``pending-N`` for a job kept while the broker is away, which is sent under
    ``job_id`` once it is back)."""
    fn = resolve(fn_path)  # fail now, in the caller, on a typo
    how = mode()
    if how == "celery":
        try:
            return _publish(fn, fn_path, kwargs, job_id)
        except Exception as exc:  # kombu's OperationalError, a timeout, a refused connection
            return _keep(fn_path, kwargs, job_id, exc)
    job_id = job_id or new_id()
    if how == "inline":
        _call(fn, kwargs)
        return job_id
    thread = threading.Thread(
        target=_in_thread, args=(fn_path, kwargs), name=f"callboard-job-{job_id[:8]}", daemon=True
    )
    thread.start()
    return job_id


def gone(job: str, **kwargs: Any) -> str:
    """Log a job whose record no longer exists (deleted before it ran); returns ``"gone"``.

    The job is over: Celery acknowledges it and nothing tries it again."""
    log.error(
        "job %s(%s): what it refers to no longer exists (deleted?); nothing was done",
        job,
        ", ".join(f"{k}={v!r}" for k, v in kwargs.items()),
    )
    return "gone"


@shared_task(name="callboard.run_job")
def run_job(fn_path: str, job_kwargs: dict[str, Any]) -> Any:
    """The generic Celery task: run any function by its dotted path."""
    try:
        return _call(resolve(fn_path), job_kwargs)
    except ObjectDoesNotExist:
        return gone(fn_path, **job_kwargs)


def jobs_redispatch(*, limit: int = 500) -> dict[str, int]:
    """Send the jobs kept while the broker was away (the chore); returns what it did.

    Rows are locked (others skip them), published in order and deleted in one transaction;
    at the first failure the rest wait for the next round."""
    from callboard.core.models import PendingJob

    sent = waiting = 0
    with transaction.atomic():
        rows = list(PendingJob.objects.select_for_update(skip_locked=True).order_by("pk")[:limit])
        for n, row in enumerate(rows):
            try:
                fn = resolve(row.fn_path)
            except (ImportError, AttributeError, ValueError):
                log.error("pending job %s: %s no longer exists; dropped", row.pk, row.fn_path)
                row.delete()
                continue
            try:
                _publish(fn, row.fn_path, row.kwargs, row.job_id)
            except Exception as exc:
                waiting = len(rows) - n
                PendingJob.objects.filter(pk__in=[r.pk for r in rows[n:]]).update(
                    attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000]
                )
                log.warning("broker still unreachable: %s jobs wait (%s)", waiting, exc)
                break
            row.delete()
            sent += 1
    if sent:
        log.info("sent %s jobs kept while the broker was away", sent)
    return {"sent": sent, "waiting": waiting}
