"""Logs a machine can read: one JSON object per line, each with the request it belongs to.

- ``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it
  sends a sane one, else a new one), returns it in the ``X-Request-ID`` header, and writes
  one ``callboard.request`` line per request (method, path, status, milliseconds, user).
- ``RequestIdFilter`` puts ``request_id`` on every log record, so every line a request
  causes carries it. Jobs a request starts carry it on to the worker (a message header),
  and the worker's lines name the task too.
- ``CALLBOARD_LOG_FORMAT=json`` (the production default) formats records with
  python-json-logger; ``text`` keeps the plain lines of development (``LOGGING`` in
  settings.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
task_name: contextvars.ContextVar[str] = contextvars.ContextVar("task_name", default="")

HEADER = "X-Request-ID"
CELERY_HEADER = "callboard_request_id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")

access_log = logging.getLogger("callboard.request")


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: the request's id, and its access-log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if _SANE.match(given) else new_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id.reset(token)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already looked the user up; never a query of
    its own (the database may be why the request failed)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (and ``task``, in a worker) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "task"):
            record.task = task_name.get()
        return True


def connect_celery_signals() -> None:
    """Carry a request's id into the jobs it sends, and name the task in a worker's lines."""
    from celery import signals

    @signals.before_task_publish.connect(weak=False)
    def _stamp(headers: dict[str, Any] | None = None, **_: Any) -> None:
        if headers is not None and request_id.get() != "-":
            headers.setdefault(CELERY_HEADER, request_id.get())

    @signals.task_prerun.connect(weak=False)
    def _enter(task: Any = None, task_id: str | None = None, **_: Any) -> None:
        given = getattr(getattr(task, "request", None), CELERY_HEADER, None)
        request_id.set(str(given or task_id or "-"))
        task_name.set(str(getattr(task, "name", "")))

    @signals.task_postrun.connect(weak=False)
    def _leave(**_: Any) -> None:
        request_id.set("-")
        task_name.set("")
