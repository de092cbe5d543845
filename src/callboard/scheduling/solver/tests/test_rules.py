"""One test per hard rule: each shows the rule binding on a tiny problem.

Every test solves with the CP-SAT model and checks the result with the independent
checker (``solved``), then shows the checker naming the rule on the schedule the rule
forbids.
"""

from __future__ import annotations

import dataclasses
import itertools

from callboard.scheduling.solver.problem import (
    LabourRules,
    Precedence,
    PublishedCall,
    Travel,
    Weights,
)
from callboard.scheduling.solver.tests.helpers import (
    at,
    call_of,
    commitment,
    interval,
    make_call,
    person,
    placed,
    problem,
    request,
    rules_broken,
    solved,
    studio,
    window,
)

NO_WAIT = Weights(waiting=0, late_finish=0, long_day=0)


def test_studio_fit_needs_room_for_everyone():
    p = problem(
        [request("trio", 60, ("a", "b", "c"))],
        studios=[studio("S", capacity=2), studio("L", capacity=3)],
    )
    assert call_of(solved(p), "trio").studio == "L"
    assert "studio_fit" in rules_broken(p, [make_call(p, "trio", at("10:00"), "S")])


def test_studio_fit_needs_a_piano_when_asked():
    p = problem(
        [request("adagio", 60, ("a",), needs_piano=True)],
        studios=[studio("bare"), studio("piano", piano=True)],
    )
    assert call_of(solved(p), "adagio").studio == "piano"
    assert "studio_fit" in rules_broken(p, [make_call(p, "adagio", at("10:00"), "bare")])


def test_studio_fit_keeps_to_the_requests_list():
    p = problem(
        [request("solo", 60, ("a",), studios=("far",))],
        studios=[studio("near", capacity=1), studio("far")],
    )
    assert call_of(solved(p), "solo").studio == "far"
    assert "studio_fit" in rules_broken(p, [make_call(p, "solo", at("10:00"), "near")])


def test_studio_clash_one_call_per_studio_at_a_time():
    p = problem(
        [request("x", 60, ("a",)), request("y", 60, ("b",))],
        close="11:00",
    )
    solution = solved(p)
    assert len(solution.calls) == 1
    both = [make_call(p, "x", at("10:00")), make_call(p, "y", at("10:00"))]
    assert "studio_clash" in rules_broken(p, both)


def test_studio_unavailable():
    p = problem(
        [request("x", 60, ("a",))], studios=[studio("A", unavailable=(interval("10:00", "12:00"),))]
    )
    assert call_of(solved(p), "x").start >= at("12:00")
    assert "studio_unavailable" in rules_broken(p, [make_call(p, "x", at("10:00"))])


def test_working_day_window_of_the_company():
    p = problem([request("x", 60, ("a",))], open="10:00", close="11:00")
    assert call_of(solved(p), "x").start == at("10:00")
    assert "working_day" in rules_broken(p, [make_call(p, "x", at("10:30"))])


def test_time_grid_calls_start_every_granularity_minutes():
    p = problem([request("x", 60, ("a",))], open="10:00", close="16:00")
    assert call_of(solved(p), "x").start % p.granularity == 0
    assert rules_broken(p, [make_call(p, "x", at("14:00"))]) == set()
    assert rules_broken(p, [make_call(p, "x", at("14:05"))]) == {"time_grid"}
    fine = problem([request("x", 60, ("a",))], open="10:00", close="16:00", granularity=5)
    assert rules_broken(fine, [make_call(fine, "x", at("14:05"))]) == set()


def test_allowed_days():
    p = problem([request("x", 60, ("a",), days=(1,))], days=2)
    assert call_of(solved(p), "x").start // 1440 == 1
    assert "allowed_days" in rules_broken(p, [make_call(p, "x", at("10:00", day=0))])


def test_time_window():
    p = problem([request("x", 60, ("a",), windows=(window("12:00", "13:00"),))])
    assert call_of(solved(p), "x").start == at("12:00")
    assert "time_window" in rules_broken(p, [make_call(p, "x", at("10:00"))])


def test_nobody_in_two_calls_at_once():
    p = problem(
        [request("x", 60, ("a", "b")), request("y", 60, ("a", "c"))],
        studios=[studio("A"), studio("B")],
        close="11:00",
    )
    assert len(solved(p).calls) == 1
    both = [make_call(p, "x", at("10:00"), "A"), make_call(p, "y", at("10:00"), "B")]
    assert "person_clash" in rules_broken(p, both)


