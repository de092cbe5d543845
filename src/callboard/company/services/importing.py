"""Importing a roster CSV: decoding, repairing broken text, parsing cells, the import report.

:func:`roster_import` applies the parsed rows with the same services the pages use, in one
transaction: a file with any bad row imports nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callboard.company.models import (
    Dancer,
)
from callboard.company.services.common import DANCER_PERSON_FIELDS, _roster_lock, clean_text
from callboard.company.services.people import dancer_create, dancer_update
from callboard.core.actors import Actor
from callboard.core.csvfiles import UnknownEncoding, decode_csv
from callboard.core.errors import Conflict, DomainError, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.core.text import repair, search_key

COLUMNS = (
    "given_name",
    "family_name",
    "rank",
    "status",
    "email",
    "phone",
    "birth_date",
    "joined_on",
    "nationality",
    "heritage",
    "biography",
)
REQUIRED_COLUMNS = ("given_name", "family_name")
DATE_COLUMNS = ("birth_date", "joined_on")
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000


@dataclass
class RowResult:
    row: int
    name: str
    detail: str = ""
    dancer_id: int | None = None


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or a rejected file, would have done)."""

    dry_run: bool
    created: list[RowResult] = field(default_factory=list)
    updated: list[RowResult] = field(default_factory=list)
    unchanged: list[RowResult] = field(default_factory=list)
    rejected: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rejected

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def rows_seen(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.rejected)

    def summary(self) -> str:
        if self.errors:
            return _("Nothing was imported: the file cannot be read as a roster.")
        if self.rejected:
            rows = ", ".join(str(r.row) for r in self.rejected)
            return ngettext(
                "Nothing was imported: fix row %(rows)s and import the file again.",
                "Nothing was imported: fix rows %(rows)s and import the file again.",
                len(self.rejected),
            ) % {"rows": rows}
        counts = {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing saved: %(created)d would be created, "
                    "%(updated)d updated, %(unchanged)d unchanged."
                )
                % counts
            )
        return (
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % counts
        )

    def lines(self) -> list[str]:
        """The report as plain text lines, for the command line."""
        out: list[str] = []
        out.extend(_("File: %(error)s") % {"error": e} for e in self.errors)
        for title, results in (
            (_("Created"), self.created),
            (_("Updated"), self.updated),
            (_("Unchanged"), self.unchanged),
            (_("Rejected"), self.rejected),
        ):
            if results:
                out.append(f"{title} ({len(results)}):")
                for r in results:
                    detail = f": {r.detail}" if r.detail else ""
                    out.append(
                        _("  row %(row)d %(name)s%(detail)s")
                        % {"row": r.row, "name": r.name, "detail": detail}
                    )
        out.append(self.summary())
        return out


@dataclass
class ParsedRow:
    row: int  # line number in the file (the header is line 1)
    name: str
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)


