"""``callboard solve PROBLEM.json``: solve a rehearsal-call problem and print the schedule.

Only parses arguments and calls the solver library; it never touches the database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from callboard.scheduling.solver.explain import explain, explain_lines
from callboard.scheduling.solver.greedy import greedy
from callboard.scheduling.solver.io import ProblemError, problem_from_json, solution_to_json
from callboard.scheduling.solver.messages import UNPLACEABLE, duration
from callboard.scheduling.solver.problem import DAY, Problem, clock
from callboard.scheduling.solver.solution import Solution
from callboard.scheduling.solver.solve import solve


class Command(BaseCommand):
    help = _(
        "Solve a rehearsal scheduling problem given as JSON (see docs/solver.md) and print "
        "the schedule, its status and what could not be placed."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("problem", help=_("the problem, a JSON file"))
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help=_("seconds (default 10)")
        )
        parser.add_argument("--seed", type=int, default=0, help=_("random seed (default 0)"))
        parser.add_argument("--workers", type=int, default=2, help=_("solver threads (default 2)"))
        parser.add_argument(
            "--method",
            choices=("callboard", "greedy"),
            default="callboard",
            help=_(
                "callboard: the solver (default); greedy: the ballet-master-by-hand baseline, "
                "highest priority first at its earliest slot"
            ),
        )
        parser.add_argument("--json", action="store_true", help=_("print the solution as JSON"))
        parser.add_argument(
            "--explain", action="store_true", help=_("say why each penalty was paid")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = self._read(Path(options["problem"]))
        if options["time_limit"] <= 0:
            raise CommandError(
                _("--time-limit must be a positive number of seconds."), returncode=2
            )
        if options["workers"] < 1:
            raise CommandError(_("--workers must be 1 or more."), returncode=2)
        as_json = options["json"]

        def progress(elapsed: float, objective: int, bound: int) -> None:
            self.stderr.write(
                "\r"
                + _("%(t)6.1f s  objective %(o)s  bound %(b)s")
                % {"t": elapsed, "o": objective, "b": bound},
                ending="",
            )
            self.stderr.flush()

        if options["method"] == "greedy":
            solution = greedy(problem)
        else:
            solution = solve(
                problem,
                time_limit=options["time_limit"],
                seed=options["seed"],
                workers=options["workers"],
                progress=None if as_json else progress,
            )
        if not as_json:
            self.stderr.write("")
        if as_json:
            data = solution_to_json(solution, problem)
            if options["explain"]:
                data["explanation"] = [
                    {
                        "goal": e.goal,
                        "cost": e.cost,
                        "message": e.message,
                        "people": list(e.people),
                        "requests": list(e.requests),
                    }
                    for e in explain(problem, solution)
                ]
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(render(problem, solution))
        if options["explain"] and solution.has_schedule:
            self.stdout.write("\n" + _("Why each penalty was paid:"))
            for line in explain_lines(problem, solution):
                self.stdout.write(line)

    def _read(self, path: Path) -> Problem:
        data = read_json(path)
        try:
            return problem_from_json(data)
        except ProblemError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from None


def read_json(path: Path) -> Any:
    """The JSON in ``path``; a clear error (exit code 2) if it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(_("%(path)s: no such file.") % {"path": path}, returncode=2) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("%(path)s: cannot be read (%(error)s).") % {"path": path, "error": error},
            returncode=2,
        ) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            _("%(path)s is not valid JSON: %(msg)s at line %(line)s, column %(col)s.")
            % {"path": path, "msg": error.msg, "line": error.lineno, "col": error.colno},
            returncode=2,
        ) from None


def render(problem: Problem, solution: Solution) -> str:
    """The schedule as a readable table: per day, per studio, start–end, label, people."""
    lines: list[str] = []
    status = solution.status.value
    if solution.objective is not None:
        gap = f"{100 * solution.gap:.2f} %" if solution.gap is not None else "-"
        lines.append(
            _(
                "Status: %(status)s · objective %(obj)s · bound %(bound)s · gap %(gap)s · "
                "%(sec).1f s"
            )
            % {
                "status": status,
                "obj": solution.objective,
                "bound": solution.bound,
                "gap": gap,
                "sec": solution.seconds,
            }
        )
    else:
        lines.append(
            _("Status: %(status)s · %(sec).1f s") % {"status": status, "sec": solution.seconds}
        )
    if solution.conflicts:
        lines.append(_("The required requests and locked calls cannot all hold:"))
        lines += [f"  - {c.message}" for c in solution.conflicts]
        return "\n".join(lines)
    if not solution.has_schedule:
        lines.append(_("No schedule was found within the time limit; try a longer --time-limit."))
        return "\n".join(lines)
    by_day: dict[int, list[Any]] = defaultdict(list)
    for call in solution.calls:
        by_day[call.start // DAY].append(call)
    studio_width = max((len(s.name) for s in problem.studios), default=6)
    for day in range(len(problem.days)):
        calls = sorted(by_day.get(day, []), key=lambda c: (problem.studio_name(c.studio), c.start))
        lines.append("")
        lines.append(f"{problem.day_label(day)}" + ("" if calls else "  " + _("(no calls)")))
        for call in calls:
            request = problem.request_by_id[call.request]
            n = len(request.part_lengths)
            label = request.label if n == 1 else f"{request.label} ({call.part + 1}/{n})"
            people = ", ".join(problem.person_name(p) for p in call.people)
            lines.append(
                f"  {problem.studio_name(call.studio):<{studio_width}}  "
                f"{clock(call.start - day * DAY)}–{clock(call.end - day * DAY)}  "
                f"{label}  [{people}]"
            )
    if solution.unplaceable_minutes:
        lines.append(_(UNPLACEABLE) % {"duration": duration(solution.unplaceable_minutes, _)})
    placed, missing = solution.placed_minutes, solution.unplaced_minutes
    lines.append("")
    lines.append(
        _("Placed %(placed)s of %(total)s requested minutes in %(calls)s calls.")
        % {"placed": placed, "total": placed + missing, "calls": len(solution.calls)}
    )
    costs = ", ".join(f"{goal} {cost}" for goal, cost in solution.breakdown if cost)
    if costs:
        lines.append(_("Objective by goal: %(costs)s") % {"costs": costs})
    if solution.unplaced:
        lines.append(_("Not placed:"))
        for u in solution.unplaced:
            request = problem.request_by_id[u.request]
            n = len(request.part_lengths)
            label = request.label if n == 1 else f"{request.label} ({u.part + 1}/{n})"
            lines.append(f"  - {label} ({u.minutes} min): {u.reason}")
    return "\n".join(lines)
