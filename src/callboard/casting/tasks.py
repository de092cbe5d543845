"""Celery tasks of the casting app (run in a worker when ``CALLBOARD_JOBS=celery``; the
embedded default runs the same function in a thread of the web process)."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from callboard.casting import services
from callboard.core import jobs


@shared_task(name="callboard.casting.suggestion_work_out", acks_late=True)
def suggestion_work_out(proposal_id: int) -> str:
    """Work out a requested casting suggestion (see ``services.suggestion_work_out``)."""

    try:
        return services.suggestion_work_out(proposal_id=proposal_id, now=timezone.now()).status
    except ObjectDoesNotExist:
        return jobs.gone("callboard.casting.suggestion_work_out", proposal_id=proposal_id)


@shared_task(name="callboard.casting.reap_lost_suggestions")
def reap_lost_suggestions() -> list[int]:
    """Chore: mark failed the suggestions whose worker is gone or that no worker took
    (``services.suggestion_refresh`` on each one still being worked out)."""
    from callboard.casting.models import CastingProposal

    now = timezone.now()
    failed = []
    working = CastingProposal.Status.WORKING
    for proposal in CastingProposal.objects.filter(status=working):
        if services.suggestion_refresh(proposal=proposal, now=now).status != working:
            failed.append(proposal.pk)
    return failed
