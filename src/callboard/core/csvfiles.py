"""CSV files people open in a spreadsheet: written with a byte-order mark, read in any encoding.

- :func:`csv_response` writes UTF-8 with a BOM, so Excel reads Cyrillic and accents right;
  numbers stay plain (``6500.00``, a currency column beside them), dates ISO.
- :func:`decode_csv` reads UTF-8 (with or without a BOM), cp1251 (Russian Excel), Latin-1
  and the rest that charset-normalizer recognises, then repairs mojibake with ftfy. A file
  whose encoding cannot be told is refused with the encodings tried, nothing imported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from charset_normalizer import from_bytes
from django.http import HttpResponse
from django.utils.translation import gettext as _

BOM = "\ufeff"
# UTF-8 first; then charset-normalizer chooses among these (codec, name in the refusal).
SINGLE_BYTE_ENCODINGS = (
    ("cp1251", "Windows-1251"),
    ("cp1252", "Windows-1252"),
    ("latin_1", "Latin-1"),
    ("koi8_r", "KOI8-R"),
    ("mac_cyrillic", "Mac Cyrillic"),
)


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(row)
    return response


class UnknownEncoding(ValueError):
    pass


def _plausible(text: str) -> bool:
    """Text a person typed: no control characters other than line ends and tabs."""
    return not any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text)


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes; :class:`UnknownEncoding` when it cannot be told.

    UTF-8 is taken when the bytes are valid UTF-8; otherwise charset-normalizer chooses among
    the single-byte encodings (cp1251 for Cyrillic, Latin-1/cp1252 for Western accents).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=[codec for codec, _name in SINGLE_BYTE_ENCODINGS]).best()
    if best is not None:
        text = str(best)
        if _plausible(text):
            return text, best.encoding
    raise UnknownEncoding(
        _(
            "The file's encoding cannot be told (tried %(tried)s). Save it from your "
            "spreadsheet as “CSV UTF-8” and import it again."
        )
        % {"tried": ", ".join(["UTF-8", *(name for _codec, name in SINGLE_BYTE_ENCODINGS)])}
    )
