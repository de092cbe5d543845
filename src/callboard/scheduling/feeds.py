"""iCalendar feeds of published calls (one person's, or the whole company's).

Each call keeps its UID across versions (``Call.uid``), and its SEQUENCE is the number of
the version it comes from, so a calendar that refreshes the feed replaces the event in
place when a call moves.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from callboard.core import zones
from callboard.scheduling import selectors
from callboard.scheduling.models import CalendarFeedToken, Call

PAST_DAYS = 30
FUTURE_DAYS = 120
UID_DOMAIN = "callboard"


def event_uid(call: Call) -> str:
    return f"{call.uid}@{UID_DOMAIN}"


def _location(call: Call) -> str:
    site = call.studio.site
    parts = [call.studio.name, site.name]
    if site.address:
        parts.append(site.address)
    return ", ".join(parts)


def calendar(calls: list[Call], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Callboard//Rehearsal calls//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(zones.company_zone()))
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for call in calls:
        firm = selectors.is_firm(call)
        event = Event()
        event.add("uid", event_uid(call))
        event.add("dtstamp", call.schedule.created_at.astimezone(dt.UTC))
        event.add("last-modified", call.schedule.created_at.astimezone(dt.UTC))
        event.add("sequence", call.schedule.number or 0)
        event.add("dtstart", call.starts_at.astimezone(dt.UTC))
        event.add("dtend", call.ends_at.astimezone(dt.UTC))
        event.add("summary", call.label)
        event.add("location", _location(call))
        event.add("status", "CONFIRMED" if firm else "TENTATIVE")
        lines = []
        if call.work_title:
            lines.append(call.work_title + (f" — {call.section_name}" if call.section_name else ""))
        lines.append(
            _("Called: %(names)s")
            % {"names": ", ".join(cp.person.full_name for cp in call.called.all())}
        )
        lines.append(_("Firm") if firm else _("Tentative: it may still change"))
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    return cal.to_ical()


def calendar_for(token: CalendarFeedToken, *, today: dt.date) -> bytes:
    first = today - dt.timedelta(days=PAST_DAYS)
    last = today + dt.timedelta(days=FUTURE_DAYS)
    if token.scope == CalendarFeedToken.Scope.COMPANY:
        calls = selectors.feed_calls(person=None, first=first, last=last)
        return calendar(calls, name=_("Company rehearsal calls"))
    calls = selectors.feed_calls(person=token.person, first=first, last=last)
    name = _("Calls of %(name)s") % {"name": token.person.full_name if token.person else ""}
    return calendar(calls, name=name)
