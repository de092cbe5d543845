"""Solve a problem with CP-SAT: time limit, seed, workers, progress, hint."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callboard.scheduling.solver.bound import PersonBound, person_bound
from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.conflicts import find_conflicts
from callboard.scheduling.solver.decompose import LP_SUBSOLVERS, can_decompose, decompose
from callboard.scheduling.solver.explain import NOT_PLACED, explained, unplaced_reasons
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.lns import all_values, improve
from callboard.scheduling.solver.messages import say
from callboard.scheduling.solver.model import CallboardModel, add_hint, read_calls
from callboard.scheduling.solver.problem import Problem, validate
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call, Solution, Status, relative_gap
from callboard.scheduling.solver.stopping import solve_stoppable

Progress = Callable[[float, int, int], None]
"""``progress(elapsed_seconds, objective, bound)``, called on every improving solution."""

DECOMPOSE_SHARE = 0.7
"""Share of the time limit given to planning day by day (``decompose.py``) on large weeks."""

DECOMPOSE_FROM = 30
"""Calls to place from which a week of several days is first planned day by day."""

BOUND_SHARE = 0.2
"""Share of the time limit given to the person bound (``bound.py``), on problems of at
least ``BOUND_FROM`` calls; its schedules' days then guide planning by days."""

BOUND_FROM = 8

FIRST_PHASE_WORK = 2.5
"""CP-SAT deterministic time of the first, bound-proving phase (when LNS follows); on the
company week it took 12 s of wall time on the 2-core machine under load 9."""

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


