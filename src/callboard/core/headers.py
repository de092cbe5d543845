"""The security headers every response carries, and the pages another site may frame.

Django's ``SecurityMiddleware`` sets ``X-Content-Type-Options``, ``Referrer-Policy`` and, in
production over HTTPS, ``Strict-Transport-Security``; ``XFrameOptionsMiddleware`` sets
``X-Frame-Options: DENY`` and django-csp the ``Content-Security-Policy`` (with
``frame-ancestors 'none'``). Some answers never pass through all of them: a static file
(WhiteNoise answers before the rest), a refusal of a hostile request
(:mod:`callboard.core.limits`), an error page made for an exception raised in a middleware.
:class:`SecurityHeadersMiddleware`, the outermost middleware, adds what is missing to every
answer.

:class:`CSPMiddleware` is django-csp's, building the site's own policy once rather than for
every answer (an on-sale rush answers hundreds of requests a second, each with the same
header); an answer with a policy of its own, or a nonce, is built by django-csp as before.

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
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.constants import NONE
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# What a view or decorator sets on an answer to give it a policy of its own (django-csp's).
OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def site_policy(report_only: bool = False) -> str:
    """The site's policy header as the settings say (``CONTENT_SECURITY_POLICY``, or
    ``…_REPORT_ONLY``), built once; empty when that setting is not set."""
    return build_policy(report_only=report_only)


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the site's own policy built once (see the module)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        nonce = getattr(request, "_csp_nonce", None)
        if isinstance(nonce, str) or any(getattr(response, a, None) for a in OWN_POLICY):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them
        for header, name, exempt, report_only in (
            (CSP_HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
            (CSP_HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
        ):
            policy = site_policy(report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            excluded = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(excluded)):
                response[header] = policy
        if nonce is None:  # as django-csp: a nonce asked for after the header is an error
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


class SecurityHeadersMiddleware:
    """Outermost: whatever answered, the answer leaves with every security header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        frameable_page = getattr(response, "xframe_options_exempt", False)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = (
                build_policy(replace={"frame-ancestors": frame_ancestors()})
                if frameable_page
                else site_policy()
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
