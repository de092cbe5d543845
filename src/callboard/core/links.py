"""Absolute links for what leaves the site: e-mails, calendar files, anything read elsewhere.

``CALLBOARD_SITE_URL`` (``https://callboard.example-ballet.org``) is where people reach
Callboard; a link in an e-mail is that plus the page's path, so it works from any mail client.
Production refuses to start without it (``core/checks.py``); the embedded default is the
address ``make run`` serves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def site_url() -> str:
    """``CALLBOARD_SITE_URL`` without a trailing slash."""
    return str(settings.CALLBOARD_SITE_URL).rstrip("/")


def absolute(path: str) -> str:
    """``/schedule/me/`` -> ``https://callboard.example-ballet.org/schedule/me/``.

    A link that is already absolute is returned as it is."""
    if "://" in path:
        return path
    return site_url() + "/" + path.lstrip("/")


def absolute_reverse(viewname: str, *args: Any, **kwargs: Any) -> str:
    """``reverse()``, made absolute."""
    return absolute(reverse(viewname, args=args or None, kwargs=kwargs or None))
