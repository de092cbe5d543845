"""The demo company, the world of two stories (see docs and README: Klára Kalmurzaev's new work
for Sergei Pavlov's Annual Gala, Eleonora Kalmurzaev's Swan Lake in Uglich).

:func:`build_demo` builds the company, its people, repertoire and season (``story``,
``people``, ``repertoire``, ``season``); :func:`build_extras` then lets each app above add
its part of the story, in order (casting, box office, schedule, reception, workload).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.boxoffice import demo as boxoffice_demo
from callboard.casting import demo as casting_demo
from callboard.company import models as cm
from callboard.core.errors import Conflict
from callboard.reception import demo as reception_demo
from callboard.repertoire import models as rm
from callboard.scheduling import demo as schedule_demo
from callboard.site.demo.people import (
    _build_company,
    _build_dancers,
    _build_leaders,
    _build_studios,
    _build_users,
)
from callboard.site.demo.repertoire import _build_casting_material, _build_repertoire
from callboard.site.demo.season import _build_season, _build_venues
from callboard.site.demo.story import (
    MOSCOW,
    PASSWORD,
    SEED,
    DemoSummary,
    DemoUser,
    _World,
    demo_now,
    demo_today,
)
from callboard.workload import demo as wellbeing_demo

__all__ = [
    "MOSCOW",
    "PASSWORD",
    "DemoSummary",
    "DemoUser",
    "build_demo",
    "build_extras",
    "demo_now",
    "demo_today",
]


@transaction.atomic
def build_demo(*, today: dt.date) -> DemoSummary:
    """Build the demo company around the anchor day ``today`` into an empty database.

    Raises :class:`Conflict` when a company already exists: the demo never mixes with
    real data.
    """
    if cm.Company.objects.exists():
        raise Conflict(
            _(
                "This database already has a company. Build the demo into an empty "
                "database, or use --if-empty to leave this one as it is."
            )
        )
    w = _World(today=today, rng=random.Random(SEED))
    company = _build_company()
    _build_studios()
    _build_leaders(w)
    _build_dancers(w)
    _build_repertoire(w)
    _build_casting_material(w)
    _build_venues(w)
    performances = _build_season(w)
    users = _build_users(w)
    counts = {
        "dancers": cm.Dancer.objects.count(),
        "staff": cm.Staff.objects.values("person").distinct().count(),
        "studios": cm.Studio.objects.count(),
        "works": rm.Work.objects.count(),
        "performances": len(performances),
    }
    return DemoSummary(
        company=company.name, today=today, password=PASSWORD, users=tuple(users), counts=counts
    )


def build_extras(*, today: dt.date, now: dt.datetime | None = None) -> Iterator[str]:
    """Each app above the company adds its part of the story on top of :func:`build_demo`, in
    order, as of ``now`` (default: 9:00 in Moscow on ``today``; see :func:`demo_now`); yields
    the lines that describe what was built."""
    now = now or demo_now(today)
    casting = casting_demo.build_casting_demo(now=now)
    yield from casting_demo.describe(casting)
    yield from boxoffice_demo.describe(boxoffice_demo.build_boxoffice_demo(now=now))
    schedule = schedule_demo.build_schedule_demo(now=now)
    yield from schedule_demo.describe(schedule)
    reception = reception_demo.build_reception_demo(now=now)
    yield from reception_demo.describe(reception)
    wellbeing = wellbeing_demo.build_wellbeing_demo(now=now)
    yield from wellbeing_demo.describe(wellbeing)
