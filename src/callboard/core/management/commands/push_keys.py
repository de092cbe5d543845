"""``callboard push_keys``: a new VAPID key pair for push notifications (core/push.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from callboard.core.push import new_vapid_keys


class Command(BaseCommand):
    help = _(
        "Print a new pair of VAPID keys, as the two settings that turn on push notifications "
        "to phones. Keep the private key secret; changing the pair ends every subscription."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        public, private = new_vapid_keys()
        self.stdout.write(f"CALLBOARD_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"CALLBOARD_VAPID_PRIVATE_KEY={private}")
