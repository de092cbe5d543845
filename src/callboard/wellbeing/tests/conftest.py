"""Builders for wellbeing's medical tests: dancers with sign-ins and the physiotherapist.

Times are in Moscow (the company's zone); conftest's NOW is Monday 23 November 2026.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing import services

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


def dancer_with_user(make_user: Any, *, rank: str = "corps", **kw: Any) -> tuple[cm.Dancer, Any]:
    user = make_user(Role.DANCER)
    person = f.PersonFactory(user=user)
    return f.DancerFactory(person=person, rank=rank, **kw), user


@pytest.fixture
def physio(make_user: Any) -> Any:
    return make_user(Role.PHYSIOTHERAPIST)


TODAY = dt.date(2026, 11, 23)


def plan(  # an injury recorded by ``physio``, with return-to-dance ``stages``
    dancer, physio, now, *stages, occurred=TODAY, **injury
):
    record = services.injury_record(
        dancer=dancer,
        body_part=injury.pop("body_part", "ankle"),
        occurred_on=occurred,
        by=physio,
        now=now,
        **injury,
    )
    for offset, mode, extra in stages:
        services.return_stage_add(
            injury=record,
            starts_on=occurred + dt.timedelta(days=offset),
            mode=mode,
            by=physio,
            now=now,
            **extra,
        )
    return record
