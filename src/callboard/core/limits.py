"""What no page and no endpoint can use is refused before any view, with a message.

:class:`RequestLimitsMiddleware` answers, in the API's JSON error shape under ``/api/`` and
with a short page elsewhere:

- **414** for an address (path and query) longer than ``CALLBOARD_MAX_URL_LENGTH``
  characters. gunicorn's own limit (``deploy/gunicorn.conf.py``) stands above it, so this is
  the answer a client sees, not gunicorn's bare HTML;
- **413** for a body larger than ``CALLBOARD_MAX_BODY_BYTES`` (by its ``Content-Length``), or
  whose form fields alone pass Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``. The unread body is
  read and thrown away first (up to ``CALLBOARD_MAX_DISCARD_BYTES``), so a kept-alive
  connection carries the next request cleanly, whichever server is in front;
- **400** for a NUL character in the path, the query, a form field, an uploaded file's
  name or a cookie: PostgreSQL cannot store it, and no person types it.

It also gives a message to a 4xx answer that has none (Django's bare 405 for a GET of a
POST-only address), so no refusal is left unexplained.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_CHUNK = 64 * 1024


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def refusal(
    request: HttpRequest, status: int, title: str, message: str, code: str, **detail: Any
) -> HttpResponse:
    """The answer to a refused request: JSON ``{message, detail}`` on the API, else a page.

    The page is rendered without the request: a refused request's cookies and session are
    not to be trusted, and reading them could fail again.
    """
    response: HttpResponse
    if is_api(request):
        response = JsonResponse(
            {"message": message, "detail": {"code": code, **detail}}, status=status
        )
    else:
        html = render_to_string("core/refused.html", {"title": title, "message": message})
        response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def too_large(request: HttpRequest, limit: int | None = None) -> HttpResponse:
    """413: the body passes ``limit`` bytes (the form fields' limit, Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, unless the whole body's is given)."""
    if limit is None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.CALLBOARD_MAX_BODY_BYTES
    return refusal(
        request,
        413,
        _("Too much to send"),
        _(
            "What you sent is larger than Callboard takes (%(mb)s MB). Send a smaller file, "
            "or split it into parts."
        )
        % {"mb": _megabytes(limit)},
        "body_too_large",
        limit_bytes=limit,
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def discard_body(request: HttpRequest) -> None:
    """Read what is left of the body so the connection can carry the next request."""
    stream = getattr(request, "_stream", None)
    if stream is None:
        return
    left = settings.CALLBOARD_MAX_DISCARD_BYTES
    try:
        while left > 0:
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
    except OSError:  # the client went away: nothing to keep alive
        log.debug("body discard ended early", exc_info=True)


def _with_nul(pairs: Iterable[tuple[str, list[Any]]]) -> str | None:
    """The name of the first field whose name or value holds a NUL, else None."""
    for name, values in pairs:
        if NUL in name:
            return name.replace(NUL, "\\0")[:60]
        for value in values:
            if isinstance(value, str) and NUL in value:
                return name[:60]
            if NUL in (getattr(value, "name", "") or ""):
                return name[:60]
    return None


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        return explain_empty_refusal(request, self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A value the database cannot hold (a number beyond 64 bits in an address or a
        query, text too long for its column) reached a query: the request's fault, a 400."""
        if not isinstance(exception, OverflowError | DataError):
            return None
        log.info("value out of range in %s %s: %s", request.method, request.path, exception)
        return refusal(
            request,
            400,
            _("Bad request"),
            _(
                "A value in the request is out of range: a number too large, or text too "
                "long. Check the address or the form and try again."
            ),
            "out_of_range",
        )

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        query = request.META.get("QUERY_STRING", "")
        length = len(request.path) + (len(query) + 1 if query else 0)
        if length > settings.CALLBOARD_MAX_URL_LENGTH:
            discard_body(request)
            return refusal(
                request,
                414,
                _("Address too long"),
                _(
                    "This address is %(length)s characters long; Callboard takes at most "
                    "%(limit)s. Check the link you followed."
                )
                % {"length": length, "limit": settings.CALLBOARD_MAX_URL_LENGTH},
                "url_too_long",
                limit=settings.CALLBOARD_MAX_URL_LENGTH,
            )

        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = -1
        if size < 0:
            return refusal(
                request,
                400,
                _("Bad request"),
                _("The request's Content-Length is not a number of bytes."),
                "bad_content_length",
            )
        if size > settings.CALLBOARD_MAX_BODY_BYTES:
            discard_body(request)
            return too_large(request, settings.CALLBOARD_MAX_BODY_BYTES)

        where = None
        if NUL in request.path:
            where = _("the address")
        elif (name := _with_nul(request.GET.lists())) is not None:
            where = _("the query parameter “%(name)s”") % {"name": name}
        elif (name := _with_nul((k, [v]) for k, v in request.COOKIES.items())) is not None:
            where = _("the cookie “%(name)s”") % {"name": name}
        elif request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                if size <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or size):
                    # Keep the body readable after the form is parsed (a webhook reads
                    # request.body); only a larger upload is parsed from the stream itself.
                    request.body  # noqa: B018
                fields = list(request.POST.lists()) + list(request.FILES.lists())
            except RequestDataTooBig:
                discard_body(request)
                return too_large(request)
            except (TooManyFieldsSent, MultiPartParserError):
                discard_body(request)
                return refusal(
                    request,
                    400,
                    _("Bad request"),
                    _("The form could not be read: it has too many fields or is malformed."),
                    "form_unreadable",
                )
            name = _with_nul(fields)
            if name is not None:
                where = _("the field “%(name)s”") % {"name": name}
        if where is None:
            return None
        return refusal(
            request,
            400,
            _("Bad request"),
            _(
                "There is a NUL character (\\0) in %(where)s. Callboard cannot store it: "
                "remove it and send again."
            )
            % {"where": where},
            "nul_character",
        )


