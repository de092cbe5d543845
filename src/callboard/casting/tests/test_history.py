"""Casting writes one history entry per change, on the performance, shown on its programme."""

from __future__ import annotations

import pytest

from callboard.audit.selectors import trail_for
from callboard.audit.tests.conftest import entries
from callboard.casting import services
from callboard.casting.models import Tier
from callboard.casting.tests.conftest import make_world
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Role
from callboard.season.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def director(make_user):
    return make_user(Role.ARTISTIC_DIRECTOR, first_name="Sergei", last_name="Pavlov")


def _dancer(world, role, given, rank="principal"):
    return world.dancer(role, rank=rank, person=f.PersonFactory(given_name=given, family_name="K"))


def test_casting_a_dancer_writes_one_entry_naming_who_what_and_where(world, director, now):
    klara = _dancer(world, world.queen, "Klara")
    p = world.performances[0]
    services.cast_assign(performance=p, role=world.queen, dancer=klara, by=director, now=now)
    (entry,) = entries()
    assert (entry.actor, entry.action, entry.kind, entry.at) == (
        director,
        "casting.assign",
        "casting",
        now,
    )
    assert entry.summary.startswith("Cast Klara K as Swan Queen (first cast) in ")
    assert (entry.record_type, entry.record_id) == ("season.performance", p.pk)
    assert (entry.parent_type, entry.parent_id) == ("season.programme", world.programme.pk)
    assert entry.changes == {"Swan Queen (first cast)": [None, "Klara K"]}
    assert [e.pk for e in trail_for(director, world.programme)] == [entry.pk]


def test_casting_the_same_dancer_again_changes_nothing_and_writes_nothing(world, director, now):
    klara = _dancer(world, world.queen, "Klara")
    p = world.performances[0]
    for _ in range(2):
        services.cast_assign(performance=p, role=world.queen, dancer=klara, by=director, now=now)
    assert len(entries()) == 1


def test_a_refused_casting_writes_no_entry(world, director, now):
    untrained = _dancer(world, world.prince, "Boris")  # has not learned the Swan Queen
    with pytest.raises(ValidationFailed):
        services.cast_assign(
            performance=world.performances[0],
            role=world.queen,
            dancer=untrained,
            by=director,
            now=now,
        )
    klara, other = _dancer(world, world.queen, "Klara"), _dancer(world, world.queen, "Olga")
    p = world.performances[0]
    services.cast_assign(performance=p, role=world.queen, dancer=klara, by=director, now=now)
    with pytest.raises(Conflict):  # replacing without saying so
        services.cast_assign(performance=p, role=world.queen, dancer=other, by=director, now=now)
    assert [e.action for e in entries()] == ["casting.assign"]


def test_replacing_and_removing_after_announcement_are_entries_with_the_reason(
    world, director, now
):
    klara, olga = _dancer(world, world.queen, "Klara"), _dancer(world, world.queen, "Olga")
    p = world.performances[0]
    services.cast_assign(performance=p, role=world.queen, dancer=klara, by=CALLBOARD, now=now)
    services.casting_announce(performance=p, tier=Tier.FULL, by=director, now=now)
    with pytest.raises(ValidationFailed):  # an announced change needs a reason
        services.cast_assign(
            performance=p, role=world.queen, dancer=olga, by=director, now=now, replacing=klara.pk
        )
    services.cast_assign(
        performance=p,
        role=world.queen,
        dancer=olga,
        by=director,
        now=now,
        replacing=klara.pk,
        reason="Ankle sprain",
    )
    services.cast_remove(performance=p, role=world.queen, by=director, now=now, reason="Illness")
    assign, announce, replace, remove = entries()
    assert assign.actor is None and "Callboard" in assign.who
    assert announce.action == "casting.announce" and "full casting" in announce.summary
    assert replace.summary.startswith("Replaced Klara K with Olga K as Swan Queen (first cast)")
    assert replace.summary.endswith("Reason: Ankle sprain")
    assert replace.changes == {"Swan Queen (first cast)": ["Klara K", "Olga K"]}
    assert (remove.action, remove.actor) == ("casting.unassign", director)
    assert remove.summary.startswith("Removed Olga K as Swan Queen (first cast)")
    assert remove.summary.endswith("Reason: Illness")


def test_a_late_change_is_its_own_kind_of_entry(world, director, now):
    p = world.performance(1, hour=9)  # tomorrow 09:00: within the personal notice
    a, b = (
        _dancer(world, world.swans, "Anna", "corps"),
        _dancer(world, world.swans, "Bella", "corps"),
    )
    services.cast_assign(performance=p, role=world.swans, dancer=a, by=director, now=now)
    services.casting_announce(performance=p, tier=Tier.FULL, by=director, now=now)
    services.cast_assign(
        performance=p,
        role=world.swans,
        dancer=b,
        by=director,
        now=now,
        replacing=a.pk,
        reason="Steps in",
    )
    late = entries(action="casting.late_change")
    assert len(late) == 1 and late[0].summary.startswith(
        "Late change: Replaced Anna K with Bella K"
    )
    assert late[0].summary.count("Swans (first cast, place 1)") == 1


def test_announcing_twice_writes_one_entry(world, director, now):
    p = world.performances[0]
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=director, now=now)
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=director, now=now)
    (entry,) = entries()
    assert entry.changes == {"announced": [None, "Principal roles"]}


def test_copying_casting_writes_one_entry_per_performance_it_changed(world, director, now):
    first, second, third = world.performances
    klara, boris = _dancer(world, world.queen, "Klara"), _dancer(world, world.prince, "Boris")
    for dancer, role in ((klara, world.queen), (boris, world.prince)):
        services.cast_assign(performance=first, role=role, dancer=dancer, by=director, now=now)
    result = services.cast_copy(source=first, targets=[second, third], by=director, now=now)
    assert result.copied == 4
    copies = entries(action="casting.copy")
    assert [e.record_id for e in copies] == [second.pk, third.pk]
    assert all(e.summary.endswith("2 place(s).") and len(e.changes) == 2 for e in copies)
    again = services.cast_copy(source=first, targets=[second], by=director, now=now)
    assert again.unchanged == 2 and len(entries(action="casting.copy")) == 2


def test_accepting_a_suggestion_writes_its_castings_and_one_entry_for_the_decision(
    world, director, now
):
    for i in range(2):
        _dancer(world, world.queen, f"Queen{i}")
        _dancer(world, world.prince, f"Prince{i}")
        _dancer(world, world.friend, f"Friend{i}", "soloist")
    for i in range(6):
        _dancer(world, world.swans, f"Swan{i}", "corps")
    proposal = services.suggestion_create(
        programme=world.programme, by=director, now=now, time_limit=5
    )
    assert not entries()  # a suggestion changes nothing
    outcome = services.suggestion_accept(proposal=proposal, by=director, now=now)
    assert outcome["applied"] > 0
    assert len(entries(action="casting.assign")) == outcome["applied"]
    (decision,) = entries(action="casting.accept_suggestion")
    assert (decision.actor, decision.record_type) == (director, "casting.castingproposal")
    assert f"{outcome['applied']} place(s) cast" in decision.summary
    with pytest.raises(Conflict):
        services.suggestion_discard(proposal=proposal, by=director, now=now)
    assert not entries(action="casting.discard_suggestion")
