"""Signing in: the password, then (where it is on) the second factor; repeated failures
lock one user name *from one client address* for a while.

The lockout is django-axes's, counted in the database (so every process and machine sees the
same count) by user name and client address together: a stranger elsewhere typing wrong
passwords for the artistic director's name locks out only themselves. The address is read
through ``CALLBOARD_TRUSTED_PROXIES`` (:mod:`callboard.core.clientaddr`). After
``CALLBOARD_LOGIN_MAX_FAILURES`` failures the pair is locked for ``CALLBOARD_LOGIN_LOCK_SECONDS``,
whatever the password; a successful sign-in clears the count. The form says so itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.backends import AxesStandaloneBackend
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core import links, outbox, twofactor


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """Failures before a lock (axes reads it through ``AXES_FAILURE_LIMIT``)."""
    return int(settings.CALLBOARD_LOGIN_MAX_FAILURES)


def lock_time(request: HttpRequest | None = None) -> dt.timedelta:
    """How long a lock lasts (axes reads it through ``AXES_COOLOFF_TIME``)."""
    return dt.timedelta(seconds=int(settings.CALLBOARD_LOGIN_LOCK_SECONDS))


def locked_message() -> str:
    minutes = max(1, int(settings.CALLBOARD_LOGIN_LOCK_SECONDS) // 60)
    return _(
        "Too many failed attempts for this user name from this address: signing in is locked "
        "for %(minutes)d minutes. Wait, or reset your password by e-mail."
    ) % {"minutes": minutes}


class LockoutBackend(AxesStandaloneBackend):
    """django-axes's lockout check, first of the authentication backends. A check without a
    request (``manage.py`` code, a test client's ``login``) has no address to count by and
    nobody remote behind it: it is let through to the password check."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(locked_message(), code="locked") from None
            raise


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm

    def get_success_url(self) -> str:
        then = super().get_success_url()
        return twofactor.next_step_url(self.request, then) or then


class OutboxPasswordResetForm(PasswordResetForm):
    """The password-reset e-mail goes through the outbox (sent by a worker, retried), and its
    link starts with ``CALLBOARD_SITE_URL``, not with whatever host the request named."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "site_url": links.site_url()}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        outbox.email_queue(
            to=to_email,
            subject=subject,
            body=render_to_string(email_template_name, context),
            html=render_to_string(html_email_template_name, context)
            if html_email_template_name
            else "",
            kind="account.password_reset",
            from_email=from_email,
            now=timezone.now(),
        )
