"""Celery tasks of the scheduling app (run in a worker when ``CALLBOARD_JOBS=celery``).

Celery's Django fix-up closes stale database connections around every task.
"""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from callboard.core import jobs
from callboard.scheduling import services


@shared_task(name="callboard.scheduling.solve_run", acks_late=True)
def solve_run(run_id: int) -> str:
    """Execute a recorded solve run (see ``services.solve_run_execute``)."""

    try:
        return services.solve_run_execute(run_id=run_id).status
    except ObjectDoesNotExist:
        return jobs.gone("callboard.scheduling.solve_run", run_id=run_id)


@shared_task(name="callboard.scheduling.reap_lost_runs")
def reap_lost_runs() -> list[int]:
    """Chore: mark failed the solve runs whose worker is gone (``services.solve_runs_reap``)."""
    from callboard.scheduling import services

    return services.solve_runs_reap(now=timezone.now())


@shared_task(name="callboard.scheduling.availability_reminders")
def availability_reminders() -> int:
    """Chore: remind those who have not answered an availability period, once per period,
    ``CALLBOARD_AVAILABILITY_REMIND_HOURS`` before its deadline
    (``services.availability_reminders_due``); how many e-mails."""
    from callboard.scheduling import services

    return services.availability_reminders_due(now=timezone.now())
