"""When required requests and locked calls cannot all hold: which ones, under which rules."""

from __future__ import annotations

from callboard.scheduling.solver.problem import LabourRules, PublishedCall
from callboard.scheduling.solver.solution import Status
from callboard.scheduling.solver.solve import solve
from callboard.scheduling.solver.tests.helpers import at, interval, person, problem, request


def test_two_required_requests_for_the_same_dancer_at_the_only_time():
    p = problem(
        [
            request("pdd", 60, ("klara", "ivan"), label="Pas de deux", required=True),
            request("var", 60, ("klara",), label="Variation", required=True),
            request("corps", 60, ("olga",), label="Corps", required=True),
        ],
        close="11:00",
        studios=None,
    )
    solution = solve(p, time_limit=5, workers=1)
    assert solution.status is Status.INFEASIBLE
    conflict = solution.conflicts[0]
    assert set(conflict.requests) <= {"pdd", "var", "corps"} and len(conflict.requests) == 2
    assert "cannot all be scheduled" in conflict.message


def test_conflict_names_the_labour_rule():
    p = problem(
        [request("a1", 60, ("a",), required=True), request("a2", 60, ("a",), required=True)],
        labour=LabourRules(max_minutes_per_day=90),
    )
    solution = solve(p, time_limit=5, workers=1)
    assert solution.status is Status.INFEASIBLE
    conflict = solution.conflicts[0]
    assert set(conflict.requests) == {"a1", "a2"}
    assert "max_minutes_per_day" in conflict.rules
    assert "most minutes of work a day" in conflict.message


def test_locked_call_of_a_dancer_who_fell_ill():
    p = problem(
        [request("x", 60, ("a",), label="Giselle act 2")],
        people=[person("a", name="Anya", unavailable=(interval("10:00", "14:00"),))],
        published=(PublishedCall("x", 0, "A", at("11:00"), locked=True),),
    )
    solution = solve(p, time_limit=5, workers=1)
    assert solution.status is Status.INFEASIBLE
    conflict = solution.conflicts[0]
    assert conflict.calls == (("x", 0),)
    assert "locked call “Giselle act 2”" in conflict.message
    assert "person_unavailable" in conflict.rules


def test_required_request_that_fits_nowhere_says_why():
    p = problem(
        [request("x", 120, ("a",), label="Act 1", required=True)],
        labour=LabourRules(longest_call=90),
    )
    solution = solve(p, time_limit=5, workers=1)
    assert solution.status is Status.INFEASIBLE
    assert "Act 1" in solution.conflicts[0].message
    assert "longer than the longest call" in solution.conflicts[0].message
