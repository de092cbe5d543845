"""Writes and rules of the season, along their seams:

- :mod:`.calendar`: venues, seasons and tours;
- :mod:`.programmes`: programmes and the works on them;
- :mod:`.performances`: performances booked, changed and cancelled.

Every function is atomic: when it raises a :class:`DomainError`, nothing was written.
Each checks ``Cap.EDIT_SEASON`` for ``by`` and writes its history entry in its transaction;
updates take ``changes``, the fields that change.

Every name is importable from ``callboard.season.services``."""

from __future__ import annotations

from callboard.season.services.calendar import (
    season_create,
    season_update,
    tour_create,
    tour_update,
    venue_create,
    venue_stage_open,
    venue_stage_set,
    venue_update,
)
from callboard.season.services.common import (
    MAX_INTERVAL_MINUTES,
    PERFORMANCE_FIELDS,
    PROGRAMME_FIELDS,
    SEASON_FIELDS,
    TOUR_FIELDS,
    VENUE_FIELDS,
)
from callboard.season.services.performances import (
    PerformanceData,
    performance_cancel,
    performance_create,
    performance_stage_times_set,
    performance_update,
)
from callboard.season.services.programmes import (
    ProgrammeItem,
    programme_create,
    programme_update,
)

__all__ = [
    "MAX_INTERVAL_MINUTES",
    "PERFORMANCE_FIELDS",
    "PROGRAMME_FIELDS",
    "SEASON_FIELDS",
    "TOUR_FIELDS",
    "VENUE_FIELDS",
    "PerformanceData",
    "ProgrammeItem",
    "performance_cancel",
    "performance_create",
    "performance_stage_times_set",
    "performance_update",
    "programme_create",
    "programme_update",
    "season_create",
    "season_update",
    "tour_create",
    "tour_update",
    "venue_create",
    "venue_stage_open",
    "venue_stage_set",
    "venue_update",
]
