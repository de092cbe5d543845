"""``callboard schedule solve|publish|show``: the rehearsal call from the command line.

- ``callboard schedule solve --from DATE --to DATE [--time-limit S] [--seed N] [--workers N]
  [--replan]``
  opens (or reuses) the plan of those days, solves it with a progress bar on stderr and
  writes the best schedule to the plan's draft;
- ``callboard schedule publish (--from DATE --to DATE | --schedule ID) [--firm]`` publishes
  the draft's calls of those days as a new version (refused while a rule is broken);
- ``callboard schedule show DATE`` prints the day's published calls;
- ``callboard schedule reap`` marks failed the runs whose worker stopped (killed, its machine
  gone): a running run with no heartbeat for ``CALLBOARD_RUN_LOST_SECONDS``. Their pages do
  the same when opened; this is for a cron job or after a crash.

Bad input exits with code 2 and says what to do.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from callboard.scheduling import selectors, services
from callboard.scheduling.models import Schedule, SchedulePeriod, SolveRun

BAR = 30


def _date(value: str, flag: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"{flag} takes a date as YYYY-MM-DD (for example 2026-11-23), not {value!r}.",
            returncode=2,
        ) from None
    if not 1900 < day.year < 3000:
        raise CommandError(f"{flag}: give a year between 1901 and 2999.", returncode=2)
    return day


class Command(BaseCommand):
    help = (
        "Solve, publish and show the rehearsal call (see `callboard schedule SUBCOMMAND --help`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="solve|publish|show|reap")
        sub.required = True
        solve = sub.add_parser("solve", help="Solve the plan of a day or a week.")
        solve.add_argument("--from", dest="first", required=True, metavar="DATE")
        solve.add_argument("--to", dest="last", required=True, metavar="DATE")
        solve.add_argument("--time-limit", type=float, default=30.0, metavar="S")
        solve.add_argument("--seed", type=int, default=0)
        solve.add_argument("--workers", type=int, default=2)
        solve.add_argument(
            "--replan",
            action="store_true",
            help="Change as few published calls as possible (after publishing).",
        )
        publish = sub.add_parser("publish", help="Publish the draft's calls of some days.")
        publish.add_argument("--from", dest="first", metavar="DATE")
        publish.add_argument("--to", dest="last", metavar="DATE")
        publish.add_argument(
            "--schedule", type=int, metavar="ID", help="A draft's id (all its days)."
        )
        publish.add_argument("--firm", action="store_true", help="Publish as firm, not tentative.")
        publish.add_argument("--note", default="")
        show = sub.add_parser("show", help="Print the day's published calls.")
        show.add_argument("day", metavar="DATE")
        sub.add_parser("reap", help="Mark failed the runs whose planning worker stopped.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc

    # -- solve -------------------------------------------------------------------------------

    def _solve(self, o: dict[str, Any]) -> None:
        first, last = _date(o["first"], "--from"), _date(o["last"], "--to")
        now = timezone.now()
        period = services.period_open(first_day=first, last_day=last, by=CALLBOARD, now=now)
        run = services.solve_run_start(
            period=period,
            by=CALLBOARD,
            now=now,
            time_limit=o["time_limit"],
            seed=o["seed"],
            workers=o["workers"],
            mode=SolveRun.Mode.REPLAN if o["replan"] else SolveRun.Mode.FULL,
            enqueue=False,
        )
        err: Any = getattr(self.stderr, "_out", sys.stderr)
        interactive = hasattr(err, "isatty") and err.isatty()

        def tick(state: SolveRun) -> None:
            share = min(1.0, state.elapsed / max(0.01, state.time_limit))
            filled = int(share * BAR)
            line = (
                f"[{'#' * filled}{'.' * (BAR - filled)}] "
                f"{state.elapsed:5.1f}/{state.time_limit:.0f} s"
                f"  best {state.objective if state.objective is not None else '—'}"
                f"  bound {state.bound if state.bound is not None else '—'}"
            )
            err.write(("\r" + line) if interactive else (line + "\n"))
            err.flush()

        run = services.solve_run_execute(run_id=run.pk, tick=tick)
        err.write("\n" if interactive else "")
        self.stdout.write(f"Plan {period.pk} ({period}), run {run.pk}: {run.get_status_display()}.")
        self.stdout.write(run.log)
        if run.status in (SolveRun.Status.FAILED, SolveRun.Status.INFEASIBLE):
            raise CommandError(
                run.error or "No schedule could be made; see the log above.", returncode=1
            )
        self.stdout.write(
            f"Review the draft at /schedule/plans/{period.pk}/review/ , then "
            f"`callboard schedule publish --from {first} --to {last}`."
        )

    # -- reap --------------------------------------------------------------------------------

    def _reap(self, o: dict[str, Any]) -> None:
        reaped = services.solve_runs_reap(now=timezone.now())
        if not reaped:
            self.stdout.write("No run has lost its worker.")
            return
        runs = ", ".join(str(pk) for pk in reaped)
        self.stdout.write(
            f"Marked failed {len(reaped)} run(s) whose worker stopped: {runs}. Nothing was "
            "published by them; start them again."
        )

    # -- publish -----------------------------------------------------------------------------

    def _publish(self, o: dict[str, Any]) -> None:
        if o["schedule"] is not None:
            if o["first"] or o["last"]:
                raise CommandError("Give either --schedule or --from/--to, not both.", returncode=2)
            draft = Schedule.objects.filter(pk=o["schedule"]).select_related("period").first()
            if draft is None:
                raise CommandError(f"There is no schedule {o['schedule']}.", returncode=2)
            if draft.status != Schedule.Status.DRAFT:
                raise CommandError(
                    f"Schedule {draft.pk} is published version {draft.number}, which never "
                    "changes; give the plan's draft instead.",
                    returncode=2,
                )
            period, first, last = draft.period, draft.period.first_day, draft.period.last_day
        else:
            if not o["first"] or not o["last"]:
                raise CommandError("Give --from and --to (or --schedule ID).", returncode=2)
            first, last = _date(o["first"], "--from"), _date(o["last"], "--to")
            found = SchedulePeriod.objects.filter(first_day__lte=first, last_day__gte=last).first()
            if found is None:
                raise CommandError(
                    f"No plan covers {first} to {last}: solve those days first.", returncode=2
                )
            period = found
        result = services.schedule_publish(
            period=period,
            first_day=first,
            last_day=last,
            firm=o["firm"],
            note=o["note"],
            by=CALLBOARD,
            now=timezone.now(),
        )
        self.stdout.write(
            f"Published {first} to {last} as version {result.version.number} "
            f"({'firm' if o['firm'] else 'tentative'}); {result.notices} notice(s) sent"
            + (f", {result.late_notices} with short notice" if result.late_notices else "")
            + "."
        )

    # -- show --------------------------------------------------------------------------------

    def _show(self, o: dict[str, Any]) -> None:
        day = _date(o["day"], "DATE")
        board = selectors.board(day)
        self.stdout.write(f"Callboard {day:%A %d %B %Y}")
        if not board["calls"]:
            self.stdout.write("No calls are published for this day.")
            return
        for c in board["calls"]:
            start, end = selectors.local(c.starts_at), selectors.local(c.ends_at)
            people = ", ".join(cp.person.full_name for cp in c.called.all())
            state = "firm" if c.firm else "tentative"
            self.stdout.write(
                f"{start:%H:%M}-{end:%H:%M}  {c.studio.name:<22} {c.label} [{state}]\n"
                f"             {people}"
            )
