"""The engine's words, marked for translation without Django.

The engine writes English. Each title a person reads is wrapped in :func:`gettext_noop`,
the name Django's ``makemessages`` looks for, so it is extracted into Callboard's catalogue
(``src/callboard/locale``) while the engine imports nothing of Django. The app translates a
title where it shows it (``scheduling/adapters.py``: ``gettext(GOAL_TITLES[goal])``); the
``callboard solve`` command, like any standalone use, reads English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction; return it unchanged."""
    return message


UNPLACEABLE = gettext_noop(
    "The bound proves that at least %(duration)s of the requested calls cannot be placed, "
    "whatever the schedule: the week is over-subscribed."
)
"""Said when the bound proves minutes cannot be placed; ``duration`` from :func:`duration`."""

HOURS_MINUTES = gettext_noop("%(hours)s h %(minutes)02d min")
MINUTES_ONLY = gettext_noop("%(minutes)s min")


def duration(minutes: int, translate: Callable[[str], str] = gettext_noop) -> str:
    """``135`` -> ``"2 h 15 min"`` (``translate``: the app's ``gettext``)."""
    hours, rest = divmod(minutes, 60)
    if hours:
        return translate(HOURS_MINUTES) % {"hours": hours, "minutes": rest}
    return translate(MINUTES_ONLY) % {"minutes": rest}


# -- sentences with values ------------------------------------------------------------------


@dataclass(frozen=True)
class Minutes:
    """A length of time in a sentence, written ``"2 h 15 min"`` in the reader's language."""

    minutes: int

    def __str__(self) -> str:
        return duration(self.minutes)


@dataclass(frozen=True)
class Label:
    """A request's label: the app stores some labels in English and shows them translated."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Joined:
    """Values written one after the other, ``sep`` between them (``"; "``, ``", "``, ``" "``)."""

    items: tuple[Value, ...]
    sep: str = "; "

    def __str__(self) -> str:
        return self.sep.join(str(v) for v in self.items)


@dataclass(frozen=True)
class Text:
    """A sentence the engine says: an English template (a catalogue msgid) and its values.

    ``str(text)`` writes it in English; the app writes it in the reader's language with
    :meth:`render`, giving its ``gettext`` and a way to show a stored label. A value may be a
    string (a name, a day as the problem labels it, a clock time), a number, :class:`Minutes`,
    :class:`Label`, :class:`Joined` or another :class:`Text`.
    """

    msgid: str
    values: tuple[tuple[str, Value], ...] = ()

    def render(
        self,
        translate: Callable[[str], str] = gettext_noop,
        label: Callable[[str], str] = gettext_noop,
    ) -> str:
        values = {name: _written(v, translate, label) for name, v in self.values}
        return translate(self.msgid) % values if values else translate(self.msgid)

    def __str__(self) -> str:
        return self.render()

    def to_json(self) -> dict[str, Any]:
        """The sentence as JSON (kept with a solve run, written again for each reader)."""
        return {"msgid": self.msgid, "values": {k: _value_json(v) for k, v in self.values}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        values = data.get("values") or {}
        return cls(str(data["msgid"]), tuple((k, _value_from_json(v)) for k, v in values.items()))


Value = str | int | Minutes | Label | Joined | Text


def say(msgid: str, **values: Value) -> Text:
    """``say(WAITS, who="Anna", duration=Minutes(45))``: a sentence and its values."""
    return Text(msgid, tuple(values.items()))


def _written(
    value: Value, translate: Callable[[str], str], label: Callable[[str], str]
) -> str | int:
    if isinstance(value, Text):
        return value.render(translate, label)
    if isinstance(value, Minutes):
        return duration(value.minutes, translate)
    if isinstance(value, Label):
        return label(value.text)
    if isinstance(value, Joined):
        return value.sep.join(str(_written(v, translate, label)) for v in value.items)
    return value


def _value_json(value: Value) -> Any:
    if isinstance(value, Text):
        return {"text": value.to_json()}
    if isinstance(value, Minutes):
        return {"minutes": value.minutes}
    if isinstance(value, Label):
        return {"label": value.text}
    if isinstance(value, Joined):
        return {"joined": [_value_json(v) for v in value.items], "sep": value.sep}
    return value


def _value_from_json(data: Any) -> Value:
    if isinstance(data, dict):
        if "text" in data:
            return Text.from_json(data["text"])
        if "minutes" in data:
            return Minutes(int(data["minutes"]))
        if "label" in data:
            return Label(str(data["label"]))
        if "joined" in data:
            return Joined(tuple(_value_from_json(v) for v in data["joined"]), str(data["sep"]))
    if isinstance(data, bool) or not isinstance(data, int | str):
        return str(data)
    return data
