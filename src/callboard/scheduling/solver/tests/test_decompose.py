"""Planning a week day by day: the day model keeps the whole-day rules, each day is built
with every rule, and the schedule they make together keeps every hard rule."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.decompose import (
    can_decompose,
    day_plan,
    day_problem,
    decompose,
    improve_by_days,
    in_part_order,
)
from callboard.scheduling.solver.generate import WeekSize, company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.model import CallboardModel, add_hint
from callboard.scheduling.solver.problem import DAY, LabourRules, Precedence, PublishedCall
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call
from callboard.scheduling.solver.solve import solve
from callboard.scheduling.solver.tests.helpers import (
    at,
    commitment,
    interval,
    make_call,
    person,
    problem,
    request,
    window,
)

SMALL_WEEK = WeekSize(dancers=16, studios=2, requests=24, days=3, injured=1, performances=1)


def test_a_week_is_planned_by_days_only_when_its_calls_may_move_between_days():
    week = company_week(5, SMALL_WEEK)
    assert can_decompose(week)
    one_day = problem([request("a", 60, ("ann",), days=(0,))], days=2)
    assert not can_decompose(one_day)
    assert not can_decompose(problem([request("a", 60, ("ann",))], days=1))
    required = problem([request("a", 60, ("ann",), required=True)], days=2)
    assert not can_decompose(required)
    published = problem(
        [request("a", 60, ("ann",))], days=2, published=(PublishedCall("a", 0, "A", at("10:00")),)
    )
    assert not can_decompose(published)


def test_the_day_plan_puts_calls_only_on_days_they_may_have_and_within_daily_limits():
    week = company_week(5, SMALL_WEEK)
    plan = day_plan(week, time_limit=5, workers=1, hint=greedy(week).calls)
    parts = {part.key: part for part in week.parts}
    assert plan, "the plan places calls"
    minutes: Counter[tuple[str, int]] = Counter()
    for key, day in plan.items():
        request_days = parts[key].request.days
        assert not request_days or day in request_days
        for pid in parts[key].people:
            minutes[(pid, day)] += parts[key].length
    for someone in week.people:
        for day in range(len(week.days)):
            fixed = sum(
                c.minutes
                for c in someone.commitments
                if c.start // DAY == day and week.labour.counts_as_work(c)
            )
            if minutes[(someone.id, day)]:
                cap = min(
                    c
                    for c in (week.labour.max_minutes_per_day, someone.max_minutes_per_day)
                    if c is not None
                )
                assert minutes[(someone.id, day)] + fixed <= cap


def test_the_day_plan_leaves_out_what_one_persons_hours_cannot_hold():
    # Three 2-hour calls for Ann on day 0, 10:00-17:00, with a fitting 13:00-14:00 and a
    # 5-minute break after every call: three calls and their breaks need 6 h 30 min of the
    # 6 hours left around the fitting, so only two fit.
    ann = person("ann", commitments=(commitment("fitting", "13:00", "14:00"),))
    p = problem(
        [request(f"r{k}", 120, ("ann",), days=(0,)) for k in range(3)]
        + [request("other", 60, ("bob",))],
        [ann, person("bob")],
        days=2,
        close="17:00",
        labour=LabourRules(break_every=60, break_minutes=5),
    )
    plan = day_plan(p, time_limit=5, workers=1)
    assert sum(1 for key in plan if key[0].startswith("r")) == 2


def test_the_day_plan_counts_the_breaks_towards_the_meal_hour():
    # Class 10:00-11:15 on both days and two 75-minute calls: 225 minutes of work on one
    # day, but with a break after class and between the calls the day runs past 14:00 and
    # needs the meal hour (45 more minutes of waiting). The plan puts one call on each day.
    from callboard.scheduling.solver.generate import US_BALLET

    ann = person(
        "ann",
        commitments=tuple(commitment("class", "10:00", "11:15", d) for d in (0, 1)),
    )
    p = problem(
        [request(f"r{k}", 75, ("ann",)) for k in range(2)],
        [ann],
        days=2,
        open="09:30",
        close="23:00",
        labour=dataclasses.replace(US_BALLET, free_days_per_week=0),
    )
    plan = day_plan(p, time_limit=10, workers=1)
    assert sorted(plan.values()) == [0, 1]
    assert solve(p, time_limit=10, workers=1).objective == 30


def test_a_week_built_day_by_day_keeps_every_hard_rule():
    week = company_week(5, SMALL_WEEK)
    calls = decompose(week, engine=solve, time_limit=8, workers=1, hint=greedy(week).calls)
    assert calls
    assert check(week, calls) == []
    # the full model accepts it as a complete starting point (parts numbered in order)
    assert add_hint(CallboardModel(week).build(), calls)


def test_a_day_is_built_after_the_evening_before():
    # Ann needs 12 hours between days; her call on day 0 can only end at 22:00, so her
    # call on day 1 cannot start before 10:00 the next day.
    p = problem(
        [
            request("late", 60, ("ann",), days=(0,), windows=(window("21:00", "22:00"),)),
            request("next", 60, ("ann",), days=(1,)),
            request("free", 60, ("bob",)),
        ],
        days=2,
        open="08:00",
        close="23:00",
        labour=LabourRules(min_rest_between_days=12 * 60),
    )
    calls = decompose(p, engine=solve, time_limit=6, workers=1)
    by_request = {c.request: c for c in calls}
    assert by_request["late"].end == at("22:00")
    assert by_request["next"].start >= at("10:00", day=1)
    assert check(p, calls) == []


def test_a_day_problem_holds_each_call_to_its_days_and_the_rest_as_fixed_work():
    week = company_week(5, SMALL_WEEK)
    parts = [part for part in week.parts if not part.request.days][:3]
    held = [make_call(week, parts[0].request.id, at("12:00"))]
    sub, back = day_problem(week, parts[1:], [1, 2], held)
    assert {r.days for r in sub.requests} == {(1, 2)}
    assert sorted(back.values()) == sorted(part.key for part in parts[1:])
    assert sub.labour == week.labour  # rules over the week see the held calls
    for pid in held[0].people:
        person = sub.person_by_id[pid]
        assert any(c.start == at("12:00") and c.counts_as_work for c in person.commitments)


def test_a_day_problem_keeps_precedence_with_the_calls_it_holds():
    p = problem(
        [
            request("staging", 60, ("ann",)),
            request("run", 60, ("ann",)),
            request("later", 60, ("bob",)),
        ],
        days=3,
        precedences=(Precedence("staging", "run"), Precedence("run", "later")),
    )
    parts = {part.request.id: part for part in p.parts}
    held = [make_call(p, "staging", at("10:00", day=1)), make_call(p, "later", at("10:00", day=2))]
    sub, _ = day_problem(p, [parts["run"]], [0, 1, 2], held)
    # after the staging on day 1, before the run-through's follower on day 2: no day is left
    assert not sub.requests
    sub, _ = day_problem(p, [parts["run"]], [0, 1, 2], held[:1])
    assert [r.days for r in sub.requests] == [(2,)]


def test_equal_parts_are_numbered_in_order_of_time():
    p = problem([request("a", 120, ("ann",), split=2)], days=2, close="20:00")
    calls = [
        Call("a", 0, "A", at("12:00", day=1), at("13:00", day=1), ("ann",)),
        Call("a", 1, "A", at("12:00"), at("13:00"), ("ann",)),
    ]
    ordered = in_part_order(p, calls)
    assert [(c.part, c.start) for c in ordered] == [(0, at("12:00")), (1, at("12:00", day=1))]
    assert in_part_order(p, [calls[1]])[0].part == 0


def test_solve_by_days_returns_a_valid_schedule_scored_like_any_other():
    week = company_week(5, SMALL_WEEK)
    solution = solve(week, time_limit=12, workers=1, by_days=True, explain_unplaced=False)
    assert check(week, solution.calls) == []
    assert solution.objective == score(week, solution.calls).total
    assert solution.objective <= score(week, greedy(week).calls).total


def test_the_day_plan_knows_calls_that_pairwise_share_a_person_follow_one_another():
    # Each pair of these three calls shares a dancer, so they cannot overlap: three 2-hour
    # calls with breaks need more than the six hours of day 0, though nobody is in all
    # three (each dancer's own two calls fit easily).
    p = problem(
        [
            request("ab", 120, ("ann", "bob"), days=(0,)),
            request("bc", 120, ("bob", "cid"), days=(0,)),
            request("ca", 120, ("cid", "ann"), days=(0,)),
            request("other", 60, ("dan",)),
        ],
        days=2,
        close="16:00",
        labour=LabourRules(break_every=60, break_minutes=5),
    )
    plan = day_plan(p, time_limit=5, workers=1)
    assert sum(1 for key in plan if key[0] != "other") == 2


def test_re_planning_days_only_keeps_cheaper_schedules_that_keep_every_rule():
    week = company_week(5, SMALL_WEEK)
    start = greedy(week).calls
    seen: list[int] = []
    calls = improve_by_days(
        week,
        start,
        engine=solve,
        deadline=time.perf_counter() + 5,
        workers=1,
        step_seconds=1.0,
        on_improve=seen.append,
    )
    assert check(week, calls) == []
    assert seen == sorted(seen, reverse=True)
    assert score(week, calls).total == (seen[-1] if seen else score(week, start).total)
    assert score(week, calls).total <= score(week, start).total


def test_re_planning_days_gives_up_when_no_day_has_anything_to_re_plan():
    # Ann's only call may go on day 0, where she is away all day: nothing can ever be
    # placed, so re-planning ends at once instead of drawing days until its deadline.
    ann = person("ann", unavailable=(interval("00:00", "23:59"),))
    p = problem([request("a", 60, ("ann",), days=(0,))], [ann], days=2)
    started = time.perf_counter()
    calls = improve_by_days(p, [], engine=solve, deadline=started + 60, workers=1)
    assert calls == []
    assert time.perf_counter() - started < 30
