"""factory_boy factories and builders for the season's records (and those of the apps below:
tests of the apps above season import their factories from here)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from callboard.company import models as cm
from callboard.repertoire.tests.factories import (
    MOSCOW,
    PASSWORD,
    CommissionFactory,
    DancerFactory,
    DancerRoleFactory,
    LabourProfileFactory,
    MilestoneFactory,
    PersonFactory,
    RoleFactory,
    SectionFactory,
    SiteFactory,
    StaffFactory,
    StudioFactory,
    UserFactory,
    WorkFactory,
)
from callboard.season import models as sm


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Venue

    name = factory.Sequence(lambda n: f"Theatre {n}")
    city = "Moscow"
    time_zone = "Europe/Moscow"
    capacity = 1000


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Season

    name = factory.Sequence(lambda n: f"Season {2026 + n}")
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2027, 6, 30)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Programme

    season = factory.SubFactory(SeasonFactory)
    title = factory.Sequence(lambda n: f"Programme {n}")


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Performance

    programme = factory.SubFactory(ProgrammeFactory)
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.Sequence(
        lambda n: dt.datetime(2026, 12, 1, 19, 0, tzinfo=MOSCOW) + dt.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda p: p.starts_at + dt.timedelta(hours=2, minutes=30))


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
    "MOSCOW",
    "PASSWORD",
    "CommissionFactory",
    "DancerFactory",
    "DancerRoleFactory",
    "LabourProfileFactory",
    "MilestoneFactory",
    "PerformanceFactory",
    "PersonFactory",
    "ProgrammeFactory",
    "ProgrammeWorkFactory",
    "RoleFactory",
    "SeasonFactory",
    "SectionFactory",
    "SiteFactory",
    "StaffFactory",
    "StudioFactory",
    "TourFactory",
    "UserFactory",
    "VenueFactory",
    "WorkFactory",
    "at",
    "conductor",
    "programme_with",
]
