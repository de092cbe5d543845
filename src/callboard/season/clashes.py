"""Clashes across the season: anyone booked in two places at once, or without the travel
time between two cities.

A *booking* is someone (a person, or an orchestra by its name) somewhere from one time to
another: a conductor and an orchestra at a performance (this module reads them), a dancer in
a performance's first cast (casting registers that source), a person in a published rehearsal
call (scheduling registers that one). Sources are registered by the apps above in their
``AppConfig.ready()``; no import goes up.

Two bookings of one person clash when they overlap (two places at once), or when they are in
different cities with less than ``CALLBOARD_TRAVEL_BETWEEN_CITIES_MINUTES`` between the end
of one and the start of the next.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from callboard.core.i18n import format_moment
from callboard.core.zones import zone_or_utc
from callboard.season.models import Performance


@dataclass(frozen=True)
class Booking:
    key: str  # "person:12", "orchestra:pavlov ballet theatre orchestra"
    who: str  # the person's or the orchestra's name, as people read it
    role: str  # "conductor", "orchestra", "dancer", "rehearsal call"…
    starts_at: dt.datetime
    ends_at: dt.datetime
    city: str
    what: str  # "The Nutcracker in Moscow", "call: Swan Lake run-through"
    zone: str  # where the times are read
    performance_id: int | None = None
    call_id: int | None = None

    @property
    def place(self) -> str:
        return " ".join(self.city.split()).casefold()

    def when(self) -> str:
        zone = zone_or_utc(self.zone)
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        return f"{format_moment(start, 'day_month_time')}–{format_moment(end, 'time')}"


def duration(delta: dt.timedelta) -> str:
    """ "2 h 45 min", "45 min", "3 h": a length of time as people say it."""
    minutes = abs(int(delta.total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


@dataclass(frozen=True)
class Clash:
    code: str  # "two_places" | "no_travel_time"
    first: Booking
    second: Booking
    travel: dt.timedelta

    @property
    def who(self) -> str:
        return self.first.who

    @property
    def performance_ids(self) -> tuple[int, ...]:
        return tuple(
            pk for pk in (self.first.performance_id, self.second.performance_id) if pk is not None
        )

    @property
    def day(self) -> dt.date:
        return self.first.starts_at.astimezone(zone_or_utc(self.first.zone)).date()

    @property
    def message(self) -> str:
        values = {
            "who": self.first.who,
            "a": self.first.what,
            "a_when": self.first.when(),
            "b": self.second.what,
            "b_when": self.second.when(),
        }
        if self.code == "two_places":
            overlap = self.first.ends_at - self.second.starts_at
            return _(
                "%(who)s is booked in two places at once: %(a)s (%(a_when)s) and %(b)s "
                "(%(b_when)s); %(b)s starts %(overlap)s before %(a)s ends."
            ) % {**values, "overlap": duration(overlap)}
        gap = self.second.starts_at - self.first.ends_at
        return _(
            "%(who)s has %(gap)s between %(a)s (%(a_when)s) and %(b)s (%(b_when)s), and the "
            "journey from %(from)s to %(to)s takes %(travel)s."
        ) % {
            **values,
            "gap": duration(gap),
            "from": self.first.city,
            "to": self.second.city,
            "travel": duration(self.travel),
        }


BookingSource = Callable[[dt.datetime, dt.datetime], Iterable[Booking]]
_sources: dict[str, BookingSource] = {}


def register_booking_source(name: str, source: BookingSource) -> None:
    """Add where people are booked (casting: the casts; scheduling: the published calls)."""
    _sources[name] = source


# name -> what else is placed on a performance's stage during its get-in … get-out, as
# sentences to read (scheduling: the rehearsal calls already on the stage then).
StageUse = Callable[[Performance], list[str]]
_stage_uses: dict[str, StageUse] = {}


def register_stage_use(name: str, source: StageUse) -> None:
    """Add what may already be on a stage when a performance's time on it grows."""
    _stage_uses[name] = source


