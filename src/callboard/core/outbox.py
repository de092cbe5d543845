"""The outbox: every e-mail Callboard sends goes through here, and is sent by a worker.

Queue an e-mail inside the transaction that makes what it tells of::

    from callboard.core import outbox
    from callboard.core.links import absolute_reverse

    email = outbox.email_queue(
        to=order.buyer_email,
        subject=_("Your tickets for %(show)s") % {"show": performance},
        body=text,                      # plain text; links made with absolute_reverse()
        html=html,                      # optional HTML alternative
        attachments=[outbox.Attachment("tickets.pdf", pdf_bytes, "application/pdf")],
        kind="boxoffice.ticket",        # app.what: shown in the admin, counted in the logs
        now=now,
    )
    order.email = email                 # a ForeignKey(OutboundEmail) shows the person whether
                                        # it went out: {% include "core/_email_status.html" %}

- It is written with the caller's transaction: a change that is rolled back sends nothing.
- After the commit a background job (``callboard.core.email_send``) hands it to the mail
  server; the web request never waits for SMTP.
- A failure (server down, a timeout, a temporary refusal) is recorded on the e-mail
  (``attempts``, ``last_error``) and tried again after 1, 2, 4, … minutes (at most an hour
  apart) by the ``callboard.core.emails_send_due`` chore, up to
  ``CALLBOARD_EMAIL_MAX_ATTEMPTS`` times; an address the server refuses for good (5xx) fails
  at once. Either way the e-mail ends ``sent`` or ``failed``, never lost.
- Delivery is at least once: a worker killed between the server's "250 OK" and the database
  write sends that e-mail again when it is released (after ``CLAIM_TIMEOUT``).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core import jobs
from callboard.core.errors import ValidationFailed
from callboard.core.models import OutboundEmail, OutboundEmailAttachment

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""Default of ``CALLBOARD_EMAIL_MAX_ATTEMPTS``: 1 + 7 retries over about two hours."""
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_PAUSE = dt.timedelta(hours=1)
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
"""An e-mail "being sent" for longer than this lost its worker and is released."""
SEND_JOB = "callboard.core.tasks.email_send"
ADDRESS_ERRORS = ("SMTPRecipientsRefused", "SMTPDataError")
"""Failures about one e-mail (its address, its content), not about the mail server."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


def max_attempts() -> int:
    return max(1, int(getattr(settings, "CALLBOARD_EMAIL_MAX_ATTEMPTS", MAX_ATTEMPTS)))


def pause_after(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4, … minutes, at most 1 h."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_PAUSE)


@transaction.atomic
def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    now: dt.datetime,
    html: str = "",
    attachments: Iterable[Attachment] = (),
    from_email: str | None = None,
) -> OutboundEmail:
    """Put one e-mail in the outbox; a worker sends it once the caller's transaction commits."""
    address = (to or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationFailed(
            _("%(address)s is not an e-mail address: correct it and try again.")
            % {"address": address[:100] or "—"},
            field="email",
        ) from None
    email = OutboundEmail.objects.create(
        kind=kind[:50],
        to=address,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.split())[:200],  # no line breaks in a header
        body=body,
        html=html,
        created_at=now,
        next_attempt_at=now,
    )
    for item in attachments:
        OutboundEmailAttachment.objects.create(
            email=email, filename=item.filename, mimetype=item.mimetype, content=item.content
        )
    pk = email.pk
    transaction.on_commit(lambda: _dispatch(pk))
    return email


def email_queue_if_valid(**kwargs: Any) -> OutboundEmail | None:
    """``email_queue``, or None (with a warning in the log) when ``to`` is not an e-mail
    address: for notices, where a person's bad address must not undo the change told of."""
    try:
        return email_queue(**kwargs)
    except ValidationFailed:
        log.warning(
            "no e-mail for %s: %r is not an e-mail address", kwargs.get("kind"), kwargs.get("to")
        )
        return None


def _dispatch(pk: int) -> None:
    """Hand the e-mail to a worker. If that fails too, the chore picks it up: it is due."""
    try:
        jobs.enqueue(SEND_JOB, email_id=pk)
    except Exception:  # never undo or fail the request that queued it
        log.exception("e-mail %s could not be handed to a worker; the retry chore will send it", pk)


def _permanent(exc: Exception) -> bool:
    """The server refused for good (5xx on the recipient or the message): trying again is
    pointless. A temporary refusal (4xx), a timeout, a refused connection: try again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _claim(pk: int, now: dt.datetime) -> bool:
    return bool(
        OutboundEmail.objects.filter(
            pk=pk, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
        ).update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _message(email: OutboundEmail, connection: object | None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=[email.to],
        connection=connection,
        headers={"X-Callboard-Kind": email.kind, "X-Callboard-Email": str(email.pk)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for item in email.attachments.all():
        message.attach(item.filename, bytes(item.content), item.mimetype)
    return message


def email_send(
    *, email_id: int, now: dt.datetime, connection: object | None = None
) -> OutboundEmail | None:
    """Send one due e-mail (the worker's job). Returns it as it ends up, or None when there
    was nothing to do: already sent or being sent, not due yet, or no longer there."""
    if not _claim(email_id, now):
        email = OutboundEmail.objects.filter(pk=email_id).first()
        if email is None:
            log.error("e-mail %s is no longer in the outbox (deleted?): nothing sent", email_id)
        return None
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        _message(email, connection).send(fail_silently=False)
    except Exception as exc:
        gave_up = _permanent(exc) or email.attempts >= max_attempts()
        email.status = OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING
        email.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        email.next_attempt_at = now + pause_after(email.attempts)
        (log.error if gave_up else log.warning)(
            "e-mail %s (%s) to %s failed on attempt %s%s: %s",
            email.pk,
            email.kind,
            email.to,
            email.attempts,
            ", given up" if gave_up else f", next at {email.next_attempt_at:%H:%M:%S}",
            email.last_error,
        )
    else:
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        log.info("e-mail %s (%s) sent to %s", email.pk, email.kind, email.to)
    email.claimed_at = None
    email.save(update_fields=["status", "last_error", "next_attempt_at", "sent_at", "claimed_at"])
    return email


def emails_retry(*, emails: Iterable[OutboundEmail], now: dt.datetime) -> int:
    """Give failed e-mails a fresh set of tries, the first at once (the admin's "send
    again", once the address or the mail server is fixed); returns how many."""
    pks = [e.pk for e in emails if e.status == OutboundEmail.Status.FAILED]
    count = OutboundEmail.objects.filter(pk__in=pks, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=now, last_error=""
    )
    for pk in pks:
        transaction.on_commit(partial(_dispatch, pk))
    return count


def emails_send_due(*, now: dt.datetime, limit: int = 100) -> dict[str, int]:
    """The retry chore: release e-mails whose worker died while sending, then send what is
    due, oldest first, over one connection. Stops at the first failure that is not about one
    address (the server is down: the rest would only wait for the same timeout)."""
    released = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=OutboundEmail.Status.PENDING, claimed_at=None)
    due = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"released": released, "sent": 0, "failed": 0, "waiting": 0}
    connection = get_connection(fail_silently=False)
    try:
        for pk in due:
            email = email_send(email_id=pk, now=now, connection=connection)
            if email is None:
                continue
            if email.status == OutboundEmail.Status.SENT:
                counts["sent"] += 1
                continue
            counts["failed" if email.status == OutboundEmail.Status.FAILED else "waiting"] += 1
            if not email.last_error.startswith(ADDRESS_ERRORS):
                break
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection that never opened, or a dead server
            log.debug("closing the mail connection failed", exc_info=True)
    return counts
