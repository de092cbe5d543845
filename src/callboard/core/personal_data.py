"""A person's data, on request: every app says what it holds about a person and how to erase it.

The person (``company.Person``) is the company's; what the rest of Callboard holds about them
(casting, calls, workload, injuries, comps and orders, reviews written) lives in apps above
it. Each app registers a :class:`Part` in its ``AppConfig.ready()``; the company's services
(``company.services.personal_data``) gather every part for an export and run every part's
eraser for an erasure, with the permission check and the history entry. A new app with data
about people (the box office's patrons, say) registers a part and is in both at once.

- ``export(person, viewer)`` returns what the app holds as plain JSON (lists, dicts, text,
  numbers), or ``None`` to leave the part out (nothing held, or nothing ``viewer`` may see:
  medical data goes only to those ``wellbeing.access`` lets see it).
- ``erase(person, now)`` blanks the personal fields of the records the company must keep
  (calls, casting history, orders for the accounts) and removes what it need not keep; it
  returns how many records it touched. It runs inside the erasure's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any, Any], Any]
Eraser = Callable[[Any, dt.datetime], int]


@dataclass(frozen=True)
class Part:
    key: str  # the export's key for this part, e.g. "casting"
    export: Exporter
    erase: Eraser | None = None


_PARTS: dict[str, Part] = {}


def register(part: Part) -> None:
    """Add (or, on a second ``ready()``, replace) an app's part."""
    _PARTS[part.key] = part


def parts() -> list[Part]:
    return list(_PARTS.values())


def export_parts(person: Any, viewer: Any) -> dict[str, Any]:
    """Every registered part's data about ``person`` that ``viewer`` may see, by key."""
    out: dict[str, Any] = {}
    for part in _PARTS.values():
        value = part.export(person, viewer)
        if value is not None:
            out[part.key] = value
    return out


def erase_parts(person: Any, now: dt.datetime) -> dict[str, int]:
    """Run every registered eraser; how many records each touched, by key."""
    return {part.key: part.erase(person, now) for part in _PARTS.values() if part.erase is not None}


def when(value: Any) -> str | None:
    """A date or time as ISO 8601 text (UTC for a moment), for an export."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value.isoformat())
