"""A small production to cast: one full-length work with two acts, a run of performances.

``world()`` builds it from the foundation factories; tests add what they need.
Act I holds the Prince's variation; Act II the lakeside, where the Swan Queen and the
swans are on stage together. The Prince dances in both acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from callboard.company.models import Dancer
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.season.models import Performance, Programme, ProgrammeWork, Venue
from callboard.season.tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)


def at(days: int, hour: int = 19) -> dt.datetime:
    """A start ``days`` after NOW's date, at ``hour`` in Moscow."""
    day = NOW.date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=MOSCOW)


@dataclass
class World:
    work: Work
    programme: Programme
    venue: Venue
    act1: Section
    act2: Section
    lake: Section
    queen: Role
    prince: Role
    friend: Role
    swans: Role
    performances: list[Performance] = field(default_factory=list)

    def performance(
        self, days: int, *, hour: int = 19, venue: Venue | None = None, **kw: object
    ) -> Performance:
        starts = at(days, hour)
        p = f.PerformanceFactory(
            programme=self.programme,
            venue=venue or self.venue,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2, minutes=45),
            **kw,
        )
        self.performances.append(p)
        return p

    def dancer(
        self, *roles: Role, rank: str = "corps", learning: bool = False, **kw: object
    ) -> Dancer:
        d = f.DancerFactory(rank=rank, **kw)
        for role in roles:
            f.DancerRoleFactory(
                dancer=d,
                role=role,
                status=DancerRole.Status.LEARNING if learning else DancerRole.Status.LEARNED,
            )
        return d


def make_world(*, title: str = "Swan Lake", performances: int = 3) -> World:
    work = f.WorkFactory(title=title, full_length=True, duration_minutes=150)
    act1 = f.SectionFactory(work=work, name="Act I", order=1, duration_minutes=45)
    act2 = f.SectionFactory(work=work, name="Act II", order=2, duration_minutes=50)
    lake = f.SectionFactory(work=work, name="Lakeside", parent=act2, order=3, kind="scene")
    queen = f.RoleFactory(work=work, name="Swan Queen", principal=True, announceable=True)
    queen.sections.set([lake])
    prince = f.RoleFactory(work=work, name="Prince", principal=True, announceable=True)
    prince.sections.set([act1, act2])
    friend = f.RoleFactory(work=work, name="Friend", announceable=True)
    friend.sections.set([act1])
    swans = f.RoleFactory(work=work, name="Swans", dancers_needed=4)
    swans.sections.set([lake])
    programme = f.ProgrammeFactory(title=f"{title} run")
    ProgrammeWork.objects.create(programme=programme, work=work, order=1)
    venue = f.VenueFactory(name=f"{title} House")
    w = World(work, programme, venue, act1, act2, lake, queen, prince, friend, swans)
    for i in range(performances):
        w.performance(30 + 2 * i)
    return w


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Pages and the API read the clock; casting tests all live at NOW."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def world(db: None) -> World:
    return make_world()


# The physiotherapist, for the tests of how this app obeys return-to-dance plans.
from callboard.wellbeing.tests.conftest import physio  # noqa: E402, F401
