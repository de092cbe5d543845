"""Reception in the admin: read only. Reports, reviews and audience answers change through
reception's pages, the API and the services, never here."""

from django.contrib import admin

from callboard.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from callboard.reception.models import (
    ActTiming,
    Feedback,
    FeedbackSurvey,
    PerformanceReport,
    Review,
)


class ActTimingInline(ReadOnlyInline):
    model = ActTiming
    extra = 0


@admin.register(PerformanceReport)
class PerformanceReportAdmin(ReadOnlyAdmin):
    list_display = ("performance", "curtain_calls", "standing_ovation", "attendance_typed")
    list_select_related = ("performance__venue", "performance__programme")
    inlines = [ActTimingInline]
    raw_id_fields = ("performance", "updated_by")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("outlet", "critic", "performance", "published_on", "rating")
    list_select_related = ("critic", "performance__venue", "performance__programme")
    search_fields = ("outlet", "quote", "headline", "critic__family_name")
    raw_id_fields = ("performance", "critic", "created_by")
    filter_horizontal = ("works",)


@admin.register(FeedbackSurvey)
class FeedbackSurveyAdmin(ReadOnlyAdmin):
    list_display = ("performance", "created_at")
    list_select_related = ("performance__venue", "performance__programme")
    raw_id_fields = ("performance",)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("performance", "rating", "status", "submitted_at")
    list_filter = ("status", "rating")
    list_select_related = ("performance__venue", "performance__programme")
    raw_id_fields = ("performance", "moderated_by")
