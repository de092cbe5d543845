"""Signing in: repeated failures lock a user name (from any address) for a while.

Failures are counted in the cache per user name; after ``CALLBOARD_LOGIN_MAX_FAILURES``
within ``CALLBOARD_LOGIN_LOCK_SECONDS`` the name is locked for that long, whatever the
password. A successful sign-in clears the count.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core import links, outbox
from callboard.core.text import search_key


def _key(username: str) -> str:
    return f"callboard:signin-failures:{search_key(username)[:150]}"


def failures(username: str) -> int:
    return int(cache.get(_key(username), 0))


def record_failure(username: str) -> None:
    key = _key(username)
    timeout = settings.CALLBOARD_LOGIN_LOCK_SECONDS
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout)


def clear_failures(username: str) -> None:
    cache.delete(_key(username))


def locked(username: str) -> bool:
    return failures(username) >= settings.CALLBOARD_LOGIN_MAX_FAILURES


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and locked(username):
            minutes = max(1, settings.CALLBOARD_LOGIN_LOCK_SECONDS // 60)
            raise forms.ValidationError(
                _(
                    "Too many failed attempts for this user name: signing in is locked for "
                    "%(minutes)d minutes. Wait, or reset your password by e-mail."
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_failure(username)
            raise
        clear_failures(username)
        return cleaned


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm


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
