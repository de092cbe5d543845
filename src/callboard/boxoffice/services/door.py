"""The door: a ticket checked in once; a second scan is flagged, an unpaid reservation refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from callboard.boxoffice.models import (
    CheckIn,
    Order,
    Ticket,
)
from callboard.boxoffice.services.locking import contended, normalise_code
from callboard.core.actors import Actor, user_of
from callboard.core.errors import (
    ValidationFailed,
)
from callboard.core.roles import Cap, require
from callboard.season.models import Performance


@dataclass(frozen=True)
class ScanResult:
    checkin: CheckIn
    ticket: Ticket | None

    @property
    def admitted(self) -> bool:
        return self.checkin.result == CheckIn.Result.ADMITTED


@contended
def ticket_check_in(*, code: str, performance: Performance, now: datetime, by: Actor) -> ScanResult:
    """Scan a ticket at the door. The first scan admits; any later scan is recorded and flagged."""
    require(by, Cap.CHECK_IN)
    clean = normalise_code(code)
    if not clean:
        raise ValidationFailed(_("Type or scan a ticket code."), field="code")
    ticket = Ticket.objects.select_related("seat__section", "order").filter(code=clean).first()
    user = user_of(by)
    if ticket is None:
        result = CheckIn.Result.UNKNOWN
    elif ticket.performance_id != performance.pk:
        result = CheckIn.Result.WRONG_PERFORMANCE
    elif ticket.order.status in (Order.Status.AWAITING_PAYMENT, Order.Status.LAPSED):
        # An unpaid reservation (or one that lapsed unpaid) does not get in: the buyer pays at
        # the box office first, which admits them on the next scan.
        result = CheckIn.Result.UNPAID
    elif ticket.status != Ticket.Status.VALID or ticket.order.status not in (
        Order.ADMITTED_STATUSES
    ):
        result = CheckIn.Result.VOID
    else:
        first = Ticket.objects.filter(pk=ticket.pk, checked_in_at__isnull=True).update(
            checked_in_at=now
        )
        result = CheckIn.Result.ADMITTED if first else CheckIn.Result.DUPLICATE
        ticket.refresh_from_db(fields=["checked_in_at"])
    checkin = CheckIn.objects.create(
        performance=performance, ticket=ticket, code=clean[:64], result=result, at=now, by=user
    )
    return ScanResult(checkin=checkin, ticket=ticket)
