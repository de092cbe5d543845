"""Languages, dates and money as a reader sees them: one place that decides every format.

- **Languages**: :func:`supported_language` turns any code ("ru-RU", "RU", "xx") into one of
  ``settings.LANGUAGES`` or None; :func:`babel_locale` gives the CLDR locale used for the
  formats of a language.
- **Dates and times**: one style per kind of date (:data:`DATE_STYLES`), each a CLDR skeleton,
  so every language writes it its own way ("Mon, 7 Dec 2026" / «пн, 7 дек. 2026 г.»).
  :func:`format_moment` is the only formatter; templates use ``{{ value|when:"day" }}``.
  Aware datetimes are shown in the active time zone (the company's, activated per request);
  ``{{ p.starts_at|timezone:venue.time_zone|when:"datetime" }}`` shows a venue's own time.
- **Money**: :func:`format_money` with Babel: «6 500 ₽» in Russian, "RUB 6,500.00" in English;
  templates use ``{{ amount|money }}`` (the company's currency) or ``{{ amount|money:"EUR" }}``.

The company's currency and default language live in the company app, above this module; it
registers a provider with :func:`set_company_defaults` when Django starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime, get_datetime_format, match_skeleton
from babel.numbers import format_currency
from django.conf import settings
from django.utils import timezone, translation

# --------------------------------------------------------------------------- languages

# The CLDR locale whose formats a language uses. English is written the British way in
# Callboard (day before month, 24-hour clock), like the rest of its text.
BABEL_LOCALES = {"en": "en_GB"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported_language(code: str | None) -> str | None:
    """``code`` as one of the installed languages ("ru-RU" -> "ru"), or None if it is not one."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    codes = language_codes()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else None


def current_language() -> str:
    return supported_language(translation.get_language()) or settings.LANGUAGE_CODE


@lru_cache(maxsize=32)
def babel_locale(language: str | None = None) -> Locale:
    code = supported_language(language) or current_language()
    return Locale.parse(BABEL_LOCALES.get(code, code.replace("-", "_")))


# --------------------------------------------------------------------------- company defaults


def _no_company() -> tuple[str, str]:
    return "", DEFAULT_CURRENCY


DEFAULT_CURRENCY = "RUB"
_company_defaults: Callable[[], tuple[str, str]] = _no_company


def set_company_defaults(provider: Callable[[], tuple[str, str]]) -> None:
    """Register the source of the company's (default language, currency)."""
    global _company_defaults
    _company_defaults = provider


def company_language() -> str:
    """The company's default language ("" when it leaves the choice to each browser)."""
    return _company_defaults()[0]


def company_currency() -> str:
    return _company_defaults()[1] or DEFAULT_CURRENCY


# --------------------------------------------------------------------------- dates and times

# Kind of date -> CLDR skeleton. Add a kind here, never a format string in a template.
DATE_STYLES: dict[str, str] = {
    "date": "yMMMEd",  # a date in a list or a table: Mon, 7 Dec 2026
    "date_short": "yMMMd",  # a date without its weekday: 7 Dec 2026
    "date_written": "yMMMMd",  # a date in a sentence or on a card: 7 December 2026
    "date_long": "yMMMMEEEEd",  # a page's main date: Monday, 7 December 2026
    "day": "MMMMEEEEd",  # a day's heading: Monday 7 December
    "day_short": "MMMEd",  # a day in a week's list: Mon 7 Dec
    "weekday_day": "Ed",  # a day inside a week shown: Mon 7
    "day_month": "MMMd",  # a short mention in the same year: 7 Dec
    "month": "yMMMM",  # a calendar's month: December 2026
    "month_name": "LLLL",  # a month on its own: December
    "weekday": "EEEE",  # a weekday on its own: Monday
    "weekday_short": "E",  # a column of a week: Mon
    "time": "Hm",  # a time of day: 19:00
    "time_seconds": "Hms",  # a door scan: 19:02:07
}
# Kinds that are a date and a time, joined the locale's way: (date kind, time kind).
DATETIME_STYLES: dict[str, tuple[str, str]] = {
    "datetime": ("date", "time"),  # Mon, 7 Dec 2026, 19:00
    "datetime_long": ("date_long", "time"),  # Monday, 7 December 2026, 19:00
    "datetime_short": ("date_short", "time"),  # 7 Dec 2026, 19:00
    "day_short_time": ("day_short", "time"),  # Mon 7 Dec, 19:00
    "weekday_day_time": ("weekday_day", "time"),  # Mon 7, 19:00
    "day_month_time": ("day_month", "time"),  # 7 Dec, 19:00
}
_FIELD_RUN = re.compile(r"(E+|c+|M+|L+)")


