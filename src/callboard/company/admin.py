"""Django admin for the company app: a back office for superusers.

The admin writes rows directly; the pages and the API go through the services and their
rules. Person.save keeps the search key in step whichever way a name is written.
"""

from django.contrib import admin

from callboard.company.models import (
    Company,
    Dancer,
    LabourProfile,
    Person,
    Site,
    SiteTravel,
    Staff,
    Studio,
    TrainingEntry,
)


@admin.register(LabourProfile)
class LabourProfileAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "preset",
        "max_minutes_per_day",
        "max_minutes_per_week",
        "longest_call_minutes",
        "free_days_per_week",
    ]
    list_filter = ["preset", "class_counts_as_work"]
    search_fields = ["name", "notes"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "city", "time_zone", "labour_profile"]
    list_select_related = ["labour_profile"]


class DancerInline(admin.StackedInline):
    model = Dancer
    extra = 0
    max_num = 1


class StaffInline(admin.TabularInline):
    model = Staff
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_name",
        "native_family_name",
        "native_given_name",
        "kind",
        "organisation",
        "contact_role",
        "email",
        "user",
    ]
    list_filter = ["kind", "nationality"]
    search_fields = [
        "given_name",
        "family_name",
        "native_given_name",
        "native_family_name",
        "search_names",
        "email",
        "organisation",
    ]
    list_select_related = ["user"]
    raw_id_fields = ["user", "related_to"]
    readonly_fields = ["search_name", "search_names"]
    inlines = [DancerInline, StaffInline]


class TrainingInline(admin.TabularInline):
    model = TrainingEntry
    extra = 0


@admin.register(Dancer)
class DancerAdmin(admin.ModelAdmin):
    list_display = ["person", "rank", "status", "joined_on", "engagement_start", "engagement_end"]
    list_filter = ["rank", "status"]
    search_fields = [
        "person__given_name",
        "person__family_name",
        "person__search_name",
        "person__email",
    ]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    inlines = [TrainingInline]


@admin.register(TrainingEntry)
class TrainingEntryAdmin(admin.ModelAdmin):
    list_display = ["dancer", "institution", "discipline", "place", "start_year", "end_year"]
    list_filter = ["discipline"]
    search_fields = [
        "institution",
        "place",
        "dancer__person__family_name",
        "dancer__person__search_name",
    ]
    list_select_related = ["dancer__person"]
    raw_id_fields = ["dancer"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "title", "since"]
    list_filter = ["kind"]
    search_fields = ["person__given_name", "person__family_name", "person__search_name", "title"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]


class TravelInline(admin.TabularInline):
    model = SiteTravel
    fk_name = "origin"
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "address"]
    search_fields = ["name", "address"]
    inlines = [TravelInline]


@admin.register(SiteTravel)
class SiteTravelAdmin(admin.ModelAdmin):
    list_display = ["origin", "destination", "minutes"]
    list_filter = ["origin"]
    list_select_related = ["origin", "destination"]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "capacity", "length_m", "width_m", "has_piano", "active"]
    list_filter = ["site", "has_piano", "active"]
    search_fields = ["name", "floor", "notes"]
    list_select_related = ["site"]
