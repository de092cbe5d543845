"""A person's family comps and the orders bought with their e-mail address. Erasure keeps the
orders for the accounts, with the buyer's name and e-mail blanked. See core/personal_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.boxoffice.models import FamilyComp, Order
from callboard.core.personal_data import Part, when


def _orders(person: Any) -> Any:
    if not person.email:
        return Order.objects.none()
    return Order.objects.filter(buyer_email__iexact=person.email)


def export(person: Any, viewer: Any) -> dict[str, Any] | None:
    comps = FamilyComp.objects.filter(dancer__person=person).select_related("performance")
    data = {
        "family_comps": [
            {
                "performance": str(c.performance),
                "guest": c.guest_name,
                "seats": c.seats,
                "status": c.status,
                "note": c.note,
                "requested_at": when(c.requested_at),
            }
            for c in comps
        ],
        "orders": [
            {
                "reference": o.reference,
                "performance": str(o.performance),
                "kind": o.kind,
                "status": o.status,
                "buyer_name": o.buyer_name,
                "buyer_email": o.buyer_email,
                "total": str(o.total),
            }
            for o in _orders(person).select_related("performance")
        ],
    }
    return data if any(data.values()) else None


def erase(person: Any, now: dt.datetime) -> int:
    touched = FamilyComp.objects.filter(dancer__person=person).update(guest_name="—", note="")
    touched += _orders(person).update(buyer_name=f"Erased person #{person.pk}", buyer_email="")
    return int(touched)


PART = Part("box_office", export, erase)
