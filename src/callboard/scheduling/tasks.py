"""Celery tasks of the scheduling app (run in a worker when ``CALLBOARD_JOBS=celery``).

Celery's Django fix-up closes stale database connections around every task.
"""

from __future__ import annotations

from celery import shared_task

from callboard.scheduling import services


@shared_task(name="callboard.scheduling.solve_run", acks_late=True)
def solve_run(run_id: int) -> str:
    """Execute a recorded solve run (see ``services.solve_run_execute``)."""

    return services.solve_run_execute(run_id=run_id).status
