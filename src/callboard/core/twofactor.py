"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238)
or one of ten single-use recovery codes (django-otp's ``otp_totp`` and ``otp_static``).

- Required for the roles that see medical or money data (:data:`REQUIRED_ROLES`) and for
  superusers: until such a person has set up an app they are sent to set one up, before
  anything else.
- Optional for everyone else: whoever has turned it on is asked for a code at every sign-in,
  and may turn it off again.
- API tokens are not affected: a script sends its token and nothing else. A browser session
  that still owes its second code counts as not signed in for the API.

A person's changes here (turned on, turned off) are announced with :data:`two_factor_changed`,
which the history (``audit``) records.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from callboard.core.errors import Conflict, PermissionDenied, ValidationFailed
from callboard.core.middleware import UNAVAILABLE, unavailable_response
from callboard.core.roles import Role, UserLike, has_role

log = logging.getLogger(__name__)

REQUIRED_ROLES = frozenset(
    {Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER, Role.BOX_OFFICE, Role.PHYSIOTHERAPIST}
)
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# sender: the user; kwargs: action ("on" or "off"), at.
two_factor_changed = Signal()


def required_for(user: UserLike) -> bool:
    """Whether ``user`` must sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *REQUIRED_ROLES)


def is_on(user: UserLike) -> bool:
    """Whether ``user`` has a confirmed authenticator app."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user_has_device(user, confirmed=True)


def verified(request: HttpRequest) -> bool:
    user = request.user
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(check and check())


def owes_code(request: HttpRequest) -> bool:
    """The session has the password but still owes the second factor."""
    user = request.user
    return bool(user.is_authenticated and is_on(user) and not verified(request))


def owes_setup(request: HttpRequest) -> bool:
    """The person must set up an authenticator app before anything else."""
    user = request.user
    return bool(user.is_authenticated and required_for(user) and not is_on(user))


def secret_of(device: TOTPDevice) -> str:
    """The shared secret as an authenticator app takes it (base32, no padding)."""
    return base64.b32encode(bytes(device.bin_key)).decode().rstrip("=")


def code_for(secret: str, *, at: dt.datetime) -> str:
    """The six-digit code of a base32 ``secret`` at the moment ``at`` (what the app shows)."""
    cleaned = secret.replace(" ", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        raise ValidationFailed(
            _("This is not a secret an authenticator app takes: use the letters A–Z and 2–7.")
        ) from None
    clock = TOTP(key, step=30, t0=0, digits=6)
    clock.time = int(at.timestamp())
    return f"{clock.token():06d}"


def qr_svg(uri: str) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code (no image request, nothing inline run)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(uri, image_factory=SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    text = out.getvalue().decode()
    return text[text.index("<svg") :]


def pending_device(*, user: Any) -> TOTPDevice:
    """The app being set up: an unconfirmed device with a fresh secret (kept until confirmed,
    so reloading the page shows the same QR code)."""
    if is_on(user):
        raise Conflict(_("Two-factor sign-in is already on for your account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _clean_code(token: str) -> str:
    code = "".join(str(token or "").split()).lower()
    if not code:
        raise ValidationFailed(_("Enter the code your authenticator app shows."))
    if len(code) > 16:
        raise ValidationFailed(
            _("That is not a code: enter the six digits the app shows, or a recovery code.")
        )
    return code


def turn_on(*, user: Any, token: str, now: dt.datetime) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app being set up with a code it shows; returns the app and ten new recovery
    codes (shown once: only they can open the account without the app)."""
    code = _clean_code(token)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise Conflict(_("Start again: open the two-factor page to get a new QR code."))
        if not device.verify_token(code):
            raise ValidationFailed(
                _(
                    "That code does not match. Check the time on your phone is right, then "
                    "enter the code the app shows now."
                )
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
        two_factor_changed.send(sender=type(user), user=user, action="on", at=now)
    return device, codes


def turn_off(*, user: Any, token: str, now: dt.datetime) -> None:
    """Turn two-factor sign-in off, proved with a current code; refused for the roles that
    must keep it."""
    if required_for(user):
        raise PermissionDenied(
            _(
                "Your role sees medical or money data, so two-factor sign-in stays on. If you "
                "lost your phone, sign in with a recovery code and set up the app again."
            )
        )
    code = _clean_code(token)
    with transaction.atomic():
        if match_token(user, code) is None:
            raise ValidationFailed(
                _("That code does not match: enter the code your app shows now.")
            )
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        two_factor_changed.send(sender=type(user), user=user, action="off", at=now)


def reset(*, user: Any, now: dt.datetime) -> None:
    """Remove every device of ``user`` (a lost phone with the recovery codes gone; an erased
    person). The next sign-in asks a required role to set the app up again."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        two_factor_changed.send(sender=type(user), user=user, action="off", at=now)


def check_code(request: HttpRequest, token: str) -> bool:
    """The second step of signing in: a code from the app (six digits) or an unused recovery
    code marks the session verified. Wrong codes slow down further tries of the same kind
    (django-otp doubles the wait at each), so a wrong app code does not hold up a recovery
    code, nor the other way round."""
    from django_otp import login as otp_login

    code = _clean_code(token)
    kind: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    )
    devices = list(kind.objects.filter(user=request.user, confirmed=True))
    wait = _throttled_seconds(devices)
    if wait:
        raise ValidationFailed(
            ngettext(
                "Too many wrong codes: wait %(n)d second, then enter the code the app shows then.",
                "Too many wrong codes: wait %(n)d seconds, then enter the code the app shows then.",
                wait,
            )
            % {"n": wait}
        )
    for device in devices:
        if device.verify_token(code):
            otp_login(request, device)
            return True
    return False


def _throttled_seconds(devices: list[Any]) -> int:
    """How long wrong codes keep these devices refusing codes; 0 when they do not."""
    now = dt.datetime.now(tz=dt.UTC)
    waits = [0]
    for device in devices:
        allowed, info = device.verify_is_allowed()
        until = (info or {}).get("locked_until")
        if not allowed and until is not None:
            waits.append(max(1, int((until - now).total_seconds()) + 1))
    return max(waits)


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def next_step_url(request: HttpRequest, then: str) -> str | None:
    """Where a just-signed-in person goes before ``then``: the code, or setting up the app."""
    if owes_code(request):
        return f"{reverse('two_factor_verify')}?next={quote(then)}"
    if owes_setup(request):
        return f"{reverse('two_factor')}?next={quote(then)}"
    return None


# Pages an unfinished sign-in may still open: the steps themselves, signing out, the password
# reset, health checks and static files.
_OPEN_PREFIXES = (
    "/login/",
    "/logout/",
    "/password-reset/",
    "/account/two-factor/",
    "/health/",
    "/i18n/",
)


# In the session of someone whose role does not need a second factor and who has not turned it
# on: saves asking the database on each request (set on the first, dropped when they turn it on;
# a sign-in starts a new session, which asks afresh).
NO_APP_SESSION_KEY = "callboard_no_second_factor"


def _owed(request: HttpRequest) -> tuple[bool, bool]:
    """For a session not verified: (owes the code, owes setting up the app). A verified
    session owes nothing and costs no query beyond django-otp's read of its device."""
    user = request.user
    if required_for(user):
        on = is_on(user)
        return on, not on
    if request.session.get(NO_APP_SESSION_KEY):
        return False, False
    on = is_on(user)
    if not on:
        request.session[NO_APP_SESSION_KEY] = True
    return on, False


class TwoFactorMiddleware:
    """Sends a session that owes its second code to the code page, and a required role
    without an app to set one up, before any other page. The API treats such a session as
    not signed in (a token still works). Placed after django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        static = str(settings.STATIC_URL or "/static/")
        if (
            not path.startswith(_OPEN_PREFIXES)
            and not path.startswith(static)
            and request.user.is_authenticated
        ):
            owes = setup = False
            if not verified(request):
                owes, setup = _owed(request)
            if owes or setup:
                if path.startswith("/api/"):
                    request.user = AnonymousUser()
                else:
                    target = reverse("two_factor_verify" if owes else "two_factor")
                    then = request.get_full_path() if request.method == "GET" else "/"
                    response = HttpResponseRedirect(f"{target}?next={quote(then)}")
                    if request.headers.get("HX-Request"):
                        response["HX-Redirect"] = response["Location"]
                    return response
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            redirect = self._redirect(request)
        except UNAVAILABLE:
            # The session or the devices could not be read: the database's 503, as a view's.
            log.exception("database unavailable during %s %s", request.method, request.path)
            return unavailable_response(request)
        return redirect if redirect is not None else self.get_response(request)


def note_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in (``user_logged_in``), note in the new session whether its person owes no
    second factor, so no page of the session asks the database again (every page then costs
    the same queries, the first one too)."""
    if request is None or not hasattr(request, "session"):
        return
    if not required_for(user) and not is_on(user):
        request.session[NO_APP_SESSION_KEY] = True
