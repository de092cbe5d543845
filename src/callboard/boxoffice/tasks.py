"""Celery tasks of the box office: its chores (sent by beat, see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="callboard.boxoffice.sweep")
def sweep() -> dict[str, int]:
    """Chore: end lapsed carts and seat holds, release holds past their time
    (``services.sweep_expired``; availability never waits for it)."""
    from callboard.boxoffice import services

    return services.sweep_expired(now=timezone.now())


# The waiting list's chore goes here when the waiting list exists:
# @shared_task(name="callboard.boxoffice.waiting_list_offers") offering freed seats to the
# next in line, and its entry "waiting-list-offers" in settings.CELERY_BEAT_SCHEDULE.
