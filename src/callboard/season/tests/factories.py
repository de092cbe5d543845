"""Season-specific factories on top of callboard.core.testing.factories."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from callboard.company import models as cm
from callboard.core.testing.factories import (
    PersonFactory,
    ProgrammeFactory,
    SeasonFactory,
    StaffFactory,
    VenueFactory,
    WorkFactory,
)
from callboard.season import models as sm


def at(day: dt.date | str, time: str, zone: str = "Europe/Moscow") -> dt.datetime:
    """An aware datetime: ``at("2026-12-01", "19:00", "Asia/Yekaterinburg")``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=ZoneInfo(zone))


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Tour

    season = factory.SubFactory(SeasonFactory)
    name = factory.Sequence(lambda n: f"Tour {n}")
    starts_on = dt.date(2027, 3, 1)
    ends_on = dt.date(2027, 3, 31)


class ProgrammeWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.ProgrammeWork

    programme = factory.SubFactory(ProgrammeFactory)
    work = factory.SubFactory(WorkFactory)
    order = factory.Sequence(int)


def programme_with(
    *minutes: int, intervals: tuple[int, ...] = (), **kwargs: object
) -> sm.Programme:
    """A programme of works lasting ``minutes`` each, with the given intervals after them."""
    programme = ProgrammeFactory(**kwargs)
    for index, length in enumerate(minutes):
        ProgrammeWorkFactory(
            programme=programme,
            work=WorkFactory(duration_minutes=length),
            order=index,
            interval_after_minutes=intervals[index] if index < len(intervals) else 0,
        )
    return programme


def conductor(**kwargs: object) -> cm.Person:
    return StaffFactory(kind=cm.Staff.Kind.CONDUCTOR, person=PersonFactory(**kwargs)).person


__all__ = [
    "ProgrammeWorkFactory",
    "TourFactory",
    "VenueFactory",
    "at",
    "conductor",
    "programme_with",
]
