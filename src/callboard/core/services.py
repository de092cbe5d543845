from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.models import ApiToken, token_digest


@transaction.atomic
def api_token_create(*, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the record and the raw token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name, for example the tool that will use it."))
    raw = "cb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], digest=token_digest(raw), prefix=raw[:8], created_at=now
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, now: datetime) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token among yours."))
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str, now: datetime) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
