"""``callboard check PROBLEM.json SCHEDULE.json``: check and score a schedule someone gives.

The schedule is a solution JSON (what ``callboard solve --json`` prints) or a list of
calls (docs/solver.md, "Checking a schedule"). Every hard rule is verified by the
independent checker; the schedule is scored goal by goal. Exit code 0 when it keeps every
rule, 1 when it breaks one, 2 when a file is malformed. Never touches the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from callboard.scheduling.management.commands.solve import read_json
from callboard.scheduling.solver.check import RULES, check
from callboard.scheduling.solver.io import ProblemError, problem_from_json, schedule_from_json
from callboard.scheduling.solver.score import score


class Command(BaseCommand):
    help = _(
        "Check a schedule against a rehearsal scheduling problem (both JSON files, see "
        "docs/solver.md): every hard rule it breaks, and what each goal costs."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("problem", help=_("the problem, a JSON file"))
        parser.add_argument(
            "schedule", help=_("the schedule, a JSON file (a solution or a list of calls)")
        )
        parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        problem_path, schedule_path = Path(options["problem"]), Path(options["schedule"])
        try:
            problem = problem_from_json(read_json(problem_path))
        except ProblemError as error:
            raise CommandError(f"{problem_path}: {error}", returncode=2) from None
        try:
            calls = schedule_from_json(read_json(schedule_path), problem)
        except ProblemError as error:
            raise CommandError(f"{schedule_path}: {error}", returncode=2) from None
        violations = check(problem, calls)
        result = score(problem, calls)
        requested = sum(part.length for part in problem.parts)
        placed = sum(c.end - c.start for c in calls)
        if options["json"]:
            data = {
                "valid": not violations,
                "violations": [
                    {"rule": v.rule, "message": v.message, "items": list(v.items)}
                    for v in violations
                ],
                "objective": result.total,
                "breakdown": dict(result.breakdown()),
                "placed_minutes": placed,
                "requested_minutes": requested,
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            if violations:
                self.stdout.write(_("The schedule breaks %(n)s rule(s):") % {"n": len(violations)})
                for v in violations:
                    self.stdout.write(f"  - {_(RULES.get(v.rule, v.rule))}: {v.message}")
            else:
                self.stdout.write(_("The schedule keeps every rule."))
            self.stdout.write(
                _("%(calls)s calls, %(placed)s of %(total)s requested minutes placed.")
                % {"calls": len(calls), "placed": placed, "total": requested}
            )
            self.stdout.write(_("Objective: %(objective)s") % {"objective": result.total})
            costs = ", ".join(f"{goal} {cost}" for goal, cost in result.breakdown() if cost)
            if costs:
                self.stdout.write(_("Objective by goal: %(costs)s") % {"costs": costs})
        if violations:
            raise SystemExit(1)
