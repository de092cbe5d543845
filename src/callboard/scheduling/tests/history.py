"""The schedule world of the history tests: the scheduling tests' company with its agreement
and two studios (:mod:`callboard.company.tests.plans`), two dancers and a three-day plan, with
calls added by hand (no solver needed). ``plan`` is a fixture: conftests import it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from callboard.company import models as cm
from callboard.company.tests.plans import DAY1, DAY3, company_with_studios, make_dancer
from callboard.core.roles import Role
from callboard.scheduling import services as sched
from callboard.scheduling.models import SchedulePeriod


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
