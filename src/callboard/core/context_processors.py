from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from callboard.core.roles import ROLE_LABELS, Cap, can, user_roles


def callboard(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = user_roles(user)
    return {
        "cb_roles": sorted(str(ROLE_LABELS[r]) for r in roles),
        "cb_can": {cap.value: can(user, cap) for cap in Cap},
    }
