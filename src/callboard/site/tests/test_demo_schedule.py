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
    assert version.published_from == version.published_to == NOW.date()
    klara_calls = Call.objects.filter(schedule__status="draft", called__person__given_name="Klára")
    assert klara_calls.filter(label__startswith="Creation").exists()
    assert "published as version 1" in " ".join(describe(summary))
    assert build_schedule_demo(now=NOW).skipped  # a second run leaves the plan alone
    client.login(username="klara", password="callboard-demo")
    assert client.get("/schedule/me/").status_code == 200
