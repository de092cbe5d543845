"""``callboard talent FILE... [--time-limit S] [--json]``: the best rehearsal order of each file.

Reads rehearsal-order (talent scheduling) instances in Stuckey's format (``.dat`` or no
extension) or as MiniZinc data (``.dzn``, standard or CSPLib names), finds the order of the
pieces that keeps people waiting least and proves it optimal. Only parses arguments and calls
the solver library; it never touches the database.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from callboard.scheduling.solver.talent import (
    TalentInstance,
    TalentResult,
    TalentTooLarge,
    solve_talent,
    warm_up,
)
from callboard.scheduling.solver.talent_io import TalentFormatError, read_talent


class Command(BaseCommand):
    help = _(
        "Order the pieces of each rehearsal file so that the people called wait as little as "
        "possible, and prove the order optimal. Prints one line per file: total cost, idle "
        "cost, whether optimality is proven, seconds, and the order (pieces numbered as in "
        "the file)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help=_("instance files (.dat, .dzn or no extension)"),
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            metavar="S",
            help=_("seconds per file before settling for the best order found (default 60)"),
        )
        parser.add_argument("--json", action="store_true", help=_("print one JSON object per line"))

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["time_limit"]
        if not limit > 0:
            raise CommandError(
                _("--time-limit must be a positive number of seconds."), returncode=2
            )
        instances = [self._read(path) for path in options["files"]]  # all checked before solving
        warm_up()  # compile (or load) the search kernels outside the timed solves
        results = []
        for path, instance in zip(options["files"], instances, strict=True):
            try:
                result = solve_talent(instance, time_limit=limit)
            except TalentTooLarge as exc:
                raise CommandError(f"{path}: {exc}", returncode=2) from exc
            results.append((instance, result))
            if options["json"]:
                self.stdout.write(json.dumps(as_json(result)))
                self.stdout.flush()
        if not options["json"]:
            self.stdout.write(render(results))

    def _read(self, path: str) -> TalentInstance:
        try:
            return read_talent(path)
        except TalentFormatError as exc:
            raise CommandError(str(exc), returncode=2) from exc


def as_json(result: TalentResult) -> dict[str, Any]:
    return {
        "instance": result.instance,
        "total": result.total,
        "idle": result.idle,
        "optimal": result.optimal,
        "seconds": round(result.seconds, 4),
        "order": [piece + 1 for piece in result.order],
    }


def render(results: list[tuple[TalentInstance, TalentResult]]) -> str:
    head = [
        _("instance"),
        _("pieces"),
        _("people"),
        _("total"),
        _("idle"),
        _("optimal"),
        _("seconds"),
    ]
    rows = [
        [
            r.instance,
            str(i.n_pieces),
            str(i.n_people),
            str(r.total),
            str(r.idle),
            _("yes") if r.optimal else _("no (best found; lower bound %(b)s)") % {"b": r.bound},
            f"{r.seconds:.3f}",
        ]
        for i, r in results
    ]
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    lines.append("")
    for _inst, result in results:
        lines.append(
            _("%(name)s order: %(order)s")
            % {"name": result.instance, "order": " ".join(str(p + 1) for p in result.order)}
        )
    return "\n".join(lines)
