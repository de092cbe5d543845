"""The ``callboard`` console script.

``callboard COMMAND ...`` runs the Django management command of that name with Callboard's
settings (``callboard demo``, ``callboard import-roster FILE``, ``callboard migrate``...).
Commands that need no database (``callboard talent``, ``callboard solve``) are plain
management commands too, so every command has one entry point and one ``--help``.
``callboard check PROBLEM.json SCHEDULE.json`` runs ``check_schedule``; any other
``callboard check`` is Django's system check.
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
    if len(args) > 1 and args[1] == "check" and _is_schedule_check(args[2:]):
        # ``callboard check PROBLEM.json SCHEDULE.json``: check and score a schedule; plain
        # ``callboard check`` (``--deploy``, app labels) stays Django's system check.
        args[1] = "check_schedule"
    execute_from_command_line(args)


def _is_schedule_check(rest: list[str]) -> bool:
    files = [arg for arg in rest if not arg.startswith("-")]
    return len(files) == 2 and all(
        arg.lower().endswith(".json") or os.path.isfile(arg) for arg in files
    )


if __name__ == "__main__":
    main()
