from django.apps import AppConfig


def _company_zone_name() -> str | None:
    from callboard.company.locale import company_locale

    return company_locale().time_zone


class CompanyConfig(AppConfig):
    name = "callboard.company"
    label = "company"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from callboard.company import collation, locale
        from callboard.company.models import Company
        from callboard.core import zones
        from callboard.core.i18n import set_company_defaults

        # The company's zone, language and currency are kept in its record and read together
        # (company.locale, one query): core reads the zone through this reader, and both read
        # afresh when a request starts or the company is saved.
        zones.set_company_zone_reader(_company_zone_name)
        set_company_defaults(locale.company_defaults)
        for forget, at_request, uid in (
            (zones.forget_company_zone, zones.forget_company_zone, "company_zone"),
            (
                locale.forget_company_locale,
                locale.forget_company_locale_at_request,
                "company_locale",
            ),
        ):
            request_started.connect(at_request, dispatch_uid=f"{uid}_request")
            post_save.connect(forget, sender=Company, dispatch_uid=f"{uid}_save")
        user_logged_in.connect(locale.on_sign_in, dispatch_uid="company_locale_sign_in")
        connection_created.connect(collation.add_sqlite_collations, dispatch_uid="collations")
