from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    """The workload part of wellbeing: derived from published calls, so above scheduling.
    Its records (ratings of exertion) are wellbeing's models; its pages share wellbeing's
    URL namespace and templates."""

    name = "callboard.workload"
    label = "workload"
    verbose_name = "Workload"

    def ready(self) -> None:
        from callboard.core import personal_data
        from callboard.workload.personal_data import PART

        # What this app holds about a person, for their data on request.
        personal_data.register(PART)
