"""Admin for the season's records. Day-to-day changes go through the season pages, whose
services keep the rules (overlaps, season and tour dates); the admin is for repairs."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from callboard.season.models import Performance, Programme, ProgrammeWork, Season, Tour, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "time_zone", "capacity", "orchestra_pit"]
    list_filter = ["country", "orchestra_pit"]
    search_fields = ["name", "city"]


class TourInline(admin.TabularInline):
    model = Tour
    extra = 0


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name"]
    inlines = [TourInline]


@admin.register(Tour)
class TourAdmin(admin.ModelAdmin):
    list_display = ["name", "season", "starts_on", "ends_on"]
    list_filter = ["season"]
    search_fields = ["name"]


class ProgrammeWorkInline(admin.TabularInline):
    model = ProgrammeWork
    extra = 1
    raw_id_fields = ["work"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "season", "running_minutes"]
    list_filter = ["season"]
    search_fields = ["title"]
    inlines = [ProgrammeWorkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).prefetch_related("items__work")


@admin.register(ProgrammeWork)
class ProgrammeWorkAdmin(admin.ModelAdmin):
    list_display = ["programme", "work", "order", "interval_after_minutes"]
    list_select_related = ["programme", "work"]
    list_filter = ["programme__season"]


@admin.register(Performance)
class PerformanceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "venue", "status", "music", "conductor"]
    list_filter = ["status", "music", "venue", "programme__season", "tour"]
    list_select_related = ["programme", "venue", "conductor"]
    search_fields = ["title", "programme__title", "venue__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["conductor"]
