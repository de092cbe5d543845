"""One test per goal: each shows the goal deciding between schedules on a tiny problem."""

from __future__ import annotations

from callboard.scheduling.solver.problem import LabourRules, PersonKind, PublishedCall, Weights
from callboard.scheduling.solver.tests.helpers import (
    at,
    call_of,
    commitment,
    interval,
    person,
    placed,
    problem,
    request,
    solved,
    studio,
    window,
)
from callboard.scheduling.solver.tests.oracle import brute_force

ONLY = dict.fromkeys(
    (
        "waiting",
        "late_finish",
        "long_day",
        "preference",
        "balance",
        "spike",
        "moved_call",
        "touched_person",
    ),
    0,
)


def weights(**kw: int) -> Weights:
    return Weights(**{**ONLY, **kw})


def test_unplaced_places_the_higher_priority_first():
    p = problem(
        [request("low", 60, ("a",), priority=1), request("high", 60, ("a",), priority=3)],
        close="11:00",
        weights=weights(),
    )
    solution = solved(p)
    assert placed(solution) == {"high"}
    assert solution.goal("unplaced") == 100 * 60 * 1


def test_unplaced_prefers_more_minutes_at_equal_priority():
    p = problem(
        [request("short", 30, ("a",)), request("long", 60, ("a",))],
        close="11:00",
        weights=weights(),
    )
    assert placed(solved(p)) == {"long"}


def test_waiting_puts_a_persons_calls_together():
    reqs = [
        request("early", 60, ("a", "b"), windows=(window("10:00", "11:00"),)),
        request("later", 60, ("a",), preferred=(window("13:00", "14:00"),)),
    ]
    waiting = solved(problem(reqs, weights=weights(waiting=2, preference=1)))
    assert call_of(waiting, "later").start == at("11:00")
    assert waiting.goal("waiting") == 0
    indifferent = solved(problem(reqs, weights=weights(waiting=0, preference=1)))
    assert call_of(indifferent, "later").start == at("13:00")


def test_waiting_is_weighted_by_the_persons_cost():
    # Only one of the two dancers can have their calls together; the dearer one does.
    reqs = [
        request("both", 60, ("cheap", "dear"), windows=(window("11:00", "12:00"),)),
        request(
            "cheap_solo",
            60,
            ("cheap",),
            windows=(window("10:00", "11:00"), window("13:00", "14:00")),
        ),
        request(
            "dear_solo", 60, ("dear",), windows=(window("10:00", "11:00"), window("13:00", "14:00"))
        ),
    ]
    people = [person("cheap", weight=1), person("dear", weight=3)]
    solution = solved(problem(reqs, people=people, close="14:00", weights=weights(waiting=1)))
    assert call_of(solution, "dear_solo").start == at("10:00")
    assert call_of(solution, "cheap_solo").start == at("13:00")


def test_waiting_does_not_count_what_fixed_commitments_already_impose():
    # Between class and a show a dancer waits anyway: a call there costs no waiting.
    dancer = person(
        "a",
        commitments=(
            commitment("class", "10:00", "11:00"),
            commitment("performance", "19:00", "22:00"),
        ),
    )
    p = problem(
        [request("x", 60, ("a",))], people=[dancer], close="23:00", weights=weights(waiting=1)
    )
    assert solved(p).goal("waiting") == 0


def test_late_finish():
    reqs = [request("x", 60, ("a",), preferred=(window("18:00", "20:00"),))]
    early = solved(problem(reqs, close="20:00", weights=weights(late_finish=3, preference=1)))
    assert call_of(early, "x").end <= at("18:00")
    late = solved(problem(reqs, close="20:00", weights=weights(late_finish=0, preference=1)))
    assert call_of(late, "x").start >= at("18:00")


def test_late_finish_counts_every_person_called():
    p = problem(
        [request("x", 60, ("a", "b", "c"))],
        open="18:00",
        close="19:00",
        weights=weights(late_finish=1),
    )
    assert solved(p).goal("late_finish") == 60 * 3


def test_long_day():
    dancer = person("a", commitments=(commitment("class", "10:00", "11:00"),))
    reqs = [request("x", 60, ("a",), preferred=(window("17:00", "20:00"),))]
    kw = {"people": [dancer], "close": "20:00"}
    short = solved(
        problem(reqs, **kw, weights=weights(long_day=2, long_day_after=240, preference=1))
    )
    assert call_of(short, "x").end <= at("14:00")
    long = solved(
        problem(reqs, **kw, weights=weights(long_day=0, long_day_after=240, preference=1))
    )
    assert call_of(long, "x").start >= at("17:00")


