"""Reading the history in tests: the entries written, oldest first."""

from __future__ import annotations

from typing import Any

from callboard.audit.models import AuditEntry


def entries(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))
