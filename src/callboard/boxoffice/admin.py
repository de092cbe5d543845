from django.contrib import admin

from callboard.boxoffice import models


@admin.register(models.SeatMap)
class SeatMapAdmin(admin.ModelAdmin):
    list_display = ["venue", "name", "updated_at"]


@admin.register(models.Order)
class OrderAdmin(admin.ModelAdmin):
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
class HoldAdmin(admin.ModelAdmin):
    list_display = ["performance", "kind", "owner_label", "reason", "release_at", "released_at"]
    list_filter = ["kind"]