# Statuses Django and the views may answer without a body, and what to say instead.
def _empty_message(status: int, request: HttpRequest, response: HttpResponseBase) -> str | None:
    if status == 405:
        allowed = response.get("Allow", "")
        return _(
            "This address does not take %(method)s requests; it takes: %(allowed)s. "
            "Use the page's buttons and forms."
        ) % {"method": request.method, "allowed": allowed or "-"}
    if status == 404:
        return _("There is nothing at this address.")
    if status == 403:
        return _("Your roles do not allow this.")
    if status == 400:
        return _("The request could not be read. Reload the page and try again.")
    if 400 <= status < 500:
        return _("The request was refused.")
    return None


def explain_empty_refusal(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Give a 4xx answer without a body a message (JSON on the API, plain text elsewhere)."""
    if (
        not 400 <= response.status_code < 500
        or request.method == "HEAD"
        or response.streaming
        or not isinstance(response, HttpResponse)
        or response.content
    ):
        return response
    message = _empty_message(response.status_code, request, response)
    if message is None:
        return response
    if is_api(request):
        replacement: HttpResponse = JsonResponse(
            {"message": message, "detail": None}, status=response.status_code
        )
    else:
        replacement = HttpResponse(
            message, status=response.status_code, content_type="text/plain; charset=utf-8"
        )
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            replacement[header] = value
    replacement.cookies = response.cookies
    return replacement


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    """``handler400``: a body too large for the form fields (Django's ``RequestDataTooBig``,
    raised wherever the body is first read) is a 413 that says so; the rest is Django's."""
    if isinstance(exception, RequestDataTooBig):
        discard_body(request)
        return too_large(request)
    if is_api(request):
        return refusal(
            request,
            400,
            _("Bad request"),
            _("The request could not be read. Reload the page and try again."),
            "bad_request",
        )
    return defaults.bad_request(request, exception)
