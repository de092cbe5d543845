"""Writes and rules of the repertoire, along their seams:

- :mod:`.works`: works, their sections and roles, and who knows which role;
- :mod:`.commissions`: commissions and their milestones.

Every function is atomic and either does the whole change or raises a
:class:`~callboard.core.errors.DomainError` and changes nothing. Each checks ``by``'s
permission (``EDIT_REPERTOIRE``, or ``EDIT_COMMISSIONS`` for commissions) and writes its
history entry in its transaction. Updates take a ``changes`` mapping of field name to new
value (only the fields to change), so a form and an API ``PATCH`` share one code path.

Every name is importable from ``callboard.repertoire.services``."""

from __future__ import annotations

from callboard.repertoire.services.commissions import (
    commission_advance,
    commission_create,
    commission_update,
    milestone_complete,
    milestone_create,
    milestone_delete,
    milestone_reopen,
)
from callboard.repertoire.services.common import (
    COMMISSION_FIELDS,
    MAX_DANCERS_PER_ROLE,
    MAX_DURATION_MINUTES,
    MAX_ORDER,
    OPEN_COMMISSION,
    ROLE_FIELDS,
    SECTION_FIELDS,
    WORK_FIELDS,
    WORK_STATUS_FOR_COMMISSION,
)
from callboard.repertoire.services.works import (
    dancer_role_remove,
    dancer_role_set,
    role_create,
    role_delete,
    role_update,
    section_create,
    section_delete,
    section_move,
    section_update,
    work_create,
    work_update,
)

__all__ = [
    "COMMISSION_FIELDS",
    "MAX_DANCERS_PER_ROLE",
    "MAX_DURATION_MINUTES",
    "MAX_ORDER",
    "OPEN_COMMISSION",
    "ROLE_FIELDS",
    "SECTION_FIELDS",
    "WORK_FIELDS",
    "WORK_STATUS_FOR_COMMISSION",
    "commission_advance",
    "commission_create",
    "commission_update",
    "dancer_role_remove",
    "dancer_role_set",
    "milestone_complete",
    "milestone_create",
    "milestone_delete",
    "milestone_reopen",
    "role_create",
    "role_delete",
    "role_update",
    "section_create",
    "section_delete",
    "section_move",
    "section_update",
    "work_create",
    "work_update",
]