def stage_overlaps(performance: Performance) -> list[str]:
    """What is already on the performance's stage during its get-in … get-out, in sentences
    (said when its get-in or get-out is saved: placed before, it is not moved by it)."""
    return [sentence for source in _stage_uses.values() for sentence in source(performance)]


def travel_between_cities() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.CALLBOARD_TRAVEL_BETWEEN_CITIES_MINUTES))


def orchestra_key(name: str) -> str:
    """The orchestra behind a performance's description: "Pavlov Orchestra (reduced, 24
    players)" and "Pavlov Orchestra" are the same musicians."""
    base = re.sub(r"\(.*?\)", "", name or "")
    return " ".join(base.split()).casefold()


def _performances(start: dt.datetime, end: dt.datetime) -> list[Performance]:
    return list(
        Performance.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme", "conductor")
        .order_by("starts_at", "pk")
    )


def performance_label(performance: Performance) -> str:
    return _("%(title)s in %(city)s") % {
        "title": performance.billing,
        "city": performance.venue.city or performance.venue.name,
    }


def performance_bookings(start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """The conductors and orchestras of the performances from ``start`` to ``end``."""
    out = []
    for p in _performances(start, end):
        common: dict[str, Any] = {
            "starts_at": p.starts_at,
            "ends_at": p.ends_at,
            "city": p.venue.city or p.venue.name,
            "what": performance_label(p),
            "zone": p.venue.time_zone,
            "performance_id": p.pk,
        }
        if p.conductor_id and p.conductor is not None:
            out.append(
                Booking(
                    key=f"person:{p.conductor_id}",
                    who=_("%(name)s (conductor)") % {"name": p.conductor.full_name},
                    role="conductor",
                    **common,
                )
            )
        if p.music == Performance.Music.ORCHESTRA and orchestra_key(p.orchestra):
            out.append(
                Booking(
                    key=f"orchestra:{orchestra_key(p.orchestra)}",
                    who=re.sub(r"\s*\(.*?\)", "", p.orchestra).strip(),
                    role="orchestra",
                    **common,
                )
            )
    return out


def clashes(
    *,
    start: dt.datetime,
    end: dt.datetime,
    performance_ids: Iterable[int] | None = None,
    keys: Iterable[str] | None = None,
) -> list[Clash]:
    """Every clash of bookings from ``start`` to ``end`` (a day is read on either side, so a
    journey across the edge counts); only those touching ``performance_ids`` or ``keys``
    when given."""
    margin = travel_between_cities() + dt.timedelta(days=1)
    window = (start - margin, end + margin)
    bookings = performance_bookings(*window)
    for source in _sources.values():
        bookings.extend(source(*window))
    by_key: dict[str, list[Booking]] = defaultdict(list)
    seen: set[tuple[str, int | None, int | None]] = set()
    for b in bookings:
        mark = (b.key, b.performance_id, b.call_id)
        if mark in seen:  # a dancer in two roles of one performance is one booking
            continue
        seen.add(mark)
        by_key[b.key].append(b)
    travel = travel_between_cities()
    wanted_perfs = set(performance_ids) if performance_ids is not None else None
    wanted_keys = set(keys) if keys is not None else None
    out: list[Clash] = []
    for key, items in by_key.items():
        if wanted_keys is not None and key not in wanted_keys:
            continue
        # On a tie, the one that ends last comes first: "B starts 2 h 45 min before A ends".
        items.sort(key=lambda b: (b.starts_at, -b.ends_at.timestamp()))
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if b.starts_at >= a.ends_at + travel:
                    break
                if a.performance_id is None and b.performance_id is None:
                    continue  # two calls: the scheduler's own rules keep them apart
                if b.starts_at < a.ends_at:
                    clash = Clash("two_places", a, b, travel)
                elif a.place != b.place:
                    clash = Clash("no_travel_time", a, b, travel)
                else:
                    continue
                if not (a.starts_at < end and b.ends_at > start):
                    continue
                if wanted_perfs is not None and not wanted_perfs & set(clash.performance_ids):
                    continue
                out.append(clash)
    out.sort(key=lambda c: (c.first.starts_at, c.first.who))
    return out