def test_nobody_called_during_a_fixed_commitment():
    p = problem(
        [request("x", 60, ("a",))],
        people=[person("a", commitments=(commitment("fitting", "10:00", "11:00"),))],
    )
    assert call_of(solved(p), "x").start >= at("11:00")
    assert "person_clash" in rules_broken(p, [make_call(p, "x", at("10:30"))])


def test_person_unavailable():
    p = problem(
        [request("x", 60, ("a",))],
        people=[person("a", unavailable=(interval("10:00", "13:00"),))],
    )
    assert call_of(solved(p), "x").start == at("13:00")
    assert "person_unavailable" in rules_broken(p, [make_call(p, "x", at("10:00"))])


def test_earliest_start():
    p = problem([request("x", 60, ("a",))], open="09:00", labour=LabourRules(earliest_start=600))
    assert call_of(solved(p), "x").start >= at("10:00")
    assert "earliest_start" in rules_broken(p, [make_call(p, "x", at("09:00"))])


def test_latest_end():
    p = problem(
        [request("x", 90, ("a",))],
        people=[person("a", unavailable=(interval("10:00", "11:00"),))],
        labour=LabourRules(latest_end=12 * 60),
    )
    solution = solved(p)
    assert solution.calls == ()
    assert "may not finish so late" in solution.unplaced[0].reason
    assert "latest_end" in rules_broken(p, [make_call(p, "x", at("11:00"))])


def test_longest_call_leaves_a_long_request_out_unless_split():
    rules = LabourRules(longest_call=90)
    whole = problem([request("act", 120, ("a",))], labour=rules)
    solution = solved(whole)
    assert solution.calls == ()
    assert "longer than the longest call" in solution.unplaced[0].reason
    assert "longest_call" in rules_broken(whole, [make_call(whole, "act", at("10:00"))])
    split = problem([request("act", 120, ("a",), split=2)], labour=rules, close="13:00")
    assert [c.minutes for c in solved(split).calls] == [60, 60]


def test_max_minutes_per_day():
    rules = LabourRules(max_minutes_per_day=90)
    one_day = problem(
        [request("x", 60, ("a",), priority=2), request("y", 60, ("a",))], labour=rules
    )
    assert placed(solved(one_day)) == {"x"}
    assert placed(solved(dataclasses.replace(one_day, days=one_day.days * 2))) == {"x", "y"}
    both = [make_call(one_day, "x", at("10:00")), make_call(one_day, "y", at("11:00"))]
    assert "max_minutes_per_day" in rules_broken(one_day, both)


def test_max_minutes_per_day_counts_class_as_work_when_the_agreement_says_so():
    a = person("a", commitments=(commitment("class", "10:00", "11:00"),))
    counted = problem(
        [request("x", 60, ("a",))], people=[a], labour=LabourRules(max_minutes_per_day=90)
    )
    assert solved(counted).calls == ()
    free = problem(
        [request("x", 60, ("a",))],
        people=[a],
        labour=LabourRules(max_minutes_per_day=90, class_counts_as_work=False),
    )
    assert placed(solved(free)) == {"x"}


def test_personal_daily_cap_of_a_dancer_returning_from_injury():
    p = problem(
        [request("x", 60, ("a",), priority=2), request("y", 60, ("a",))],
        people=[person("a", max_minutes_per_day=60)],
    )
    assert placed(solved(p)) == {"x"}
    both = [make_call(p, "x", at("10:00")), make_call(p, "y", at("11:00"))]
    assert "personal_daily_cap" in rules_broken(p, both)


def test_max_minutes_per_week():
    p = problem(
        [request("x", 60, ("a",), priority=2), request("y", 60, ("a",))],
        days=2,
        labour=LabourRules(max_minutes_per_week=90),
    )
    assert placed(solved(p)) == {"x"}
    both = [make_call(p, "x", at("10:00")), make_call(p, "y", at("10:00", day=1))]
    assert "max_minutes_per_week" in rules_broken(p, both)


