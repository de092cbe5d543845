"""The waiting list of a sold-out performance.

A buyer (a name and an e-mail; no sign-in) joins the line. When seats come back on sale (a
refund, a reservation that lapsed, a hold released or run out) the chore
:func:`waitlist_offers` offers them to the first in line: the best seats together for the
number they asked for are held for them (a hold of kind *waiting list*, taken with the box
office's lock protocol) for ``CALLBOARD_WAITLIST_OFFER_MINUTES``, and an e-mail in their
language brings them a link. Following it turns the hold into a cart that lasts until the
offer's end, which they then buy as any cart. An offer that runs out releases its seats and
the next in line is offered them, in the same chore run.

Seats that come back are on sale to everyone at once; the line gets those still free when
the chore runs (every ``CALLBOARD_CHORE_SECONDS``). The line is served strictly in order:
while the first in line cannot be given their seats together, nobody behind them is.

These are writes with no ``by``: a buyer acts with their own secret (the offer's token), and
Callboard offers on its own as time passes.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.models import (
    Cart,
    Hold,
    PerformanceSeat,
    SeatClaim,
    WaitlistEntry,
)
from callboard.boxoffice.services.locking import (
    BestRequest,
    SeatsTaken,
    _claim_best,
    _lock,
    _require_on_sale,
    contended,
    live_claims,
    max_tickets_per_order,
)
from callboard.core import outbox
from callboard.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from callboard.core.i18n import format_moment, supported_language
from callboard.core.links import absolute_reverse
from callboard.season.models import Performance

log = logging.getLogger(__name__)


def offer_minutes() -> int:
    return max(1, int(settings.CALLBOARD_WAITLIST_OFFER_MINUTES))


def free_seats(performance: Performance, now: datetime) -> int:
    """How many seats of the house nobody has now (two queries)."""
    house = PerformanceSeat.objects.filter(performance=performance).count()
    return max(house - live_claims(performance, now).count(), 0)


def waitlist_join(
    *,
    performance: Performance,
    name: str,
    email: str,
    seats: int,
    now: datetime,
    language: str = "",
) -> WaitlistEntry:
    """Put a buyer in the line for a sold-out performance. One place per e-mail and
    performance; joining again with the same e-mail returns the place already held."""
    name = " ".join((name or "").split())[:200]
    email = (email or "").strip().lower()
    if not name:
        raise ValidationFailed(_("Give your name."), field="name")
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("%(address)s is not an e-mail address: correct it and try again.")
            % {"address": email[:100] or "—"},
            field="email",
        ) from None
    if (
        not isinstance(seats, int)
        or isinstance(seats, bool)
        or not 1 <= seats <= max_tickets_per_order()
    ):
        raise ValidationFailed(
            _("Ask for between 1 and %(n)s seats.") % {"n": max_tickets_per_order()}, field="seats"
        )
    _require_on_sale(performance, now)
    with transaction.atomic():
        held = WaitlistEntry.objects.filter(
            performance=performance, email=email, status__in=WaitlistEntry.ACTIVE
        ).first()
        if held is not None:
            return held
        if free_seats(performance, now) >= seats:
            raise Conflict(
                _("Seats are still on sale for this performance: choose them on the seat map."),
                detail={"code": "not_sold_out"},
            )
        entry = WaitlistEntry.objects.create(
            performance=performance,
            name=name,
            email=email,
            language=supported_language(language) or "",
            seats=seats,
            token=secrets.token_urlsafe(24),
            created_at=now,
        )
        audit.record(
            actor=None,
            action="order.waitlist_join",
            obj=entry,
            parent=performance,
            summary=_("%(name)s joined the waiting list for %(n)s seat(s).")
            % {"name": name, "n": seats},
            actor_name=name,
            at=now,
        )
    return entry


def waitlist_position(entry: WaitlistEntry) -> int:
    """1 for the first in line; 0 once the entry has left the line."""
    if entry.status not in WaitlistEntry.ACTIVE:
        return 0
    return (
        WaitlistEntry.objects.filter(
            performance_id=entry.performance_id,
            status__in=WaitlistEntry.ACTIVE,
            created_at__lte=entry.created_at,
        )
        .exclude(created_at=entry.created_at, pk__gt=entry.pk)
        .count()
    )


def waitlist_get(*, token: str) -> WaitlistEntry:
    found = (
        WaitlistEntry.objects.select_related("performance__venue", "performance__programme", "cart")
        .filter(token=token)
        .first()
    )
    if found is None:
        raise NotFound(_("No such offer; the link may be incomplete."))
    return found


@contended
def _offer(*, entry_id: int, now: datetime) -> WaitlistEntry | None:
    """Hold the best seats together for the entry and e-mail them the offer; raises
    :class:`SeatsTaken` when there are not enough seats together."""
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("performance__venue", "performance__programme")
        .filter(pk=entry_id, status=WaitlistEntry.Status.WAITING)
        .first()
    )
    if entry is None:
        return None
    performance = entry.performance
    until = now + timedelta(minutes=offer_minutes())
    until = min(until, performance.starts_at)
    hold = Hold.objects.create(
        performance=performance,
        kind=Hold.Kind.WAITLIST,
        owner_label=entry.name,
        reason=_("Offered to the waiting list"),
        release_at=until,
        created_at=now,
    )
    _claim_best(
        performance=performance,
        best=BestRequest(count=entry.seats),
        now=now,
        kind=SeatClaim.Kind.HOLD,
        hold=hold,
    )
    entry.status = WaitlistEntry.Status.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = until
    entry.hold = hold
    entry.save(update_fields=["status", "offered_at", "offer_expires_at", "hold"])
    _offer_email(entry, now)
    audit.record(
        actor=None,
        action="order.waitlist_offer",
        obj=entry,
        parent=performance,
        summary=_("%(n)s seat(s) offered to %(name)s from the waiting list until %(when)s.")
        % {
            "n": entry.seats,
            "name": entry.name,
            "when": format_moment(until, zone=performance.venue.zone),
        },
        at=now,
    )
    return entry


def _offer_email(entry: WaitlistEntry, now: datetime) -> None:
    performance = entry.performance
    link = absolute_reverse("boxoffice:waitlist_offer", token=entry.token)
    language = entry.language or settings.LANGUAGE_CODE
    with translation.override(language):
        show = performance.title or performance.programme.title
        when = format_moment(performance.starts_at, zone=performance.venue.zone)
        until = format_moment(entry.offer_expires_at, zone=performance.venue.zone)
        subject = _("Seats for %(show)s are free for you") % {"show": show}
        body = _(
            "Dear %(name)s,\n\n"
            "seats have come back for %(show)s at %(venue)s on %(when)s, and you are first on "
            "the waiting list. We are holding %(n)s seat(s) for you until %(until)s.\n\n"
            "Buy them here:\n%(link)s\n\n"
            "If you do not buy them by then, they go to the next person in line.\n"
        ) % {
            "name": entry.name,
            "show": show,
            "venue": performance.venue.name,
            "when": when,
            "n": entry.seats,
            "until": until,
            "link": link,
        }
    outbox.email_queue(
        to=entry.email, subject=subject, body=body, kind="boxoffice.waitlist", now=now
    )


@contended
def waitlist_accept(*, token: str, now: datetime) -> Cart:
    """The buyer takes the offered seats: the hold becomes their cart, lasting until the
    offer's end. Taking it again returns the same cart."""
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("performance__venue", "cart")
        .filter(token=token)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such offer; the link may be incomplete."))
    cart = entry.cart
    if (
        entry.status == WaitlistEntry.Status.ACCEPTED
        and cart is not None
        and cart.status == Cart.Status.OPEN
        and cart.expires_at > now
    ):
        return cart
    if entry.status == WaitlistEntry.Status.BOUGHT:
        raise Conflict(_("You have bought these seats already."), detail={"code": "bought"})
    hold_id = entry.hold_id
    if (
        entry.status != WaitlistEntry.Status.OFFERED
        or hold_id is None
        or entry.offer_expires_at is None
        or entry.offer_expires_at <= now
    ):
        raise Conflict(
            _("This offer has run out and the seats went to the next in line."),
            detail={"code": "offer_expired"},
        )
    claims = list(SeatClaim.objects.filter(hold_id=hold_id, active=True, kind=SeatClaim.Kind.HOLD))
    if not claims:
        raise Conflict(
            _("This offer has run out and the seats went to the next in line."),
            detail={"code": "offer_expired"},
        )
    _lock((c.performance_id, c.seat_id) for c in claims)
    cart = Cart.objects.create(
        token=secrets.token_urlsafe(24),
        performance_id=entry.performance_id,
        created_at=now,
        expires_at=entry.offer_expires_at,
    )
    SeatClaim.objects.filter(pk__in=[c.pk for c in claims]).update(
        kind=SeatClaim.Kind.CART, cart=cart, hold=None, expires_at=cart.expires_at
    )
    Hold.objects.filter(pk=hold_id).update(released_at=now)
    entry.status = WaitlistEntry.Status.ACCEPTED
    entry.cart = cart
    entry.save(update_fields=["status", "cart"])
    audit.record(
        actor=None,
        action="order.waitlist_accept",
        obj=entry,
        parent=entry.performance,
        summary=_("%(name)s took the seats offered from the waiting list.") % {"name": entry.name},
        actor_name=entry.name,
        at=now,
    )
    return cart


