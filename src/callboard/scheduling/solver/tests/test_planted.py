"""Planted weeks: the planted schedule keeps every rule, places everything, and its
objective is what the rules force on each person, which the person bound proves."""

from __future__ import annotations

import pytest

from callboard.scheduling.solver.bound import person_bound
from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.planted import QUICK_PLANTED, PlantedSize, planted_week
from callboard.scheduling.solver.problem import DAY, PersonKind, validate
from callboard.scheduling.solver.score import score


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_planted_schedule_keeps_every_rule_and_places_everything(seed: int):
    week = planted_week(seed)
    p = week.problem
    validate(p)
    assert check(p, week.calls) == []
    assert {c.key for c in week.calls} == {part.key for part in p.parts}
    result = score(p, week.calls)
    assert result.total == week.optimum == sum(week.people_waiting.values())
    assert dict(result.breakdown())["waiting"] == result.total
    # The shape of a company week.
    assert len([x for x in p.people if x.kind is PersonKind.DANCER]) == 60
    assert len(p.studios) == 5 and {s.site for s in p.studios} == {"main", "annex"}
    assert 90 <= len(p.requests) <= 130 and len(p.days) == 6
    assert any(x.max_minutes_per_day == 240 for x in p.people)  # back from injury
    assert any(x.unavailable for x in p.people)  # away
    assert any(c.kind.value == "performance" for x in p.people for c in x.commitments)
    # Not pinned: most requests allow several days, studios and a wide window.
    assert sum(1 for r in p.requests if len(r.days) != 1) == len(p.requests)
    assert sum(1 for r in p.requests if len(r.studios) >= 2) > len(p.requests) // 2
    # Full days with the meal hour exist beside light days.
    per_day: dict[tuple[str, int], int] = {}
    for c in week.calls:
        for pid in c.people:
            per_day[(pid, c.start // DAY)] = per_day.get((pid, c.start // DAY), 0) + 1
    assert 1 in per_day.values() and 3 in per_day.values()


def test_same_seed_same_week():
    assert planted_week(4, QUICK_PLANTED).problem == planted_week(4, QUICK_PLANTED).problem


def test_the_person_bound_proves_the_planted_schedule_optimal():
    week = planted_week(2, QUICK_PLANTED)
    result = person_bound(week.problem, time_limit=300)
    assert result.complete
    assert result.bound == week.optimum
    for person in result.people:
        assert person.bound == week.people_waiting.get(person.person, 0)


def test_an_over_subscribed_week_proves_minutes_that_cannot_be_placed():
    size = PlantedSize(dancers=24, show_days=(3,), cast=6, injured=2, away=1, staff=2)
    week = planted_week(5, size, over=True)
    assert week.optimum is None
    extra = sum(r.minutes for r in week.problem.requests if r.section == "coaching")
    result = person_bound(week.problem, time_limit=300)
    # Each dancer back from injury has a call on every day they may work: there is no
    # room for all of their two extra coaching calls.
    assert 0 < result.person_unplaceable <= extra
    assert result.unplaceable_minutes == result.person_unplaceable
