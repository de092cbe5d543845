"""The rehearsal schedule in the admin: read only. Plans, calls and versions change through
the callboard's pages, the API and the services (which keep the labour rules and write the
history), never here."""

from django.contrib import admin

from callboard.core.admin_readonly import ReadOnlyAdmin
from callboard.scheduling import models


@admin.register(models.SchedulePeriod)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "first_day", "last_day", "created_at")


@admin.register(models.CallRequest)
class CallRequestAdmin(ReadOnlyAdmin):
    list_display = ("label", "period", "kind", "minutes", "priority", "source")
    list_filter = ("kind", "source")
    search_fields = ("label",)
    raw_id_fields = ("period", "need", "work", "section")
    filter_horizontal = ("people", "studios")


@admin.register(models.FixedEvent)
class FixedEventAdmin(ReadOnlyAdmin):
    list_display = ("label", "kind", "starts_at", "ends_at", "studio", "everyone")
    filter_horizontal = ("people",)


@admin.register(models.StudioClosure)
class StudioClosureAdmin(ReadOnlyAdmin):
    list_display = ("studio", "starts_at", "ends_at", "reason")


@admin.register(models.Unavailability)
class UnavailabilityAdmin(ReadOnlyAdmin):
    list_display = ("person", "starts_at", "ends_at")
    raw_id_fields = ("person",)


@admin.register(models.Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "number", "published_from", "published_to", "firm_through")
    list_filter = ("status",)


@admin.register(models.SolveRun)
class SolveRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "period", "status", "mode", "objective", "bound", "created_at")
    list_filter = ("status", "mode")
    readonly_fields = ("inputs", "result", "log")


@admin.register(models.Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("person", "subject", "kind", "late", "created_at", "read_at")
    list_filter = ("kind", "late")
    raw_id_fields = ("person", "schedule", "old_call", "new_call")


@admin.register(models.CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "scope", "created_at", "revoked_at", "last_used_at")
    exclude = ("token",)
