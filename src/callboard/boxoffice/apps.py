from django.apps import AppConfig


class BoxofficeConfig(AppConfig):
    name = "callboard.boxoffice"
    label = "boxoffice"
    default_auto_field = "django.db.models.BigAutoField"
