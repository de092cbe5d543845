"""Patrons: every buyer with an e-mail becomes one patron record (one per e-mail, lower-cased),
linked to their orders. On a patron's request the company's management exports all their
data as JSON, or erases it: the orders stay for the accounts with the personal fields
(name, e-mail, client address) cleared.

``patron_export(*, patron, by, now) -> dict`` and ``patron_erase(*, patron, by, now)`` are
the functions a personal-data registry (``core.personal_data``, when it exists) can call.
The history is append-only: its entries about these orders keep the summaries written at
the time (the buyer's name among them); the erasure is recorded beside them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.boxoffice.models import Hold, Order, Patron, Ticket, WaitlistEntry
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, NotFound
from callboard.core.roles import Cap, require
from callboard.core.text import search_key


def normalise_email(raw: str) -> str:
    """The patron key of an e-mail address: trimmed and lower-cased."""
    return (raw or "").strip().lower()


def _search(name: str, email: str) -> str:
    return search_key(f"{name} {email}")[:460]


def patron_for_order(*, email: str, name: str, now: datetime, language: str = "") -> Patron | None:
    """The patron an order with this e-mail belongs to, made on the first order; their name
    follows the newest order. Part of writing the order (its history entry tells of it).
    None when there is no e-mail (a sale at the counter to someone who gave none)."""
    key = normalise_email(email)
    if not key:
        return None
    name = (name or "").strip()[:200]
    # One statement whether the patron is new or not (INSERT ... ON CONFLICT DO UPDATE
    # RETURNING id, on PostgreSQL and SQLite alike): safe when two orders of one e-mail race.
    made = Patron.objects.bulk_create(
        [
            Patron(
                email=key,
                name=name,
                language=language[:10],
                search_name=_search(name, key),
                created_at=now,
                updated_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=["name", "search_name", "updated_at"],
    )
    return made[0]


def patron_get(*, pk: int) -> Patron:
    found = Patron.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such patron."))
    return found


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def patron_export(*, patron: Patron, by: Actor, now: datetime) -> dict[str, Any]:
    """Everything Callboard keeps about a patron, as JSON-ready data (their orders, tickets
    and waiting-list places); the export is recorded in the history."""
    require(by, Cap.EDIT_PEOPLE)
    orders = (
        Order.objects.filter(patron=patron)
        .select_related("performance__venue", "performance__programme", "discount")
        .order_by("created_at", "pk")
    )
    tickets: dict[int, list[Ticket]] = {}
    for ticket in Ticket.objects.filter(order__patron=patron).select_related("seat__section"):
        tickets.setdefault(ticket.order_id, []).append(ticket)
    waiting = WaitlistEntry.objects.filter(email__iexact=patron.email or "\0").select_related(
        "performance"
    )
    data: dict[str, Any] = {
        "patron": {
            "id": patron.pk,
            "name": patron.name,
            "email": patron.email,
            "phone": patron.phone,
            "language": patron.language,
            "created_at": _iso(patron.created_at),
            "erased_at": _iso(patron.erased_at),
        },
        "orders": [
            {
                "reference": o.reference,
                "performance": o.performance.title or o.performance.programme.title,
                "venue": o.performance.venue.name,
                "starts_at": _iso(o.performance.starts_at),
                "kind": o.kind,
                "status": o.status,
                "buyer_name": o.buyer_name,
                "buyer_email": o.buyer_email,
                "client_address": o.client_address,
                "created_at": _iso(o.created_at),
                "paid_at": _iso(o.paid_at),
                "total": str(o.total),
                "discount_code": o.discount.code if o.discount else None,
                "discount_amount": str(o.discount_amount),
                "tickets": [
                    {
                        "code": t.code,
                        "seat": t.seat.label,
                        "price_type": t.price_type_name,
                        "price": str(t.price),
                        "status": t.status,
                        "checked_in_at": _iso(t.checked_in_at),
                    }
                    for t in tickets.get(o.pk, [])
                ],
            }
            for o in orders
        ],
        "waiting_lists": [
            {
                "performance": w.performance.title or str(w.performance),
                "name": w.name,
                "email": w.email,
                "seats": w.seats,
                "status": w.status,
                "joined_at": _iso(w.created_at),
            }
            for w in waiting
        ],
        "exported_at": _iso(now),
    }
    with transaction.atomic():
        audit.record(
            actor=by,
            action="people.patron_export",
            obj=patron,
            summary=_("The data of patron #%(id)s was exported at their request (%(n)s orders).")
            % {"id": patron.pk, "n": len(data["orders"])},
            at=now,
        )
    return data


def patron_erase(*, patron: Patron, by: Actor, now: datetime) -> Patron:
    """Erase a patron's personal data at their request: their name, e-mail and telephone here
    and on their orders (and the address the orders came from), and their waiting-list
    places. The orders, tickets and amounts stay for the accounts."""
    require(by, Cap.EDIT_PEOPLE)
    with transaction.atomic():
        patron = Patron.objects.select_for_update().get(pk=patron.pk)
        if patron.erased_at is not None:
            raise Conflict(_("This patron's data was erased already."))
        email = patron.email or ""
        erased_name = _("Erased at the patron's request")
        n = Order.objects.filter(patron=patron).update(
            buyer_name=erased_name, buyer_email="", client_address=None
        )
        if email:
            waiting = WaitlistEntry.objects.filter(email__iexact=email)
            Hold.objects.filter(waitlist_entry__in=waiting).update(owner_label=erased_name)
            waiting.update(name=erased_name, email="", status=WaitlistEntry.Status.CANCELLED)
        Patron.objects.filter(pk=patron.pk).update(
            name="", email=None, phone="", search_name="", erased_at=now, updated_at=now
        )
        patron.refresh_from_db()
        audit.record(
            actor=by,
            action="people.patron_erase",
            obj=patron,
            summary=_(
                "The personal data of patron #%(id)s was erased at their request; "
                "%(n)s orders keep their amounts without a name or e-mail."
            )
            % {"id": patron.pk, "n": n},
            changes={"erased_at": [None, now]},
            at=now,
        )
    return patron
