"""``callboard import-roster FILE [--dry-run]``: import dancers from a roster CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from callboard.company import services
from callboard.company.services.importing import COLUMNS, MAX_BYTES
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import dancers from a CSV file (UTF-8, header row). Columns: "
        + ", ".join(COLUMNS)
        + ". Every row is checked first; if any row is rejected nothing is imported and the "
        "command exits with status 2. Use - to read the file from standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the roster CSV file, or - for standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and save nothing"
        )

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        try:
            if file == "-":
                data = sys.stdin.buffer.read(MAX_BYTES + 1)
            else:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}", returncode=2) from exc
        try:
            report = services.roster_import(
                data=data, dry_run=dry_run, now=timezone.now(), by=CALLBOARD
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write("\n".join(report.lines()))
        if not report.ok:
            raise CommandError("The roster was not imported; see the report above.", returncode=2)