def cart_url(cart: Cart) -> str:
    """Where the buyer completes the purchase of a cart (``CALLBOARD_WAITLIST_CART_URL``)."""
    return str(settings.CALLBOARD_WAITLIST_CART_URL).format(
        token=cart.token, performance=cart.performance_id
    )


@transaction.atomic
def _close_finished(now: datetime) -> dict[str, int]:
    """Offers that ran out, carts bought or lapsed: each entry leaves the line."""
    expired = 0
    for entry in WaitlistEntry.objects.select_for_update().filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ):
        entry.status = WaitlistEntry.Status.EXPIRED
        entry.save(update_fields=["status"])
        if entry.hold_id:
            SeatClaim.objects.filter(hold_id=entry.hold_id, active=True).update(
                active=False, ended_at=now
            )
            Hold.objects.filter(pk=entry.hold_id, released_at__isnull=True).update(released_at=now)
        audit.record(
            actor=None,
            action="order.waitlist_expire",
            obj=entry,
            parent=entry.performance,
            summary=_(
                "The waiting-list offer to %(name)s ran out; the seats go to the next in line."
            )
            % {"name": entry.name},
            at=now,
        )
        expired += 1
    bought = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.ACCEPTED, cart__status=Cart.Status.ORDERED
    ).update(status=WaitlistEntry.Status.BOUGHT)
    lapsed = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.ACCEPTED, cart__expires_at__lte=now
        )
        .exclude(cart__status=Cart.Status.ORDERED)
        .update(status=WaitlistEntry.Status.EXPIRED)
    )
    return {"expired": expired + lapsed, "bought": bought}


def waitlist_offers(*, now: datetime) -> dict[str, int]:
    """The chore: close finished offers, then offer free seats to the first in line of each
    performance on sale, in order, while there are seats together for them."""
    counts = _close_finished(now)
    offered = 0
    performance_ids = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING,
            performance__status=Performance.Status.ON_SALE,
            performance__starts_at__gt=now,
        )
        .values_list("performance_id", flat=True)
        .distinct()
    )
    for performance_id in list(performance_ids):
        line = WaitlistEntry.objects.filter(
            performance_id=performance_id, status=WaitlistEntry.Status.WAITING
        ).order_by("created_at", "pk")
        for entry_id in list(line.values_list("pk", flat=True)[:50]):
            try:
                if _offer(entry_id=entry_id, now=now) is not None:
                    offered += 1
            except SeatsTaken:
                break  # not enough seats together for the first in line: they keep their place
            except DomainError:
                log.warning("waiting-list offer %s failed", entry_id, exc_info=True)
                break
    counts["offered"] = offered
    return counts
