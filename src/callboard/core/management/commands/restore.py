"""``callboard restore FILE``: rebuild the company from a backup on an empty database."""

from __future__ import annotations

import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from callboard.core.backup import BackupError, BackupSummary, backup_restore


class Command(BaseCommand):
    help = _(
        "Rebuild the company from a file written by `callboard backup`, into a new, empty "
        "database migrated with `callboard migrate`. All of it is restored or nothing is "
        "(FILE - reads standard input)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("The backup to restore."))

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["file"]
        try:
            if source == "-":
                summary = self._restore(sys.stdin.buffer)
            else:
                try:
                    stream = open(source, "rb")  # noqa: SIM115 (closed below)
                except OSError as exc:
                    raise CommandError(
                        _("Cannot read %(file)s: %(problem)s.")
                        % {"file": source, "problem": exc.strerror or exc},
                        returncode=2,
                    ) from exc
                with stream:
                    summary = self._restore(stream)
        except BackupError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        header = summary.header
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(records)d records of %(models)d kinds from %(file)s (made "
                    "%(created)s by Callboard %(callboard)s on %(vendor)s)."
                )
                % {
                    "records": summary.records,
                    "models": summary.models,
                    "file": source,
                    "created": header.get("created_at", "?"),
                    "callboard": header.get("callboard", "?"),
                    "vendor": header.get("vendor", "?"),
                }
            )
        )

    def _restore(self, stream: IO[bytes]) -> BackupSummary:
        return backup_restore(stream=stream)
