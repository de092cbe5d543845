"""The security headers every response carries, and the pages another site may frame.

Django's ``SecurityMiddleware`` sets ``X-Content-Type-Options``, ``Referrer-Policy`` and, in
production over HTTPS, ``Strict-Transport-Security``; ``XFrameOptionsMiddleware`` sets
``X-Frame-Options: DENY`` and django-csp the ``Content-Security-Policy`` (with
``frame-ancestors 'none'``). Some answers never pass through all of them: a static file
(WhiteNoise answers before the rest), a refusal of a hostile request
(:mod:`callboard.core.limits`), an error page made for an exception raised in a middleware.
:class:`SecurityHeadersMiddleware`, the outermost middleware, adds what is missing to every
answer.

A page the company's own website may show in an iframe (a performance's seat picker) is a
view decorated with :func:`frameable`: its ``frame-ancestors`` lists the origins of
``CALLBOARD_EMBED_ORIGINS`` and it carries no ``X-Frame-Options`` (which cannot name an
origin). With the setting empty, it is framed by nobody, like every other page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from csp.constants import HEADER as CSP_HEADER
from csp.constants import NONE
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

View = TypeVar("View", bound=Callable[..., Any])

# An origin as a browser sends it: scheme, host, optional port; nothing after.
ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$", re.I)


def embed_origins() -> list[str]:
    """The origins that may frame a :func:`frameable` page (``CALLBOARD_EMBED_ORIGINS``)."""
    return list(settings.CALLBOARD_EMBED_ORIGINS)


def frame_ancestors() -> list[str]:
    return embed_origins() or [NONE]


def frameable(view: View) -> View:
    """Let the origins of ``CALLBOARD_EMBED_ORIGINS`` show this view's page in an iframe.

    Read per response, so a changed setting applies at once; with no origins the page stays
    unframeable (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``).
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        mark_frameable(response)
        return response

    wrapped.callboard_frameable = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def mark_frameable(response: HttpResponseBase) -> HttpResponseBase:
    origins = embed_origins()
    replace = dict(getattr(response, "_csp_replace", None) or {})
    replace["frame-ancestors"] = origins or [NONE]
    response._csp_replace = replace  # type: ignore[attr-defined]  # read by django-csp
    if origins:
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


class SecurityHeadersMiddleware:
    """Outermost: whatever answered, the answer leaves with every security header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        frameable_page = getattr(response, "xframe_options_exempt", False)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = build_policy(
                replace={"frame-ancestors": frame_ancestors()} if frameable_page else None
            )
        if not frameable_page:
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        if settings.SECURE_HSTS_SECONDS and request.is_secure():
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            response.headers.setdefault("Strict-Transport-Security", value)
        return response
