from django.apps import AppConfig


def _company_zone_name() -> str | None:
    from callboard.company.models import Company

    return Company.objects.values_list("time_zone", flat=True).first()


class CompanyConfig(AppConfig):
    name = "callboard.company"
    label = "company"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.models.signals import post_save

        from callboard.company.models import Company
        from callboard.core import zones

        # The company's time zone is kept in its record: core reads it through this reader,
        # and reads it afresh when a request starts or the company is saved.
        zones.set_company_zone_reader(_company_zone_name)
        request_started.connect(zones.forget_company_zone, dispatch_uid="company_zone_request")
        post_save.connect(
            zones.forget_company_zone, sender=Company, dispatch_uid="company_zone_save"
        )
