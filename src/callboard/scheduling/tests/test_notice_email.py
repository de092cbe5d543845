"""Schedule-change notices by e-mail: sent by a worker through the outbox, with an absolute
link, retried while the mail server is down; "my calls" shows whether each went out."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core import outbox
from callboard.core.models import OutboundEmail
from callboard.core.testing.smtp import Mailbox, free_port, text_of
from callboard.scheduling import services
from callboard.scheduling.models import Notice
from callboard.scheduling.tests.conftest import solve


@pytest.fixture
def mail_server_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.CALLBOARD_SITE_URL = "https://callboard.example-ballet.org"
    return port


def test_a_notice_is_e_mailed_with_an_absolute_link_and_my_calls_says_so(
    world, now, client, mail_server_port, django_capture_on_commit_callbacks
):
    solve(world, now)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.schedule_publish(period=world.period, by=world.master, now=now)
    # The first version tells everyone of their calls, one e-mail each.
    called = {cp.person_id for c in first.version.calls.all() for cp in c.called.all()}
    assert first.notices >= len(called) >= 4
    assert OutboundEmail.objects.filter(kind="scheduling.notice").count() == len(called)
    welcome = OutboundEmail.objects.get(to=world.klara.email)
    assert "are published" in welcome.subject or "is published" in welcome.subject
    assert "Pas de deux" in welcome.body and "tentative" in welcome.body
    services.call_request_create(
        period=world.period,
        values={"label": "Extra coaching", "minutes": 60, "priority": 1},
        people=[world.klara],
        by=world.master,
        now=now,
    )
    solve(world, now, mode="replan")
    # The mail server is down when the schedule is published: nothing is lost.
    with django_capture_on_commit_callbacks(execute=True):
        result = services.schedule_publish(period=world.period, by=world.master, now=now)
    assert result.notices >= 1
    notice = Notice.objects.filter(person=world.klara).select_related("email").first()
    assert notice is not None and notice.email is not None and notice.email != welcome
    assert notice.email.status == OutboundEmail.Status.PENDING and notice.email.attempts == 1
    client.force_login(world.klara_user)
    page = client.get("/schedule/me/").content.decode()
    assert "E-mail on its way" in page and "tried 1 time" in page
    # The server is back: the retry chore sends it.
    with Mailbox(port=mail_server_port) as box:
        outbox.emails_send_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))
        message = box.wait_for(
            lambda m: m["To"] == world.klara.email and m["Subject"] == notice.email.subject,
            timeout=10,
        )
    assert notice.subject in text_of(message)
    assert "https://callboard.example-ballet.org/schedule/me/" in text_of(message)
    page = client.get("/schedule/me/").content.decode()
    assert "E-mailed" in page
