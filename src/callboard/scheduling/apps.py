from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "callboard.scheduling"
    label = "scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.models.signals import post_save

        from callboard.company.models import Company
        from callboard.scheduling.adapters import forget_company_zone

        request_started.connect(forget_company_zone, dispatch_uid="scheduling_zone_request")
        post_save.connect(forget_company_zone, sender=Company, dispatch_uid="scheduling_zone_save")
