"""Builders for reception tests: a performance that has happened, a critic, answers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from callboard.company.models import Person
from callboard.season.models import Performance, ProgrammeWork
from callboard.season.tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")
NIGHT = dt.datetime(2026, 11, 20, 19, 0, tzinfo=MOSCOW)  # three days before conftest's NOW


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Rate limits live in the cache: every test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


def mixed_bill(starts_at: dt.datetime = NIGHT, **kw: Any) -> Performance:
    """A performance of a two-work programme (Seven Veils-like and Études-like)."""
    programme = f.ProgrammeFactory(title=kw.pop("title", "Annual Gala"))
    for order, title in enumerate(("Veils", "Études"), start=1):
        work = f.WorkFactory(title=f"{title} {programme.pk}", duration_minutes=35)
        ProgrammeWork.objects.create(programme=programme, work=work, order=order)
    return f.PerformanceFactory(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2, minutes=30),
        **kw,
    )


@pytest.fixture
def gala() -> Performance:
    return mixed_bill(venue=f.VenueFactory(name="Main Stage", capacity=1740))


@pytest.fixture
def critic() -> Person:
    return f.PersonFactory(
        given_name="Jonathan",
        family_name="Hale",
        kind=Person.Kind.CONTACT,
        organisation="The Moscow Times",
    )


@pytest.fixture
def signed_in(make_user: Any) -> Any:
    """``signed_in(Role.PRESS)`` -> a fresh test client of its own (unlike ``client_as``,
    which signs the one shared client in again)."""
    from django.test import Client

    def make(*roles: Any) -> Client:
        client = Client()
        client.force_login(make_user(*roles))
        return client

    return make
