"""The callboard's pages: who may see and do what, bad input, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.company.tests.plans import DAY1, at, make_dancer
from callboard.core.roles import Role
from callboard.scheduling import services
from callboard.scheduling.models import Call, CallRequest, FixedEvent, Schedule, SolveRun
from callboard.scheduling.tests.conftest import solve

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, now):
    solve(world, now)
    return services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    ).version


def test_the_plan_page_lists_requests_events_and_solve_form(client, world):
    client.force_login(world.master)
    response = client.get(reverse("scheduling:plan", args=[world.period.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pas de deux" in body and "Corps" in body and 'id="solve-button"' in body


def test_a_dancer_is_kept_out_of_planning_pages_and_edits(client, world, now, published):
    client.force_login(world.klara_user)
    draft_call = Call.objects.filter(schedule__status="draft").first()
    before = (draft_call.starts_at, draft_call.studio_id)
    for url in (
        reverse("scheduling:plan", args=[world.period.pk]),
        reverse("scheduling:review", args=[world.period.pk]),
        reverse("scheduling:call_edit", args=[draft_call.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("scheduling:call_edit", args=[draft_call.pk]),
        {"studio": world.studio_a.pk, "day": DAY1, "start": "12:00", "end": "13:00"},
    )
    assert response.status_code == 403
    assert client.post(reverse("scheduling:publish", args=[world.period.pk]), {}).status_code == 403
    assert client.post(reverse("scheduling:solve", args=[world.period.pk]), {}).status_code == 403
    draft_call.refresh_from_db()
    assert (draft_call.starts_at, draft_call.studio_id) == before
    assert Schedule.objects.filter(status="published").count() == 1
    assert not SolveRun.objects.filter(created_by=world.klara_user).exists()


def test_my_calls_shows_only_my_calls_and_never_anothers_private_data(
    client, world, now, published
):
    world.anna.phone = "+7 999 000 11 22"
    world.anna.save()
    services.unavailability_create(
        person=world.anna,
        starts_at=at(DAY1, 0),
        ends_at=at(DAY1, 1),
        reason="Private doctor visit",
        by=world.master,
        now=now,
    )
    client.force_login(world.klara_user)
    response = client.get(reverse("scheduling:me") + f"?day={DAY1.isoformat()}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pas de deux" in body  # Klára is called to it
    assert "Variation" not in body  # Anna's call, not Klára's
    assert "Boris Belov" in body  # who else is called
    assert "+7 999 000 11 22" not in body and "Private doctor visit" not in body
    assert "Studio" in body and "firm" in body


def test_a_ballet_master_sees_the_whole_companys_calls(client, world, published):
    client.force_login(world.master)
    body = client.get(reverse("scheduling:me") + f"?day={DAY1.isoformat()}").content.decode()
    assert "Pas de deux" in body and "Variation" in body and "Corps" in body


def test_the_review_grid_has_a_column_per_studio_and_a_tab_per_day(client, world, now):
    solve(world, now)
    client.force_login(world.master)
    response = client.get(reverse("scheduling:review", args=[world.period.pk]) + f"?day={DAY1}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Studio A" in body and "Studio B" in body
    assert body.count('class="tabs"') == 1 and "Tue 24" in body and "Thu 26" in body
    people = client.get(
        reverse("scheduling:review", args=[world.period.pk]) + f"?day={DAY1}&view=people"
    )
    assert people.status_code == 200
    explain = client.get(reverse("scheduling:explain", args=[world.period.pk]))
    assert explain.status_code == 200 and "Closest to the limits" in explain.content.decode()


def test_moving_a_call_into_a_broken_rule_shows_the_error_and_asks_for_a_reason(client, world, now):
    solve(world, now)
    client.force_login(world.master)
    call = Call.objects.filter(schedule__status="draft", request=world.pdd).first()
    url = reverse("scheduling:call_edit", args=[call.pk])
    data = {"studio": world.studio_a.pk, "day": DAY1.isoformat(), "start": "08:00", "end": "09:00"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "earliest start" in response.content.decode()
    call.refresh_from_db()
    assert call.starts_at != at(DAY1, 8)
    response = client.post(url, {**data, "override_reason": "The guest coach leaves at 9"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.starts_at == at(DAY1, 8) and "guest coach" in call.override_reason


def test_publishing_a_broken_draft_from_the_page_says_why(client, world, now):
    solve(world, now)
    pdd = Call.objects.get(schedule__status="draft", request=world.pdd)
    Call.objects.filter(pk=pdd.pk).update(starts_at=at(DAY1, 6), ends_at=at(DAY1, 7))
    client.force_login(world.master)
    response = client.post(
        reverse("scheduling:publish", args=[world.period.pk]),
        {"first_day": DAY1, "last_day": DAY1, "firm": "on"},
        follow=True,
    )
    assert "cannot be published" in response.content.decode()
    assert not Schedule.objects.filter(status="published").exists()


def test_bad_dates_on_pages_are_a_404_not_a_500(client, world):
    client.force_login(world.master)
    assert client.get(reverse("scheduling:board", args=["not-a-day"])).status_code == 404
    assert client.get(reverse("scheduling:board", args=["0001-01-01"])).status_code == 404
    # My calls falls back to today with a message instead (test_phone.py).
    assert client.get(reverse("scheduling:me") + "?day=2026-13-45").status_code == 200
    assert client.get(reverse("scheduling:plan", args=[99999])).status_code == 404


def test_adding_a_request_and_a_fixed_event_on_the_plan_page(client, world):
    client.force_login(world.master)
    response = client.post(
        reverse("scheduling:request_new", args=[world.period.pk]),
        {
            "label": "Creation: Dance of the Seven Veils",
            "kind": "creation",
            "people": [world.klara.pk, world.repetiteur.pk],
            "minutes": 120,
            "priority": 1,
        },
    )
    assert response.status_code == 302
    assert CallRequest.objects.filter(label__startswith="Creation").exists()
    response = client.post(
        reverse("scheduling:event_new", args=[world.period.pk]),
        {
            "kind": "class",
            "label": "Company class",
            "starts_at": "2026-11-24T10:00",
            "ends_at": "2026-11-24T11:15",
            "everyone": "on",
        },
    )
    assert response.status_code == 302
    event = FixedEvent.objects.get(label="Company class")
    assert event.starts_at == at(DAY1, 10)
    bad = client.post(
        reverse("scheduling:request_new", args=[world.period.pk]),
        {"label": "Nobody", "kind": "rehearsal", "minutes": 5, "priority": 9},
    )
    assert bad.status_code == 422


def test_the_board_lists_the_days_published_calls_and_prints_a_pdf(client, world, published):
    client.force_login(world.klara_user)
    day = (
        Call.objects.filter(schedule=published)
        .first()
        .starts_at.astimezone(at(DAY1, 0).tzinfo)
        .date()
    )
    response = client.get(reverse("scheduling:board", args=[day.isoformat()]))
    assert response.status_code == 200
    assert "Callboard" in response.content.decode()
    pdf = client.get(reverse("scheduling:board_pdf", args=[day.isoformat()]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_run_page_shows_progress_and_can_stop_a_run(client, world, now):
    run = services.solve_run_start(period=world.period, by=world.master, now=now, enqueue=False)
    client.force_login(world.master)
    page = client.get(reverse("scheduling:run", args=[run.pk]))
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    stopped = client.post(reverse("scheduling:run_stop", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert stopped.status_code == 200 and "every 1s" not in stopped.content.decode()
    run.refresh_from_db()
    assert run.status == "stopped"


def _grow_company(world, now, extra: int) -> None:
    """More dancers, each called to a rehearsal of their own in the published version."""
    people = [make_dancer(f"Extra{k}", f"Dancer{k}") for k in range(extra)]
    for k, person in enumerate(people):
        services.call_request_create(
            period=world.period,
            values={"label": f"Solo {k}", "minutes": 30},
            people=[person, world.repetiteur],
            by=world.master,
            now=now,
        )


@pytest.mark.parametrize("extra", [0, 6])
def test_board_and_my_calls_make_a_fixed_number_of_queries(
    client, world, now, extra, django_assert_max_num_queries
):
    _grow_company(world, now, extra)
    solve(world, now)
    services.schedule_publish(period=world.period, by=world.master, now=now, send_email=False)
    client.force_login(world.master)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("scheduling:board", args=[DAY1.isoformat()])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("scheduling:me") + f"?day={DAY1}").status_code == 200
    client.force_login(world.klara_user)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("scheduling:me") + f"?day={DAY1}").status_code == 200


def test_feed_tokens_are_made_regenerated_and_revoked(client, world):
    client.force_login(world.klara_user)
    client.post(reverse("scheduling:feeds"), {"scope": "personal", "action": "create"})
    first = world.klara_user.calendar_feeds.get(revoked_at__isnull=True)
    assert client.get(reverse("scheduling:feed", args=[first.token])).status_code == 200
    client.post(reverse("scheduling:feeds"), {"scope": "personal", "action": "create"})
    second = world.klara_user.calendar_feeds.get(revoked_at__isnull=True)
    assert second.token != first.token
    assert client.get(reverse("scheduling:feed", args=[first.token])).status_code == 404
    client.post(reverse("scheduling:feeds"), {"scope": "personal", "action": "revoke"})
    assert client.get(reverse("scheduling:feed", args=[second.token])).status_code == 404
    # A dancer gets no company-wide feed.
    client.post(reverse("scheduling:feeds"), {"scope": "company", "action": "create"})
    assert not world.klara_user.calendar_feeds.filter(scope="company").exists()


def test_the_nav_links_to_the_callboard_and_my_calls(client, make_user):
    client.force_login(make_user(Role.DANCER))
    body = client.get(reverse("scheduling:me")).content.decode()
    assert 'href="/schedule/"' in body and 'href="/schedule/me/"' in body


def test_the_index_sends_a_dancer_to_their_calls(client, world):
    client.force_login(world.klara_user)
    assert client.get(reverse("scheduling:index"))["Location"] == reverse("scheduling:me")


def test_opening_a_plan_from_the_index(client, world):
    client.force_login(world.master)
    response = client.post(
        reverse("scheduling:period_new"), {"first_day": "2027-01-04", "last_day": "2027-01-10"}
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("scheduling:period_new"), {"first_day": "2027-02-04", "last_day": "2027-01-10"}
    )
    assert bad.status_code == 422
    assert dt.date(2027, 1, 4) in {p.first_day for p in world.period.__class__.objects.all()}
