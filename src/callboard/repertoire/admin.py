"""Admin for the repertoire: the fallback for data fixes. Day-to-day edits go through the
pages and the API, whose services keep the rules (commission moves, same-work sections)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from callboard.repertoire.models import Commission, DancerRole, Milestone, Role, Section, Work


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "name", "kind", "parent", "duration_minutes"]
    extra = 0
    ordering = ["order", "pk"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Offer only sections of the work being edited as parents.
        if db_field.name == "parent":
            work_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            kwargs["queryset"] = Section.objects.filter(work_id=work_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleInline(admin.TabularInline):
    model = Role
    fields = ["name", "dancers_needed", "principal", "announceable"]
    extra = 0
    show_change_link = True


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "choreographer",
        "composer",
        "duration_minutes",
        "status",
        "premiere_date",
    ]
    list_filter = ["status", "full_length"]
    search_fields = ["title", "search_title", "composer", "choreography_credit"]
    raw_id_fields = ["choreographer"]  # people are the company app's; no autocomplete assumed
    inlines = [SectionInline, RoleInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "work", "kind", "parent", "order", "duration_minutes"]
    list_filter = ["kind", "work"]
    list_select_related = ["work", "parent"]
    search_fields = ["name", "work__title"]
    autocomplete_fields = ["work", "parent"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "work", "dancers_needed", "principal", "announceable"]
    list_filter = ["principal", "announceable", "work"]
    list_select_related = ["work"]
    search_fields = ["name", "work__title"]
    autocomplete_fields = ["work", "sections"]


@admin.register(DancerRole)
class DancerRoleAdmin(admin.ModelAdmin):
    list_display = ["dancer", "role", "status", "since", "first_danced_on", "times_danced"]
    list_filter = ["status", "role__work"]
    list_select_related = ["dancer__person", "role__work"]
    search_fields = ["dancer__person__search_name", "role__name", "role__work__title"]
    autocomplete_fields = ["role"]
    raw_id_fields = ["dancer"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["title", "due_on", "done_on"]
    extra = 0


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["work", "creator", "commissioned_by", "occasion", "status", "premiere_planned"]
    list_filter = ["status"]
    list_select_related = ["work", "creator", "commissioned_by"]
    search_fields = ["work__title", "occasion"]
    autocomplete_fields = ["work"]
    raw_id_fields = ["creator", "commissioned_by"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "commission", "due_on", "done_on"]
    list_select_related = ["commission__work"]
    search_fields = ["title", "commission__work__title"]
