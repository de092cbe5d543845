"""Private calendar-feed addresses: made, revoked and read by their token."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.core.errors import NotFound, PermissionDenied, ValidationFailed
from callboard.core.roles import Cap, can, require
from callboard.scheduling.models import (
    CalendarFeedToken,
)


@transaction.atomic
def feed_token_create(*, user: Any, scope: str, now: dt.datetime) -> CalendarFeedToken:
    """A new private feed address (any older one of the same kind stops working)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if scope not in CalendarFeedToken.Scope.values:
        raise ValidationFailed(_("Choose your own calls or the whole company."), field="scope")
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if scope == CalendarFeedToken.Scope.COMPANY:
        require(user, Cap.VIEW_ALL_CALLS)
    elif person is None:
        raise ValidationFailed(
            _("Your sign-in is not linked to a person of the company: ask the company manager.")
        )
    CalendarFeedToken.objects.filter(user=user, scope=scope, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return CalendarFeedToken.objects.create(
        user=user,
        person=person,
        scope=scope,
        token=secrets.token_urlsafe(32),
        created_at=now,
    )


@transaction.atomic
def feed_token_revoke(*, user: Any, scope: str, now: dt.datetime) -> int:
    return CalendarFeedToken.objects.filter(user=user, scope=scope, revoked_at__isnull=True).update(
        revoked_at=now
    )


def feed_token_use(*, token: str, now: dt.datetime) -> CalendarFeedToken:
    found = (
        CalendarFeedToken.objects.select_related("user", "person")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        raise NotFound(_("This calendar address is not valid (any more): make a new one."))
    if found.scope == CalendarFeedToken.Scope.COMPANY and not can(found.user, Cap.VIEW_ALL_CALLS):
        raise NotFound(_("This calendar address is not valid (any more): make a new one."))
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=10):
        CalendarFeedToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found
