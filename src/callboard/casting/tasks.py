"""Celery tasks of the casting app (run in a worker when ``CALLBOARD_JOBS=celery``; the
embedded default runs the same function in a thread of the web process)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from callboard.casting import services


@shared_task(name="callboard.casting.suggestion_work_out", acks_late=True)
def suggestion_work_out(proposal_id: int) -> str:
    """Work out a requested casting suggestion (see ``services.suggestion_work_out``)."""

    return services.suggestion_work_out(proposal_id=proposal_id, now=timezone.now()).status
