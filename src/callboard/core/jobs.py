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

Keyword arguments must be JSON-serialisable (ids, not model instances).
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
from django.db import connections

log = logging.getLogger(__name__)

MODES = ("thread", "celery", "inline")


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


def enqueue(fn_path: str, **kwargs: Any) -> str:
    """Run ``fn_path(**kwargs)`` in the background; returns the job's id."""
    fn = resolve(fn_path)  # fail now, in the caller, on a typo
    how = mode()
    if how == "celery":
        app = celery_app()
        if hasattr(fn, "apply_async"):
            return str(app.send_task(getattr(fn, "name", fn_path), kwargs=kwargs).id)
        return str(app.send_task(run_job.name, args=[fn_path], kwargs={"job_kwargs": kwargs}).id)
    job_id = uuid.uuid4().hex
    if how == "inline":
        _call(fn, kwargs)
        return job_id
    thread = threading.Thread(
        target=_in_thread, args=(fn_path, kwargs), name=f"callboard-job-{job_id[:8]}", daemon=True
    )
    thread.start()
    return job_id


@shared_task(name="callboard.run_job")
def run_job(fn_path: str, job_kwargs: dict[str, Any]) -> None:
    """The generic Celery task: run any function by its dotted path."""
    _call(resolve(fn_path), job_kwargs)
