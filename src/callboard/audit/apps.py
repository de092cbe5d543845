from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "callboard.audit"
    label = "audit"
    verbose_name = _("History of changes")
