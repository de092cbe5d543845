"""Whether a dancer can dance on a day: the one availability check of casting.

It reads the dancer's status, a guest's engagement, and the return-to-dance limits recorded
in wellbeing: only its redacted planning view (unavailable, or limited and not cleared to
perform), from a snapshot of the restricting injuries that :mod:`callboard.wellbeing.planning`
loads with one query and reuses (so a whole casting board costs one query for injuries).
The rules (:mod:`callboard.casting.rules`) and the selectors both ask it.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from callboard.company.models import Dancer, Person
from callboard.core.i18n import format_moment
from callboard.wellbeing.planning import day_limit


def is_guest(dancer: Dancer) -> bool:
    person: Person = dancer.person
    return dancer.rank == Dancer.Rank.GUEST or person.kind == Person.Kind.GUEST


def dancer_unavailability(dancer: Dancer, day: dt.date) -> str | None:
    """Why ``dancer`` cannot dance on ``day``, or ``None`` when they can.

    The one place availability is decided: the dancer's status, a guest's engagement,
    and the return-to-dance limits recorded in wellbeing (its redacted planning view:
    unavailable, or limited and not cleared to perform).
    """
    name = str(dancer.person)
    if dancer.status == Dancer.Status.INJURED:
        if dancer.status_reason:
            return _("%(name)s is injured (marked by hand: %(reason)s).") % {
                "name": name,
                "reason": dancer.status_reason,
            }
        return _("%(name)s is injured.") % {"name": name}
    if dancer.status == Dancer.Status.ON_LEAVE:
        return _("%(name)s is on leave.") % {"name": name}
    if dancer.status == Dancer.Status.GUESTING:
        return _("%(name)s is guesting with another company.") % {"name": name}
    if dancer.status == Dancer.Status.RETIRED:
        return _("%(name)s has retired from the company.") % {"name": name}
    if is_guest(dancer):
        start, end = dancer.engagement_start, dancer.engagement_end
        if start is None and end is None:
            return _(
                "%(name)s is a guest artist with no engagement dates; record the engagement "
                "on their profile first."
            ) % {"name": name}
        if (start is not None and day < start) or (end is not None and day > end):
            return _(
                "%(name)s's guest engagement (%(start)s – %(end)s) does not cover %(day)s."
            ) % {
                "name": name,
                "start": _format_day(start) if start else "…",
                "end": _format_day(end) if end else "…",
                "day": _format_day(day),
            }
    # Injuries: only the planning view (unavailable / limited), never the medical detail.
    limit = day_limit(dancer.pk, day)
    if limit is not None and limit.unavailable:
        return _("%(name)s is not available to dance on %(day)s; ask the physiotherapist.") % {
            "name": name,
            "day": _format_day(day),
        }
    if limit is not None and not limit.may_perform:
        return _(
            "%(name)s is not cleared to perform on %(day)s: %(limit)s. Ask the "
            "physiotherapist before casting."
        ) % {"name": name, "day": _format_day(day), "limit": limit.describe()}
    return None


def _format_day(day: dt.date) -> str:
    return format_moment(day, "date_short")
