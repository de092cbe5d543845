"""Lists of people in the reader's alphabetical order.

On PostgreSQL the database sorts with ICU's collation of the reader's language
(``ru-x-icu``: Cyrillic first, «ё» beside «е»; ``en-x-icu``: accents after the plain letter).
SQLite has no ICU: Callboard registers collations of the same names on each SQLite
connection, sorting by :func:`collation_key` (base letters first, then accents, then case,
the reader's script before the others), so one ordering expression works on both.

A Russian reader's list sorts by the names they read (the Cyrillic name where there is one).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import F, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Collate, NullIf

from callboard.core.i18n import current_language
from callboard.core.text import LANGUAGE_SCRIPTS

# ICU collations PostgreSQL creates at initdb; other languages use the root order.
ICU_COLLATIONS = {"en": "en-x-icu", "ru": "ru-x-icu", "fr": "fr-x-icu", "de": "de-x-icu"}
ROOT_COLLATION = "und-x-icu"


def collation_name(language: str | None = None) -> str:
    return ICU_COLLATIONS.get((language or current_language())[:2], ROOT_COLLATION)


def collation_key(text: str, first_script: str = "LATIN") -> tuple[Any, ...]:
    """A sort key in the spirit of the Unicode collation algorithm's three levels."""
    primary: list[tuple[int, str]] = []
    secondary: list[str] = []
    tertiary: list[bool] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            secondary.append(ch)
            continue
        if not ch.isalnum():
            continue  # spaces, hyphens and apostrophes do not order names
        if ch.isdigit():
            group = 0
        elif unicodedata.name(ch, "").startswith(first_script):
            group = 1
        else:
            group = 2 if unicodedata.name(ch, "").startswith("LATIN") else 3
        primary.append((group, ch.casefold()))
        tertiary.append(ch.isupper())
    return (tuple(primary), tuple(secondary), tuple(tertiary), text)


def _sqlite_collation(first_script: str) -> Any:
    def compare(a: str, b: str) -> int:
        ka, kb = collation_key(a, first_script), collation_key(b, first_script)
        return (ka > kb) - (ka < kb)

    return compare


def add_sqlite_collations(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """Give each new SQLite connection the ICU collations' names (see the module's doc)."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    for language, name in [*ICU_COLLATIONS.items(), ("", ROOT_COLLATION)]:
        scripts = sorted(LANGUAGE_SCRIPTS.get(language, frozenset({"LATIN"})))
        raw.create_collation(name, _sqlite_collation(scripts[0]))


def _reads_native(language: str) -> bool:
    return bool(LANGUAGE_SCRIPTS.get(language[:2]))


def name_ordering(prefix: str = "", language: str | None = None) -> list[OrderBy]:
    """``order_by(*name_ordering("person__"))``: family then given name, the reader's way."""
    language = language or current_language()
    collation = collation_name(language)

    def field(name: str) -> Any:
        latin = F(f"{prefix}{name}")
        if _reads_native(language):
            return Coalesce(NullIf(F(f"{prefix}native_{name}"), Value("")), latin)
        return latin

    return [
        Collate(field("family_name"), collation).asc(),
        Collate(field("given_name"), collation).asc(),
    ]


def sort_people(items: list[Any], name: Any, language: str | None = None) -> list[Any]:
    """Sort already-fetched rows by ``name(item)`` in the reader's order (pages that sort in
    Python, after combining rows from several queries)."""
    language = language or current_language()
    scripts = sorted(LANGUAGE_SCRIPTS.get(language[:2], frozenset({"LATIN"})))
    return sorted(items, key=lambda item: collation_key(name(item), scripts[0]))
