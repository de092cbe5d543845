import re

import pytest
from django.core import mail
from django.core.cache import cache

from callboard.core.models import OutboundEmail
from callboard.core.roles import Role
from callboard.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_five_failures_lock_the_name_even_for_the_right_password(client, make_user, settings):
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 5
    make_user(Role.DANCER, username="anya")
    for _ in range(5):
        assert _sign_in(client, "anya", "wrong").status_code == 200
    locked = _sign_in(client, "anya", PASSWORD)
    assert locked.status_code == 200
    assert "locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_clears_the_count(client, make_user, settings):
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 3
    make_user(Role.DANCER, username="boris")
    _sign_in(client, "boris", "wrong")
    _sign_in(client, "boris", "wrong")
    assert _sign_in(client, "boris", PASSWORD).status_code == 302
    client.logout()
    _sign_in(client, "boris", "wrong")
    _sign_in(client, "boris", "wrong")
    assert _sign_in(client, "boris", PASSWORD).status_code == 302


def test_password_reset_by_email_sets_a_new_password_once(
    client, make_user, settings, django_capture_on_commit_callbacks
):
    settings.CALLBOARD_SITE_URL = "https://callboard.example-ballet.org"
    user = make_user(Role.DANCER, username="clara", email="clara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": "clara@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # The link is absolute, on the site's own address (not the host the request named).
    link = re.search(
        r"https://callboard\.example-ballet\.org(/password-reset/\S+/)", mail.outbox[0].body
    ).group(1)
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Swan-lake-1877", "new_password2": "Swan-lake-1877"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Swan-lake-1877")
    again = client.get(link, follow=True)
    assert "no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
