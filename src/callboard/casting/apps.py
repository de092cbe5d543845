from django.apps import AppConfig


class CastingConfig(AppConfig):
    name = "callboard.casting"
    label = "casting"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Casting"

    def ready(self) -> None:
        from callboard.casting import signals  # noqa: F401  (connects the receivers)
