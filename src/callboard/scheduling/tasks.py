"""Celery tasks of the scheduling app (run in a worker when ``CALLBOARD_JOBS=celery``)."""

from __future__ import annotations

from celery import shared_task
from django.db import close_old_connections


@shared_task(name="callboard.scheduling.solve_run", acks_late=True)
def solve_run(run_id: int) -> str:
    """Execute a recorded solve run (see ``services.solve_run_execute``)."""
    from callboard.scheduling import services

    close_old_connections()
    try:
        run = services.solve_run_execute(run_id=run_id)
        return run.status
    finally:
        close_old_connections()
