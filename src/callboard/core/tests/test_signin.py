import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from callboard.core.models import OutboundEmail
from callboard.core.roles import Role
from callboard.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, username, password, address="198.51.100.20", **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_five_failures_lock_the_name_even_for_the_right_password(client, make_user, settings):
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 5
    make_user(Role.DANCER, username="anya")
    for _ in range(5):
        assert _sign_in(client, "anya", "wrong").status_code == 200
    locked = _sign_in(client, "anya", PASSWORD)
    assert locked.status_code == 200
    assert "locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_stranger_elsewhere_cannot_lock_the_director_out(make_user, settings):
    """Five wrong passwords for the director's name from a stranger's address lock that
    address only: the director, signing in from her own, gets in."""
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 5
    make_user(Role.ARTISTIC_DIRECTOR, username="director")
    stranger, director = Client(), Client()
    for _ in range(5):
        _sign_in(stranger, "director", "guess", address="203.0.113.66")
    assert (
        "locked"
        in _sign_in(stranger, "director", PASSWORD, address="203.0.113.66").content.decode()
    )
    signed_in = _sign_in(director, "director", PASSWORD, address="198.51.100.7")
    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith("/account/two-factor/")  # her next step: the app
    # A fresh browser from the stranger's address is still locked: the count is in the
    # database, not in a session.
    again = _sign_in(Client(), "director", PASSWORD, address="203.0.113.66")
    assert "locked" in again.content.decode()


def test_behind_a_trusted_proxy_the_lock_is_per_forwarded_address(make_user, settings):
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 3
    settings.CALLBOARD_TRUSTED_PROXIES = 1
    make_user(Role.DANCER, username="vera")
    proxy = "10.0.0.2"  # every request arrives from nginx
    for _ in range(3):
        _sign_in(Client(), "vera", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = _sign_in(
        Client(), "vera", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert "locked" in locked.content.decode()
    # The stranger cannot escape by writing a header of their own in front of nginx's.
    spoofed = _sign_in(
        Client(), "vera", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.66"
    )
    assert "locked" in spoofed.content.decode()
    vera = _sign_in(Client(), "vera", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert vera.status_code == 302


_OTHER_PROCESS = """
import django, sys
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    Client().post("/login/", {"username": "director", "password": "guess"},
                  REMOTE_ADDR="203.0.113.66")
"""


@pytest.mark.django_db(transaction=True)
def test_the_lock_holds_across_processes(make_user, settings):
    """Failures counted by another process (another web worker) lock this one's sign-in."""
    from django.db import connection

    from conftest import require_postgres

    require_postgres()
    settings.CALLBOARD_LOGIN_MAX_FAILURES = 5
    make_user(Role.ARTISTIC_DIRECTOR, username="director")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "callboard.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CALLBOARD_LOGIN_MAX_FAILURES": "5",
    }
    subprocess.run([sys.executable, "-c", _OTHER_PROCESS, "5"], env=env, check=True, timeout=120)
    locked = _sign_in(Client(), "director", PASSWORD, address="203.0.113.66")
    assert "locked" in locked.content.decode()
    assert _sign_in(Client(), "director", PASSWORD, address="198.51.100.7").status_code == 302


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
