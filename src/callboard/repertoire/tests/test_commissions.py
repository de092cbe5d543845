"""Commissions: from idea to premiere, every allowed move and the refused ones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.repertoire import services
from callboard.repertoire.models import Commission, Milestone, Work
from callboard.repertoire.tests.factories import (
    CommissionFactory,
    MilestoneFactory,
    PersonFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

ALLOWED = [
    ("commissioned", "in_creation", "in_creation"),
    ("commissioned", "cancelled", "retired"),
    ("in_creation", "premiered", "premiered"),
    ("in_creation", "cancelled", "retired"),
]
REFUSED = [
    ("commissioned", "premiered"),  # skipping creation
    ("in_creation", "commissioned"),  # backwards
    ("premiered", "in_creation"),  # backwards from the end
    ("premiered", "cancelled"),  # a premiered work is not cancelled
    ("cancelled", "commissioned"),  # cancelled is final
    ("commissioned", "commissioned"),  # standing still
]


def _commission(status: str) -> Commission:
    return CommissionFactory(
        status=status, work__status=services.WORK_STATUS_FOR_COMMISSION[status]
    )


def test_commission_create_makes_a_commissioned_work_by_its_creator(now):
    klara = PersonFactory(given_name="Klára", family_name="Kalmurzaev")
    pavlov = PersonFactory(given_name="Sergei", family_name="Pavlov")
    commission = services.commission_create(
        title="Dance of the Seven Veils",
        creator=klara,
        commissioned_by=pavlov,
        duration_minutes=25,
        occasion="Annual Gala",
        premiere_planned=dt.date(2027, 3, 14),
        brief="Identity, culture and transformation.",
        themes="Chechen mythology, Russian folklore, vivid colours",
        now=now,
        by=CALLBOARD,
    )
    work = commission.work
    assert work.status == Work.Status.COMMISSIONED
    assert work.choreographer == klara
    assert work.themes.startswith("Chechen mythology")
    assert commission.agreed_on == now.date()
    assert commission.status == Commission.Status.COMMISSIONED


def test_commission_create_refuses_a_premiere_before_the_agreement_and_writes_nothing(now):
    with pytest.raises(ValidationFailed, match="before the commission was agreed"):
        services.commission_create(
            title="Dance of the Seven Veils",
            creator=PersonFactory(),
            commissioned_by=PersonFactory(),
            duration_minutes=25,
            agreed_on=dt.date(2026, 11, 1),
            premiere_planned=dt.date(2026, 10, 1),
            now=now,
            by=CALLBOARD,
        )
    assert not Work.objects.exists()
    assert not Commission.objects.exists()


def test_commission_create_refuses_a_title_the_repertoire_has(now):
    WorkFactory(title="Giselle")
    with pytest.raises(Conflict, match="already has a work called"):
        services.commission_create(
            title="Giselle",
            creator=PersonFactory(),
            commissioned_by=PersonFactory(),
            duration_minutes=25,
            now=now,
            by=CALLBOARD,
        )
    assert not Commission.objects.exists()


def test_agreed_on_defaults_to_the_companys_date_not_utcs(now):
    late_evening_utc = dt.datetime(2026, 11, 23, 22, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 in Moscow
    commission = services.commission_create(
        title="Night piece",
        creator=PersonFactory(),
        commissioned_by=PersonFactory(),
        duration_minutes=20,
        now=late_evening_utc,
        by=CALLBOARD,
    )
    assert commission.agreed_on == dt.date(2026, 11, 24)


@pytest.mark.parametrize(("start", "target", "work_status"), ALLOWED)
def test_every_allowed_move_is_made_and_the_work_follows(start, target, work_status, now):
    commission = _commission(start)
    services.commission_advance(commission=commission, to_status=target, by=CALLBOARD, now=now)
    commission.refresh_from_db()
    commission.work.refresh_from_db()
    assert commission.status == target
    assert commission.work.status == work_status


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_moves_backwards_skipping_or_from_the_end_are_refused(start, target, now):
    commission = _commission(start)
    work_status = commission.work.status
    with pytest.raises(Conflict) as caught:
        services.commission_advance(commission=commission, to_status=target, by=CALLBOARD, now=now)
    commission.refresh_from_db()
    commission.work.refresh_from_db()
    assert commission.status == start
    assert commission.work.status == work_status
    assert caught.value.detail["from"] == start


def test_skipping_creation_says_what_comes_next(now):
    commission = _commission("commissioned")
    with pytest.raises(Conflict, match="next it can only go to in creation or cancelled"):
        services.commission_advance(
            commission=commission, to_status="premiered", by=CALLBOARD, now=now
        )


def test_an_unknown_status_is_refused(now):
    commission = _commission("commissioned")
    with pytest.raises(ValidationFailed, match="Choose where to move"):
        services.commission_advance(commission=commission, to_status="done", by=CALLBOARD, now=now)


def test_premiering_sets_the_premiere_date_to_today_when_empty(now):
    commission = _commission("in_creation")
    services.commission_advance(commission=commission, to_status="premiered", by=CALLBOARD, now=now)
    commission.work.refresh_from_db()
    assert commission.work.premiere_date == now.date()


def test_premiering_keeps_a_premiere_date_already_set(now):
    commission = _commission("in_creation")
    Work.objects.filter(pk=commission.work_id).update(premiere_date=dt.date(2026, 11, 20))
    services.commission_advance(commission=commission, to_status="premiered", by=CALLBOARD, now=now)
    commission.work.refresh_from_db()
    assert commission.work.premiere_date == dt.date(2026, 11, 20)


def test_only_those_who_commission_may_advance(make_user, now):
    commission = _commission("commissioned")
    with pytest.raises(PermissionDenied):
        services.commission_advance(
            commission=commission,
            to_status="in_creation",
            by=make_user(Role.BALLET_MASTER),
            now=now,
        )
    services.commission_advance(
        commission=commission,
        to_status="in_creation",
        by=make_user(Role.ARTISTIC_DIRECTOR),
        now=now,
    )
    commission.refresh_from_db()
    assert commission.status == "in_creation"


def test_commission_update_changes_the_brief_but_not_the_status():
    commission = _commission("commissioned")
    services.commission_update(
        commission=commission,
        changes={"brief": "Seven veils, seven tales."},
        by=CALLBOARD,
        now=timezone.now(),
    )
    commission.refresh_from_db()
    assert commission.brief == "Seven veils, seven tales."
    with pytest.raises(ValidationFailed, match="cannot be changed here: status"):
        services.commission_update(
            commission=commission, changes={"status": "premiered"}, by=CALLBOARD, now=timezone.now()
        )


def test_milestones_are_added_and_completed_today_by_default(now):
    commission = _commission("in_creation")
    milestone = services.milestone_create(
        commission=commission,
        title="First studio showing",
        due_on=dt.date(2026, 12, 10),
        by=CALLBOARD,
        now=now,
    )
    services.milestone_complete(milestone=milestone, now=now, by=CALLBOARD)
    milestone.refresh_from_db()
    assert milestone.done_on == now.date()
    services.milestone_reopen(milestone=milestone, by=CALLBOARD, now=now)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_milestone_needs_a_title():
    with pytest.raises(ValidationFailed, match="Give the milestone a title"):
        services.milestone_create(
            commission=_commission("commissioned"), title=" ", by=CALLBOARD, now=timezone.now()
        )
    assert not Milestone.objects.exists()


def test_a_milestone_cannot_be_done_in_the_future(now):
    milestone = MilestoneFactory()
    with pytest.raises(ValidationFailed, match="future"):
        services.milestone_complete(
            milestone=milestone, now=now, done_on=dt.date(2027, 1, 1), by=CALLBOARD
        )
    milestone.refresh_from_db()
    assert milestone.done_on is None
