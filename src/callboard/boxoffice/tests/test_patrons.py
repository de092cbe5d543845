"""Patrons: one per buyer's e-mail, their search, export and erasure."""

import json

import pytest

from callboard.audit.models import AuditEntry
from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import Order, Patron, Ticket, WaitlistEntry
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, PermissionDenied
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def _order(perf, ids, now, email, name="Anna Buyer"):
    cart = services.cart_create(performance=perf, seat_ids=ids, now=now, by=CALLBOARD)
    return services.order_checkout(
        cart=cart, buyer_name=name, buyer_email=email, now=now, by=CALLBOARD
    )


def test_each_email_is_one_patron_linked_to_their_orders(now):
    perf = on_sale(now)
    first = _order(perf, seat_ids(perf, "1", 1), now, "Anna@Example.org")
    second = _order(perf, seat_ids(perf, "1", 2), now, " anna@example.org", name="Anna Petrova")
    _order(perf, seat_ids(perf, "1", 3), now, "bob@example.org", name="Bob")
    assert Patron.objects.count() == 2
    anna = Patron.objects.get(email="anna@example.org")
    assert {first.patron_id, second.patron_id} == {anna.pk}
    assert anna.name == "Anna Petrova"  # the newest order's name


def test_an_order_without_email_makes_no_patron(now):
    perf = on_sale(now)
    cart = services.cart_create(
        performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
    )
    order = services.order_checkout(
        cart=cart, buyer_name="Walk-in", kind="sale", may_sell=True, now=now, by=CALLBOARD
    )
    assert order.patron_id is None
    assert not Patron.objects.exists()


def test_search_finds_a_patron_by_name_without_accents_or_by_email(now):
    perf = on_sale(now)
    _order(perf, seat_ids(perf, "1", 1), now, "klara@example.org", name="Klára Novák")
    _order(perf, seat_ids(perf, "1", 2), now, "bob@example.org", name="Bob Smith")
    assert [p.name for p in selectors.patrons_search(q="klara")] == ["Klára Novák"]
    assert [p.name for p in selectors.patrons_search(q="BOB@example.org")] == ["Bob Smith"]
    assert [p.name for p in selectors.patrons_search()] == ["Bob Smith", "Klára Novák"]


def test_export_holds_all_their_orders_and_is_recorded(now):
    perf = on_sale(now)
    order = _order(perf, seat_ids(perf, "1", 1, 2), now, "anna@example.org")
    patron = Patron.objects.get()
    data = services.patron_export(patron=patron, by=CALLBOARD, now=now)
    json.dumps(data)  # plain JSON
    assert data["patron"]["email"] == "anna@example.org"
    assert [o["reference"] for o in data["orders"]] == [order.reference]
    assert len(data["orders"][0]["tickets"]) == 2
    assert AuditEntry.objects.filter(action="people.patron_export", record_id=patron.pk).exists()


def test_erasure_clears_personal_fields_and_keeps_the_orders(now):
    perf = on_sale(now)
    order = _order(perf, seat_ids(perf, "1", 1), now, "anna@example.org")
    Order.objects.filter(pk=order.pk).update(client_address="10.0.0.7")
    patron = Patron.objects.get()
    waiting = WaitlistEntry.objects.create(
        performance=perf,
        name="Anna Buyer",
        email="anna@example.org",
        seats=1,
        token="t",
        created_at=now,
    )
    services.patron_erase(patron=patron, by=CALLBOARD, now=now)
    waiting.refresh_from_db()
    assert (waiting.email, waiting.status) == ("", "cancelled") and "Anna" not in waiting.name
    order.refresh_from_db()
    patron.refresh_from_db()
    assert order.buyer_email == "" and order.client_address is None
    assert "Anna" not in order.buyer_name
    assert order.total > 0 and Ticket.objects.filter(order=order).count() == 1
    assert patron.email is None and patron.name == "" and patron.erased_at == now
    assert AuditEntry.objects.filter(action="people.patron_erase", record_id=patron.pk).exists()
    with pytest.raises(Conflict):
        services.patron_erase(patron=patron, by=CALLBOARD, now=now)
    # a new order with the same e-mail is a new patron
    _order(perf, seat_ids(perf, "1", 2), now, "anna@example.org")
    assert Patron.objects.filter(email="anna@example.org").exclude(pk=patron.pk).exists()


def test_only_management_exports_or_erases(now, make_user):
    perf = on_sale(now)
    _order(perf, seat_ids(perf, "1", 1), now, "anna@example.org")
    patron = Patron.objects.get()
    with pytest.raises(PermissionDenied):
        services.patron_erase(patron=patron, by=make_user(Role.BOX_OFFICE), now=now)
    with pytest.raises(PermissionDenied):
        services.patron_export(patron=patron, by=make_user(Role.BOX_OFFICE), now=now)
    assert Patron.objects.get().erased_at is None


def test_the_backfill_makes_patrons_of_existing_orders(now):
    from importlib import import_module

    from django.apps import apps

    perf = on_sale(now)
    first = _order(perf, seat_ids(perf, "1", 1), now, "anna@example.org")
    second = _order(perf, seat_ids(perf, "1", 2), now, "ANNA@example.org", name="Anna P")
    Order.objects.update(patron=None)
    Patron.objects.all().delete()
    migration = import_module("callboard.boxoffice.migrations.0005_patrons_backfill")
    migration.backfill(apps, None)
    patron = Patron.objects.get()
    assert set(patron.orders.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert patron.name == "Anna P"