@lru_cache(maxsize=256)
def date_pattern(kind: str, language: str) -> str:
    """The locale's pattern for a kind of date, field widths as the skeleton asks.

    CLDR offers e.g. "E, d MMMM" where the skeleton asks for the full weekday; like ICU,
    widen the weekday and month fields to the skeleton's width.
    """
    skeleton = DATE_STYLES[kind]
    locale = babel_locale(language)
    available = locale.datetime_skeletons
    match = match_skeleton(skeleton, available) or skeleton
    pattern = str(available[match].pattern) if match in available else skeleton
    want_weekday = max((len(m) for m in re.findall(r"E+", skeleton)), default=0)
    want_month = max((len(m) for m in re.findall(r"M+", skeleton)), default=0)

    def widen(found: re.Match[str]) -> str:
        run = found.group(1)
        letter = run[0]
        if letter in "Ec" and want_weekday >= 4 and len(run) < 4:
            return letter * 4
        if letter in "ML" and want_month >= 4 and 3 <= len(run) < 4:
            return letter * 4
        return run

    # Literal text in quotes ('г'.) is left alone.
    parts = re.split(r"('[^']*')", pattern)
    return "".join(p if p.startswith("'") else _FIELD_RUN.sub(widen, p) for p in parts)


def _as_datetime(value: dt.date | dt.datetime | dt.time) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    return dt.datetime.combine(dt.date(2000, 1, 1), value)


def format_moment(
    value: dt.date | dt.datetime | dt.time | None,
    kind: str = "datetime",
    *,
    zone: dt.tzinfo | None = None,
    language: str | None = None,
) -> str:
    """A date or time in the reader's language, in one of the kinds of :data:`DATE_STYLES`.

    An aware datetime is shown in ``zone``, else in the active time zone (the company's
    during a request). A naive one is shown as it is.
    """
    if value is None or value == "":
        return ""
    language = supported_language(language) or current_language()
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = value.astimezone(zone or timezone.get_current_timezone())
    moment = _as_datetime(value).replace(tzinfo=None)  # the wall-clock time in its zone
    if kind in DATETIME_STYLES:
        date_kind, time_kind = DATETIME_STYLES[kind]
        date_text = format_moment(moment, date_kind, language=language)
        time_text = format_moment(moment, time_kind, language=language)
        glue = str(get_datetime_format("medium", locale=babel_locale(language)))
        return glue.replace("{1}", date_text).replace("{0}", time_text)
    if kind not in DATE_STYLES:
        raise ValueError(f"unknown kind of date {kind!r}; add it to DATE_STYLES")
    # Babel would convert an aware value to UTC again: it gets the wall-clock time.
    return format_datetime(moment, date_pattern(kind, language), locale=babel_locale(language))


# --------------------------------------------------------------------------- money

# Languages whose prices leave out a zero fraction (Russian box offices print «6 500 ₽»).
WHOLE_PRICES = {"ru"}
_LETTER_BEFORE_DIGIT = re.compile(r"([^\W\d_])(\d)")
_DIGIT_BEFORE_LETTER = re.compile(r"(\d)([^\W\d_])")


def format_money(
    amount: Decimal | int | float | str | None,
    currency: str | None = None,
    *,
    language: str | None = None,
) -> str:
    """An amount in the reader's language: «6 500 ₽» (ru), "RUB 6,500.00" (en).

    CLDR's currency spacing (which Babel leaves out) is applied: a symbol made of letters
    stands a no-break space away from the digits ("RUB 6,500.00", not "RUB6,500.00").
    """
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    currency = (currency or company_currency()).upper()
    language = supported_language(language) or current_language()
    locale = babel_locale(language)
    pattern = None
    if language in WHOLE_PRICES and value == value.to_integral_value():
        pattern = str(locale.currency_formats["standard"].pattern).replace(".00", "")
        pattern = re.sub(r"\.0+", "", pattern)
    text = format_currency(
        value, currency, format=pattern, locale=locale, currency_digits=pattern is None
    )
    text = _LETTER_BEFORE_DIGIT.sub("\\1\u00a0\\2", text)
    return _DIGIT_BEFORE_LETTER.sub("\\1\u00a0\\2", text)


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    """ISO 4217 codes with their names in the reader's language, for pickers."""
    from babel.numbers import list_currencies

    locale = babel_locale(language)
    names = locale.currencies
    return sorted(
        ((code, f"{code} — {names.get(code, code)}") for code in list_currencies()),
        key=lambda item: item[0],
    )


# --------------------------------------------------------------------------- stored text

# Some records keep a sentence Callboard wrote when it happened (a history entry, a solve's
# log line, a call's label made from casting): it was written in the language active then.
# :func:`reader_text` shows such a sentence in the reader's language by finding the catalogue
# message it was made from (the English msgid, placeholders as groups) and writing it again
# with the same values. Values that are themselves messages ("Complimentary") are translated
# too; a sentence that matches no message is shown as it was stored.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%")


