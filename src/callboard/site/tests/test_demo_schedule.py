"""The demo's week: planned, solved and its first day published, deterministically."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from callboard.scheduling.demo import build_schedule_demo, describe
from callboard.scheduling.models import Call, Schedule

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def test_the_demo_week_is_solved_and_its_first_day_published(client):
    from callboard.site.demo import build_demo

    build_demo(today=NOW.date())
    summary = build_schedule_demo(now=NOW)

    assert summary.run_status in ("done", "stopped"), summary.notes
    assert summary.published_version == 1
    version = Schedule.objects.get(status="published")
    first_call_day = min(
        c.starts_at.astimezone(NOW.tzinfo).date()
        for c in Call.objects.filter(schedule__status="draft")
    )
    # The first day, or (should the clock stop the solver early) through the first day called.
    assert version.published_from == NOW.date()
    assert version.published_to == max(NOW.date(), first_call_day)
    assert Call.objects.filter(schedule=version).exists()
    klara_calls = Call.objects.filter(schedule__status="draft", called__person__given_name="Klára")
    # The gala's premiere is over: Klára's time with Sergei Pavlov is his notes on the work.
    assert klara_calls.filter(label__startswith="Dance of the Seven Veils: notes").exists()
    assert not klara_calls.filter(label__startswith="Creation").exists()
    assert "published as version 1" in " ".join(describe(summary))
    assert build_schedule_demo(now=NOW).skipped  # a second run leaves the plan alone
    client.login(username="klara", password="callboard-demo")
    assert client.get("/schedule/me/").status_code == 200


def test_a_first_day_left_free_publishes_through_the_first_day_with_a_call():
    from callboard.company.models import Person
    from callboard.scheduling.models import Unavailability
    from callboard.site.demo import build_demo

    build_demo(today=NOW.date())
    day_end = NOW.replace(hour=23, minute=59)
    Unavailability.objects.bulk_create(
        Unavailability(person=p, starts_at=NOW.replace(hour=0), ends_at=day_end, created_at=NOW)
        for p in Person.objects.all()
    )
    summary = build_schedule_demo(now=NOW)

    version = Schedule.objects.get(status="published")
    published = list(Call.objects.filter(schedule=version))
    assert published, summary.notes
    days = {c.starts_at.astimezone(NOW.tzinfo).date() for c in published}
    assert NOW.date() not in days
    assert version.published_from == NOW.date()
    assert version.published_to == min(days)