@dataclass
class Trace:
    """What happened during a solve (for benchmarks): (seconds, objective, bound) points."""

    points: list[tuple[float, int, int]] = field(default_factory=list)

    def seconds_to_gap(self, gap: float) -> float | None:
        for seconds, objective, bound in self.points:
            if relative_gap(objective, bound) <= gap:
                return seconds
        return None


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, started: float, progress: Progress | None, trace: Trace, stop: Callable[[], bool]
    ) -> None:
        super().__init__()
        self.started = started
        self.progress = progress
        self.trace = trace
        self.stop = stop
        self.floor = 0

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        objective = round(self.objective_value)
        bound = max(self.floor, math.ceil(self.best_objective_bound - 1e-6))
        self.trace.points.append((elapsed, objective, bound))
        if self.progress is not None:
            self.progress(elapsed, objective, bound)
        if self.stop():
            self.stop_search()


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    progress: Progress | None = None,
    hint: Sequence[Call] | None = None,
    use_greedy_hint: bool = True,
    gap_limit: float = 0.0,
    lns: bool = True,
    by_days: bool | None = None,
    explain_unplaced: bool = True,
    explain_seconds: float = 5.0,
    trace: Trace | None = None,
    stop: Callable[[], bool] | None = None,
    poll_seconds: float = 0.5,
    log: bool = False,
    bound_share: float | None = None,
    lp_search: bool | None = None,
) -> Solution:
    """Build and solve the model; the result's objective is recomputed from its calls.

    ``hint`` starts the search from a schedule (default: the published calls that still
    fit, then the greedy baseline). A first full CP-SAT search proves the bound; unless it
    proves the optimum, large neighbourhood search (``lns.py``) uses the rest of the time.
    With ``by_days`` (``None``: with ``lns``, on a week of several days with at least
    ``DECOMPOSE_FROM`` calls) the calls are first planned day by day (``decompose.py``, in
    ``DECOMPOSE_SHARE`` of the time) and the better of that schedule and the greedy one is
    the hint. The person bound (``bound.py``; ``bound_share`` of the time, default
    ``BOUND_SHARE`` on problems of ``BOUND_FROM`` calls or more, 0 turns it off) is computed
    first: the result's bound is the larger of it and CP-SAT's, and the days of its
    schedules are a hint for the day plan of planning by days. ``lp_search`` (``None``: when
    planning by days) has CP-SAT's two workers, when there are two, search the
    neighbourhoods of LNS with the full LP relaxation (``decompose.LP_SUBSOLVERS``).
    ``gap_limit`` stops as soon as the relative gap is that small. ``stop`` is
    asked on every improving schedule and every ``poll_seconds``; when it says yes the
    search ends and the best schedule so far is returned (the hint if CP-SAT had found
    none yet and it keeps every rule, else status ``unknown``). Raises
    :class:`~callboard.scheduling.solver.problem.ProblemError` on a bad problem.
    """
    validate(problem)
    started = time.perf_counter()
    deadline = started + time_limit
    trace = trace if trace is not None else Trace()
    should_stop = stop or (lambda: False)
    model = CallboardModel(problem).build()
    parts = {part.key: part for part in problem.parts}
    if hint is None and use_greedy_hint:
        kept = [
            Call(c.request, c.part, c.studio, c.start, c.start + part.length, part.people)
            for c in problem.published
            if (part := parts[(c.request, c.part)])
        ]
        hint = greedy(problem, keep=kept).calls
    hint_method = "greedy"
    if bound_share is None:
        bound_share = BOUND_SHARE if lns and len(problem.parts) >= BOUND_FROM else 0.0
    people: PersonBound | None = None
    if bound_share > 0 and not should_stop():
        people = person_bound(
            problem, time_limit=time_limit * bound_share, workers=1, stop=should_stop
        )
    if by_days is None:
        by_days = lns and len(problem.parts) >= DECOMPOSE_FROM and can_decompose(problem)
    if by_days and can_decompose(problem) and not should_stop():
        floor = people.bound if people is not None else 0

        def planned_better(cost: int) -> None:
            elapsed = time.perf_counter() - started
            trace.points.append((elapsed, cost, floor))
            if progress is not None:
                progress(elapsed, cost, floor)

        planned = decompose(
            problem,
            engine=solve,
            time_limit=max(1.0, min(time_limit * DECOMPOSE_SHARE, deadline - time.perf_counter())),
            prefer=people.guidance if people is not None and people.guidance else None,
            seed=seed,
            workers=workers,
            hint=hint or (),
            stop=should_stop,
            poll_seconds=poll_seconds,
            on_improve=planned_better,
        )
        if not hint or score(problem, planned).total < score(problem, hint).total:
            hint, hint_method = planned, "by days"
    if lp_search is None:
        lp_search = bool(by_days)
    if hint:
        add_hint(model, hint, time_limit=max(0.5, min(5.0, time_limit / 4)))
    solver = cp_model.CpSolver()
    params = solver.parameters
    left = max(0.01, deadline - time.perf_counter())
    if lns:
        # The first phase proves the bound: give it a fixed amount of work (deterministic
        # time), so that the bound does not depend on how loaded the machine is, within a
        # wall-clock cap that leaves most of the time to the neighbourhood search.
        params.max_time_in_seconds = min(left, max(5.0, time_limit / 3))
        params.max_deterministic_time = FIRST_PHASE_WORK
    else:
        params.max_time_in_seconds = left
    params.random_seed = seed
    params.num_workers = max(1, workers)
    params.relative_gap_limit = gap_limit
    params.log_search_progress = log
    # The full search keeps CP-SAT's own workers (they take up the hint fastest); the
    # neighbourhoods below, small like a day, use the LP workers with ``lp_search``.
    subsolvers = LP_SUBSOLVERS if lp_search and workers == 2 else ()
    callback = _Callback(started, progress, trace, should_stop)
    callback.floor = people.bound if people is not None else 0
    raw = solve_stoppable(solver, model.m, stop=stop, poll=poll_seconds, callback=callback)
    if raw == cp_model.UNKNOWN and lns and not should_stop() and time.perf_counter() < deadline:
        params.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        params.max_deterministic_time = math.inf
        raw = solve_stoppable(solver, model.m, stop=stop, poll=poll_seconds, callback=callback)
    if raw == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in the model, never input
        raise RuntimeError(f"Callboard built an invalid CP-SAT model: {model.m.validate()}")
    status = _STATUS[raw]
    if status is Status.INFEASIBLE:
        return Solution(
            status=status,
            conflicts=tuple(find_conflicts(problem, time_limit=max(3.0, min(20.0, time_limit)))),
            seconds=time.perf_counter() - started,
        )
    method = "cp-sat"
    bound: int | None = people.bound if people is not None else None
    if status is Status.UNKNOWN:
        # Stopped (or out of time) before CP-SAT found a schedule: the starting schedule
        # is the best there is, when it keeps every rule.
        if not hint or check(problem, hint):
            return Solution(status=status, seconds=time.perf_counter() - started)
        status, method = Status.FEASIBLE, hint_method
        calls = tuple(sorted(hint, key=lambda c: (c.start, c.studio)))
    else:
        proven = math.ceil(solver.best_objective_bound - 1e-6)
        if people is not None:
            proven = max(proven, people.bound)
        bound = proven
        values = all_values(model, solver.value)
        objective = round(solver.objective_value)
        if (
            status is Status.FEASIBLE
            and lns
            and relative_gap(objective, proven) > gap_limit
            and time.perf_counter() < deadline - 0.5
        ):
            best = [objective]

            def improved(_: list[int], found: int) -> None:
                best[0] = found
                elapsed = time.perf_counter() - started
                trace.points.append((elapsed, found, proven))
                if progress is not None:
                    progress(elapsed, found, proven)

            values, objective = improve(
                model,
                values,
                objective,
                deadline=deadline,
                seed=seed,
                workers=max(1, workers),
                on_improve=improved,
                stop=lambda: should_stop() or relative_gap(best[0], proven) <= gap_limit,
                poll_seconds=poll_seconds,
                floors={r.person: r.bound for r in people.people} if people is not None else None,
                subsolvers=subsolvers,
            )
        calls = tuple(read_calls(model, lambda var: values[var.index]))
    result = score(problem, calls)
    seconds = time.perf_counter() - started
    trace.points.append((seconds, result.total, bound if bound is not None else 0))
    if explain_unplaced:
        unplaced = unplaced_reasons(problem, calls, status=status, budget_seconds=explain_seconds)
    else:
        placed = {c.key for c in calls}
        unplaced = [
            explained(part, say(NOT_PLACED)) for key, part in parts.items() if key not in placed
        ]
    return Solution(
        status=status,
        calls=calls,
        unplaced=tuple(unplaced),
        objective=result.total,
        bound=bound,
        gap=relative_gap(result.total, bound) if bound is not None else None,
        breakdown=result.breakdown(),
        seconds=seconds,
        method=method,
        person_bound=people.bound if people is not None else None,
        unplaceable_minutes=people.unplaceable_minutes if people is not None else 0,
    )
