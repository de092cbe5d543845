"""A Unicode font for every PDF Callboard writes (call sheets, tickets), so Cyrillic and
accents print as written.

DejaVu Sans ships inside Callboard (``core/fonts``, with its licence); ``CALLBOARD_PDF_FONT``
may name another TrueType file (a bold face named ``…-Bold.ttf`` beside it is used for bold).
Without any, the PDF core font is used and characters it cannot show are spelled in Latin
("Yūki" -> "Yuki").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from unidecode import unidecode

BUNDLED_FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
SYSTEM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def font_paths() -> tuple[str, ...]:
    return (settings.CALLBOARD_PDF_FONT, str(BUNDLED_FONT), SYSTEM_FONT)


def unicode_font(pdf: FPDF, family: str = "Callboard") -> tuple[str, bool]:
    """Add the first font found to ``pdf`` (regular and bold) as ``family``; returns the family
    to use and whether it covers Unicode."""
    for path in font_paths():
        if path and os.path.exists(path):
            bold = path.replace(".ttf", "-Bold.ttf")
            pdf.add_font(family, "", path)
            pdf.add_font(family, "B", bold if os.path.exists(bold) else path)
            return family, True
    return "Helvetica", False


def text_for(unicode_ok: bool) -> Callable[[str], str]:
    """What to pass text through before writing it with that font."""
    if unicode_ok:
        return lambda value: value
    return lambda value: "".join(ch if ord(ch) < 256 else unidecode(ch) for ch in value)
