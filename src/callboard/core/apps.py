from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "callboard.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from callboard.core import checks, logs, twofactor

        checks.register()
        user_logged_in.connect(twofactor.note_on_sign_in, dispatch_uid="callboard-two-factor")
        logs.connect_celery_signals()
