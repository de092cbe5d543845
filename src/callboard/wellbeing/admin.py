"""Wellbeing in the admin: ratings of exertion only, read only (dancers rate on their pages).

Injuries and return-to-dance stages are deliberately *not* registered: medical records are
private to the dancer and the medical staff, and administering the installation gives no
right to read them (see access.py). They are managed on the wellbeing pages and API.
"""

from django.contrib import admin

from callboard.core.admin_readonly import ReadOnlyAdmin
from callboard.wellbeing.models import ExertionRating


@admin.register(ExertionRating)
class ExertionRatingAdmin(ReadOnlyAdmin):
    list_display = ("dancer", "day", "session", "rpe")
    list_filter = ("session",)
    list_select_related = ("dancer__person",)
    raw_id_fields = ("dancer", "recorded_by")
