"""Solve a problem with CP-SAT: time limit, seed, workers, progress, hint."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from callboard.scheduling.solver.conflicts import find_conflicts
from callboard.scheduling.solver.explain import unplaced_reasons
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.lns import all_values, improve
from callboard.scheduling.solver.model import CallboardModel, add_hint, read_calls
from callboard.scheduling.solver.problem import Problem, validate
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call, Solution, Status, Unplaced, relative_gap

Progress = Callable[[float, int, int], None]
"""``progress(elapsed_seconds, objective, bound)``, called on every improving solution."""

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

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        objective = round(self.objective_value)
        bound = math.ceil(self.best_objective_bound - 1e-6)
        self.trace.points.append((elapsed, objective, bound))
        if self.progress is not None:
            self.progress(elapsed, objective, bound)
        if self.stop():
            self.stop_search()


def _run(
    solver: cp_model.CpSolver, model: cp_model.CpModel, callback: _Callback, poll: float
) -> Any:
    """Solve, asking ``callback.stop`` every ``poll`` seconds as well as on each solution."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(poll):
            if callback.stop():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="callboard-solve-stop", daemon=True)
    watcher.start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()
        watcher.join(timeout=5)


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
    explain_unplaced: bool = True,
    trace: Trace | None = None,
    stop: Callable[[], bool] | None = None,
    log: bool = False,
) -> Solution:
    """Build and solve the model; the result's objective is recomputed from its calls.

    ``hint`` starts the search from a schedule (default: the published calls that still
    fit, then the greedy baseline). A first full CP-SAT search proves the bound; unless it
    proves the optimum, large neighbourhood search (``lns.py``) uses the rest of the time.
    ``gap_limit`` stops as soon as the relative gap is that small. ``stop`` is asked on
    every improving schedule and twice a second; when it says yes the search ends and the
    best schedule so far is returned. Raises
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
    callback = _Callback(started, progress, trace, should_stop)
    raw = _run(solver, model.m, callback, poll=0.5) if stop else solver.solve(model.m, callback)
    if raw == cp_model.UNKNOWN and lns and not should_stop() and time.perf_counter() < deadline:
        params.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        params.max_deterministic_time = math.inf
        raw = _run(solver, model.m, callback, poll=0.5) if stop else solver.solve(model.m, callback)
    if raw == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in the model, never input
        raise RuntimeError(f"Callboard built an invalid CP-SAT model: {model.m.validate()}")
    status = _STATUS[raw]
    if status is Status.INFEASIBLE:
        return Solution(
            status=status,
            conflicts=tuple(find_conflicts(problem, time_limit=max(5.0, time_limit))),
            seconds=time.perf_counter() - started,
        )
    if status is Status.UNKNOWN:
        return Solution(status=status, seconds=time.perf_counter() - started)
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    values = all_values(model, solver.value)
    objective = round(solver.objective_value)
    if (
        status is Status.FEASIBLE
        and lns
        and relative_gap(objective, bound) > gap_limit
        and time.perf_counter() < deadline - 0.5
    ):
        best = [objective]

        def improved(_: list[int], found: int) -> None:
            best[0] = found
            elapsed = time.perf_counter() - started
            trace.points.append((elapsed, found, bound))
            if progress is not None:
                progress(elapsed, found, bound)

        values, objective = improve(
            model,
            values,
            objective,
            deadline=deadline,
            seed=seed,
            workers=max(1, workers),
            on_improve=improved,
            stop=lambda: should_stop() or relative_gap(best[0], bound) <= gap_limit,
        )
    calls = tuple(read_calls(model, lambda var: values[var.index]))
    result = score(problem, calls)
    seconds = time.perf_counter() - started
    trace.points.append((seconds, result.total, bound))
    if explain_unplaced:
        unplaced = unplaced_reasons(problem, calls, status=status)
    else:
        placed = {c.key for c in calls}
        unplaced = [
            Unplaced(key[0], key[1], part.length, "Not placed.")
            for key, part in parts.items()
            if key not in placed
        ]
    return Solution(
        status=status,
        calls=calls,
        unplaced=tuple(unplaced),
        objective=result.total,
        bound=bound,
        gap=relative_gap(result.total, bound),
        breakdown=result.breakdown(),
        seconds=seconds,
    )
