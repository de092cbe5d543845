"""htmx's side of a form that fails.

A boosted form (``hx-boost``) that is refused comes back as the page re-rendered with its
errors and a 4xx status; the page's script (``callboard/ui.js``) swaps it in. htmx would then
push the address the form was posted to into the browser's history, and reloading that
address (a POST-only view) would answer 405. ``HtmxFormErrorMiddleware`` tells htmx to keep
the address it had: the person stays on the page they were on, the form's errors in front
of them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (its ``HX-Request`` header)."""
    return request.headers.get("HX-Request") == "true"


class HtmxFormErrorMiddleware:
    """An htmx POST answered with a 4xx keeps the browser's address (``HX-Push-Url: false``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method != "GET"
            and is_htmx(request)
            and 400 <= response.status_code < 500
            and "HX-Push-Url" not in response
        ):
            response["HX-Push-Url"] = "false"
        return response
