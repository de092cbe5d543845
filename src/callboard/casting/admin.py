"""Casting in the admin: read only. Casting changes through the casting board, the API and
the services (which keep the casting rules and write the history), never here."""

from django.contrib import admin

from callboard.casting import models
from callboard.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline


@admin.register(models.CastAssignment)
class CastAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("performance", "role", "slot", "kind", "rank", "dancer", "assigned_at")
    list_filter = ("kind",)
    raw_id_fields = ("performance", "role", "dancer", "assigned_by")
    search_fields = ("dancer__person__search_name", "role__name")


@admin.register(models.CastingAnnouncement)
class CastingAnnouncementAdmin(ReadOnlyAdmin):
    list_display = ("performance", "tier", "announced_at", "announced_by")
    raw_id_fields = ("performance", "announced_by")


@admin.register(models.CastingChange)
class CastingChangeAdmin(ReadOnlyAdmin):
    list_display = ("performance", "role", "old_dancer", "new_dancer", "changed_at", "late")
    list_filter = ("late",)
    raw_id_fields = ("performance", "role", "old_dancer", "new_dancer", "changed_by")


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("person", "subject", "created_at", "read_at", "email")
    raw_id_fields = ("person", "change")


class ProposalItemInline(ReadOnlyInline):
    model = models.ProposalItem
    raw_id_fields = ("performance", "role", "dancer")
    extra = 0


@admin.register(models.CastingProposal)
class CastingProposalAdmin(ReadOnlyAdmin):
    list_display = ("pk", "programme", "status", "solver_status", "created_at")
    list_filter = ("status",)
    inlines = [ProposalItemInline]
    raw_id_fields = ("programme", "work", "created_by", "decided_by")
    filter_horizontal = ("performances",)


@admin.register(models.RehearsalNeed)
class RehearsalNeedAdmin(ReadOnlyAdmin):
    list_display = (
        "label",
        "kind",
        "source",
        "minutes",
        "earliest",
        "latest",
        "priority",
        "dismissed",
    )
    list_filter = ("kind", "source", "dismissed")
    raw_id_fields = ("programme", "work", "section", "role", "venue", "performance", "people")


@admin.register(models.DancedRecord)
class DancedRecordAdmin(ReadOnlyAdmin):
    list_display = ("performance", "recorded_at")
    raw_id_fields = ("performance",)
