"""Writes of the rehearsal schedule, along their seams:

- :mod:`.inputs`: a plan's days, its call requests (imported from casting or by hand), fixed
  events, studio closures and people's unavailability;
- :mod:`.drafts`: the draft schedule, checked, and edited by hand (move, add, remove, lock);
- :mod:`.runs`: solve runs, started, stopped and reaped; :mod:`.runner` executes one (the
  background job);
- :mod:`.publishing`: numbered versions, notices to the people a change touches;
- :mod:`.feeds`: private calendar-feed addresses.

Every name is importable from ``callboard.scheduling.services``."""

from __future__ import annotations

from callboard.scheduling.services.availability import (
    availability_nothing_to_declare,
    availability_period_open,
    availability_remind,
    availability_reminders_due,
    conflict_decide,
    conflict_submit,
    conflict_withdraw,
)
from callboard.scheduling.services.common import (
    MAX_PERIOD_DAYS,
    MAX_TIME_LIMIT,
    MAX_WORKERS,
    PROGRESS_SECONDS,
    RUN_LOST_SECONDS,
    Tick,
    draft_of,
    log,
)
from callboard.scheduling.services.drafts import (
    Review,
    call_add,
    call_lock,
    call_move,
    call_remove,
    draft_review,
    review_rows,
)
from callboard.scheduling.services.feeds import (
    feed_token_create,
    feed_token_revoke,
    feed_token_use,
)
from callboard.scheduling.services.inputs import (
    REQUEST_FIELDS,
    ImportResult,
    call_request_create,
    call_request_delete,
    call_request_update,
    fixed_event_create,
    fixed_event_delete,
    period_open,
    requests_import,
    studio_closure_create,
    studio_closure_delete,
    unavailability_create,
    unavailability_delete,
)
from callboard.scheduling.services.publishing import (
    PublishResult,
    notice_mark_read,
    personal_notice_hours,
    posting_deadline,
    schedule_publish,
    schedule_verify,
)
from callboard.scheduling.services.runner import (
    solve_run_execute,
)
from callboard.scheduling.services.runs import (
    lost_worker_reason,
    run_lost_after,
    solve_run_refresh,
    solve_run_start,
    solve_run_stop,
    solve_runs_reap,
)

__all__ = [
    "MAX_PERIOD_DAYS",
    "MAX_TIME_LIMIT",
    "MAX_WORKERS",
    "PROGRESS_SECONDS",
    "REQUEST_FIELDS",
    "RUN_LOST_SECONDS",
    "ImportResult",
    "PublishResult",
    "Review",
    "Tick",
    "availability_nothing_to_declare",
    "availability_period_open",
    "availability_remind",
    "availability_reminders_due",
    "call_add",
    "call_lock",
    "call_move",
    "call_remove",
    "call_request_create",
    "call_request_delete",
    "call_request_update",
    "conflict_decide",
    "conflict_submit",
    "conflict_withdraw",
    "draft_of",
    "draft_review",
    "feed_token_create",
    "feed_token_revoke",
    "feed_token_use",
    "fixed_event_create",
    "fixed_event_delete",
    "log",
    "lost_worker_reason",
    "notice_mark_read",
    "period_open",
    "personal_notice_hours",
    "posting_deadline",
    "requests_import",
    "review_rows",
    "run_lost_after",
    "schedule_publish",
    "schedule_verify",
    "solve_run_execute",
    "solve_run_refresh",
    "solve_run_start",
    "solve_run_stop",
    "solve_runs_reap",
    "studio_closure_create",
    "studio_closure_delete",
    "unavailability_create",
    "unavailability_delete",
]
