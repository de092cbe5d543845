"""The ``callboard`` console script.

``callboard COMMAND ...`` runs the Django management command of that name with Callboard's
settings (``callboard demo``, ``callboard import-roster FILE``, ``callboard migrate``...).
Commands that need no database (``callboard talent``, ``callboard solve``) are plain
management commands too, so every command has one entry point and one ``--help``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["callboard", *argv])
    if len(args) > 1:
        args[1] = args[1].replace("-", "_") if args[1] not in {"--help", "-h"} else args[1]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
