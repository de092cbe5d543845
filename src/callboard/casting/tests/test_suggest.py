"""Suggested casting: each solver rule binding on a tiny input, an independent check on
generated problems, and on generated companies the suggestion never names a dancer who
could not be cast."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callboard.casting import services
from callboard.casting.availability import dancer_unavailability
from callboard.casting.models import CastAssignment, CastingProposal
from callboard.casting.suggest import solver as s
from callboard.casting.suggest.check import violations
from callboard.company.models import Dancer
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.repertoire.models import DancerRole

from .conftest import make_world

DAY = 24 * 60


def perf(i: int, day: int, start_hour: int = 19) -> s.Performance:
    start = day * DAY + start_hour * 60
    return s.Performance(id=i, day=day, starts=start, ends=start + 165)


def solve(problem: s.Problem) -> s.Solution:
    solution = s.solve(problem, time_limit=5, workers=1)
    assert violations(problem, solution) == []
    return solution


# --------------------------------------------------------------------------- the solver alone


def test_every_place_is_filled_from_the_options_only():
    problem = s.Problem(
        performances=(perf(1, 10),),
        roles=(s.Role(1, principal=False, full_length=True),),
        needs=(s.Need(1, 1, "first", count=2),),
        options=(
            s.Option(1, 1, 7, "first"),
            s.Option(1, 1, 8, "first"),
            s.Option(1, 1, 9, "first"),
        ),
    )
    picks = solve(problem).picks
    assert len(picks) == 2 and {p.dancer_id for p in picks} <= {7, 8, 9}


def test_a_dancer_is_never_on_stage_in_two_overlapping_roles():
    problem = s.Problem(
        performances=(perf(1, 10),),
        roles=(s.Role(1, False, True, frozenset({2})), s.Role(2, False, True, frozenset({1}))),
        needs=(s.Need(1, 1, "first"), s.Need(1, 2, "first")),
        options=(s.Option(1, 1, 7, "first"), s.Option(1, 2, 7, "first")),
    )
    assert len(solve(problem).picks) == 1


def test_leads_keep_their_rest_days():
    problem = s.Problem(
        performances=(perf(1, 10), perf(2, 11), perf(3, 12)),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=tuple(s.Need(p, 1, "first") for p in (1, 2, 3)),
        options=tuple(s.Option(p, 1, 7, "first") for p in (1, 2, 3)),
        lead_rest_days=2,
    )
    picks = solve(problem).picks
    assert sorted(p.performance_id for p in picks) == [1, 3]


def test_no_dancer_leads_two_full_length_ballets_on_one_day():
    problem = s.Problem(
        performances=(perf(1, 10, 13), perf(2, 10, 19)),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=(s.Need(1, 1, "first"), s.Need(2, 1, "first")),
        options=(s.Option(1, 1, 7, "first"), s.Option(2, 1, 7, "first")),
    )
    assert len(solve(problem).picks) == 1


def test_a_dancer_is_in_one_performance_at_a_time():
    problem = s.Problem(
        performances=(perf(1, 10), perf(2, 10)),  # the same evening, two theatres
        roles=(s.Role(1, principal=False, full_length=False),),
        needs=(s.Need(1, 1, "first"), s.Need(2, 1, "first")),
        options=(s.Option(1, 1, 7, "first"), s.Option(2, 1, 7, "first")),
    )
    assert len(solve(problem).picks) == 1


def test_performances_are_shared_fairly_among_a_roles_cast():
    performances = tuple(perf(i, 10 + 3 * i) for i in range(1, 5))
    problem = s.Problem(
        performances=performances,
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=tuple(s.Need(p.id, 1, "first") for p in performances),
        options=tuple(s.Option(p.id, 1, d, "first") for p in performances for d in (7, 8)),
    )
    picks = solve(problem).picks
    counts = sorted(sum(1 for p in picks if p.dancer_id == d) for d in (7, 8))
    assert counts == [2, 2]


def test_the_better_cover_is_ranked_first():
    problem = s.Problem(
        performances=(perf(1, 10),),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=(s.Need(1, 1, "cover", rank=1), s.Need(1, 1, "cover", rank=2)),
        options=(
            s.Option(1, 1, 7, "cover", rank_penalty=1, learning=True),
            s.Option(1, 1, 8, "cover"),
        ),
    )
    covers = {p.rank: p.dancer_id for p in solve(problem).picks}
    assert covers == {1: 8, 2: 7}


def test_a_second_cover_is_never_named_without_a_first():
    problem = s.Problem(
        performances=(perf(1, 10),),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=(s.Need(1, 1, "cover", rank=1), s.Need(1, 1, "cover", rank=2)),
        options=(s.Option(1, 1, 7, "cover"),),
    )
    assert [(p.rank, p.dancer_id) for p in solve(problem).picks] == [(1, 7)]


def test_a_dancer_of_the_right_rank_is_preferred():
    problem = s.Problem(
        performances=(perf(1, 10),),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=(s.Need(1, 1, "first"),),
        options=(s.Option(1, 1, 7, "first", rank_penalty=1), s.Option(1, 1, 8, "first")),
    )
    assert [p.dancer_id for p in solve(problem).picks] == [8]


def test_the_checker_catches_a_broken_suggestion():
    problem = s.Problem(
        performances=(perf(1, 10), perf(2, 11)),
        roles=(s.Role(1, principal=True, full_length=True),),
        needs=(s.Need(1, 1, "first"), s.Need(2, 1, "first")),
        options=(s.Option(1, 1, 7, "first"),),
    )
    bad = s.Solution("FEASIBLE", (s.Pick(1, 1, "first", 1, 7), s.Pick(2, 1, "first", 1, 7)), 0, {})
    found = violations(problem, bad)
    assert any("not an option" in v for v in found)
    assert any("days apart" in v or "day(s) apart" in v for v in found)


@st.composite
def problems(draw: st.DrawFn) -> s.Problem:
    n_perf = draw(st.integers(1, 4))
    n_roles = draw(st.integers(1, 4))
    n_dancers = draw(st.integers(1, 6))
    days = draw(st.lists(st.integers(0, 6), min_size=n_perf, max_size=n_perf))
    hours = draw(st.lists(st.sampled_from([13, 19]), min_size=n_perf, max_size=n_perf))
    performances = tuple(perf(i + 1, days[i], hours[i]) for i in range(n_perf))
    overlaps: dict[int, set[int]] = {r: set() for r in range(1, n_roles + 1)}
    for a in range(1, n_roles + 1):
        for b in range(a + 1, n_roles + 1):
            if draw(st.booleans()):
                overlaps[a].add(b)
                overlaps[b].add(a)
    roles = tuple(
        s.Role(
            r,
            principal=draw(st.booleans()),
            full_length=draw(st.booleans()),
            overlaps=frozenset(overlaps[r]),
        )
        for r in range(1, n_roles + 1)
    )
    needs, options = [], []
    for p in performances:
        for r in roles:
            needs.append(s.Need(p.id, r.id, "first", count=draw(st.integers(1, 2))))
            if draw(st.booleans()):
                needs.append(s.Need(p.id, r.id, "cover", rank=1))
                if draw(st.booleans()):
                    needs.append(s.Need(p.id, r.id, "cover", rank=2))
            for d in range(1, n_dancers + 1):
                for kind in ("first", "cover"):
                    if draw(st.booleans()):
                        options.append(
                            s.Option(
                                p.id,
                                r.id,
                                100 + d,
                                kind,
                                draw(st.integers(0, 1)),
                                draw(st.booleans()),
                            )
                        )
    return s.Problem(
        performances, roles, tuple(needs), tuple(options), lead_rest_days=draw(st.integers(1, 3))
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_on_generated_problems_every_suggestion_keeps_every_rule(problem):
    solution = s.solve(problem, time_limit=2, workers=1)
    assert solution.status in {"OPTIMAL", "FEASIBLE"}
    assert violations(problem, solution) == []


# --------------------------------------------------------------------------- through Callboard


@pytest.mark.django_db
def test_a_suggestion_changes_nothing_until_it_is_accepted(world, now):
    queens = [world.dancer(world.queen, rank="principal") for _ in range(2)]
    swans = [world.dancer(world.swans) for _ in range(8)]
    proposal = services.suggestion_create(
        programme=world.programme, by=CALLBOARD, now=now, time_limit=5
    )
    assert not CastAssignment.objects.exists()
    first_cast = [i for i in proposal.items.all() if i.kind == "first"]
    queen_items = [i for i in first_cast if i.role_id == world.queen.pk]
    assert len(queen_items) == 3  # every performance gets its Swan Queen
    assert {i.dancer_id for i in queen_items} == {q.pk for q in queens}  # shared between both
    assert sum(1 for i in first_cast if i.role_id == world.swans.pk) == 12
    assert {i.dancer_id for i in first_cast if i.role_id == world.swans.pk} <= {d.pk for d in swans}
    outcome = services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)
    assert outcome["applied"] == proposal.items.count()
    assert CastAssignment.objects.count() == proposal.items.count()


@pytest.mark.django_db
def test_a_suggestion_leaves_existing_casting_alone_and_does_not_clash_with_it(world, now):
    d = world.dancer(world.queen, world.swans, rank="principal")
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=d, by=CALLBOARD, now=now
    )
    proposal = services.suggestion_create(
        programme=world.programme, by=CALLBOARD, now=now, time_limit=5
    )
    items = list(proposal.items.all())
    assert not [
        i
        for i in items
        if i.performance_id == world.performances[0].pk
        and i.role_id == world.queen.pk
        and i.kind == "first"
    ]
    assert not [
        i
        for i in items
        if i.performance_id == world.performances[0].pk
        and i.dancer_id == d.pk
        and i.role_id == world.swans.pk
    ]


@pytest.mark.django_db
def test_accepting_checks_every_line_again(world, now):
    a, b = world.dancer(world.queen, rank="principal"), world.dancer(world.queen, rank="principal")
    proposal = services.suggestion_create(
        programme=world.programme, by=CALLBOARD, now=now, time_limit=5
    )
    item = proposal.items.filter(role=world.queen, kind="first").first()
    other = b if item.dancer_id == a.pk else a
    services.cast_assign(
        performance=item.performance, role=world.queen, dancer=other, by=CALLBOARD, now=now
    )
    outcome = services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)
    assert len(outcome["skipped"]) >= 1 and "already cast here" in " ".join(outcome["skipped"])
    assert (
        CastAssignment.objects.get(
            performance=item.performance, role=world.queen, kind="first"
        ).dancer
        == other
    )
    with pytest.raises(Conflict, match="already been accepted"):
        services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)


@pytest.mark.django_db
def test_only_the_chosen_lines_are_applied(world, now):
    world.dancer(world.queen, rank="principal")
    proposal = services.suggestion_create(
        programme=world.programme, by=CALLBOARD, now=now, time_limit=5
    )
    chosen = [proposal.items.first().pk]
    outcome = services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now, item_ids=chosen)
    assert outcome["applied"] == 1 and CastAssignment.objects.count() == 1


@pytest.mark.django_db
def test_discarding_a_suggestion_changes_nothing(world, now):
    world.dancer(world.queen, rank="principal")
    proposal = services.suggestion_create(
        programme=world.programme, by=CALLBOARD, now=now, time_limit=5
    )
    services.suggestion_discard(proposal=proposal, by=CALLBOARD, now=now)
    assert (
        CastingProposal.objects.get().status == "discarded" and not CastAssignment.objects.exists()
    )


@pytest.mark.django_db
def test_the_ballet_master_suggests_and_the_artistic_director_accepts(world, now, make_user):
    world.dancer(world.queen, rank="principal")
    proposal = services.suggestion_create(
        programme=world.programme, by=make_user(Role.BALLET_MASTER), now=now, time_limit=5
    )
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(proposal=proposal, by=make_user(Role.BALLET_MASTER), now=now)
    services.suggestion_accept(proposal=proposal, by=make_user(Role.ARTISTIC_DIRECTOR), now=now)
    assert CastAssignment.objects.exists()


@pytest.mark.django_db
def test_a_production_with_nothing_coming_cannot_be_suggested(now):
    w = make_world(performances=0)
    with pytest.raises(ValidationFailed, match="no coming performances"):
        services.suggestion_create(programme=w.programme, by=CALLBOARD, now=now)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_generated_companies_no_suggestion_names_an_unqualified_or_unavailable_dancer(now, seed):
    rng = random.Random(seed)
    w = make_world(title=f"Generated {seed}", performances=4)
    roles = [w.queen, w.prince, w.friend, w.swans]
    statuses = [Dancer.Status.ACTIVE] * 6 + [
        Dancer.Status.INJURED,
        Dancer.Status.ON_LEAVE,
        Dancer.Status.GUESTING,
    ]
    ranks = ["principal", "first_soloist", "soloist", "coryphee", "corps", "apprentice", "guest"]
    for _ in range(rng.randint(8, 16)):
        rank = rng.choice(ranks)
        kw = {}
        if rank == "guest":
            start = now.date() + dt.timedelta(days=rng.randint(0, 40))
            kw = {
                "engagement_start": start,
                "engagement_end": start + dt.timedelta(days=rng.randint(0, 5)),
            }
        knows = rng.sample(roles, rng.randint(0, 3))
        w.dancer(*knows, rank=rank, status=rng.choice(statuses), learning=rng.random() < 0.3, **kw)
    proposal = services.suggestion_create(
        programme=w.programme, by=CALLBOARD, now=now, time_limit=3, seed=seed
    )
    items = list(proposal.items.select_related("dancer__person", "performance__venue", "role"))
    assert items, "a generated company this size always has someone to cast"
    for item in items:
        assert DancerRole.objects.filter(dancer=item.dancer, role=item.role).exists()
        day = item.performance.starts_at.date()
        assert dancer_unavailability(item.dancer, day) is None
    outcome = services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)
    assert outcome["skipped"] == []  # every line passes the board's own rules
