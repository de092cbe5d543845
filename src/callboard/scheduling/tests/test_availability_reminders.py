"""Automatic reminders: once per availability period, CALLBOARD_AVAILABILITY_REMIND_HOURS
before its deadline, everyone who has not answered gets an e-mail (the outbox); never twice.
And taking a conflict back, which the deadline closes as it closes giving one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from callboard.audit.models import AuditEntry
from callboard.company.tests.plans import DAY1, DAY3, at
from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.models import OutboundEmail
from callboard.scheduling import services
from callboard.scheduling.models import AvailabilityConflict
from callboard.scheduling.services.availability import AVAILABILITY_EMAIL

pytestmark = pytest.mark.django_db


def _addresses(world) -> None:
    for person, name in (
        (world.klara, "klara"),
        (world.boris, "boris"),
        (world.anna, "anna"),
        (world.clara, "clara"),
    ):
        person.email = f"{name}@example.org"
        person.save()


def _period(world, *, days_ahead: int, deadline: dt.datetime):
    today = timezone.localdate()
    return services.availability_period_open(
        first_day=today + dt.timedelta(days=days_ahead),
        last_day=today + dt.timedelta(days=days_ahead + 6),
        deadline=deadline,
        by=world.master,
        now=timezone.now(),
    )


def _sent() -> list[str]:
    return sorted(
        OutboundEmail.objects.filter(kind=AVAILABILITY_EMAIL).values_list("to", flat=True)
    )


def test_the_chore_reminds_those_who_have_not_answered_once_before_the_deadline(world, settings):
    settings.CALLBOARD_AVAILABILITY_REMIND_HOURS = 48
    _addresses(world)
    now = timezone.now()
    soon = _period(world, days_ahead=5, deadline=now + dt.timedelta(hours=30))
    later = _period(world, days_ahead=30, deadline=now + dt.timedelta(days=10))
    services.availability_nothing_to_declare(
        period=soon, person=world.anna, by=world.master, now=now
    )
    out = io.StringIO()
    call_command("chores", "availability-reminders", stdout=out)
    # Everyone asked but Anna, who answered; nothing for the period whose deadline is far.
    assert _sent() == sorted(
        ["klara@example.org", "boris@example.org", "clara@example.org", world.repetiteur.email]
    )
    assert "availability-reminders: 4" in out.getvalue()
    mail = OutboundEmail.objects.filter(kind=AVAILABILITY_EMAIL, to="klara@example.org").get()
    assert "availability/mine" in mail.body and "Klára Kalmurzaev" in mail.body
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.auto_reminded_at is not None and later.auto_reminded_at is None
    assert AuditEntry.objects.filter(action="schedule.availability_remind_auto").count() == 1
    # Run again (beat sends it every half minute): nobody is reminded twice.
    call_command("chores", "availability-reminders", stdout=io.StringIO())
    assert len(_sent()) == 4
    # The period far ahead is reminded when its time comes, and only then.
    # Nobody has answered that one: all five asked (Anna too).
    assert services.availability_reminders_due(now=later.deadline - dt.timedelta(hours=47)) == 5
    assert len(_sent()) == 9
    assert services.availability_reminders_due(now=later.deadline - dt.timedelta(hours=1)) == 0


def test_no_reminder_after_the_deadline_or_when_turned_off(world, settings):
    _addresses(world)
    now = timezone.now()
    period = _period(world, days_ahead=5, deadline=now + dt.timedelta(hours=30))
    assert services.availability_reminders_due(now=period.deadline + dt.timedelta(minutes=1)) == 0
    settings.CALLBOARD_AVAILABILITY_REMIND_HOURS = 0
    assert services.availability_reminders_due(now=now) == 0
    assert _sent() == []
    period.refresh_from_db()
    assert period.auto_reminded_at is None


def test_the_ballet_masters_own_reminder_does_not_stop_the_automatic_one(world, settings):
    settings.CALLBOARD_AVAILABILITY_REMIND_HOURS = 24
    _addresses(world)
    now = timezone.now()
    period = _period(world, days_ahead=5, deadline=now + dt.timedelta(days=3))
    assert services.availability_remind(period=period, by=world.master, now=now) == 5
    assert services.availability_reminders_due(now=now) == 0  # not yet: 3 days before
    assert services.availability_reminders_due(now=period.deadline - dt.timedelta(hours=2)) == 5


@pytest.fixture
def asked(world, now):
    return services.availability_period_open(
        first_day=DAY1, last_day=DAY3, deadline=at(DAY1, 9), by=world.master, now=now
    )


def _conflict(world, period, now):
    return services.conflict_submit(
        period=period,
        person=world.klara,
        starts_at=at(DAY1, 12),
        ends_at=at(DAY1, 14),
        kind="job",
        reason="Teaching at the school",
        by=world.klara_user,
        now=now,
    )


def test_a_conflict_is_taken_back_until_the_deadline_with_the_dates_after_it(
    world, asked, now, make_user
):
    conflict = _conflict(world, asked, now)
    late = at(DAY1, 10)
    with pytest.raises(ValidationFailed) as refused:
        services.conflict_withdraw(conflict=conflict, by=world.klara_user, now=late)
    assert "closed on 24 Nov, 09:00" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.conflict_withdraw(conflict=conflict, by=make_user(), now=now)
    assert AvailabilityConflict.objects.filter(pk=conflict.pk).exists()
    # The ballet master may take it back after the deadline.
    services.conflict_withdraw(conflict=conflict, by=world.master, now=late)
    assert not AvailabilityConflict.objects.exists()
    entry = AuditEntry.objects.get(action="schedule.conflict_withdraw")
    assert "Klára Kalmurzaev" in entry.summary


def test_my_availability_page_takes_a_conflict_back(client, world, make_user):
    today = timezone.localdate()
    period = services.availability_period_open(
        first_day=today + dt.timedelta(days=10),
        last_day=today + dt.timedelta(days=16),
        deadline=timezone.now() + dt.timedelta(days=5),
        by=world.master,
        now=timezone.now(),
    )
    start = dt.datetime.combine(
        period.first_day, dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    conflict = services.conflict_submit(
        period=period,
        person=world.klara,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        kind="school",
        reason="School exam",
        by=world.klara_user,
        now=timezone.now(),
    )
    url = f"/schedule/availability/conflicts/{conflict.pk}/withdraw/"
    client.force_login(make_user())
    refused = client.post(url, follow=True)
    assert "You can only give your own availability." in refused.content.decode()
    assert AvailabilityConflict.objects.filter(pk=conflict.pk).exists()
    client.force_login(world.klara_user)
    page = client.get("/schedule/availability/mine/").content.decode()
    assert url in page and "School exam" in page
    done = client.post(url, follow=True).content.decode()
    assert "Taken back" in done and "School exam" not in done
    assert not AvailabilityConflict.objects.exists()
