"""The box office in the admin: read only. Seat maps, holds and orders change through the box
office's pages, the API and the services (one lock protocol, the history), never here."""

from django.contrib import admin

from callboard.boxoffice import models
from callboard.core.admin_readonly import ReadOnlyAdmin


@admin.register(models.SeatMap)
class SeatMapAdmin(ReadOnlyAdmin):
    list_display = ["venue", "name", "updated_at"]


@admin.register(models.Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "performance",
        "kind",
        "status",
        "buyer_name",
        "total",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "buyer_name", "buyer_email"]
    readonly_fields = [f.name for f in models.Order._meta.fields]


@admin.register(models.Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["performance", "kind", "owner_label", "reason", "release_at", "released_at"]
    list_filter = ["kind"]
