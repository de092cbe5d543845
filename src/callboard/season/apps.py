from django.apps import AppConfig


class SeasonConfig(AppConfig):
    name = "callboard.season"
    label = "season"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callboard.company.selectors import DANCER_PAGE
        from callboard.repertoire.selectors import WORK_PAGE
        from callboard.season.selectors import dancer_upcoming, work_performances

        DANCER_PAGE.register("season", dancer_upcoming)
        WORK_PAGE.register("season", work_performances)
