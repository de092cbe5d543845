"""`callboard boxoffice_sweep`: end expired cart holds and released holds (run it from cron).

Availability never waits for this: a claim past its time stops counting at once. The sweep
only tidies the records (carts marked expired, holds marked released).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from callboard.boxoffice.services import sweep_expired


class Command(BaseCommand):
    help = "End expired cart holds and holds past their release time."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep_expired(now=timezone.now())
        self.stdout.write(
            f"{counts['claims']} seat holds ended, {counts['carts']} carts expired, "
            f"{counts['holds']} holds released."
        )
