"""``{% load callboard %}``: dates and money the reader's way (see :mod:`callboard.core.i18n`).

- ``{{ call.starts_at|when:"datetime" }}`` — a kind of date from ``DATE_STYLES`` /
  ``DATETIME_STYLES``, in the active zone (the company's); after Django's ``timezone`` filter
  (``{{ p.starts_at|timezone:venue.time_zone|when:"datetime" }}``) in the venue's.
- ``{{ zone.price|money }}`` — in the company's currency; ``{{ amount|money:"EUR" }}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from callboard.core.i18n import format_moment, format_money, reader_text

register = template.Library()


@register.filter(is_safe=False)
def when(value: Any, kind: str = "datetime") -> str:
    if not isinstance(value, dt.date | dt.time):
        return "" if value in (None, "") else str(value)
    zone = None  # the active zone: the company's
    venue_time = not getattr(value, "convert_to_local_time", True)  # Django's |timezone filter
    if isinstance(value, dt.datetime) and value.tzinfo is not None and venue_time:
        zone = value.tzinfo
    return format_moment(value, kind, zone=zone)


@register.filter(is_safe=False)
def money(value: Any, currency: str = "") -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_money(amount, currency or None)


@register.filter(is_safe=False)
def stored(value: Any) -> str:
    """``{{ entry.summary|stored }}``: a sentence Callboard wrote, in the reader's language."""
    return reader_text(str(value)) if value not in (None, "") else ""
