"""``callboard chores [NAME ...]``: run the periodic chores once, here and now.

Beat sends these to the workers on a schedule (``CELERY_BEAT_SCHEDULE`` in settings.py);
this runs the same tasks in the foreground, for an installation without beat (from cron) and
to see what each one does. ``--list`` shows them with their intervals.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Run the periodic chores once (all, or those named), and say what each did.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", metavar="NAME", help=_("Chores to run."))
        parser.add_argument("--list", action="store_true", help=_("List the chores."))

    def handle(self, *args: Any, **options: Any) -> None:
        from callboard.celery import app

        app.loader.import_default_modules()  # every app's tasks.py, as a worker does
        schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        if options["list"]:
            for name, entry in schedule.items():
                self.stdout.write(f"{name}: {entry['task']} ({entry['schedule']})")
            return
        unknown = [n for n in options["names"] if n not in schedule]
        if unknown:
            raise CommandError(
                _("No chore is called %(names)s. Known: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(schedule)},
                returncode=2,
            )
        failed = 0
        for name in options["names"] or list(schedule):
            task = app.tasks[schedule[name]["task"]]
            result = task.apply()
            if result.failed():
                failed += 1
                self.stderr.write(f"{name}: {result.result!r}")
            else:
                self.stdout.write(f"{name}: {result.result}")
        if failed:
            raise CommandError(_("%(n)d chores failed.") % {"n": failed}, returncode=1)
