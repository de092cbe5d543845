from django.apps import AppConfig


class RepertoireConfig(AppConfig):
    name = "callboard.repertoire"
    label = "repertoire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callboard.core import personal_data
        from callboard.repertoire.personal_data import PART

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
        from callboard.company.selectors import DANCER_PAGE
        from callboard.repertoire.selectors import dancer_roles

        DANCER_PAGE.register("repertoire", dancer_roles)
