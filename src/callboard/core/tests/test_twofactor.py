"""Two-factor sign-in: required for the roles that see medical or money data, optional for the
rest; an authenticator app's code or a recovery code after the password; API tokens unaffected."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from callboard.core import services, twofactor
from callboard.core.roles import Role
from callboard.core.testing.factories import PASSWORD
from callboard.core.testing.twofactor import code_now, give_app

pytestmark = pytest.mark.django_db


def _password(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def _set_up_app(client) -> tuple[TOTPDevice, list[str]]:
    """Walk the set-up page as a person does: read the secret, type the app's code."""
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    code = twofactor.code_for(secret, at=timezone.now())
    done = client.post("/account/two-factor/", {"code": code})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-z]+)</code></li>", done.content.decode())
    device = TOTPDevice.objects.get(confirmed=True)
    return device, codes


@pytest.mark.parametrize(
    "role", [Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER, Role.BOX_OFFICE, Role.PHYSIOTHERAPIST]
)
def test_a_required_role_is_sent_to_set_up_the_app_before_anything_else(make_user, role):
    make_user(role, username="someone")
    client = Client()
    signed = _password(client, "someone")
    assert signed.status_code == 302
    assert signed["Location"].startswith("/account/two-factor/")
    for url in ("/", "/people/", "/account/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-factor/?next="), url
    # The API treats the half-signed-in session as not signed in.
    assert client.get("/api/v1/account/me").status_code == 401


def test_setting_up_the_app_shows_ten_recovery_codes_once_and_opens_the_company(make_user):
    director = make_user(Role.ARTISTIC_DIRECTOR, username="director")
    client = Client()
    _password(client, "director")
    client.get("/account/two-factor/")
    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 422
    assert "does not match" in wrong.content.decode()
    device, codes = _set_up_app(client)
    assert device.user == director
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    # Shown once: the page now only says it is on.
    again = client.get("/account/two-factor/").content.decode()
    assert codes[0] not in again and "stays on" in again


def test_signing_in_asks_for_the_apps_code_after_the_password(make_user):
    director = make_user(Role.ARTISTIC_DIRECTOR, username="director")
    device = give_app(director)
    client = Client()
    signed = _password(client, "director")
    assert signed["Location"].startswith("/login/verify/")
    assert client.get("/people/")["Location"].startswith("/login/verify/?next=/people/")
    wrong = client.post("/login/verify/", {"code": "123456", "next": "/people/"})
    assert wrong.status_code == 422
    assert "does not match" in wrong.content.decode()
    # A wrong code makes the next one wait (1 s, then 2, 4, ...): guessing is slow.
    hurried = client.post("/login/verify/", {"code": code_now(device), "next": "/people/"})
    assert hurried.status_code == 422
    assert "Too many wrong codes: wait" in hurried.content.decode()
    time.sleep(1.2)
    right = client.post("/login/verify/", {"code": code_now(device), "next": "/people/"})
    assert right.status_code == 302 and right["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_recovery_code_opens_the_account_once(make_user):
    make_user(Role.PHYSIOTHERAPIST, username="physio")
    setup = Client()
    _password(setup, "physio")
    _device, codes = _set_up_app(setup)
    first = Client()
    _password(first, "physio")
    assert first.post("/login/verify/", {"code": codes[3]}).status_code == 302
    assert first.get("/").status_code == 200
    second = Client()
    _password(second, "physio")
    assert second.post("/login/verify/", {"code": codes[3]}).status_code == 422
    assert StaticToken.objects.count() == 9


def test_a_code_is_taken_once(make_user):
    user = make_user(Role.BOX_OFFICE, username="desk")
    device = give_app(user)
    code = code_now(device)
    one, two = Client(), Client()
    _password(one, "desk")
    _password(two, "desk")
    assert one.post("/login/verify/", {"code": code}).status_code == 302
    assert two.post("/login/verify/", {"code": code}).status_code == 422


def test_other_roles_sign_in_with_the_password_and_may_turn_it_on_and_off(make_user):
    dancer = make_user(Role.DANCER, username="klara")
    client = Client()
    assert _password(client, "klara")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "Turn two-factor sign-in on" not in client.get("/account/").content.decode()
    device, _codes = _set_up_app(client)
    # Now she is asked for a code too.
    later = Client()
    assert _password(later, "klara")["Location"].startswith("/login/verify/")
    # Off needs a current code.
    refused = client.post("/account/two-factor/off/", {"code": "000000"}, follow=True)
    assert "does not match" in refused.content.decode()
    assert twofactor.is_on(dancer)
    client.post("/account/two-factor/off/", {"code": code_now(device)})
    assert not twofactor.is_on(dancer)
    assert _password(Client(), "klara")["Location"] == "/"


def test_a_required_role_cannot_turn_it_off(make_user):
    manager = make_user(Role.COMPANY_MANAGER, username="manager")
    device = give_app(manager)
    client = Client()
    client.force_login(manager)
    refused = client.post("/account/two-factor/off/", {"code": code_now(device)}, follow=True)
    assert "stays on" in refused.content.decode()
    assert twofactor.is_on(manager)


def test_api_tokens_need_no_second_factor(client, make_user):
    director = make_user(Role.ARTISTIC_DIRECTOR)
    give_app(director)
    _token, raw = services.api_token_create(user=director, name="script", now=timezone.now())
    ok = client.get("/api/v1/account/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200


def test_the_totp_command_prints_the_code_the_app_shows(make_user):
    device = give_app(make_user(Role.ARTISTIC_DIRECTOR))
    out = io.StringIO()
    call_command("totp", twofactor.secret_of(device), stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert device.verify_token(code)  # django-otp itself takes it


def test_the_totp_command_refuses_a_secret_that_is_not_base32():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="A–Z and 2–7"):
        call_command("totp", "not-a-secret!")
