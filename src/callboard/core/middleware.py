"""When the database goes away mid-request: a clear 503, never a bare 500.

Every service that writes runs in one transaction (``transaction.atomic``), so a request cut
off by a lost database connection leaves nothing half-written: PostgreSQL rolls back what
the dead connection had not committed, and Django's ``Atomic`` closes the broken
connection. What is left is to tell the person so, without touching the database again:

- pages get ``core/unavailable.html`` (rendered without the request, so no context
  processor, session or user lookup can hit the database a second time);
- ``/api/`` gets the API's error shape, ``{"message": ..., "detail": ...}``;
- both with status 503 and ``Retry-After``.

``DatabaseUnavailableMiddleware`` answers for errors raised in views (the API's views
re-raise them to Django, see ``ninja.errors._default_exception``). ``server_error`` is the
``handler500`` for the rest (an error in a middleware, or while saving the session after
the view) and falls back to Django's own 500 page for anything that is not the database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
# The database's errors that mean "not reachable or not answering just now": a closed or
# terminated connection, a server that refuses connections, a lock wait given up.
UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def unavailable_message() -> str:
    return _("The company's database cannot be reached just now.")


def unavailable_detail() -> str:
    return _("Nothing you sent was saved halfway; try again in a minute.")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON on the API, the page elsewhere. Never queries the database."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "message": f"{unavailable_message()} {unavailable_detail()}",
                "detail": {"code": "database_unavailable", "retry_after": RETRY_AFTER_SECONDS},
            },
            status=503,
        )
    else:
        html = render_to_string(
            "core/unavailable.html",
            {"message": unavailable_message(), "detail": unavailable_detail()},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database in a view into a 503 that says nothing was saved halfway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        log.error(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the database's 503 when that is what failed, else Django's 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return unavailable_response(request)
    return defaults.server_error(request)
