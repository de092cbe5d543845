"""``callboard cast-suggest --programme ID``: suggest casting for a production's empty places."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from callboard.casting import selectors, services
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from callboard.repertoire.models import Work


class Command(BaseCommand):
    help = (
        "Suggest casting for the empty places of a programme's coming performances (CP-SAT). "
        "The suggestion is stored for review; nothing changes unless you pass --accept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", type=int, required=True, help="programme id")
        parser.add_argument("--work", type=int, help="only this work of the programme")
        parser.add_argument(
            "--time-limit", type=float, default=None, help="seconds for the solver (default 5)"
        )
        parser.add_argument(
            "--covers",
            type=int,
            default=None,
            help="covers per role (default 2 principal, 1 other)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--accept", action="store_true", help="apply the suggestion at once")

    def handle(self, *args: Any, **options: Any) -> None:

        now = timezone.now()
        try:
            programme = selectors.get_programme(options["programme"])
            work = None
            if options.get("work"):
                work = Work.objects.filter(pk=options["work"]).first()
                if work is None:
                    raise CommandError(f"No work with id {options['work']}.", returncode=2)
            proposal = services.suggestion_create(
                programme=programme,
                work=work,
                by=CALLBOARD,
                now=now,
                time_limit=options["time_limit"],
                covers=options["covers"],
                seed=options["seed"],
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        detail = selectors.proposal_detail(pk=proposal.pk)
        assert detail is not None
        ex = proposal.explanation
        self.stdout.write(
            f"Suggestion {proposal.pk} for {programme.title}: {ex.get('filled', 0)} of "
            f"{ex.get('slots_to_fill', 0)} empty places filled, {ex.get('covers_filled', 0)} of "
            f"{ex.get('covers_wanted', 0)} covers ({proposal.solver_status})."
        )
        for performance, items in detail["groups"]:
            self.stdout.write(f"\n{performance}")
            for item in items:
                what = f"cover {item.rank}" if item.kind == "cover" else item.get_kind_display()
                note = f"  [{item.note}]" if item.note else ""
                self.stdout.write(f"  {item.role.name:<30} {what:<12} {item.dancer.person}{note}")
        if options["accept"]:
            try:
                outcome = services.suggestion_accept(proposal=proposal, by=CALLBOARD, now=now)
            except DomainError as exc:
                raise CommandError(exc.message, returncode=2) from exc
            self.stdout.write(f"\nAccepted: {outcome['applied']} place(s) applied.")
            for line in outcome["skipped"]:
                self.stdout.write(f"  skipped: {line}")
        else:
            self.stdout.write(
                f"\nReview it at /casting/suggestions/{proposal.pk}/ (nothing has changed yet)."
            )
