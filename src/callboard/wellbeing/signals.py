"""Start a new planning snapshot whenever injuries may have changed (see planning.py)."""

from __future__ import annotations

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save

from callboard.wellbeing.models import Injury, ReturnStage
from callboard.wellbeing.planning import invalidate_snapshot

request_started.connect(invalidate_snapshot, dispatch_uid="wellbeing_snapshot_request")
for _model in (Injury, ReturnStage):
    post_save.connect(invalidate_snapshot, sender=_model, dispatch_uid=f"wellbeing_save_{_model}")
    post_delete.connect(
        invalidate_snapshot, sender=_model, dispatch_uid=f"wellbeing_delete_{_model}"
    )
