from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "callboard.reception"
    label = "reception"
    verbose_name = _("Press and reception")

    def ready(self) -> None:
        from callboard.core import personal_data
        from callboard.reception.personal_data import PART

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
