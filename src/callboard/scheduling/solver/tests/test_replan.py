"""Minimal-change re-planning after a dancer falls ill."""

from __future__ import annotations

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.replan import (
    compare,
    person_unavailable,
    published_from,
    replan,
    replan_from_scratch,
    with_published,
)
from callboard.scheduling.solver.tests.helpers import (
    at,
    make_call,
    problem,
    request,
    solved,
    studio,
)


def week():
    reqs = [
        request("x", 60, ("a", "b")),
        request("y", 60, ("c", "d"), priority=2),
        request("z", 60, ("a", "c")),
        request("w", 60, ("b", "d")),
    ]
    return problem(reqs, studios=[studio("A"), studio("B")], days=2, close="13:00")


def test_published_calls_round_trip():
    p = week()
    calls = [make_call(p, "x", at("10:00"))]
    (pub,) = published_from(calls, locked=True)
    assert (pub.request, pub.part, pub.studio, pub.start, pub.people, pub.locked) == (
        "x",
        0,
        "A",
        at("10:00"),
        ("a", "b"),
        True,
    )


def test_replan_moves_only_what_the_illness_forces():
    p = week()
    first = solved(p)
    ill = person_unavailable(with_published(p, first.calls), "a", first_day=0, days=1)
    minimal = replan(ill, time_limit=10, workers=1)
    assert check(ill, minimal.calls) == []
    forced = {c.key for c in first.calls if "a" in c.people and c.start < at("00:00", day=1)}
    changed = compare(ill, minimal.calls)
    assert changed.calls_moved == len(forced)
    scratch = replan_from_scratch(ill, time_limit=10, workers=1)
    assert changed.calls_moved <= compare(ill, scratch.calls).calls_moved
    assert changed.people_touched <= compare(ill, scratch.calls).people_touched


def test_nothing_moves_when_nothing_changed():
    p = week()
    first = solved(p)
    again = replan(with_published(p, first.calls), time_limit=10, workers=1)
    assert compare(with_published(p, first.calls), again.calls).calls_moved == 0
