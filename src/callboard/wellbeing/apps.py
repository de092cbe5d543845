from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "callboard.wellbeing"
    label = "wellbeing"
    verbose_name = _("Workload and injuries")

    def ready(self) -> None:
        from callboard.wellbeing import signals  # noqa: F401  (connects the planning cache resets)