def test_max_span_of_a_working_day():
    # Class from 10:00; the call would rather be late, but the day may span 4 hours.
    p = problem(
        [
            request(
                "x",
                60,
                ("a",),
                windows=(window("13:00", "18:00"),),
                preferred=(window("16:00", "18:00"),),
            )
        ],
        people=[person("a", commitments=(commitment("class", "10:00", "10:30"),))],
        close="18:00",
        labour=LabourRules(max_span=240),
        weights=NO_WAIT,
    )
    assert call_of(solved(p), "x").end <= at("14:00")
    assert "max_span" in rules_broken(p, [make_call(p, "x", at("16:00"))])


def test_max_span_is_never_made_worse_than_the_fixed_commitments_make_it():
    # Class in the morning and a show at night already span 12 hours; calls in between
    # are allowed, calls that stretch the day further are not.
    dancer = person(
        "a",
        commitments=(
            commitment("class", "10:00", "11:00"),
            commitment("performance", "19:00", "22:00"),
        ),
    )
    p = problem(
        [request("x", 60, ("a",))],
        people=[dancer],
        open="09:00",
        close="23:00",
        labour=LabourRules(max_span=540),
    )
    assert placed(solved(p)) == {"x"}
    assert rules_broken(p, [make_call(p, "x", at("14:00"))]) == set()
    assert "max_span" in rules_broken(p, [make_call(p, "x", at("09:00"))])


def test_short_break_between_back_to_back_calls():
    rules = LabourRules(break_every=60, break_minutes=15)
    tight = problem(
        [request("x", 60, ("a",)), request("y", 60, ("a",))], close="12:00", labour=rules
    )
    assert len(solved(tight).calls) == 1
    roomy = dataclasses.replace(
        tight, days=(dataclasses.replace(tight.days[0], close=at("12:15")),)
    )
    solution = solved(roomy)
    starts = sorted(c.start for c in solution.calls)
    assert starts == [at("10:00"), at("11:15")]
    back_to_back = [make_call(tight, "x", at("10:00")), make_call(tight, "y", at("11:00"))]
    assert "short_break" in rules_broken(tight, back_to_back)


def test_short_calls_may_run_back_to_back_within_break_every():
    rules = LabourRules(break_every=60, break_minutes=15)
    two = problem([request("x", 30, ("a",)), request("y", 30, ("a",))], close="11:00", labour=rules)
    assert len(solved(two).calls) == 2
    three = problem([request(r, 30, ("a",)) for r in ("x", "y", "z")], close="11:30", labour=rules)
    assert len(solved(three).calls) == 2  # 90 minutes back to back would need a break
    roomy = dataclasses.replace(
        three, days=(dataclasses.replace(three.days[0], close=at("11:45")),)
    )
    assert len(solved(roomy).calls) == 3
    run = [make_call(three, r, at("10:00") + 30 * k) for k, r in enumerate(("x", "y", "z"))]
    assert "short_break" in rules_broken(three, run)


def test_meal_break_within_the_first_hours():
    # Class 10–11, two one-hour calls: a 60-minute rest must start by 12:00.
    p = problem(
        [request("x", 60, ("a",)), request("y", 60, ("a",))],
        people=[person("a", commitments=(commitment("class", "10:00", "11:00"),))],
        close="15:00",
        labour=LabourRules(meal_within=120, meal_minutes=60),
    )
    solution = solved(p)
    assert len(solution.calls) == 2
    ends = sorted((c.start, c.end) for c in solution.calls)
    items = [(at("10:00"), at("11:00")), *ends]
    assert any(b[0] - a[1] >= 60 and a[1] <= at("12:00") for a, b in itertools.pairwise(items))
    rushed = [make_call(p, "x", at("11:00")), make_call(p, "y", at("12:00"))]
    assert "meal_break" in rules_broken(p, rushed)


def test_rest_between_days_after_an_evening_performance():
    p = problem(
        [request("x", 60, ("a",), days=(1,), preferred=(window("09:00", "10:00"),))],
        people=[person("a", commitments=(commitment("performance", "19:00", "22:00", day=0),))],
        days=2,
        open="09:00",
        close="23:00",
        labour=LabourRules(min_rest_between_days=12 * 60),
        weights=NO_WAIT,
    )
    assert call_of(solved(p), "x").start >= at("10:00", day=1)
    assert "rest_between_days" in rules_broken(p, [make_call(p, "x", at("09:00", day=1))])


