from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "callboard.scheduling"
    label = "scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callboard.core import personal_data
        from callboard.scheduling.bookings import call_bookings, stage_calls
        from callboard.scheduling.personal_data import PART
        from callboard.season.clashes import register_booking_source, register_stage_use

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
        # The season's clash finder sees everyone in a published rehearsal call.
        register_booking_source("scheduling", call_bookings)
        # Saving a longer get-in or get-out names the calls already on the stage then.
        register_stage_use("scheduling", stage_calls)
