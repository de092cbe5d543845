"""Writes of casting, along their seams:

- :mod:`.assignment`: casting a dancer in a place, removing them, copying a cast to other
  performances, and recording the roles danced after a performance;
- :mod:`.announcements`: announcing casting (and the notices it sends);
- :mod:`.needs`: what casting asks of the rehearsal room (coaching, run-throughs, stage
  and dress rehearsals);
- :mod:`.suggestions`: casting suggested by the solver, reviewed, accepted or discarded.

Every name is importable from ``callboard.casting.services``."""

from __future__ import annotations

from callboard.casting.services.announcements import (
    AnnounceResult,
    casting_announce,
    casting_announce_due,
    notification_mark_read,
)
from callboard.casting.services.assignment import (
    CastResult,
    CopyResult,
    cast_assign,
    cast_copy,
    cast_remove,
    performance_record_danced,
)
from callboard.casting.services.common import (
    KINDS,
    log,
    notify,
)
from callboard.casting.services.needs import (
    NEED_FIELDS,
    NeedSpec,
    SyncResult,
    coaching_minutes,
    compute_rehearsal_needs,
    rehearsal_need_create,
    rehearsal_need_delete,
    rehearsal_need_update,
    rehearsal_needs_refresh,
    rehearsal_needs_sync,
)
from callboard.casting.services.suggestions import (
    SUGGESTION_GRACE_SECONDS,
    SUGGESTION_QUEUE_SECONDS,
    suggestion_accept,
    suggestion_create,
    suggestion_discard,
    suggestion_refresh,
    suggestion_request,
    suggestion_work_out,
)

__all__ = [
    "KINDS",
    "NEED_FIELDS",
    "SUGGESTION_GRACE_SECONDS",
    "SUGGESTION_QUEUE_SECONDS",
    "AnnounceResult",
    "CastResult",
    "CopyResult",
    "NeedSpec",
    "SyncResult",
    "cast_assign",
    "cast_copy",
    "cast_remove",
    "casting_announce",
    "casting_announce_due",
    "coaching_minutes",
    "compute_rehearsal_needs",
    "log",
    "notification_mark_read",
    "notify",
    "performance_record_danced",
    "rehearsal_need_create",
    "rehearsal_need_delete",
    "rehearsal_need_update",
    "rehearsal_needs_refresh",
    "rehearsal_needs_sync",
    "suggestion_accept",
    "suggestion_create",
    "suggestion_discard",
    "suggestion_refresh",
    "suggestion_request",
    "suggestion_work_out",
]