@lru_cache(maxsize=1)
def _stored_patterns() -> tuple[tuple[re.Pattern[str], str, int], ...]:
    from django.conf import settings as dj_settings

    found: list[tuple[re.Pattern[str], str, int]] = []
    for path in dj_settings.LOCALE_PATHS:
        po = Path(path) / "ru" / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or not isinstance(message.id, str) or message.context:
                continue
            msgid = message.id
            names = _PLACEHOLDER.findall(msgid)
            if not [n for n in names if n]:
                continue
            literal = _PLACEHOLDER.sub("", msgid)
            if len(literal.strip()) < 3:
                continue
            parts = []
            seen: set[str] = set()
            last = 0
            for match in _PLACEHOLDER.finditer(msgid):
                parts.append(re.escape(msgid[last : match.start()]))
                name = match.group(1)
                if name is None:
                    parts.append("%")
                elif name in seen:
                    parts.append(f"(?P={name})")
                elif match.group(0).endswith("d"):
                    seen.add(name)
                    parts.append(f"(?P<{name}>-?\\d+)")  # a number is only digits
                else:
                    seen.add(name)
                    # A value never runs on into the next sentence.
                    parts.append(f"(?P<{name}>(?:(?!\\.\\s+[A-Z]).)+?)")
                last = match.end()
            parts.append(re.escape(msgid[last:]))
            found.append((re.compile("".join(parts), re.S), msgid, len(literal)))
    found.sort(key=lambda item: -item[2])  # the most specific message first
    return tuple(found)


# How Callboard wrote dates and times into stored sentences before they followed the reader.
_STORED_MOMENTS = (
    ("%d %b %Y %H:%M", "datetime_short"),
    ("%a %d %b %H:%M", "day_short_time"),
    ("%a %d %b %Y", "date"),
    ("%a %d %b", "day_short"),
    ("%d %b %Y", "date_short"),
    ("%Y-%m-%d %H:%M", "datetime_short"),
)


def _translate_value(value: str) -> str:
    translated = translation.gettext(value)
    if translated != value:
        return translated
    if value[:1].islower():  # a label written in lower case ("complimentary")
        translated = translation.gettext(value[:1].upper() + value[1:])
        if translated != value[:1].upper() + value[1:]:
            return translated[:1].lower() + translated[1:]
    for pattern, kind in _STORED_MOMENTS:
        try:
            moment = dt.datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 (wall time)
        except ValueError:
            continue
        if "%Y" not in pattern:
            moment = _in_year_of_weekday(moment, value.split()[0])
        return format_moment(moment, kind)
    if ", " in value and all(_is_stored_day(part) for part in value.split(", ")):
        return ", ".join(_translate_value(part) for part in value.split(", "))
    whole = reader_text(value, depth=1)
    if whole == value and "; " in value:  # a list of reasons, each said on its own
        return "; ".join(_translate_value(part) for part in value.split("; "))
    return whole


def _in_year_of_weekday(moment: dt.datetime, weekday: str) -> dt.datetime:
    """A day stored without its year ("Mon 7 Dec"), in the nearest year it is that weekday."""
    this_year = timezone.now().year
    for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
        try:
            candidate = moment.replace(year=this_year + offset)
        except ValueError:  # 29 Feb
            continue
        if candidate.strftime("%a") == weekday:
            return candidate
    return moment.replace(year=this_year)


def _is_stored_day(text: str) -> bool:
    for pattern, _kind in _STORED_MOMENTS:
        try:
            dt.datetime.strptime(text.strip(), pattern)  # noqa: DTZ007 (wall time)
        except ValueError:
            continue
        return True
    return False


def reader_text(text: str, *, depth: int = 0) -> str:
    """A sentence Callboard stored, in the reader's language (see the comment above)."""
    if not text or depth > 2:
        return text
    plain = translation.gettext(text)
    if plain != text:
        return plain
    for pattern, msgid, size in _stored_patterns():
        if depth == 0 and size < 8:
            continue  # too little to tell a whole sentence by ("%(a)s (%(b)s)")
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values: dict[str, Any] = {k: _translate_value(v) for k, v in match.groupdict().items()}
        for name, conversion in re.findall(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([df])", msgid):
            try:  # a number written into the sentence goes back in as a number
                values[name] = int(values[name]) if conversion == "d" else float(values[name])
            except (KeyError, ValueError):
                break
        try:
            written = translation.gettext(msgid) % values
            return re.sub(r"\.\.(?=\s|$)", ".", written)  # «г.» ending a sentence
        except (KeyError, ValueError, TypeError):
            return text
    if depth == 0 and "\n" in text:
        return "\n".join(reader_text(line) for line in text.split("\n"))
    if depth == 0:
        # Sentences written one after the other ("Order … . From the hold: … .").
        sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", text)
        if len(sentences) > 1:
            return " ".join(reader_text(sentence, depth=1) for sentence in sentences)
    return text
