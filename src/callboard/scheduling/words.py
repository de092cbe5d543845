"""A schedule's costs in a ballet master's words: hours, calls and people, not points.

The engine minimises one number made of weighted goals (docs/solver.md, "Goals"); each goal
also has an amount in its own unit (minutes, calls, people: ``score.Score.amount``). These
helpers say the amount, which is what a person can weigh: "dancers wait 12 h 15 min in all
between calls", "1 call request of 75 min could not be placed: …".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callboard.core.i18n import reader_text
from callboard.scheduling.adapters import stored_engine_words


def duration(minutes: int) -> str:
    """``735`` -> "12 h 15 min"; ``45`` -> "45 min"; ``120`` -> "2 h"."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s h") % {"h": hours}
    return _("%(m)s min") % {"m": rest}


def goal_words(goal: str, amount: int) -> str:
    """One goal's amount as a sentence ("" for a goal that costs nothing)."""
    if not amount:
        return ""
    n = int(amount)
    if goal == "unplaced":
        return _("%(d)s of requested rehearsal could not be placed") % {"d": duration(n)}
    if goal == "waiting":
        return _("people wait %(d)s in all between their calls") % {"d": duration(n)}
    if goal == "late_finish":
        return _("%(d)s of people's time is called late in the evening") % {"d": duration(n)}
    if goal == "long_day":
        return _("working days run %(d)s in all beyond the usual length") % {"d": duration(n)}
    if goal == "preference":
        return _("%(d)s of calls fall outside the preferred times") % {"d": duration(n)}
    if goal == "balance":
        return _("the busiest days add up to %(d)s") % {"d": duration(n)}
    if goal == "spike":
        return _("%(d)s of load above people's weekly comfortable amount") % {"d": duration(n)}
    if goal == "moved_call":
        return ngettext(
            "%(n)s published call moves or is dropped",
            "%(n)s published calls move or are dropped",
            n,
        ) % {"n": n}
    if goal == "touched_person":
        return ngettext(
            "%(n)s person's published calls change", "%(n)s people's published calls change", n
        ) % {"n": n}
    return f"{goal}: {n}"


def unplaced_words(item: Mapping[str, Any]) -> str:
    """ "1 call of 75 min could not be placed: <reason>" for one left-out request."""
    return _("%(what)s (%(d)s) could not be placed: %(why)s") % {
        "what": reader_text(str(item.get("label") or "")),
        "d": duration(int(item.get("minutes") or 0)),
        "why": stored_engine_words(item.get("why"), str(item.get("reason") or "")),
    }


def costs_in_words(
    amounts: Mapping[str, int], unplaced: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """Every goal that costs something, in words; a left-out request by name, with why."""
    lines = [unplaced_words(u) for u in unplaced]
    for goal, amount in amounts.items():
        if goal == "unplaced" and unplaced:
            continue  # said request by request above
        words = goal_words(goal, amount)
        if words:
            lines.append(words[0].upper() + words[1:])
    return lines
