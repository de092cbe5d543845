"""People give their own availability: a period with a deadline, conflicts with reasons,
approved or declined by the ballet master, reminders, and the solver obeying what is
approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from callboard.company.tests.plans import DAY1, DAY3, at
from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.models import OutboundEmail
from callboard.scheduling import adapters, services
from callboard.scheduling.models import AvailabilityConflict, Call
from callboard.scheduling.services.availability import AVAILABILITY_EMAIL
from callboard.scheduling.tests.conftest import solve
from callboard.season.tests.factories import PerformanceFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world, now):
    return services.availability_period_open(
        first_day=DAY1,
        last_day=DAY3,
        deadline=at(DAY1, 9),
        note="The Nutcracker week",
        by=world.master,
        now=now,
    )


def _conflict(world, period, now, *, start, end, person=None, by=None, reason="Dentist"):
    return services.conflict_submit(
        period=period,
        person=person or world.klara,
        starts_at=start,
        ends_at=end,
        kind="doctor",
        reason=reason,
        by=by or world.klara_user,
        now=now,
    )


def test_a_conflict_outside_the_period_is_refused_with_the_dates(world, asked, now):
    with pytest.raises(ValidationFailed) as refused:
        _conflict(
            world,
            asked,
            now,
            start=at(DAY3 + dt.timedelta(days=1), 9),
            end=at(DAY3 + dt.timedelta(days=1), 11),
        )
    message = str(refused.value)
    assert "outside the period" in message
    assert "24 Nov 2026" in message and "26 Nov 2026" in message  # the period's days
    assert "27 Nov" in message  # the times given
    assert not AvailabilityConflict.objects.exists()


def test_a_conflict_after_the_deadline_is_refused_with_the_deadline(world, asked):
    late = at(DAY1, 10)
    with pytest.raises(ValidationFailed) as refused:
        _conflict(world, asked, late, start=at(DAY1, 12), end=at(DAY1, 14))
    assert "closed on 24 Nov, 09:00" in str(refused.value)
    assert not AvailabilityConflict.objects.exists()


def test_a_conflict_needs_a_reason_and_is_only_ones_own(world, asked, now, make_user):
    with pytest.raises(ValidationFailed) as refused:
        _conflict(world, asked, now, start=at(DAY1, 12), end=at(DAY1, 14), reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(PermissionDenied):
        _conflict(world, asked, now, start=at(DAY1, 12), end=at(DAY1, 14), person=world.boris)


def test_only_approved_conflicts_reach_the_solver(world, asked, now):
    pending = _conflict(world, asked, now, start=at(DAY1, 9), end=at(DAY1, 12))
    approved = _conflict(world, asked, now, start=at(DAY1, 0), end=at(DAY1, 23, 59))
    declined = _conflict(world, asked, now, start=at(DAY3, 9), end=at(DAY3, 12))
    services.conflict_decide(conflict=approved, approve=True, by=world.master, now=now)
    services.conflict_decide(
        conflict=declined, approve=False, note="Dress rehearsal", by=world.master, now=now
    )
    inputs = adapters.load_inputs(world.period)
    given = {(u.starts_at, u.ends_at) for u in inputs.unavailability}
    assert (approved.starts_at, approved.ends_at) in given
    assert (pending.starts_at, pending.ends_at) not in given
    assert (declined.starts_at, declined.ends_at) not in given
    solve(world, now)
    klara_calls = Call.objects.filter(people=world.klara, schedule__status="draft")
    assert klara_calls.exists()
    assert not [
        c for c in klara_calls if c.starts_at < approved.ends_at and c.ends_at > approved.starts_at
    ]


def test_reminders_go_only_to_those_who_have_not_answered(world, asked, now):
    for person in (world.klara, world.boris, world.anna, world.clara):
        person.email = f"{person.given_name.lower()}@example.org"
        person.save()
    _conflict(world, asked, now, start=at(DAY1, 12), end=at(DAY1, 14))
    services.availability_nothing_to_declare(
        period=asked, person=world.anna, by=world.master, now=now
    )
    sent = services.availability_remind(period=asked, by=world.master, now=now)
    to = sorted(OutboundEmail.objects.filter(kind=AVAILABILITY_EMAIL).values_list("to", flat=True))
    # Dancers and staff alike (the répétiteur has an address already).
    assert to == ["boris@example.org", "clara@example.org", world.repetiteur.email]
    assert sent == 3
    body = OutboundEmail.objects.filter(kind=AVAILABILITY_EMAIL).first().body
    assert "/schedule/availability/mine/" in body or "availability/mine" in body


def test_the_planner_sees_who_answered_and_decides(client, world, asked, now):
    conflict = _conflict(world, asked, now, start=at(DAY1, 12), end=at(DAY1, 14))
    client.force_login(world.master)
    url = reverse("scheduling:availability_period", args=[asked.pk])
    body = client.get(url).content.decode()
    answered = body.split('id="answered"')[1].split("</section>")[0]
    waiting = body.split('id="waiting"')[1].split("</section>")[0]
    assert "Klára Kalmurzaev" in answered and "Klára Kalmurzaev" not in waiting
    assert "Boris Belov" in waiting
    assert "Dentist" in body
    response = client.post(
        reverse("scheduling:availability_decide", args=[conflict.pk]), {"approve": "on"}
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "approved"


@pytest.fixture
def coming(world):
    """A period ahead of the real clock (the pages read it)."""
    today = timezone.localdate()
    return services.availability_period_open(
        first_day=today + dt.timedelta(days=10),
        last_day=today + dt.timedelta(days=16),
        deadline=timezone.now() + dt.timedelta(days=5),
        by=world.master,
        now=timezone.now(),
    )


def test_my_availability_page_shows_a_refusal_next_to_the_form(client, world, coming):
    client.force_login(world.klara_user)
    outside = coming.last_day + dt.timedelta(days=2)
    inside = coming.first_day + dt.timedelta(days=1)
    response = client.post(
        reverse("scheduling:availability_mine"),
        {
            "period": coming.pk,
            "starts_at": f"{outside.isoformat()}T09:00",
            "ends_at": f"{outside.isoformat()}T11:00",
            "kind": "school",
            "reason": "Exam",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "outside the period asked about" in body
    assert not AvailabilityConflict.objects.exists()
    ok = client.post(
        reverse("scheduling:availability_mine"),
        {
            "period": coming.pk,
            "starts_at": f"{inside.isoformat()}T09:00",
            "ends_at": f"{inside.isoformat()}T11:00",
            "kind": "school",
            "reason": "Exam",
        },
    )
    assert ok.status_code == 302
    assert AvailabilityConflict.objects.get().reason == "Exam"
    page = client.get(reverse("scheduling:availability_mine")).content.decode()
    assert "Exam" in page and "Waiting for the ballet master" in page


def test_a_period_with_a_past_deadline_cannot_be_opened(world, now):
    with pytest.raises(ValidationFailed) as refused:
        services.availability_period_open(
            first_day=DAY1,
            last_day=DAY3,
            deadline=now - dt.timedelta(hours=1),
            by=world.master,
            now=now,
        )
    assert refused.value.field == "deadline"


def test_the_plan_flags_a_person_called_while_booked_at_a_performance_elsewhere(client, world, now):
    solve(world, now)
    services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    )
    call = Call.objects.filter(people=world.repetiteur, schedule__status="published").first()
    assert call is not None
    PerformanceFactory(
        venue=VenueFactory(name="Uglich Town Theatre", city="Uglich"),
        starts_at=call.starts_at,
        ends_at=call.ends_at + dt.timedelta(hours=1),
        conductor=world.repetiteur,
    )
    client.force_login(world.master)
    body = client.get(reverse("scheduling:plan", args=[world.period.pk])).content.decode()
    section = body.split('id="clashes"')[1].split("</section>")[0]
    assert "Lyudmila Semenova" in section and "Uglich" in section
    assert "two places at once" in section
