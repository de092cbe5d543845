"""History entries in the admin: read only (entries are append-only).

Medical entries are left out: administering the installation gives no right to read a
dancer's medical history (see callboard.wellbeing.access).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from callboard.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "kind", "action", "summary")
    list_filter = ("kind",)
    search_fields = ("summary", "actor_name")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return super().get_queryset(request).filter(sensitivity=AuditEntry.Sensitivity.GENERAL)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
