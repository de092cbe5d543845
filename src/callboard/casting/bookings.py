"""Where the casts put dancers: first-cast dancers at their performances, for the season's
clash finder (:mod:`callboard.season.clashes`), which the casting app fills in ready()."""

from __future__ import annotations

import datetime as dt

from callboard.casting.models import CastAssignment
from callboard.season.clashes import Booking, performance_label
from callboard.season.models import Performance


def cast_bookings(start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """The first-cast dancers of the performances from ``start`` to ``end`` (one query)."""
    out = []
    for a in (
        CastAssignment.objects.filter(
            kind=CastAssignment.Kind.FIRST,
            performance__starts_at__lt=end,
            performance__ends_at__gt=start,
        )
        .exclude(performance__status=Performance.Status.CANCELLED)
        .select_related("performance__venue", "performance__programme", "dancer__person")
        .order_by("performance__starts_at", "pk")
    ):
        p = a.performance
        out.append(
            Booking(
                key=f"person:{a.dancer.person_id}",
                who=a.dancer.person.full_name,
                role="dancer",
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                city=p.venue.city or p.venue.name,
                what=performance_label(p),
                zone=p.venue.time_zone,
                performance_id=p.pk,
            )
        )
    return out
