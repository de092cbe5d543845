from django.apps import AppConfig


class RepertoireConfig(AppConfig):
    name = "callboard.repertoire"
    label = "repertoire"
    default_auto_field = "django.db.models.BigAutoField"
