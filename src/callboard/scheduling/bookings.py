"""Where the published calls put people, for the season's clash finder
(:mod:`callboard.season.clashes`), and the calls already on a performance's stage when its
get-in or get-out grows; the scheduling app fills both in ready()."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from callboard.company.models import Company
from callboard.core.i18n import format_moment
from callboard.core.zones import company_zone
from callboard.scheduling.models import Call, Schedule
from callboard.scheduling.selectors import published_calls
from callboard.season.clashes import Booking
from callboard.season.models import Performance


def call_bookings(start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """Everyone called in a published call from ``start`` to ``end``, at the company's home."""
    zone = company_zone()
    company = Company.objects.only("city").first()
    city = (company.city if company else "") or ""
    out = []
    for call in published_calls(start.astimezone(zone).date(), end.astimezone(zone).date()):
        if not (call.starts_at < end and call.ends_at > start):
            continue
        for called in call.called.all():
            out.append(
                Booking(
                    key=f"person:{called.person_id}",
                    who=called.person.full_name,
                    role="call",
                    starts_at=call.starts_at,
                    ends_at=call.ends_at,
                    city=city,
                    what=_("the rehearsal call “%(label)s” at %(studio)s")
                    % {"label": call.label, "studio": call.studio.name},
                    zone=zone.key,
                    call_id=call.pk,
                )
            )
    return out


def _when(call: Call) -> str:
    zone = company_zone()
    start = format_moment(call.starts_at, "day_short_time", zone=zone)
    return f"{start}–{format_moment(call.ends_at, 'time', zone=zone)}"


def stage_calls(performance: Performance) -> list[str]:
    """The rehearsal calls, published or in a draft, on ``performance``'s stage during its
    get-in … get-out: placed before that time grew, they are not moved by it."""
    stage_id = performance.venue.stage_id
    if stage_id is None:
        return []
    start, end = performance.stage_taken
    zone = company_zone()
    said = []
    for call in published_calls(start.astimezone(zone).date(), end.astimezone(zone).date()):
        if call.studio_id == stage_id and call.starts_at < end and call.ends_at > start:
            said.append(
                _(
                    "The published call “%(label)s”, %(when)s, is on the stage during the "
                    "get-in or get-out of %(performance)s: move it on the week's plan and "
                    "publish again."
                )
                % {"label": call.label, "when": _when(call), "performance": performance.billing}
            )
    drafts = (
        Call.objects.filter(
            schedule__status=Schedule.Status.DRAFT,
            studio_id=stage_id,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("schedule__period")
        .order_by("starts_at", "pk")
    )
    for call in drafts:
        said.append(
            _(
                "The call “%(label)s”, %(when)s, in the draft of %(period)s is on the stage "
                "during the get-in or get-out of %(performance)s: move it or plan the week again."
            )
            % {
                "label": call.label,
                "when": _when(call),
                "period": call.schedule.period,
                "performance": performance.billing,
            }
        )
    return said
