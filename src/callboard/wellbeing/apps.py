from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "callboard.wellbeing"
    label = "wellbeing"
    verbose_name = _("Workload and injuries")

    def ready(self) -> None:
        from callboard.company.selectors import set_medical_status_reader
        from callboard.core import personal_data
        from callboard.wellbeing import signals  # noqa: F401  (connects the planning cache resets)
        from callboard.wellbeing.personal_data import PART
        from callboard.wellbeing.planning import medical_status_on

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
        # "Injured" on the roster follows the medical record (only its planning word).
        set_medical_status_reader(medical_status_on)
