"""The scheduling tests' world: a small company, two studios, a three-day plan.

The company, its studios and the plan's days come from :mod:`callboard.company.tests.plans`
(shared with the history tests); the people and the requests are the scheduling tests' own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from callboard.company import models as cm
from callboard.company.tests.plans import DAY1, DAY3, company_with_studios, make_dancer
from callboard.core.roles import Role
from callboard.scheduling import services
from callboard.scheduling.models import SchedulePeriod
from callboard.season.tests import factories as f


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


@pytest.fixture
def world(db: None, make_user: Any, now: dt.datetime) -> World:
    premises = company_with_studios()
    company, studio_a, studio_b = premises.company, premises.studio_a, premises.studio_b
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


# The physiotherapist, for the tests of how this app obeys return-to-dance plans.
# The history tests' plan world.
from callboard.scheduling.tests.history import plan  # noqa: E402, F401
from callboard.wellbeing.tests.conftest import physio  # noqa: E402, F401
