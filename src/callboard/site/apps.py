from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "callboard.site"
    label = "site"
    verbose_name = "Callboard"

    def ready(self) -> None:
        # Make Callboard's Celery app the current one in every process (core.jobs sends
        # background work through it when CALLBOARD_JOBS=celery).
        import callboard.celery  # noqa: F401
