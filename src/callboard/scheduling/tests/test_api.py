"""/api/v1/schedule/: the same rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from callboard.company.tests.plans import DAY1, DAY3
from callboard.scheduling import services
from callboard.scheduling.models import Notice, SolveRun
from callboard.scheduling.tests.conftest import solve

pytestmark = pytest.mark.django_db

API = "/api/v1/schedule"


@pytest.fixture
def published(world, now):
    solve(world, now)
    return services.schedule_publish(
        period=world.period, by=world.master, now=now, send_email=False
    ).version


def test_my_calls_are_mine_only(client, world, published):
    client.force_login(world.klara_user)
    response = client.get(f"{API}/me", {"date_from": DAY1, "date_to": DAY3})
    assert response.status_code == 200
    calls = response.json()
    assert calls and all(any(p["name"] == "Klára Kalmurzaev" for p in c["people"]) for c in calls)
    assert {c["label"] for c in calls} == {"Pas de deux"}


def test_the_board_lists_everyones_published_calls(client, world, published):
    client.force_login(world.klara_user)
    days = [DAY1 + dt.timedelta(days=k) for k in range(3)]
    labels = {c["label"] for d in days for c in client.get(f"{API}/board/{d}").json()}
    assert labels == {"Pas de deux", "Variation", "Corps"}


def test_a_dancer_cannot_start_a_run_or_list_plans(client, world):
    client.force_login(world.klara_user)
    response = client.post(
        f"{API}/plans/{world.period.pk}/runs", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["message"]
    assert client.get(f"{API}/plans").status_code == 403
    assert not SolveRun.objects.exists()


@override_settings(CALLBOARD_JOBS="inline")
def test_a_run_is_started_polled_and_stopped(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.master)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/plans/{world.period.pk}/runs",
            {"time_limit": 2, "workers": 1, "seed": 3},
            content_type="application/json",
        )
    assert response.status_code == 202
    run_id = response.json()["id"]
    polled = client.get(f"{API}/runs/{run_id}").json()
    assert polled["status"] == "done" and polled["objective"] is not None
    stopped = client.post(f"{API}/runs/{run_id}/stop").json()
    assert stopped["status"] == "done"  # already finished: stopping changes nothing
    versions = client.get(f"{API}/plans/{world.period.pk}/versions").json()
    assert versions[0]["status"] == "draft" and versions[0]["calls"] > 0


@override_settings(CALLBOARD_JOBS="inline")
def test_a_runs_job_id_is_noted_with_it_before_the_job_is_sent(
    world, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as sends:
        run = services.solve_run_start(
            period=world.period, by=world.master, now=now, time_limit=2, workers=1
        )
        noted = SolveRun.objects.get(pk=run.pk).job_id
    assert len(noted) == 32 and len(sends) == 1  # noted in the run's own transaction
    assert SolveRun.objects.get(pk=run.pk).status == SolveRun.Status.QUEUED
    sends[0]()  # the commit sends the job (run here, inline) under that id
    run.refresh_from_db()
    assert run.status == SolveRun.Status.DONE and run.job_id == noted


def test_bad_run_settings_are_a_422(client, world):
    client.force_login(world.master)
    response = client.post(
        f"{API}/plans/{world.period.pk}/runs", {"time_limit": -5}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "time limit" in response.json()["message"]
    assert client.get(f"{API}/runs/424242").status_code == 404


def test_notices_are_listed_and_marked_read_by_their_person_only(client, world, now, published):
    from callboard.scheduling.models import Call

    call = Call.objects.get(schedule__status="draft", request=world.pdd)
    services.call_move(
        call=call,
        studio=world.studio_b,
        starts_at=call.starts_at,
        ends_at=call.ends_at,
        by=world.master,
        now=now,
    )
    services.schedule_publish(period=world.period, by=world.master, now=now, send_email=False)
    client.force_login(world.klara_user)
    mine = client.get(f"{API}/notices").json()
    # Newest first: the move, then the first version's news of her call.
    assert [n["kind"] for n in mine] == ["changed", "added"]
    assert client.post(f"{API}/notices/{mine[0]['id']}/read").json()["read_at"]
    other = Notice.objects.exclude(person=world.klara).first()
    assert client.post(f"{API}/notices/{other.pk}/read").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
