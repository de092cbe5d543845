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


@shared_task(name="callboard.boxoffice.waiting_list_offers")
def waiting_list_offers() -> dict[str, int]:
    """Chore: offer seats that came back to the first in line of each sold-out performance,
    and pass on offers that ran out (``services.waitlist_offers``)."""
    from callboard.boxoffice import services

    return services.waitlist_offers(now=timezone.now())
