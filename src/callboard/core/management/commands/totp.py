"""``callboard totp SECRET``: the six-digit code an authenticator app shows now for SECRET
(the demo prints its users' secrets, so the demo can be signed into without a phone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core import twofactor
from callboard.core.errors import DomainError


class Command(BaseCommand):
    help = _(
        "Print the code an authenticator app shows now for a secret (base32, as the demo "
        "prints it), to sign in with a second factor without a phone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "secret", help=_("The secret, e.g. from the list `callboard demo` prints.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = twofactor.code_for(options["secret"], at=timezone.now())
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(code)
