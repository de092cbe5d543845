"""The rehearsal-plan world of the scheduling and history (audit) tests, built in one place.

A company working under a test agreement, two studios at one theatre, and the days of a
three-day plan: Tuesday 24 to Thursday 26 November 2026, after conftest's NOW (Monday 23,
10:00 in Moscow). Each app's conftest adds the people, the plan and the requests its tests
need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from callboard.company import models as cm
from callboard.company.tests import factories as f

MOSCOW = ZoneInfo("Europe/Moscow")
DAY1 = dt.date(2026, 11, 24)  # the plan: Tuesday to Thursday after conftest's NOW (Mon 23)
DAY3 = dt.date(2026, 11, 26)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


@dataclass
class Premises:
    company: cm.Company
    studio_a: cm.Studio
    studio_b: cm.Studio


def company_with_studios() -> Premises:
    """The company, under an agreement of calls between 10:00 and 22:00 (six hours a day,
    30 a week, three at most in one call, posted by 15:00 the day before), and its two
    studios: A for 20 and B for 6, both with a piano."""
    # ``.create`` is what calling a model factory does; unlike the call, mypy sees a model.
    profile: cm.LabourProfile = f.LabourProfileFactory.create(
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
    site: cm.Site = f.SiteFactory.create(name="Theatre")
    studio_a: cm.Studio = f.StudioFactory.create(
        name="Studio A", site=site, capacity=20, has_piano=True
    )
    studio_b: cm.Studio = f.StudioFactory.create(
        name="Studio B", site=site, capacity=6, has_piano=True
    )
    return Premises(company, studio_a, studio_b)


def make_dancer(given: str, family: str, *, user: Any = None) -> cm.Person:
    """A person with a dancer record (corps, active), signing in as ``user`` if given."""
    person: cm.Person = f.PersonFactory.create(given_name=given, family_name=family, user=user)
    f.DancerFactory.create(person=person)
    return person
