"""Text helpers shared by search and import."""

from __future__ import annotations

import unicodedata

import ftfy
from unidecode import unidecode

# The scripts a language is written in (beside Latin, which every reader reads). A person's
# name in their own script is shown to readers of a language written in that script.
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
}


def search_key(text: str) -> str:
    """Fold a name for accent-, case- and script-insensitive search.

    "Klára" -> "klara", «Клара» -> "klara", «Татьяна» -> "tatiana" (the soft and hard signs,
    which transliterate to apostrophes, are dropped).
    """
    folded = unidecode(text or "").lower().replace("'", "").replace('"', "")
    return " ".join(folded.split())


def script_of(text: str) -> str:
    """The first non-Latin script of ``text`` by Unicode name ("CYRILLIC"), or "LATIN"."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F:
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else "LATIN"
    return "LATIN"


def reads_script(language: str, text: str) -> bool:
    """Whether a reader of ``language`` reads ``text``'s script (Latin: always)."""
    script = script_of(text)
    return script == "LATIN" or script in LANGUAGE_SCRIPTS.get((language or "")[:2], frozenset())


def repair(text: str | None) -> str:
    """Repair broken encodings (``â€“`` -> ``–``) and strip surrounding space."""
    return ftfy.fix_text(text or "").strip()
