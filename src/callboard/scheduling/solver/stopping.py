"""Run a CP-SAT solve that a caller can stop from outside (the stop button of a run)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

Stop = Callable[[], bool]


def solve_stoppable(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    *,
    stop: Stop | None,
    poll: float = 0.5,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> Any:
    """``solver.solve(model, callback)``, asking ``stop`` every ``poll`` seconds and ending
    the search (keeping its best solution) as soon as it says yes."""
    if stop is None:
        return solver.solve(model, callback)
    if stop():
        solver.parameters.max_time_in_seconds = 0.0
        return solver.solve(model, callback)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(poll):
            if stop():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="callboard-solve-stop", daemon=True)
    watcher.start()
    try:
        return solver.solve(model, callback)
    finally:
        done.set()
        watcher.join(timeout=5)
