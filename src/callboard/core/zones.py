"""Time zones, in one place: the company's zone, a local day's bounds, venues' zones
(validation and wall clock <-> UTC).

The company's zone is kept in the company's record, which lives above core: the company app
registers how to read it (:func:`set_company_zone_reader`, in its ``AppConfig.ready``) and
forgets the cached name when a request starts or the company is saved.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from callboard.core.errors import ValidationFailed

UTC = dt.UTC
FIRST_YEAR, LAST_YEAR = 1900, 2999


def check_year(moment: dt.date, *, field: str) -> None:
    """Dates far outside any season are typing mistakes (and break date arithmetic)."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationFailed(
            _("Give a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {name.lower(): name for name in _known_zones()}


def known_zones() -> list[str]:
    """Every IANA time zone name, sorted (for pickers)."""
    return sorted(_known_zones())


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not a usable IANA time zone, or None when it is."""
    name = (name or "").strip()
    if not name:
        return _("Give the venue's time zone, for example Europe/Moscow.")
    if name not in _known_zones():
        suggestion = _zones_by_folded_name().get(name.lower())
        if suggestion:
            return _("“%(name)s” is not a time zone name; did you mean %(suggestion)s?") % {
                "name": name,
                "suggestion": suggestion,
            }
        return _(
            "“%(name)s” is not a time zone name. Use an IANA name such as Europe/Moscow "
            "or Asia/Yekaterinburg."
        ) % {"name": name}
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _("The time zone “%(name)s” cannot be loaded on this server.") % {"name": name}
    return None


def validate_time_zone(value: str) -> None:
    """Django field validator (admin and model forms)."""
    problem = time_zone_problem(value)
    if problem:
        raise ValidationError(problem)


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``, or ValidationFailed with a message a person can act on."""
    problem = time_zone_problem(name)
    if problem:
        raise ValidationFailed(problem, field="time_zone")
    return ZoneInfo(name.strip())


def zone_or_utc(name: str) -> dt.tzinfo:
    """For display only: a broken zone name shows times in UTC rather than failing."""
    try:
        return zone(name)
    except ValidationFailed:
        return UTC


def local_to_utc(*, local: dt.datetime, zone_name: str, field: str = "starts_at") -> dt.datetime:
    """A wall-clock time at a venue (naive) -> the aware UTC instant.

    A time that does not exist (the clocks jump forward over it) is refused; a time that
    happens twice (the clocks go back) means the first of the two.
    """
    if local.tzinfo is not None:
        raise ValidationFailed(
            _("Give the local time without a UTC offset; the venue's time zone is used."),
            field=field,
        )
    check_year(local, field=field)
    tz = zone(zone_name)
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        raise ValidationFailed(
            _(
                "%(time)s does not exist on %(day)s in %(zone)s (the clocks go forward); "
                "choose another time."
            )
            % {"time": local.strftime("%H:%M"), "day": local.date().isoformat(), "zone": zone_name},
            field=field,
        )
    return instant


# --------------------------------------------------------------------------- the company's zone

# The company's time zone is read once per web request (pages ask for it often), again when
# the company record is saved, and, for work outside requests (job workers, the shell), at
# most every _ZONE_SECONDS. A page therefore makes the same queries whatever the clock.
_ZONE_SECONDS = 5.0
_zone_cache: tuple[float, str] | None = None


def _no_company() -> str | None:
    return None


_company_zone_name: Callable[[], str | None] = _no_company


def set_company_zone_reader(reader: Callable[[], str | None]) -> None:
    """How to read the company's zone name (the company app registers it at start-up)."""
    global _company_zone_name
    _company_zone_name = reader
    forget_company_zone()


def forget_company_zone(**_kwargs: Any) -> None:
    """Read the company's time zone afresh next time (a request began, the company changed)."""
    global _zone_cache
    _zone_cache = None


def company_zone() -> ZoneInfo:
    """The company's time zone (the installation's ``TIME_ZONE`` when none is set or the
    name is broken: a bad zone name in the company record must not break the pages)."""
    global _zone_cache
    moment = time.monotonic()
    if _zone_cache is not None and moment - _zone_cache[0] < _ZONE_SECONDS:
        name = _zone_cache[1]
    else:
        name = _company_zone_name() or settings.TIME_ZONE
        _zone_cache = (moment, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo(settings.TIME_ZONE)


def company_today(now: dt.datetime) -> dt.date:
    """``now``'s date in the company's time zone."""
    if now.tzinfo is None:
        raise ValidationFailed(_("Callboard needs an aware date and time (with a time zone)."))
    return now.astimezone(company_zone()).date()


def local_day_bounds(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The aware instants a local day starts and ends (the next day's midnight) in ``zone``."""
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return start, end
