"""Text helpers shared by search and import."""

from __future__ import annotations

import ftfy
from unidecode import unidecode


def search_key(text: str) -> str:
    """Fold a name for accent- and case-insensitive search: "Klára" -> "klara"."""
    return " ".join(unidecode(text or "").lower().split())


def repair(text: str | None) -> str:
    """Repair broken encodings (``â€“`` -> ``–``) and strip surrounding space."""
    return ftfy.fix_text(text or "").strip()
