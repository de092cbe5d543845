from django.apps import AppConfig


class BoxofficeConfig(AppConfig):
    name = "callboard.boxoffice"
    label = "boxoffice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callboard.boxoffice.personal_data import PART
        from callboard.core import personal_data

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
