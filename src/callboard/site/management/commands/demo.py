"""``callboard demo [--if-empty] [--today YYYY-MM-DD]``: build the demo company."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.company.models import Company
from callboard.core.errors import DomainError
from callboard.site.demo import build_demo, build_extras, demo_now, demo_today


def _anchor(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--today takes a date as YYYY-MM-DD (for example 2026-11-23), not %(value)r.")
            % {"value": value},
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = _(
        "Build the demo company, Pavlov Ballet Theatre, into an empty database: people, "
        "studios, repertoire, a commission, venues, a season with a tour, and one sign-in "
        "per role. The same --today always gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing (and say so) when the database already has a company."),
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help=_("Anchor day the demo's dates are built around (default: today in Moscow)."),
        )
        parser.add_argument(
            "--core-only",
            action="store_true",
            help=_(
                "Build only the company, people, repertoire and season; skip casting, the "
                "box office, the rehearsal schedule, reception and workload."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _anchor(options["today"]) if options["today"] else demo_today()
        existing = Company.objects.first()
        if existing is not None and options["if_empty"]:
            self.stdout.write(
                _("The database already has a company (%(name)s); the demo was not built.")
                % {"name": existing.name}
            )
            return
        try:
            summary = build_demo(today=today)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc

        if not options["core_only"]:
            # Built this morning before 9:00, the stories are written as of now.
            now = demo_now(today, timezone.now())
            for line in build_extras(today=today, now=now):
                self.stdout.write(f"  {line}")
        counts = summary.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Built the demo company %(company)s around %(today)s: %(dancers)d dancers, "
                    "%(staff)d staff, %(studios)d studios, %(works)d works, "
                    "%(performances)d performances."
                )
                % {"company": summary.company, "today": summary.today.isoformat(), **counts}
            )
        )
        self.stdout.write("")
        self.stdout.write(
            _("Demo users (the password for every one is: %(password)s)")
            % {"password": summary.password}
        )
        width_user = max(len(u.username) for u in summary.users)
        width_name = max(len(u.name) for u in summary.users)
        width_role = max(len(u.role) for u in summary.users)
        header = (
            f"  {_('user name'):<{width_user}}  {_('name'):<{width_name}}  "
            f"{_('role'):<{width_role}}  {_('authenticator-app secret')}"
        )
        self.stdout.write(header)
        for user in summary.users:
            self.stdout.write(
                f"  {user.username:<{width_user}}  {user.name:<{width_name}}  "
                f"{user.role:<{width_role}}  {user.totp_secret or '—'}".rstrip()
            )
        self.stdout.write("")
        self.stdout.write(_("Password: %(password)s") % {"password": summary.password})
        self.stdout.write(
            _(
                "Users with a secret sign in with a second factor: add the secret to an "
                "authenticator app, or print the code it would show with: callboard totp SECRET"
            )
        )
