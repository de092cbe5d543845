"""Large neighbourhood search: it only ever improves, and every schedule keeps every rule."""

from __future__ import annotations

import random
import time

from ortools.sat.python import cp_model

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.generate import WeekSize, company_week
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.lns import Neighbourhoods, all_values, improve
from callboard.scheduling.solver.model import CallboardModel, add_hint, read_calls
from callboard.scheduling.solver.score import score

SMALL_WEEK = WeekSize(dancers=16, studios=2, requests=20, days=3, injured=1, performances=1)


def started_model():
    week = company_week(11, SMALL_WEEK)
    model = CallboardModel(week).build()
    add_hint(model, greedy(week).calls)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10  # the hint is a schedule: found at once,
    solver.parameters.stop_after_first_solution = True  # however loaded the machine is
    solver.parameters.num_workers = 1
    assert solver.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return week, model, all_values(model, solver.value), round(solver.objective_value)


def test_improve_keeps_every_rule_and_never_worsens():
    week, model, values, objective = started_model()
    seen: list[int] = []
    values, best = improve(
        model,
        values,
        objective,
        deadline=time.perf_counter() + 3,
        seed=1,
        workers=1,
        on_improve=lambda _, found: seen.append(found),
        stop=lambda: False,
        step_seconds=0.5,
    )
    assert best <= objective
    assert seen == sorted(seen, reverse=True) and all(found < objective for found in seen)
    calls = read_calls(model, lambda var: values[var.index])
    assert check(week, calls) == []
    # The model's objective bounds the schedule's true cost from above: its waiting and
    # day-length terms are only bounded below by the calls, and a neighbourhood solve that
    # fixes most variables need not pull every slack down. Solutions report score() itself.
    assert score(week, calls).total <= best


def test_neighbourhoods_free_a_day_or_the_people_of_a_left_out_call():
    _, model, values, _ = started_model()
    hoods = Neighbourhoods(model, random.Random(3))
    kinds = {hoods.choose(values)[0] for _ in range(30)}
    assert "day" in kinds and "people" in kinds
    placed = hoods.placed(values)
    for _ in range(10):
        kind, free = hoods.choose(values)
        assert free and all(model.possible[i] for i in free)
        if kind == "repair":
            left_out = [i for i in free if not placed[i]]
            assert len(left_out) == 1
