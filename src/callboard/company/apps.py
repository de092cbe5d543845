from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "callboard.company"
    label = "company"
    default_auto_field = "django.db.models.BigAutoField"
