"""The outbox: e-mails go through a real SMTP server (aiosmtpd), with retries and backoff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from callboard.core import outbox
from callboard.core.errors import ValidationFailed
from callboard.core.links import absolute, absolute_reverse
from callboard.core.models import OutboundEmail
from callboard.core.testing.smtp import Mailbox, free_port, text_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def smtp(settings):
    with Mailbox(refuse=["nobody@example.org"]) as box:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = box.port
        settings.EMAIL_TIMEOUT = 5
        yield box


def queue(to="klara@example.org", **kwargs):
    values = {"subject": "Call changed: Swan Lake Act 2", "body": "Before: 10:00\nNow: 11:00"}
    return outbox.email_queue(to=to, kind="test.notice", now=NOW, **{**values, **kwargs})


def test_a_queued_email_is_sent_after_the_commit_with_its_attachment(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(
            html="<p>Now: 11:00</p>",
            attachments=[outbox.Attachment("call.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        assert smtp.received() == []  # nothing leaves before the commit
    message = smtp.wait_for(lambda m: m["To"] == "klara@example.org", timeout=10)
    assert message["Subject"] == "Call changed: Swan Lake Act 2"
    assert "Now: 11:00" in text_of(message)
    assert message["X-Callboard-Kind"] == "test.notice"
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["call.ics"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    assert email.sent_at is not None and email.last_error == ""


def test_a_rolled_back_change_sends_nothing(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert smtp.received() == []


def test_a_mail_server_that_is_down_is_tried_again_with_growing_pauses(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.CALLBOARD_EMAIL_MAX_ATTEMPTS = 3
    email = queue()
    assert outbox.email_send(email_id=email.pk, now=NOW).status == "pending"
    email.refresh_from_db()
    assert email.attempts == 1 and "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at == NOW + dt.timedelta(minutes=1)
    # Not due yet: the chore leaves it alone.
    assert outbox.emails_send_due(now=NOW + dt.timedelta(seconds=30))["waiting"] == 0
    later = NOW + dt.timedelta(minutes=1)
    assert outbox.emails_send_due(now=later)["waiting"] == 1
    email.refresh_from_db()
    assert email.attempts == 2 and email.next_attempt_at == later + dt.timedelta(minutes=2)
    # The third failure is the last one allowed: given up, with the reason kept.
    assert outbox.emails_send_due(now=later + dt.timedelta(minutes=2))["failed"] == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED and email.attempts == 3
    assert outbox.emails_send_due(now=later + dt.timedelta(hours=5))["failed"] == 0


def test_the_retry_chore_sends_once_the_server_is_back(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    first, second = queue(), queue(to="boris@example.org")
    counts = outbox.emails_send_due(now=NOW)
    # The server is down: the chore stops at the first failure instead of waiting on each.
    assert counts == {"released": 0, "sent": 0, "failed": 0, "waiting": 1}
    with Mailbox(port=port) as box:
        counts = outbox.emails_send_due(now=NOW + dt.timedelta(minutes=5))
        assert counts["sent"] == 2
        assert sorted(m["To"] for m in box.received()) == ["boris@example.org", "klara@example.org"]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert OutboundEmail.objects.get(pk=first.pk).attempts == 2
    assert OutboundEmail.objects.get(pk=second.pk).attempts == 1


def test_an_address_the_server_refuses_for_good_fails_at_once(smtp):
    email = queue(to="nobody@example.org")
    sent = outbox.email_send(email_id=email.pk, now=NOW)
    assert sent.status == OutboundEmail.Status.FAILED and sent.attempts == 1
    assert "SMTPRecipientsRefused" in sent.last_error and "550" in sent.last_error


def test_an_email_is_sent_once_even_when_asked_twice(smtp):
    email = queue()
    assert outbox.email_send(email_id=email.pk, now=NOW).status == "sent"
    assert outbox.email_send(email_id=email.pk, now=NOW) is None
    assert outbox.emails_send_due(now=NOW + dt.timedelta(hours=1))["sent"] == 0
    assert len(smtp.received()) == 1


def test_an_email_whose_worker_died_while_sending_is_released_and_sent(smtp):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=NOW, attempts=1)
    assert outbox.emails_send_due(now=NOW + dt.timedelta(minutes=5))["sent"] == 0  # still busy
    counts = outbox.emails_send_due(now=NOW + dt.timedelta(minutes=11))
    assert counts["released"] == 1 and counts["sent"] == 1
    assert len(smtp.received()) == 1


def test_an_email_deleted_before_its_job_ran_is_logged_not_retried(caplog):
    email = queue()
    pk = email.pk
    email.delete()
    assert outbox.email_send(email_id=pk, now=NOW) is None
    assert f"e-mail {pk} is no longer in the outbox" in caplog.text


def test_a_malformed_address_is_refused_with_a_message():
    with pytest.raises(ValidationFailed, match="not an e-mail address"):
        queue(to="not-an-email")
    assert not OutboundEmail.objects.exists()


def test_a_subject_keeps_to_one_line():
    assert queue(subject="Call\r\nBcc: everyone@example.org").subject == (
        "Call Bcc: everyone@example.org"
    )


def test_pauses_double_up_to_an_hour():
    assert [outbox.pause_after(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]


def test_links_are_absolute_on_the_site_address(settings):
    settings.CALLBOARD_SITE_URL = "https://callboard.example-ballet.org/"
    assert absolute("/schedule/me/") == "https://callboard.example-ballet.org/schedule/me/"
    assert absolute("schedule/me/") == "https://callboard.example-ballet.org/schedule/me/"
    assert absolute("https://elsewhere.example.org/x") == "https://elsewhere.example.org/x"
    assert absolute_reverse("scheduling:me") == "https://callboard.example-ballet.org/schedule/me/"


def test_a_failed_email_can_be_sent_again_once_fixed(smtp, django_capture_on_commit_callbacks):
    email = queue(to="nobody@example.org")
    outbox.email_send(email_id=email.pk, now=NOW)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    smtp.refuse.clear()  # the mailbox exists now
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.emails_retry(emails=[email], now=NOW) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    assert [m["To"] for m in smtp.received()] == ["nobody@example.org"]
