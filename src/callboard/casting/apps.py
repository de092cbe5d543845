from django.apps import AppConfig


class CastingConfig(AppConfig):
    name = "callboard.casting"
    label = "casting"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Casting"

    def ready(self) -> None:
        from callboard.casting.personal_data import PART
        from callboard.core import personal_data

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
        from callboard.casting import signals  # noqa: F401  (connects the receivers)
        from callboard.casting.bookings import cast_bookings
        from callboard.season.clashes import register_booking_source

        # The season's clash finder sees the dancers of the first casts.
        register_booking_source("casting", cast_bookings)
