"""``{% audit_trail record %}``: the "History" of a record on its page.

Renders ``audit/_trail.html`` with the entries the signed-in user may read (one query).
``kinds="hold,comp"`` narrows it to some kinds of record.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from callboard.audit.selectors import trail_for

register = template.Library()


@register.inclusion_tag("audit/_trail.html", takes_context=True)
def audit_trail(
    context: template.Context, obj: models.Model | None, kinds: str = "", title: str = ""
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    entries = []
    if obj is not None and getattr(obj, "pk", None) is not None and user is not None:
        wanted = [k.strip() for k in kinds.split(",") if k.strip()] or None
        entries = trail_for(user, obj, kinds=wanted)
    return {"trail": entries, "trail_title": title, "cb_can": context.get("cb_can") or {}}