@dataclass
class ParsedRoster:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _choice_lookup(choices: type[Dancer.Rank] | type[Dancer.Status]) -> dict[str, str]:
    """Accept the value or the label in any of Callboard's languages, accents, case and spaces
    aside ("Coryphée" -> coryphee, «Корифей» -> coryphee)."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[search_key(value.replace("_", " "))] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup[search_key(str(label))] = value
    return lookup


def _parse_choice(
    text: str, choices: type[Dancer.Rank] | type[Dancer.Status], what: str
) -> tuple[str | None, str]:
    found = _choice_lookup(choices).get(search_key(text.replace("_", " ").replace("-", " ")))
    if found is None:
        known = ", ".join(choices.values)
        return None, _("Unknown %(what)s “%(value)s”; use one of: %(known)s.") % {
            "what": what,
            "value": text,
            "known": known,
        }
    return found, ""


def _decode(data: bytes | str) -> tuple[str | None, str]:
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), ""
    if len(data) > MAX_BYTES:
        return None, _("The file is larger than %(mb)d MB; split it into smaller files.") % {
            "mb": MAX_BYTES // 1_000_000
        }
    try:
        return decode_csv(data)[0], ""
    except UnknownEncoding as exc:
        return None, str(exc)


def _delimiter(header_line: str) -> str:
    if "," not in header_line:
        for candidate in (";", "\t"):
            if candidate in header_line:
                return candidate
    return ","


def parse_roster(data: bytes | str) -> ParsedRoster:
    """Decode and parse a roster CSV.

    Problems with the whole file go to ``errors``; a row's problems go to that row.
    """
    result = ParsedRoster()
    text, error = _decode(data)
    if text is None:
        result.errors.append(error)
        return result
    if len(text) > MAX_BYTES:
        result.errors.append(_("The file is too large; split it into smaller files."))
        return result
    if "\x00" in text:
        result.errors.append(
            _("The file contains binary data, not CSV text. Export the roster as CSV.")
        )
        return result
    if not text.strip():
        result.errors.append(_("The file is empty. It needs a header row and one row per dancer."))
        return result
    body = text.lstrip()
    skipped_lines = text[: len(text) - len(body)].count("\n")
    reader = csv.reader(io.StringIO(body), delimiter=_delimiter(body.splitlines()[0]))
    try:
        header = next(reader)
        header = [search_key(repair(h)).replace(" ", "_") for h in header]
        unknown = [h for h in header if h not in COLUMNS]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        doubled = sorted({h for h in header if header.count(h) > 1})
        if unknown or missing or doubled:
            if unknown:
                result.errors.append(
                    _("Unknown columns: %(unknown)s. The columns Callboard reads are: %(known)s.")
                    % {
                        "unknown": ", ".join(h or _("(blank)") for h in unknown),
                        "known": ", ".join(COLUMNS),
                    }
                )
            if missing:
                result.errors.append(
                    _("The header row must name the columns %(missing)s.")
                    % {"missing": ", ".join(missing)}
                )
            if doubled:
                result.errors.append(
                    _("Columns named twice: %(cols)s.") % {"cols": ", ".join(doubled)}
                )
            return result
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(result.rows) >= MAX_ROWS:
                result.errors.append(
                    _("The file has more than %(max)d rows; split it into smaller files.")
                    % {"max": MAX_ROWS}
                )
                return result
            result.rows.append(_parse_row(reader.line_num + skipped_lines, header, cells))
    except csv.Error as exc:
        result.errors.append(
            _("The file is not valid CSV (line %(line)d: %(why)s).")
            % {"line": reader.line_num + skipped_lines, "why": exc}
        )
        return result
    if not result.rows:
        result.errors.append(_("The file has a header but no dancers; add one row per dancer."))
    return result


def _parse_row(line: int, header: list[str], cells: list[str]) -> ParsedRow:
    problems: list[str] = []
    if len(cells) > len(header):
        problems.append(
            _(
                "The row has %(cells)d cells but the header names %(cols)d columns; "
                "check for a stray comma."
            )
            % {"cells": len(cells), "cols": len(header)}
        )
    raw = {column: repair(cell) for column, cell in zip(header, cells, strict=False)}
    values: dict[str, Any] = {}
    for column, text in raw.items():
        if column in REQUIRED_COLUMNS:
            values[column] = " ".join(text.split())
            continue
        if not text:
            continue  # an empty cell leaves the dancer's value as it is
        if column in DATE_COLUMNS:
            try:
                values[column] = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(
                    _("%(column)s “%(value)s” is not a date; write it as YYYY-MM-DD.")
                    % {"column": column, "value": text}
                )
        elif column == "rank":
            value, problem = _parse_choice(text, Dancer.Rank, _("rank"))
            if value:
                values[column] = value
            else:
                problems.append(problem)
        elif column == "status":
            value, problem = _parse_choice(text, Dancer.Status, _("status"))
            if value:
                values[column] = value
            else:
                problems.append(problem)
        else:
            values[column] = text
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            problems.append(_("%(column)s is empty.") % {"column": column})
    name = " ".join(filter(None, [values.get("given_name"), values.get("family_name")])) or "—"
    return ParsedRow(row=line, name=name, values=values, problems=problems)


def roster_import(*, data: bytes | str, dry_run: bool, by: Actor, now: dt.datetime) -> ImportReport:
    """Import dancers from a roster CSV: every row or none.

    Rows are matched to existing dancers by e-mail, else by name and birth date; a row that
    matches and differs updates the dancer, one that matches and agrees is left unchanged.
    Text with broken encoding is repaired. When any row is rejected, or on a dry run,
    everything is rolled back and the report says what would have happened.
    """
    require(by, Cap.EDIT_PEOPLE)
    report = ImportReport(dry_run=dry_run)
    parsed = parse_roster(data)
    report.errors.extend(parsed.errors)
    if parsed.errors:
        return report
    try:
        with transaction.atomic():
            _roster_lock()
            touched: dict[int, int] = {}
            for row in parsed.rows:
                if row.problems:
                    report.rejected.append(
                        RowResult(row=row.row, name=row.name, detail=" ".join(row.problems))
                    )
                    continue
                try:
                    with transaction.atomic():
                        kind, result = _import_row(row, touched=touched, by=by, now=now)
                except DomainError as exc:
                    report.rejected.append(
                        RowResult(row=row.row, name=row.name, detail=exc.message)
                    )
                    continue
                getattr(report, kind).append(result)
            if dry_run or not report.ok:
                transaction.set_rollback(True)
    except OperationalError as exc:
        raise Conflict(
            _("The roster is busy with another change; try the import again in a moment.")
        ) from exc
    if dry_run:
        for result in report.created:
            result.dancer_id = None
    return report


def _match_dancer(row: ParsedRow) -> Dancer | None:
    values = row.values
    base = Dancer.objects.select_related("person")
    email = values.get("email")
    if email:
        by_email = list(base.filter(person__email__iexact=email)[:2])
        if len(by_email) > 1:
            raise ValidationFailed(
                _("Two dancers share the e-mail %(email)s; fix them in Callboard first.")
                % {"email": email}
            )
        if by_email:
            return by_email[0]
    named = base.filter(
        person__search_name=search_key(
            f"{values.get('given_name', '')} {values.get('family_name', '')}"
        )
    )
    birth_date = values.get("birth_date")
    if birth_date:
        exact = named.filter(person__birth_date=birth_date).first()
        if exact is not None:
            return exact
        undated = list(named.filter(person__birth_date__isnull=True)[:2])
        return undated[0] if len(undated) == 1 else None
    candidates = list(named.order_by("pk")[:2])
    if len(candidates) > 1:
        raise ValidationFailed(
            _(
                "Several dancers are called %(name)s; add their birth_date or email "
                "to say which one."
            )
            % {"name": row.name}
        )
    return candidates[0] if candidates else None


def _current_value(dancer: Dancer, field: str) -> Any:
    if field in DANCER_PERSON_FIELDS:
        return getattr(dancer.person, field)
    return getattr(dancer, field)


def _import_row(
    row: ParsedRow, *, touched: dict[int, int], by: Actor, now: dt.datetime
) -> tuple[str, RowResult]:
    values = dict(row.values)
    if values.get("status") == Dancer.Status.INJURED:
        # The file marks the dancer injured by hand: the roster says where that came from.
        values["status_reason"] = _("marked injured in the roster file imported on %(day)s") % {
            "day": now.date().isoformat()
        }
    dancer = _match_dancer(row)
    if dancer is not None and dancer.status == Dancer.Status.INJURED:
        values.pop("status_reason", None)  # already injured: keep the reason given then
    if dancer is not None and dancer.pk in touched:
        raise ValidationFailed(
            _("This is the same dancer as row %(row)d; keep one of the two rows.")
            % {"row": touched[dancer.pk]}
        )
    if dancer is None:
        if not values.get("rank"):
            raise ValidationFailed(_("A new dancer needs a rank (for example corps or soloist)."))
        dancer = dancer_create(**values, now=now, by=by)
        touched[dancer.pk] = row.row
        return "created", RowResult(row=row.row, name=dancer.person.full_name, dancer_id=dancer.pk)
    touched[dancer.pk] = row.row
    changes = {
        field: value
        for field, value in values.items()
        if _current_value(dancer, field)
        != (clean_text(field, value) if isinstance(value, str) else value)
    }
    if not changes:
        return "unchanged", RowResult(
            row=row.row, name=dancer.person.full_name, dancer_id=dancer.pk
        )
    dancer = dancer_update(dancer=dancer, changes=changes, now=now, by=by)
    return "updated", RowResult(
        row=row.row,
        name=dancer.person.full_name,
        dancer_id=dancer.pk,
        detail=_("changed: %(fields)s") % {"fields": ", ".join(sorted(changes))},
    )
