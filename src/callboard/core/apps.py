from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "callboard.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callboard.core import checks, logs

        checks.register()
        logs.connect_celery_signals()