def test_preference_of_the_request():
    p = problem(
        [request("x", 60, ("a",), preferred=(window("12:00", "13:00"),))],
        weights=weights(preference=1),
    )
    solution = solved(p)
    assert call_of(solution, "x").start == at("12:00")
    assert solution.goal("preference") == 0


def test_preference_of_each_person_called():
    people = [
        person("a", preferred=(window("12:00", "14:00"),)),
        person("b", preferred=(window("12:00", "14:00"),)),
    ]
    p = problem([request("x", 60, ("a", "b"))], people=people, weights=weights(preference=1))
    assert call_of(solved(p), "x").start >= at("12:00")


def test_balance_spreads_a_dancers_load_over_the_days():
    reqs = [request("x", 60, ("a",)), request("y", 60, ("a",))]
    spread = solved(problem(reqs, days=2, weights=weights(balance=1)))
    assert len({c.start // 1440 for c in spread.calls}) == 2
    assert spread.goal("balance") == 60


def test_balance_is_for_dancers_only():
    reqs = [request("x", 60, ("a",)), request("y", 60, ("a",))]
    staff = [person("a", kind=PersonKind.STAFF)]
    assert (
        solved(problem(reqs, people=staff, days=2, weights=weights(balance=1))).goal("balance") == 0
    )


def test_spike_against_the_week_before():
    dancer = person("a", prior_week_minutes=60, spike_percent=100)
    reqs = [request("x", 60, ("a",)), request("y", 60, ("a",))]
    careful = solved(problem(reqs, people=[dancer], weights=weights(unplaced=1, spike=5)))
    assert len(careful.calls) == 1
    assert careful.goal("spike") == 0
    spiky = solved(problem(reqs, people=[dancer], weights=weights(unplaced=1, spike=0)))
    assert len(spiky.calls) == 2


def test_moved_call_keeps_the_published_schedule():
    reqs = [request("x", 60, ("a",), preferred=(window("12:00", "13:00"),))]
    published = (PublishedCall("x", 0, "A", at("10:00")),)
    kept = solved(problem(reqs, published=published, weights=weights(preference=1, moved_call=100)))
    assert call_of(kept, "x").start == at("10:00")
    moved = solved(problem(reqs, published=published, weights=weights(preference=1, moved_call=0)))
    assert call_of(moved, "x").start == at("12:00")
    assert moved.goal("moved_call") == 0


def test_touched_person_moves_the_call_that_concerns_fewer_people():
    # x (three dancers) at 10:00 and y (one) at 11:00 are published; the new call z must
    # take 10:00 or 11:00, so one of them moves to 12:00: better y, touching one person.
    reqs = [
        request("x", 60, ("a", "b", "c")),
        request("y", 60, ("d",)),
        request("z", 60, ("e",), windows=(window("10:00", "12:00"),), required=True),
    ]
    published = (PublishedCall("x", 0, "A", at("10:00")), PublishedCall("y", 0, "A", at("11:00")))
    p = problem(
        reqs, close="13:00", published=published, weights=weights(moved_call=10, touched_person=10)
    )
    solution = solved(p)
    assert call_of(solution, "x").start == at("10:00")
    assert call_of(solution, "y").start == at("12:00")
    assert solution.goal("touched_person") == 10 * 2  # d moved, e is new


def test_breakdown_adds_up_to_the_objective():
    p = problem(
        [
            request("x", 60, ("a", "b")),
            request("y", 90, ("a",), priority=2),
            request("z", 60, ("b",)),
        ],
        people=[person("a", unavailable=(interval("11:00", "12:00"),)), person("b")],
        studios=[studio("A"), studio("B")],
        close="13:00",
    )
    solution = solved(p)
    assert solution.objective == sum(cost for _, cost in solution.breakdown)
    assert solution.objective == solution.bound


def test_waiting_bound_knows_a_long_day_has_its_meal_break():
    # Class and three calls make 6 h of work: the day needs a rest of an hour, which is
    # waiting, and two more breaks of a grid step. The meal-break cut (valid, and tight at
    # the day cap) gives the solver the same optimum the brute force finds.
    rules = LabourRules(
        max_minutes_per_day=360, meal_within=240, meal_minutes=60, break_every=60, break_minutes=5
    )
    dancer = person("a", commitments=(commitment("class", "10:00", "11:00"),))
    reqs = [request("x", 60, ("a",)), request("y", 120, ("a",)), request("z", 120, ("a",))]
    p = problem(
        reqs,
        people=[dancer],
        close="19:00",
        labour=rules,
        weights=weights(waiting=1),
        granularity=30,
    )
    solution = solved(p)
    best = brute_force(p)
    assert best is not None
    assert solution.objective == best[0]
    assert solution.bound == solution.objective
    assert solution.goal("waiting") == 30 + 30 + 60
