"""Two-factor sign-in in tests: give a user an authenticator app, read the code it shows, and
mark a test client's session as past the second step (what entering the code does)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from callboard.core import twofactor


def give_app(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator app (made now if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=twofactor.APP_DEVICE_NAME, confirmed=True
        )
    return device


def code_now(device: TOTPDevice) -> str:
    """A code the app shows now that the device has not taken yet (a code is taken once:
    after a sign-in in this 30-second step, the next step's code, within the drift allowed)."""
    device.refresh_from_db()
    step = int(time.time()) // device.step
    if device.last_t is not None and device.last_t >= step:
        step = device.last_t + 1
    at = dt.datetime.fromtimestamp(step * device.step, tz=dt.UTC)
    return twofactor.code_for(twofactor.secret_of(device), at=at)


def verify_session(client: Client, user: Any) -> None:
    """Mark ``client``'s signed-in session as past the second factor (required roles only, or
    whoever has turned it on): tests of other pages sign in with ``force_login``."""
    if not (twofactor.required_for(user) or twofactor.is_on(user)):
        return
    device = give_app(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
