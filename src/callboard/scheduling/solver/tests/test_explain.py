"""``explain`` and the reasons given for what could not be placed."""

from __future__ import annotations

from callboard.scheduling.solver.explain import explain, explain_lines
from callboard.scheduling.solver.problem import LabourRules, Precedence, Weights
from callboard.scheduling.solver.tests.helpers import (
    commitment,
    interval,
    person,
    placed,
    problem,
    request,
    solved,
    window,
)


def test_every_penalty_is_explained_by_goal_with_names():
    people = [
        person(
            "klara", name="Klára Kalmurzaev", commitments=(commitment("class", "10:00", "11:00"),)
        ),
        person("ele", name="Eleonora Kalmurzaev"),
    ]
    p = problem(
        [
            request(
                "veils", 60, ("klara",), label="Seven Veils", windows=(window("13:00", "14:00"),)
            ),
            request(
                "swan",
                60,
                ("klara", "ele"),
                label="Swan Lake",
                priority=2,
                windows=(window("10:00", "11:00"),),
            ),
        ],
        people=people,
    )
    solution = solved(p)
    explanations = explain(p, solution)
    assert sum(e.cost for e in explanations) == solution.objective
    waiting = [e for e in explanations if e.goal == "waiting"]
    assert waiting and "Klára Kalmurzaev" in waiting[0].message and waiting[0].people == ("klara",)
    unplaced = [e for e in explanations if e.goal == "unplaced"]
    assert unplaced and "Swan Lake" in unplaced[0].message and unplaced[0].requests == ("swan",)
    lines = explain_lines(p, solution)
    assert lines[0].startswith("Requested minutes not placed (unplaced): cost")


def test_reason_names_the_person_who_blocks():
    p = problem(
        [request("x", 60, ("a", "b"))],
        people=[
            person("a", name="Anya Sokolova", unavailable=(interval("10:00", "14:00"),)),
            person("b"),
        ],
    )
    reason = solved(p).unplaced[0].reason
    assert "Anya Sokolova" in reason and "unavailable" in reason


def test_reason_names_the_labour_rule_that_blocks():
    p = problem(
        [request("x", 60, ("a",))],
        people=[
            person("a", name="Daria Belova", commitments=(commitment("class", "10:00", "11:30"),))
        ],
        labour=LabourRules(max_minutes_per_day=120),
    )
    reason = solved(p).unplaced[0].reason
    assert "Daria Belova" in reason and "most minutes a day" in reason


def test_reason_when_a_free_slot_was_not_worth_it():
    p = problem(
        [request("x", 60, ("a",))],
        people=[person("a", commitments=(commitment("class", "10:00", "10:30"),))],
        close="18:00",
        weights=Weights(unplaced=1, long_day=10, long_day_after=30, waiting=0, late_finish=0),
    )
    solution = solved(p)
    assert solution.calls == ()
    assert "costs more in other goals" in solution.unplaced[0].reason


def test_reason_names_the_request_it_must_follow():
    p = problem(
        [
            request(
                "staging",
                60,
                ("a",),
                label="Staging",
                priority=2,
                windows=(window("11:00", "12:00"),),
            ),
            request("run", 60, ("b",), label="Run-through"),
        ],
        close="12:00",
        precedences=(Precedence("staging", "run"),),
    )
    solution = solved(p)
    assert placed(solution) == {"staging"}
    assert "it must come after “Staging”" in solution.unplaced[0].reason


def test_times_the_request_does_not_allow_are_not_counted_as_reasons():
    p = problem(
        [request("x", 60, ("a",), windows=(window("13:00", "14:00"),))],
        people=[person("a", name="Olga", unavailable=(interval("13:00", "14:00"),))],
    )
    reason = solved(p).unplaced[0].reason
    assert reason == "No time works: Olga is unavailable (1 start time)."
