"""When a performance is marked as performed, its casting joins the dancers' histories."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from callboard.casting.models import DancedRecord
from callboard.casting.services import performance_record_danced
from callboard.season.models import Performance


@receiver(post_save, sender=Performance, dispatch_uid="casting_record_danced")
def record_danced_when_performed(
    sender: type[Performance], instance: Performance, **kwargs: Any
) -> None:
    if kwargs.get("raw") or instance.status != Performance.Status.PERFORMED:
        return

    if not DancedRecord.objects.filter(performance_id=instance.pk).exists():
        performance_record_danced(performance=instance, now=timezone.now())
