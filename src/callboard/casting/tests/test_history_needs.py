"""Roles danced become history; casting becomes rehearsal needs for the schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.casting import selectors, services
from callboard.casting.models import CastAssignment, DancedRecord, RehearsalNeed
from callboard.core.actors import CALLBOARD
from callboard.core.errors import ValidationFailed
from callboard.repertoire.models import DancerRole
from callboard.season.models import Performance
from callboard.season.tests import factories as f

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


def _dance(performance, dancer, role, now, kind="first"):
    """Casting of a performance that has taken place (written directly, as history is)."""
    return CastAssignment.objects.create(
        performance=performance, role=role, dancer=dancer, kind=kind, assigned_at=now
    )


# --------------------------------------------------------------------------- history


def test_recording_a_performance_writes_each_first_cast_role_into_the_dancers_history(world, now):
    past = world.performance(-2)
    queen = world.dancer(world.queen, rank="principal", learning=True)
    cover = world.dancer(world.queen, rank="principal")
    _dance(past, queen, world.queen, now)
    _dance(past, cover, world.queen, now, kind="cover")
    assert services.performance_record_danced(performance=past, now=now) == 1
    known = DancerRole.objects.get(dancer=queen, role=world.queen)
    assert (known.times_danced, known.first_danced_on, known.status) == (
        1,
        past.starts_at.date(),
        "learned",
    )
    assert (
        DancerRole.objects.get(dancer=cover, role=world.queen).times_danced == 0
    )  # a cover did not dance


def test_recording_twice_counts_once(world, now):
    past = world.performance(-2)
    queen = world.dancer(world.queen, rank="principal")
    _dance(past, queen, world.queen, now)
    services.performance_record_danced(performance=past, now=now)
    assert services.performance_record_danced(performance=past, now=now) == 0
    assert DancerRole.objects.get(dancer=queen).times_danced == 1


def test_first_danced_keeps_the_earliest_date(world, now):
    queen = world.dancer(world.queen, rank="principal")
    DancerRole.objects.filter(dancer=queen).update(
        first_danced_on=dt.date(2019, 3, 1), times_danced=5
    )
    past = world.performance(-2)
    _dance(past, queen, world.queen, now)
    services.performance_record_danced(performance=past, now=now)
    known = DancerRole.objects.get(dancer=queen)
    assert (known.first_danced_on, known.times_danced) == (dt.date(2019, 3, 1), 6)


def test_a_performance_not_yet_danced_cannot_be_recorded(world, now):
    with pytest.raises(ValidationFailed, match="not taken place yet"):
        services.performance_record_danced(performance=world.performances[0], now=now)
    assert not DancedRecord.objects.exists()


def test_marking_a_performance_performed_records_what_was_danced(world, now):
    p = world.performance(-1)
    queen = world.dancer(world.queen, rank="principal")
    _dance(p, queen, world.queen, now)
    p.status = Performance.Status.PERFORMED
    p.save()
    assert DancedRecord.objects.filter(performance=p).exists()
    assert DancerRole.objects.get(dancer=queen).times_danced == 1


def test_a_work_history_lists_performances_with_their_cast(world, now):
    p = world.performance(-1)
    queen = world.dancer(world.queen, rank="principal")
    _dance(p, queen, world.queen, now)
    services.performance_record_danced(performance=p, now=now)
    history = selectors.work_performance_history(work=world.work)
    assert [(perf, [a.dancer for a in cast]) for perf, cast in history] == [(p, [queen])]


def test_a_dancers_page_lists_roles_and_coming_casting(world, now, client_as):
    from callboard.core.roles import Role

    queen = world.dancer(world.queen, rank="principal")
    cast(world, queen, world.queen, now=now)
    client = client_as(Role.BALLET_MASTER)
    html = client.get(f"/casting/dancers/{queen.pk}/").content.decode()
    assert "Swan Queen" in html and world.venue.name in html


# --------------------------------------------------------------------------- rehearsal needs


def test_casting_asks_for_run_throughs_per_act_and_distinct_cast(world, now):
    first, second, third = world.performances
    prince_a, prince_b = (
        world.dancer(world.prince, rank="principal"),
        world.dancer(world.prince, rank="principal"),
    )
    cast(world, prince_a, world.prince, first, now=now)
    cast(world, prince_a, world.prince, second, now=now)
    cast(world, prince_b, world.prince, third, now=now)
    runs = RehearsalNeed.objects.filter(kind="run_through", section=world.act1)
    assert runs.count() == 2  # one per distinct cast of Act I
    by_perf = {n.performance_id: {d.pk for d in n.people.all()} for n in runs}
    assert by_perf == {first.pk: {prince_a.pk}, third.pk: {prince_b.pk}}
    for need in runs:
        assert need.latest < need.performance.starts_at.date()
        assert need.staff_kind == "ballet_master"


def test_casting_asks_for_a_stage_rehearsal_at_each_venue_and_a_dress_rehearsal_before_opening(
    world, now
):
    tour = f.VenueFactory(name="Uglich Town Theatre")
    away = world.performance(40, venue=tour)
    queen = world.dancer(world.queen, rank="principal")
    cast(world, queen, world.queen, now=now)
    stage = RehearsalNeed.objects.filter(kind="stage")
    assert {n.venue for n in stage} == {world.venue, tour}
    assert stage.get(venue=tour).performance == away
    dress = RehearsalNeed.objects.get(kind="dress")
    opening = world.performances[0]
    assert dress.performance == opening and dress.latest < opening.starts_at.date()
    assert queen in dress.people.all()
    assert dress.staff_kind == "conductor"


def test_a_need_edited_by_hand_survives_recomputation(world, now):
    d = world.dancer(world.queen, rank="principal", learning=True)
    cast(world, d, world.queen, now=now)
    need = RehearsalNeed.objects.get(kind="coaching")
    services.rehearsal_need_update(need=need, by=CALLBOARD, now=now, changes={**{"minutes": 900}})
    services.rehearsal_needs_sync(programme=world.programme, now=now)
    need.refresh_from_db()
    assert (need.minutes, need.source) == (900, "manual")
    assert RehearsalNeed.objects.filter(kind="coaching").count() == 1


def test_a_computed_need_removed_by_hand_does_not_come_back(world, now):
    d = world.dancer(world.queen, rank="principal", learning=True)
    cast(world, d, world.queen, now=now)
    need = RehearsalNeed.objects.get(kind="coaching")
    services.rehearsal_need_delete(need=need, by=CALLBOARD, now=now)
    services.rehearsal_needs_sync(programme=world.programme, now=now)
    assert [n.kind for n in selectors.rehearsal_needs(programme=world.programme)].count(
        "coaching"
    ) == 0


def test_needs_follow_the_casting_when_it_changes(world, now):
    d = world.dancer(world.queen, rank="principal", learning=True)
    cast(world, d, world.queen, now=now)
    assert RehearsalNeed.objects.filter(kind="coaching").exists()
    services.cast_remove(performance=world.performances[0], role=world.queen, by=CALLBOARD, now=now)
    assert not RehearsalNeed.objects.filter(kind="coaching").exists()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"minutes": 0}, "Minutes"),
        ({"latest": dt.date(2026, 11, 1), "earliest": dt.date(2026, 11, 5)}, "swap them"),
        ({"priority": 9}, "Priority"),
        ({"kind": "party"}, "Kind"),
        ({"label": " "}, "what is to be rehearsed"),
    ],
)
def test_a_need_with_bad_values_is_refused(world, now, values, words):
    base = {
        "label": "Extra coaching",
        "kind": "coaching",
        "minutes": 60,
        "earliest": dt.date(2026, 12, 1),
        "latest": dt.date(2026, 12, 5),
        "priority": 2,
    }
    with pytest.raises(ValidationFailed, match=words):
        services.rehearsal_need_create(
            programme=world.programme, values={**base, **values}, by=CALLBOARD, now=now
        )
    assert not RehearsalNeed.objects.exists()


def test_dancers_learning_an_ensemble_role_are_coached_together(world, now):
    first, second, _ = world.performances
    a, b = world.dancer(world.swans, learning=True), world.dancer(world.swans, learning=True)
    cast(world, a, world.swans, first, now=now, slot=0)
    cast(world, b, world.swans, second, now=now, slot=0)
    need = RehearsalNeed.objects.get(kind="coaching")
    assert set(need.people.all()) == {a, b}
    assert need.latest < first.starts_at.date()  # before the first of them dances
    assert "2 dancer(s) learning" in need.label
