"""Reads of casting, along their seams:

- :mod:`.context`: what the casting rules read (loaded once, a fixed number of queries),
  announcements and notice deadlines;
- :mod:`.board`: the casting board and the candidates for a place;
- :mod:`.pages`: who may see drafts, a performance's and a dancer's casting, suggestions,
  rehearsal needs, the change log, the index, and look-ups by id or name.

Every name is importable from ``callboard.casting.selectors``."""

from __future__ import annotations

from callboard.casting.selectors.board import (
    Block,
    Board,
    Candidate,
    Cell,
    Column,
    Row,
    board_cell,
    cast_candidates,
    casting_board,
    dancers_matching,
    production_performances,
    programme_works,
)
from callboard.casting.selectors.context import (
    Deadline,
    announced_level,
    casting_context,
    deadlines,
    is_published,
    notice_rules,
    production_roles,
)
from callboard.casting.selectors.pages import (
    ProgrammeSummary,
    can_see_drafts,
    casting_changes,
    casting_index,
    dancer_by_name,
    dancer_casting,
    get_dancer,
    get_performance,
    get_programme,
    get_role,
    notifications_for,
    performance_casting,
    programme_sheet,
    proposal_detail,
    published_filter,
    rehearsal_needs,
    work_performance_history,
)

__all__ = [
    "Block",
    "Board",
    "Candidate",
    "Cell",
    "Column",
    "Deadline",
    "ProgrammeSummary",
    "Row",
    "announced_level",
    "board_cell",
    "can_see_drafts",
    "cast_candidates",
    "casting_board",
    "casting_changes",
    "casting_context",
    "casting_index",
    "dancer_by_name",
    "dancer_casting",
    "dancers_matching",
    "deadlines",
    "get_dancer",
    "get_performance",
    "get_programme",
    "get_role",
    "is_published",
    "notice_rules",
    "notifications_for",
    "performance_casting",
    "production_performances",
    "production_roles",
    "programme_sheet",
    "programme_works",
    "proposal_detail",
    "published_filter",
    "rehearsal_needs",
    "work_performance_history",
]
