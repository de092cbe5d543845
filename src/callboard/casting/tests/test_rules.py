"""Every casting rule, shown binding through the services (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from callboard.casting import selectors, services
from callboard.casting.availability import dancer_unavailability
from callboard.casting.models import CastAssignment, RehearsalNeed
from callboard.company.models import Dancer, Person
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.season.models import Performance
from callboard.season.tests import factories as f

from .conftest import make_world

pytestmark = pytest.mark.django_db


def cast(world, dancer, role, performance=None, *, now, **kw):
    return services.cast_assign(
        performance=performance or world.performances[0],
        role=role,
        dancer=dancer,
        by=CALLBOARD,
        now=now,
        **kw,
    )


# --------------------------------------------------------------------------- qualification


def test_a_dancer_who_learned_the_role_is_cast(world, now):
    d = world.dancer(world.swans)
    result = cast(world, d, world.swans, now=now, slot=2)
    assert result.assignment.dancer == d
    assert (
        CastAssignment.objects.get(
            performance=world.performances[0], role=world.swans, slot=2
        ).dancer
        == d
    )


def test_a_dancer_who_never_learned_the_role_is_refused_and_nothing_changes(world, now):
    d = world.dancer()  # knows nothing
    with pytest.raises(ValidationFailed, match="has not learned Swans"):
        cast(world, d, world.swans, now=now)
    assert not CastAssignment.objects.exists()


def test_a_dancer_still_learning_is_cast_and_the_coaching_they_need_is_requested(world, now):
    d = world.dancer(world.queen, rank="principal", learning=True)
    first = world.performances[0]
    result = cast(world, d, world.queen, now=now)
    assert any(f.code == "learning" for f in result.findings)
    need = RehearsalNeed.objects.get(kind="coaching", people=d)
    assert need.role == world.queen
    assert need.staff_kind == "repetiteur"
    assert need.latest < first.starts_at.date()
    assert need.minutes == 600  # a principal role


# --------------------------------------------------------------------------- on stage at once


def test_a_dancer_cannot_dance_two_roles_on_stage_at_the_same_time(world, now):
    d = world.dancer(world.queen, world.swans, rank="principal")
    cast(world, d, world.queen, now=now)
    with pytest.raises(ValidationFailed, match="on stage at the same time"):
        cast(world, d, world.swans, now=now)
    assert CastAssignment.objects.filter(dancer=d).count() == 1


def test_an_act_overlaps_the_scenes_inside_it(world, now):
    # The Prince dances all of Act II; the swans dance its lakeside scene.
    d = world.dancer(world.prince, world.swans, rank="principal")
    cast(world, d, world.swans, now=now)
    with pytest.raises(ValidationFailed, match="on stage at the same time"):
        cast(world, d, world.prince, now=now)


def test_roles_in_different_sections_may_share_a_dancer(world, now):
    d = world.dancer(world.friend, world.swans, rank="soloist")
    cast(world, d, world.friend, now=now)
    result = cast(world, d, world.swans, now=now)
    assert result.assignment is not None


def test_roles_of_different_works_on_one_programme_never_overlap(world, now):
    other = make_world(title="Giselle", performances=0)
    world.programme.items.create(work=other.work, order=2)
    d = world.dancer(world.queen, other.queen, rank="principal")
    cast(world, d, world.queen, now=now)
    result = cast(world, d, other.queen, now=now)
    assert result.assignment is not None


def test_a_cover_dancing_an_overlapping_role_is_a_warning_not_a_refusal(world, now):
    d = world.dancer(world.queen, world.swans, rank="soloist")
    cast(world, d, world.swans, now=now)
    result = cast(world, d, world.queen, now=now, kind="cover", rank=1)
    assert [f.code for f in result.warnings if f.code == "cover_on_stage"] == ["cover_on_stage"]


def test_a_dancer_cannot_be_on_stage_in_two_performances_at_once(world, now):
    elsewhere = f.VenueFactory(name="Elsewhere")
    first = world.performances[0]
    clash = Performance.objects.create(
        programme=world.programme, venue=elsewhere, starts_at=first.starts_at, ends_at=first.ends_at
    )
    d = world.dancer(world.swans)
    cast(world, d, world.swans, first, now=now)
    with pytest.raises(ValidationFailed, match="at the same time"):
        cast(world, d, world.swans, clash, now=now)


# --------------------------------------------------------------------------- a slot once


def test_a_filled_slot_is_not_filled_again_unless_replacing_its_dancer(world, now):
    a, b = world.dancer(world.swans), world.dancer(world.swans)
    cast(world, a, world.swans, now=now, slot=0)
    with pytest.raises(Conflict, match="already cast here"):
        cast(world, b, world.swans, now=now, slot=0)
    with pytest.raises(Conflict):
        cast(world, b, world.swans, now=now, slot=0, replacing=b.pk)  # wrong current dancer
    cast(world, b, world.swans, now=now, slot=0, replacing=a.pk)
    assert CastAssignment.objects.get(role=world.swans, slot=0).dancer == b


def test_the_database_refuses_a_second_dancer_in_one_slot(world, now):
    a, b = world.dancer(world.swans), world.dancer(world.swans)
    p = world.performances[0]
    CastAssignment.objects.create(
        performance=p, role=world.swans, slot=1, dancer=a, assigned_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CastAssignment.objects.create(
            performance=p, role=world.swans, slot=1, dancer=b, assigned_at=now
        )
    assert CastAssignment.objects.filter(role=world.swans, slot=1).count() == 1


def test_the_database_refuses_one_dancer_in_two_slots_of_a_role(world, now):
    a = world.dancer(world.swans)
    p = world.performances[0]
    CastAssignment.objects.create(
        performance=p, role=world.swans, slot=1, dancer=a, assigned_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CastAssignment.objects.create(
            performance=p, role=world.swans, slot=2, dancer=a, assigned_at=now
        )


def test_the_service_refuses_one_dancer_in_two_slots_of_a_role(world, now):
    a = world.dancer(world.swans)
    cast(world, a, world.swans, now=now, slot=0)
    with pytest.raises(ValidationFailed, match="already cast in Swans"):
        cast(world, a, world.swans, now=now, slot=1)


# --------------------------------------------------------------------------- availability


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Dancer.Status.INJURED, "is injured"),
        (Dancer.Status.ON_LEAVE, "is on leave"),
        (Dancer.Status.GUESTING, "guesting with another company"),
        (Dancer.Status.RETIRED, "retired"),
    ],
)
def test_a_dancer_who_is_not_available_cannot_be_cast(world, now, status, words):
    d = world.dancer(world.swans, status=status)
    with pytest.raises(ValidationFailed, match=words):
        cast(world, d, world.swans, now=now)
    assert not CastAssignment.objects.exists()


def test_a_guest_is_cast_only_within_the_engagement(world, now):
    first, second = world.performances[0], world.performances[1]
    guest = world.dancer(
        world.queen,
        rank="guest",
        engagement_start=first.starts_at.date() - dt.timedelta(days=10),
        engagement_end=first.starts_at.date(),
    )
    cast(world, guest, world.queen, first, now=now)
    with pytest.raises(ValidationFailed, match=r"engagement .* does not cover"):
        cast(world, guest, world.queen, second, now=now)


def test_a_guest_without_engagement_dates_cannot_be_cast(world, now):
    guest = world.dancer(world.queen, rank="guest")
    with pytest.raises(ValidationFailed, match="no engagement dates"):
        cast(world, guest, world.queen, now=now)


def test_a_person_engaged_as_guest_counts_as_a_guest_whatever_the_rank(world, now):
    person = f.PersonFactory(kind=Person.Kind.GUEST)
    d = world.dancer(world.queen, rank="principal", person=person)
    reason = dancer_unavailability(d, world.performances[0].starts_at.date())
    assert reason and "no engagement dates" in reason


def test_availability_is_decided_in_one_function(world):
    d = world.dancer(status=Dancer.Status.ACTIVE)
    assert dancer_unavailability(d, dt.date(2026, 12, 24)) is None
    d.status = Dancer.Status.INJURED
    assert "injured" in dancer_unavailability(d, dt.date(2026, 12, 24))


# --------------------------------------------------------------------------- warnings


def test_a_corps_dancer_in_a_principal_role_is_a_warning(world, now):
    d = world.dancer(world.queen, rank="corps")
    result = cast(world, d, world.queen, now=now)
    assert result.assignment is not None
    assert [f.code for f in result.warnings] == ["rank_mismatch"]


def test_a_principal_in_an_ensemble_role_is_a_warning(world, now):
    d = world.dancer(world.swans, rank="principal")
    result = cast(world, d, world.swans, now=now)
    assert "rank_mismatch" in [f.code for f in result.warnings]


def test_two_full_length_leads_on_one_day_is_a_warning(world, now):
    matinee = world.performance(30, hour=13)
    d = world.dancer(world.queen, rank="principal")
    cast(world, d, world.queen, matinee, now=now)
    result = cast(world, d, world.queen, world.performances[0], now=now)
    assert "two_full_length_leads" in [f.code for f in result.warnings]


def test_leading_two_days_running_is_a_warning(world, now):
    d = world.dancer(world.queen, rank="principal")
    cast(world, d, world.queen, world.performances[0], now=now)  # day 30
    next_day = world.performance(31)
    result = cast(world, d, world.queen, next_day, now=now)
    assert "lead_rest" in [f.code for f in result.warnings]


def test_the_rest_between_leads_is_a_setting(world, now, settings):
    settings.CALLBOARD_CASTING_LEAD_REST_DAYS = 3
    d = world.dancer(world.queen, rank="principal")
    cast(world, d, world.queen, world.performances[0], now=now)  # day 30
    result = cast(world, d, world.queen, world.performances[1], now=now)  # day 32
    assert "lead_rest" in [f.code for f in result.warnings]


def test_two_days_between_leads_is_enough_by_default(world, now):
    d = world.dancer(world.queen, rank="principal")
    cast(world, d, world.queen, world.performances[0], now=now)  # day 30
    result = cast(world, d, world.queen, world.performances[1], now=now)  # day 32
    assert "lead_rest" not in [f.code for f in result.warnings]


# --------------------------------------------------------------------------- bad input


def test_an_unknown_dancer_is_a_clear_not_found():
    with pytest.raises(NotFound, match="No dancer with id 999999"):
        selectors.get_dancer(999999)


def test_a_role_from_another_work_is_refused_and_nothing_changes(world, now):
    other = make_world(title="Giselle", performances=0)
    d = world.dancer(other.queen, rank="principal")
    with pytest.raises(ValidationFailed, match="not on the programme"):
        cast(world, d, other.queen, now=now)
    assert not CastAssignment.objects.exists()


def test_a_performance_in_the_past_cannot_be_cast(world, now):
    past = world.performance(-3)
    d = world.dancer(world.swans)
    with pytest.raises(ValidationFailed, match="already taken place"):
        cast(world, d, world.swans, past, now=now)
    assert not CastAssignment.objects.exists()


def test_a_cancelled_performance_cannot_be_cast(world, now):
    p = world.performances[0]
    p.status = Performance.Status.CANCELLED
    p.save()
    with pytest.raises(ValidationFailed, match="cancelled"):
        cast(world, world.dancer(world.swans), world.swans, p, now=now)


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"slot": 4}, "slot must be between 0 and 3"),
        ({"kind": "fourth"}, "Unknown cast"),
        ({"kind": "cover", "slot": 1}, "Covers are ranked per role"),
        ({"kind": "first", "rank": 2}, "Only covers are ranked"),
        ({"kind": "cover", "rank": 10}, "between 1 and 9"),
    ],
)
def test_a_slot_that_does_not_exist_is_refused(world, now, kw, words):
    with pytest.raises(ValidationFailed, match=words):
        cast(world, world.dancer(world.swans), world.swans, now=now, **kw)
    assert not CastAssignment.objects.exists()


def test_a_typed_name_finds_the_dancer_whatever_the_accents(world):
    klara = world.dancer(person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"))
    f.DancerFactory(person=f.PersonFactory(given_name="Eleonora", family_name="Kalmurzaev"))
    assert selectors.dancer_by_name("klara") == klara
    assert selectors.dancer_by_name("KLARA kalmurzaev") == klara
    with pytest.raises(ValidationFailed, match="Several dancers match"):
        selectors.dancer_by_name("kalmurzaev")
    with pytest.raises(NotFound, match="No dancer in the company is called"):
        selectors.dancer_by_name("Nijinsky")


def test_editing_casting_needs_the_capability(world, now, make_user):
    from callboard.core.errors import PermissionDenied
    from callboard.core.roles import Role

    dancer_user = make_user(Role.DANCER)
    with pytest.raises(PermissionDenied):
        services.cast_assign(
            performance=world.performances[0],
            role=world.swans,
            dancer=world.dancer(world.swans),
            by=dancer_user,
            now=now,
        )
    master = make_user(Role.BALLET_MASTER)
    result = services.cast_assign(
        performance=world.performances[0],
        role=world.swans,
        dancer=world.dancer(world.swans),
        by=master,
        now=now,
    )
    assert result.assignment.assigned_by == master
