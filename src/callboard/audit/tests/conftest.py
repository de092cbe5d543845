"""Small worlds for the history tests, built with the apps' own builders.

The casting world is casting's ``make_world`` (one full-length work, a run of
performances a month ahead of NOW); the schedule world is the scheduling tests' company
with its agreement and two studios (:mod:`callboard.core.testing.plans`), two dancers and
a three-day plan, with calls added by hand (no solver needed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from callboard.audit.models import AuditEntry
from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.core.testing.plans import DAY1, DAY3, company_with_studios, make_dancer
from callboard.scheduling import services as sched
from callboard.scheduling.models import SchedulePeriod


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
    premises = company_with_studios()
    master = make_user(Role.BALLET_MASTER, username="master", first_name="Tatiana")
    klara = make_dancer("Klára", "Kalmurzaev")
    boris = make_dancer("Boris", "Belov")
    period = sched.period_open(first_day=DAY1, last_day=DAY3, by=master, now=now)
    return Plan(period, master, premises.studio_a, premises.studio_b, klara, boris)
