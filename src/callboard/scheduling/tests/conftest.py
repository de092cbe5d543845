"""The scheduling tests' world: a small company, two studios, a three-day plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.core.testing import factories as f
from callboard.scheduling import services
from callboard.scheduling.models import SchedulePeriod

MOSCOW = ZoneInfo("Europe/Moscow")
DAY1 = dt.date(2026, 11, 24)  # the plan: Tuesday to Thursday after conftest's NOW (Mon 23)
DAY3 = dt.date(2026, 11, 26)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


@dataclass
class World:
    company: cm.Company
    studio_a: cm.Studio
    studio_b: cm.Studio
    klara: cm.Person
    boris: cm.Person
    anna: cm.Person
    clara: cm.Person
    repetiteur: cm.Person
    klara_user: Any
    master: Any
    period: SchedulePeriod
    pdd: Any
    variation: Any
    corps: Any

    @property
    def dancers(self) -> list[cm.Person]:
        return [self.klara, self.boris, self.anna, self.clara]


def make_dancer(given: str, family: str, *, user: Any = None) -> cm.Person:
    person = f.PersonFactory(given_name=given, family_name=family, user=user)
    f.DancerFactory(person=person)
    return person


@pytest.fixture
def world(db: None, make_user: Any, now: dt.datetime) -> World:
    profile = f.LabourProfileFactory(
        name="Test agreement",
        max_minutes_per_day=360,
        max_minutes_per_week=1800,
        longest_call_minutes=180,
        max_span_minutes=600,
        earliest_start=dt.time(10, 0),
        latest_end=dt.time(22, 0),
        free_days_per_week=0,
        posting_deadline=dt.time(15, 0),
        posting_days_before=1,
        personal_notice_hours=24,
    )
    company = cm.Company.objects.create(
        name="Test Ballet", time_zone="Europe/Moscow", labour_profile=profile, city="Moscow"
    )
    site = f.SiteFactory(name="Theatre")
    studio_a = f.StudioFactory(name="Studio A", site=site, capacity=20, has_piano=True)
    studio_b = f.StudioFactory(name="Studio B", site=site, capacity=6, has_piano=True)
    klara_user = make_user(Role.DANCER, username="klara")
    master = make_user(Role.BALLET_MASTER, username="master")
    klara = make_dancer("Klára", "Kalmurzaev", user=klara_user)
    boris = make_dancer("Boris", "Belov")
    anna = make_dancer("Anna", "Orlova")
    clara = make_dancer("Clara", "Dubois")
    repetiteur = f.PersonFactory(given_name="Lyudmila", family_name="Semenova")
    f.StaffFactory(person=repetiteur, kind=cm.Staff.Kind.REPETITEUR)
    period = services.period_open(first_day=DAY1, last_day=DAY3, by=master, now=now)

    def request(label: str, minutes: int, people: list[cm.Person], **extra: Any) -> Any:
        values = {"label": label, "minutes": minutes, "priority": 2, **extra}
        return services.call_request_create(
            period=period, values=values, people=people, by=master, now=now
        )

    pdd = request("Pas de deux", 60, [klara, boris, repetiteur], needs_piano=True)
    variation = request("Variation", 45, [anna, repetiteur])
    corps = request("Corps", 120, [anna, clara, boris], call_minutes=60)
    return World(
        company,
        studio_a,
        studio_b,
        klara,
        boris,
        anna,
        clara,
        repetiteur,
        klara_user,
        master,
        period,
        pdd,
        variation,
        corps,
    )


def solve(world: World, now: dt.datetime, **kwargs: Any) -> Any:
    """Solve the plan in the test's own thread (tiny time limit, one worker)."""
    run = services.solve_run_start(
        period=world.period,
        by=world.master,
        now=now,
        time_limit=kwargs.pop("time_limit", 3),
        workers=1,
        seed=1,
        enqueue=False,
        **kwargs,
    )
    return services.solve_run_execute(run_id=run.pk)
