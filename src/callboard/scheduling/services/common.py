"""What the schedule's services share: limits, and how days and times are written."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.core import zones
from callboard.core.errors import ValidationFailed
from callboard.core.i18n import format_moment
from callboard.scheduling.models import (
    Call,
    Schedule,
    SchedulePeriod,
    SolveRun,
)
from callboard.season.models import Performance

log = logging.getLogger("callboard.scheduling.services")


MAX_PERIOD_DAYS = 14


MAX_TIME_LIMIT = 600.0


MAX_WORKERS = 8


PROGRESS_SECONDS = 0.5


# A running run whose worker has not written a heartbeat for this long lost its worker
# (killed, out of memory, its machine gone): see solve_runs_reap.
RUN_LOST_SECONDS = 30.0


def _fmt_day(day: dt.date) -> str:
    return date_format(day, "D j M Y")


def _fmt_time(moment: dt.datetime) -> str:
    return moment.astimezone(zones.company_zone()).strftime("%H:%M")


def _fmt_when(start: dt.datetime, end: dt.datetime) -> str:
    zone = zones.company_zone()
    local = start.astimezone(zone)
    return f"{_fmt_day(local.date())} {local:%H:%M}–{end.astimezone(zone):%H:%M}"


def _aware(moment: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValidationFailed(_("Give the time with its time zone."), field=field)
    return moment


def draft_of(period: SchedulePeriod) -> Schedule:
    draft = Schedule.objects.filter(period=period, status=Schedule.Status.DRAFT).first()
    if draft is None:
        draft = Schedule.objects.create(period=period, created_at=timezone.now())
    return draft


Tick = Callable[[SolveRun], None]


def _describe_call(call: Call | None) -> str:
    if call is None:
        return _("(no call)")
    return _("%(what)s, %(when)s, %(studio)s") % {
        "what": call.label,
        "when": _fmt_when(call.starts_at, call.ends_at),
        "studio": call.studio.name,
    }


def stage_free(studio: Any, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """Refuse a booking of a venue's stage over a performance's get-in … get-out, naming it."""
    if studio is None or not getattr(studio, "is_stage", False):
        return
    around = dt.timedelta(days=2)
    for p in (
        Performance.objects.filter(
            venue__stage=studio, starts_at__lt=ends_at + around, ends_at__gt=starts_at - around
        )
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")
    ):
        taken_from, taken_to = p.stage_taken
        if taken_from < ends_at and starts_at < taken_to:
            zone = p.venue.zone
            raise ValidationFailed(
                _(
                    "The stage of %(venue)s is taken by %(performance)s (curtain %(curtain)s) "
                    "from its get-in at %(from)s until %(to)s: choose another time."
                )
                % {
                    "venue": p.venue.name,
                    "performance": p.billing,
                    "curtain": format_moment(p.starts_at.astimezone(zone), "day_month_time"),
                    "from": format_moment(taken_from.astimezone(zone), "time"),
                    "to": format_moment(taken_to.astimezone(zone), "time"),
                },
                field="starts_at",
            )
