from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to recognise it"))
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class OutboundEmail(models.Model):
    """One e-mail to one address, in the outbox until a worker has handed it to the mail server.

    Written in the same transaction as whatever it tells of (a rolled-back change sends
    nothing); sent by a worker after the commit, tried again with growing pauses when the
    mail server fails, given up after ``CALLBOARD_EMAIL_MAX_ATTEMPTS`` or at once when the
    server refuses the address for good. See ``core/outbox.py``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    kind = models.CharField(
        max_length=50, help_text=_("What it is, e.g. scheduling.notice or boxoffice.ticket")
    )
    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="outbound_email_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.status})"


class OutboundEmailAttachment(models.Model):
    """A file sent with an outbox e-mail (a ticket's PDF, a calendar file)."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class PendingJob(models.Model):
    """A background job that could not be handed to the broker (Redis away): sent again by the
    ``callboard.core.jobs_redispatch`` chore once the broker is back. See ``core/jobs.py``."""

    fn_path = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    # The id its caller noted for it (``jobs.enqueue(job_id=...)``), sent as the task's id.
    job_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.fn_path}({self.kwargs})"


class WorkerHeartbeat(models.Model):
    """The last time a background worker ran the heartbeat chore (``/health/`` reads it).

    The chore is sent by beat through the broker, so a fresh beat proves the whole path a job
    takes: beat, broker, worker and database."""

    hostname = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.beat_at:%H:%M:%S}"


class PushSubscription(models.Model):
    """One browser's permission to be sent push notifications for a user (Web Push).

    The browser gives the endpoint (its push service's address for this subscription) and
    the keys the messages are encrypted with; only that browser can read them. Made and
    removed by the user themself (``core/push.py``); removed by Callboard when the push
    service answers that the subscription has gone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200, help_text=_("The browser's public key"))
    auth = models.CharField(max_length=100, help_text=_("The browser's authentication secret"))
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:60]}"
