"""Tests' eyes for a page in another language: what English is left on it.

- :func:`catalogue_leftovers`: English strings of the catalogue (msgids) that a page shows
  as they are, i.e. untranslated.
- :func:`latin_words`: Latin-letter words a page shows that are neither the company's own data
  (names of people, works, venues: "names aside") nor technical tokens (PDF, CSV, API).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from callboard.core.catalogue import po_path

# Words that stay as they are in every language: the product's name, file formats, codes.
TECHNICAL = {
    "callboard",
    "csv",
    "pdf",
    "json",
    "api",
    "qr",
    "svg",
    "url",
    "utc",
    "iana",
    "iso",
    "rub",
    "eur",
    "gzip",
    "sqlite",
    "postgresql",
    "bearer",
    "authorization",
    "token",
    "cb",
    "rpe",
    "au",
    "enter",  # the key
    "utf",
    "windows",
    "latin",
    "koi",
    "google",
    "apple",
    "outlook",
    # authenticator apps named on the two-factor page
    "freeotp",
    "aegis",
    "authenticator",
    "password",  # as in 1Password
    "totp",
}
_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm", "data-empty")


class _Text(HTMLParser):
    """Visible text and the text of a few attributes, skipping scripts, styles and any element
    marked in another language (``lang="en"`` on the language chooser's "English")."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.chunks: list[str] = []
        self.skip: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "area", "wbr"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        foreign = bool(values.get("lang")) and not str(values.get("lang")).startswith(self.language)
        hidden = tag in ("script", "style", "code") or foreign
        if not hidden and not self.skip:
            for name in _ATTRIBUTES:
                if values.get(name):
                    self.chunks.append(str(values[name]))
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.chunks.append(str(values["value"]))
        if tag in self.VOID:
            return
        self.stack.append((tag, hidden))
        if hidden:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, hidden = self.stack.pop()
            if hidden and self.skip:
                self.skip.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.chunks.append(data)


def page_text(html: str, language: str = "ru") -> list[str]:
    """The text a reader sees (the scheduler engine's sentences too: see docs/translating.md)."""
    parser = _Text(language)
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


@cache
def _english(language: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Untranslated-looking English of the catalogue: plain msgids and placeholder patterns."""
    path: Path = po_path(language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    plain: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for message in catalog:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings: tuple[str, ...] = (
            (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
        )
        for msgid in ids:
            if msgid in strings or msgid.lower() in TECHNICAL:
                continue  # the same in both languages ("CSV"), or the product's name
            if not re.search(r"[A-Za-z]{3}", msgid):
                continue  # no words at all
            if "%(" in msgid or "{{" in msgid or "<" in msgid:
                parts = re.split(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%|<[^>]*>", msgid)
                literal = [p for p in parts if p.strip()]
                if sum(len(p.strip()) for p in literal) >= 14:
                    patterns.append(
                        re.compile(r".*?".join(re.escape(" ".join(p.split())) for p in literal))
                    )
            else:
                plain.add(" ".join(msgid.split()))
    return frozenset(plain), tuple(patterns)


def catalogue_leftovers(html: str, language: str = "ru") -> list[str]:
    """Catalogue strings shown in English on a page meant to be in ``language``."""
    plain, patterns = _english(language)
    chunks = page_text(html, language)
    found = [c for c in chunks if c in plain and re.search(r"[A-Za-z]{3}", c)]
    text = "\n".join(chunks)
    found += [p.pattern for p in patterns if p.search(text)]
    long_ones = [m for m in plain if len(m) >= 24 and " " in m]
    found += [m for m in long_ones if m in text and m not in found]
    return sorted(set(found))


_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’-]*")


def latin_words(html: str, allowed: set[str], language: str = "ru") -> list[str]:
    """Latin-letter words on the page that are not in ``allowed`` (lower-cased data words)."""
    words: set[str] = set()
    for chunk in page_text(html, language):
        # Addresses, paths and file names; a word cut short ("fu…") is a piece of data.
        chunk = re.sub(r"https?://\S+|\S+@\S+|\S*/\S*|\S+\.md\b|\S+…", " ", chunk)
        for word in _WORD.findall(chunk):
            key = word.strip("'’-").lower()
            if len(key) < 2 or key in TECHNICAL or key in allowed:
                continue
            words.add(word)
    return sorted(words)


def data_words() -> set[str]:
    """Every Latin word in the company's records (names of people, works, venues, notes…)."""
    from django.apps import apps
    from django.db import models

    words: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("callboard."):
            continue
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    words.update(w.strip("'’-").lower() for w in _WORD.findall(str(value)))
    from django.contrib.auth import get_user_model

    for name in get_user_model().objects.values_list("username", flat=True):
        words.add(name.lower())
    return words
