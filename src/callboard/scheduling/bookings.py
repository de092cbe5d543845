"""Where the published calls put people, for the season's clash finder
(:mod:`callboard.season.clashes`), which the scheduling app fills in ready()."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from callboard.company.models import Company
from callboard.core.zones import company_zone
from callboard.scheduling.selectors import published_calls
from callboard.season.clashes import Booking


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
