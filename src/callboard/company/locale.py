"""Where the company lives and how it speaks: its zone, default language and currency.

The one source of truth for the time zone every time is shown in (the venue's zone where
there is a venue, see ``season``), the language each person reads and the currency of every
price.

- :func:`company_locale` reads the company's zone, language and currency in one query, once
  per web request (and again when the company is saved; outside requests at most every
  ``_SECONDS``), so a page's query count does not depend on the clock.
- :class:`LanguageMiddleware` activates, for each request, the company's zone and the
  reader's language: the person's own choice, else the company's language, else the
  browser's ``Accept-Language``, else ``settings.LANGUAGE_CODE``. A code that is not one of
  ``settings.LANGUAGES`` is passed over, never an error.
- :func:`person_language` and :func:`speaking_to` are for text sent to a person outside their
  request (e-mails, notices): ``with speaking_to(person): send_mail(...)``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from callboard.core import zones
from callboard.core.i18n import DEFAULT_CURRENCY, supported_language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompanyLocale:
    time_zone: str
    language: str  # "" leaves the choice to each reader's browser
    currency: str

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except Exception:  # a bad zone name in the company record must not break a page
            return ZoneInfo(settings.TIME_ZONE)


_SECONDS = 5.0
_cache: tuple[float, CompanyLocale] | None = None


def forget_company_locale(**_kwargs: Any) -> None:
    """Read the company's settings afresh next time (a request began, the company changed)."""
    global _cache
    _cache = None


def forget_company_locale_at_request(*, environ: Any = None, **_kwargs: Any) -> None:
    """A request began: read the company's settings afresh, except on the paths of
    ``settings.CALLBOARD_LOCALE_KEPT_PATHS`` (the public box-office API an on-sale rush
    calls), which keep them for up to ``_SECONDS``: a change reaches them within seconds, and
    each of their requests spares a query."""
    path = str((environ or {}).get("PATH_INFO", ""))
    kept = settings.CALLBOARD_LOCALE_KEPT_PATHS
    if kept and path.startswith(tuple(kept)):
        return
    forget_company_locale()


def company_locale() -> CompanyLocale:
    global _cache
    moment = time.monotonic()
    if _cache is not None and moment - _cache[0] < _SECONDS:
        return _cache[1]
    from callboard.company.models import Company

    try:
        row = (
            Company.objects.order_by("pk").values_list("time_zone", "language", "currency").first()
        )
    except Exception:  # no database to ask (gone, or not allowed): the installation's defaults
        log.debug("company settings unreadable; using the installation's", exc_info=True)
        return CompanyLocale(settings.TIME_ZONE, "", DEFAULT_CURRENCY)
    if row is None:
        found = CompanyLocale(settings.TIME_ZONE, "", DEFAULT_CURRENCY)
    else:
        zone_name, language, currency = row
        found = CompanyLocale(
            zone_name or settings.TIME_ZONE,
            supported_language(language) or "",
            currency or DEFAULT_CURRENCY,
        )
    _cache = (moment, found)
    return found


def company_zone() -> ZoneInfo:
    """The company's time zone: every time without a venue is shown in it (core.zones keeps
    it, read through this module)."""
    return zones.company_zone()


def company_defaults() -> tuple[str, str]:
    """(default language, currency), for :func:`callboard.core.i18n.set_company_defaults`."""
    found = company_locale()
    return found.language, found.currency


def default_language() -> str:
    """The company's language, else the installation's."""
    return company_locale().language or settings.LANGUAGE_CODE


def person_language(person: Any) -> str:
    """The language to write to ``person`` in: their own choice, else the company's."""
    return supported_language(getattr(person, "language", "")) or default_language()


def user_language(user: Any) -> str:
    person = getattr(user, "person", None) if user is not None else None
    return person_language(person)


@contextmanager
def speaking_to(person: Any) -> Iterator[str]:
    """Render text for ``person`` (an e-mail, a notice) in their language and the company's zone.

    ``with speaking_to(person) as language: send_mail(subject=_("…"), …)``; a buyer without a
    record passes any object with a ``language`` attribute (or None for the company's).
    """
    language = person_language(person)
    with translation.override(language), timezone.override(company_zone()):
        yield language


def browser_language(request: HttpRequest) -> str | None:
    """The first of the browser's Accept-Language that Callboard speaks."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        found = supported_language(code)
        if found:
            return found
    return None


def request_language(request: HttpRequest) -> str:
    """The person's choice, the company's language, the browser's, the installation's.

    The person's choice travels in the language cookie (set when they choose, and from their
    record when they sign in), so reading it costs no query.
    """
    chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return (
        chosen or company_locale().language or browser_language(request) or settings.LANGUAGE_CODE
    )


HEALTH_PATH = "/health/"


class LanguageMiddleware:
    """Each request in its reader's language and the company's time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(HEALTH_PATH):
            # A load balancer's probe: answered in no language, without a database read.
            return self.get_response(request)
        language = request_language(request)
        before = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        timezone.activate(company_zone())
        try:
            response = self.get_response(request)
        finally:
            # The thread goes back to what it spoke before (a worker thread, a test).
            timezone.deactivate()
            translation.activate(before) if before else translation.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        signed_in = getattr(request, SIGNED_IN_LANGUAGE, None)
        if signed_in is not None:  # a sign-in: the browser takes the person's own choice
            set_language_cookie(response, signed_in)
        return response


SIGNED_IN_LANGUAGE = "_callboard_signed_in_language"


def set_language_cookie(response: HttpResponse, language: str) -> None:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **_kwargs: Any) -> None:
    """At sign-in, the browser takes the person's language (one query, not one per page)."""
    if request is None:
        return
    person = getattr(user, "person", None) if user is not None else None
    language = supported_language(getattr(person, "language", "") or "")
    if language:
        setattr(request, SIGNED_IN_LANGUAGE, language)


def person_language_set(*, user: Any, language: str) -> str:
    """Keep the signed-in reader's chosen language on their record ("" follows the company).

    A code that is not one of ``settings.LANGUAGES`` is treated as no choice. Returns the
    language they read from now on.
    """
    from django.db import transaction

    from callboard.company.models import Person

    chosen = supported_language(language) or ""
    if user is not None and getattr(user, "is_authenticated", False):
        with transaction.atomic():
            Person.objects.filter(user_id=user.pk).update(language=chosen)
    return chosen
