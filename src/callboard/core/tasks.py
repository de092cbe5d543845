"""Celery tasks of core: e-mail delivery and the chores every installation needs.

The chores (``CELERY_BEAT_SCHEDULE`` in settings.py lists them all, with their intervals) run
on a worker when beat sends them; ``callboard chores`` runs them once, in the foreground, for
installations without beat (a cron job) and to see what they do.
"""

from __future__ import annotations

import logging
import re
import socket
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from callboard.core import jobs, outbox
from callboard.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)

BACKUP_NAME = re.compile(r"^callboard-\d{8}-\d{6}\.cbk$")


@shared_task(name="callboard.core.email_send", acks_late=True)
def email_send(email_id: int) -> str:
    """Send one e-mail of the outbox (queued by ``outbox.email_queue`` after its commit)."""
    email = outbox.email_send(email_id=email_id, now=timezone.now())
    return "nothing to do" if email is None else email.status


@shared_task(name="callboard.core.emails_send_due")
def emails_send_due() -> dict[str, int]:
    """Chore: send the e-mails whose next try is due (retries with growing pauses)."""
    return outbox.emails_send_due(now=timezone.now())


@shared_task(name="callboard.core.jobs_redispatch")
def jobs_redispatch() -> dict[str, int]:
    """Chore: send the jobs that were asked for while the broker was away."""
    return jobs.jobs_redispatch()


@shared_task(name="callboard.core.heartbeat", bind=True, ignore_result=True)
def heartbeat(self: Any) -> str:
    """Chore: note that a worker took a job from beat just now (``/health/`` reads it)."""
    hostname = str(getattr(self.request, "hostname", None) or socket.gethostname())[:200]
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"beat_at": timezone.now()}
    )
    return hostname


@shared_task(name="callboard.core.backup", acks_late=True)
def backup() -> str:
    """Chore: a backup into ``CALLBOARD_BACKUP_DIR``, keeping the newest
    ``CALLBOARD_BACKUP_KEEP`` (``callboard backup`` does the writing; see docs/deploy.md)."""
    directory = str(getattr(settings, "CALLBOARD_BACKUP_DIR", "") or "")
    if not directory:
        return "off: CALLBOARD_BACKUP_DIR is not set"
    folder = Path(directory)
    path = folder / f"callboard-{timezone.now():%Y%m%d-%H%M%S}.cbk"
    call_command("backup", str(path))
    keep = max(1, int(getattr(settings, "CALLBOARD_BACKUP_KEEP", 14)))
    ours = sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name))
    for old in ours[:-keep]:
        old.unlink()
        log.info("old backup %s removed (keeping the newest %s)", old, keep)
    log.info("backup written to %s", path)
    return str(path)
