"""``callboard backup [FILE]``: write the whole company to one file (see core/backup.py)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core.backup import EXCLUDED, BackupError, BackupSummary, backup_write


class Command(BaseCommand):
    help = _(
        "Write the whole company (every record of every app, with users and their groups) "
        "to one gzip'd file that `callboard restore` rebuilds on an empty database, SQLite "
        "or PostgreSQL. Without FILE, or with -, the backup goes to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            metavar="FILE",
            help=_("Where to write the backup (for example company.callboard.gz)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["file"]
        now = timezone.now()
        try:
            if target == "-":
                summary = self._to_stdout(now)
                report = self.stderr
            else:
                summary = self._to_file(Path(target), now)
                report = self.stdout
        except BackupError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        report.write(
            _("Backed up %(records)d records of %(models)d kinds to %(target)s.")
            % {
                "records": summary.records,
                "models": summary.models,
                "target": _("standard output") if target == "-" else target,
            }
        )
        report.write(
            _("Left out on purpose: %(excluded)s (see callboard/core/backup.py).")
            % {"excluded": ", ".join(EXCLUDED)}
        )

    def _to_stdout(self, now: Any) -> BackupSummary:
        if sys.stdout.isatty():
            raise CommandError(
                _("A backup is a binary file: give a FILE, or redirect standard output."),
                returncode=2,
            )
        try:
            summary = backup_write(stream=sys.stdout.buffer, now=now)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # The reader went away: say so once, without Python's own complaint at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise CommandError(
                _("Standard output was closed before the backup was complete."), returncode=2
            ) from None
        return summary

    def _to_file(self, path: Path, now: Any) -> BackupSummary:
        """Write next to ``path`` and rename at the end: a failed backup leaves no half file.

        The file is readable by its owner only: it holds password hashes and private details.
        """
        directory = path.resolve().parent
        if not directory.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": directory}, returncode=2
            )
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                summary = backup_write(stream=stream, now=now)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return summary
