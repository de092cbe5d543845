"""The solve page in a ballet master's words: hours and things, not points; an honest gap
(none before a bound is proven, never a rounded-down "0 %"); a log that says what the search
is doing; the explanation as a page; seed and workers under "Advanced"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from callboard.company.tests.plans import DAY1, DAY3
from callboard.scheduling import services, words
from callboard.scheduling.models import SolveRun
from callboard.scheduling.tests.conftest import solve

ZONE = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    "minutes, said", [(735, "12 h 15 min"), (45, "45 min"), (120, "2 h"), (0, "0 min")]
)
def test_a_duration_is_said_in_hours_and_minutes(minutes, said):
    assert words.duration(minutes) == said


def test_goals_are_said_in_their_own_units():
    assert words.goal_words("waiting", 735) == "people wait 12 h 15 min in all between their calls"
    assert words.goal_words("moved_call", 1) == "1 published call moves or is dropped"
    assert words.goal_words("touched_person", 3) == "3 people's published calls change"
    assert words.goal_words("waiting", 0) == ""
    line = words.unplaced_words({"label": "Run-through", "minutes": 75, "reason": "Nobody."})
    assert line == "Run-through (1 h 15 min) could not be placed: Nobody."


def test_a_finished_run_says_what_it_costs_and_what_the_search_did(client, world, now):
    # Anna cannot come at all: the Variation (hers) cannot be placed, and the run says why.
    services.unavailability_create(
        person=world.anna,
        starts_at=dt.datetime.combine(DAY1, dt.time(0), tzinfo=ZONE),
        ends_at=dt.datetime.combine(DAY3 + dt.timedelta(days=1), dt.time(0), tzinfo=ZONE),
        reason="",
        by=world.master,
        now=now,
    )
    run = solve(world, now)
    assert run.result["amounts"]["unplaced"] >= 45
    assert "Searching the whole period at once with CP-SAT" in run.log or (
        "Planning the days one at a time" in run.log
    )
    assert "Starting from a schedule built by hand rules" in run.log
    client.force_login(world.master)
    page = client.get(f"/schedule/runs/{run.pk}/").content.decode()
    assert "What this schedule costs" in page
    assert "Variation (45 min) could not be placed:" in page
    assert "Gap 0 %" not in page


def _running(world, **values):
    now = timezone.now()
    return SolveRun.objects.create(
        period=world.period,
        status=SolveRun.Status.RUNNING,
        created_at=now,
        started_at=now,
        heartbeat_at=now,
        time_limit=600,
        **values,
    )


def test_a_running_search_shows_its_gap_honestly(client, world):
    client.force_login(world.master)
    no_bound = _running(world, objective=30195, solutions=2)
    page = client.get(f"/schedule/runs/{no_bound.pk}/progress/").content.decode()
    assert "no bound is proven yet" in page and "Gap" not in page.split("</summary>")[0]
    close = _running(world, objective=30195, bound=30075, solutions=5)
    page = client.get(f"/schedule/runs/{close.pk}/progress/").content.decode()
    assert "within 0.4 % of the best possible" in page
    assert "The search goes on while it may still find a better one." in page
    best = _running(world, objective=30195, bound=30195, solutions=6)
    page = client.get(f"/schedule/runs/{best.pk}/progress/").content.decode()
    assert "none can cost less" in page and "then it stops" in page


def test_the_explanation_opened_on_its_own_is_a_styled_page(client, world, now):
    solve(world, now)
    client.force_login(world.master)
    page = client.get(f"/schedule/plans/{world.period.pk}/explain/").content.decode()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "callboard.css" in page and "Goals, costliest first" in page
    fragment = client.get(
        f"/schedule/plans/{world.period.pk}/explain/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment and "Goals, costliest first" in fragment


def test_seed_and_workers_are_under_advanced(client, world):
    client.force_login(world.master)
    page = client.get(f"/schedule/plans/{world.period.pk}/").content.decode()
    advanced = page.split('<details class="advanced"')[1].split("</details>")[0]
    assert 'name="seed"' in advanced and 'name="workers"' in advanced
    assert 'name="time_limit"' not in advanced
