"""Small worlds for the history tests, built with the apps' own builders.

The casting world is casting's ``make_world`` (one full-length work, a run of
performances a month ahead of NOW); the schedule world is a company with its agreement,
two studios and a three-day plan, with calls added by hand (no solver needed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callboard.audit.models import AuditEntry
from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.core.testing import factories as f
from callboard.scheduling import services as sched
from callboard.scheduling.models import SchedulePeriod

MOSCOW = ZoneInfo("Europe/Moscow")
DAY1 = dt.date(2026, 11, 24)
DAY3 = dt.date(2026, 11, 26)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def entries(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))


@dataclass
class Plan:
    period: SchedulePeriod
    master: Any
    studio_a: cm.Studio
    studio_b: cm.Studio
    klara: cm.Person
    boris: cm.Person


@pytest.fixture
def plan(db: None, make_user: Any, now: dt.datetime) -> Plan:
    profile = f.LabourProfileFactory(
        name="Audit agreement",
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
    cm.Company.objects.create(
        name="Test Ballet", time_zone="Europe/Moscow", labour_profile=profile, city="Moscow"
    )
    site = f.SiteFactory(name="Theatre")
    studio_a = f.StudioFactory(name="Studio A", site=site, capacity=20, has_piano=True)
    studio_b = f.StudioFactory(name="Studio B", site=site, capacity=6, has_piano=True)
    master = make_user(Role.BALLET_MASTER, username="master", first_name="Tatiana")
    klara = f.PersonFactory(given_name="Klára", family_name="Kalmurzaev")
    f.DancerFactory(person=klara)
    boris = f.PersonFactory(given_name="Boris", family_name="Belov")
    f.DancerFactory(person=boris)
    period = sched.period_open(first_day=DAY1, last_day=DAY3, by=master, now=now)
    return Plan(period, master, studio_a, studio_b, klara, boris)
