from typing import Any

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from callboard.audit.services import record_signin

    record_signin(user=user, username=user.get_username(), succeeded=True, at=timezone.now())


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    from callboard.audit.services import record_signin

    username = str((credentials or {}).get("username") or "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_signin(user=user, username=username, succeeded=False, at=timezone.now())


def _two_factor_changed(
    sender: Any, user: Any = None, action: str = "", at: Any = None, **kwargs: Any
) -> None:
    from callboard.audit.services import record_two_factor

    record_two_factor(user=user, turned_on=action == "on", at=at or timezone.now())


class AuditConfig(AppConfig):
    name = "callboard.audit"
    label = "audit"
    verbose_name = _("History of changes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        # Sign-ins and failed sign-ins go into the history (pages, the admin, the API's
        # session sign-in: whatever calls django.contrib.auth's login or authenticate).
        user_logged_in.connect(_signed_in, dispatch_uid="audit_signed_in")
        user_login_failed.connect(_sign_in_failed, dispatch_uid="audit_sign_in_failed")

        from callboard.core.twofactor import two_factor_changed

        two_factor_changed.connect(_two_factor_changed, dispatch_uid="audit_two_factor")