def test_free_days_per_week():
    # Two days of a week that needs six free days: one of them must stay free. The
    # dancer has class on day 0, so day 1 is the free one and the request (day 1 only)
    # cannot be placed.
    dancer = person("a", commitments=(commitment("class", "10:00", "11:00"),))
    rules = LabourRules(free_days_per_week=6)
    p = problem([request("x", 60, ("a",), days=(1,))], people=[dancer], days=2, labour=rules)
    solution = solved(p)
    assert solution.calls == ()
    assert "free day" in solution.unplaced[0].reason
    anyday = problem([request("x", 60, ("a",))], people=[dancer], days=2, labour=rules)
    assert call_of(solved(anyday), "x").start // 1440 == 0
    assert "free_days" in rules_broken(p, [make_call(p, "x", at("10:00", day=1))])


def test_travel_between_sites():
    studios = [studio("M", site="main"), studio("X", site="annex")]
    travel = (Travel("main", "annex", 30),)
    reqs = [request("x", 60, ("a",), studios=("M",)), request("y", 60, ("a",), studios=("X",))]
    tight = problem(reqs, studios=studios, close="12:00", travel=travel)
    assert len(solved(tight).calls) == 1
    roomy = problem(reqs, studios=studios, close="12:30", travel=travel)
    solution = solved(roomy)
    assert len(solution.calls) == 2
    first, second = sorted(solution.calls, key=lambda c: c.start)
    assert second.start - first.end >= 30
    rushed = [make_call(tight, "x", at("10:00"), "M"), make_call(tight, "y", at("11:00"), "X")]
    assert "travel" in rules_broken(tight, rushed)


def test_travel_to_a_fixed_commitment_at_another_site():
    dancer = person("a", commitments=(commitment("fitting", "11:00", "11:30", site="main"),))
    p = problem(
        [request("x", 60, ("a",), windows=(window("10:00", "11:00"), window("11:30", "14:00")))],
        people=[dancer],
        studios=[studio("X", site="annex")],
        travel=(Travel("main", "annex", 30),),
        weights=NO_WAIT,
    )
    assert call_of(solved(p), "x").start >= at("12:00")
    assert "travel" in rules_broken(p, [make_call(p, "x", at("11:30"), "X")])


def test_precedence_staging_before_run_through():
    p = problem(
        [
            request("staging", 60, ("a",)),
            request("run", 60, ("a", "b"), preferred=(window("10:00", "11:00"),)),
        ],
        precedences=(Precedence("staging", "run"),),
        weights=NO_WAIT,
    )
    solution = solved(p)
    assert call_of(solution, "staging").end <= call_of(solution, "run").start
    wrong = [make_call(p, "run", at("10:00")), make_call(p, "staging", at("11:00"))]
    assert "precedence" in rules_broken(p, wrong)


def test_required_request_is_placed_even_at_the_cost_of_a_higher_priority():
    p = problem(
        [request("big", 60, ("a",), priority=5), request("must", 60, ("a",), required=True)],
        close="11:00",
    )
    assert placed(solved(p)) == {"must"}
    assert "required" in rules_broken(p, [make_call(p, "big", at("10:00"))])


def test_locked_published_call_stays_put():
    p = problem(
        [request("x", 60, ("a",), preferred=(window("10:00", "11:00"),))],
        published=(PublishedCall("x", 0, "A", at("12:00"), locked=True),),
    )
    assert call_of(solved(p), "x").start == at("12:00")
    assert "locked_call" in rules_broken(p, [make_call(p, "x", at("10:00"))])


def test_fixed_commitments_alone_never_break_a_rule():
    dancer = person(
        "a",
        commitments=(
            commitment("class", "10:00", "11:15"),
            commitment("fitting", "11:15", "12:30"),
            commitment("performance", "19:00", "22:00"),
        ),
    )
    rules = LabourRules(
        max_minutes_per_day=120,
        max_span=300,
        break_every=60,
        break_minutes=15,
        meal_within=60,
        meal_minutes=60,
    )
    p = problem(
        [request("x", 60, ("a",))], people=[dancer], open="09:00", close="23:00", labour=rules
    )
    assert rules_broken(p, []) == set()
    assert solved(p).calls == ()  # any call would make the day fuller still
