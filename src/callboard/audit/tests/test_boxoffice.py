"""The box office: holds, kills, comps and orders are in the history of their performance."""

from __future__ import annotations

import pytest
from django.utils import timezone

from callboard.audit.selectors import trail_for
from callboard.audit.tests.conftest import entries
from callboard.boxoffice import services
from callboard.boxoffice.models import Hold
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Role
from callboard.core.testing.factories import DancerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_house_cache():
    services.house_cache_clear()
    yield
    services.house_cache_clear()


@pytest.fixture
def clerk(make_user):
    return make_user(Role.BOX_OFFICE, first_name="Svetlana", last_name="Rudneva")


def _hold(perf, clerk, now, kind=Hold.Kind.PRESS, **kw):
    values = {
        "performance": perf,
        "kind": kind,
        "reason": "Review seats",
        "owner_label": "The Moscow Times",
        "seat_ids": seat_ids(perf, "1", 1, 2),
        "by": clerk,
        "now": now,
    }
    values.update(kw)
    return services.hold_create(**values)


def test_a_hold_writes_one_entry_with_its_seats(clerk, now):
    perf = on_sale(now)
    hold = _hold(perf, clerk, now)
    (entry,) = entries()
    assert (entry.actor, entry.action, entry.kind) == (clerk, "hold.create", "hold")
    assert (entry.record_type, entry.record_id) == ("boxoffice.hold", hold.pk)
    assert (entry.parent_type, entry.parent_id) == ("season.performance", perf.pk)
    assert "Held 2 seat(s)" in entry.summary
    assert "Press seats for The Moscow Times (Stalls 1-1, Stalls 1-2): Review seats." in (
        entry.summary
    )
    assert [e.pk for e in trail_for(clerk, perf)] == [entry.pk]


def test_a_kill_is_its_own_kind_of_entry(clerk, now):
    perf = on_sale(now)
    _hold(perf, clerk, now, kind=Hold.Kind.KILL, reason="Camera position")
    (entry,) = entries()
    assert entry.action == "hold.kill" and entry.summary.startswith("Killed 2 seat(s)")


def test_a_refused_hold_writes_nothing(clerk, now):
    perf = on_sale(now)
    with pytest.raises(ValidationFailed):
        _hold(perf, clerk, now, reason=" ")
    _hold(perf, clerk, now)
    with pytest.raises(Conflict):  # the same seats again
        _hold(perf, clerk, now)
    assert [e.action for e in entries()] == ["hold.create"]


def test_releasing_and_giving_held_seats_are_entries_on_the_hold_and_the_order(clerk, now):
    perf = on_sale(now)
    hold = _hold(perf, clerk, now, seat_ids=seat_ids(perf, "1", 1, 2, 3))
    services.hold_release(hold=hold, seat_ids=seat_ids(perf, "1", 3), by=clerk, now=now)
    order = services.hold_issue(hold=hold, buyer_name="Critic", by=clerk, now=now)
    services.hold_release(hold=hold, by=clerk, now=now)  # nothing left: no entry
    actions = [(e.action, e.record_type) for e in entries()]
    assert actions == [
        ("hold.create", "boxoffice.hold"),
        ("hold.release", "boxoffice.hold"),
        ("order.create", "boxoffice.order"),
        ("hold.issue", "boxoffice.hold"),
    ]
    release, created, issued = entries()[1:]
    assert release.summary.startswith("Released 1 seat(s) of the hold")
    assert created.record_id == order.pk and "From the hold: Press seats" in created.summary
    assert issued.summary.endswith(f"to Critic: order {order.reference}.")


def test_an_online_order_names_the_buyer_and_a_counter_sale_the_clerk(client, clerk, now):
    perf = on_sale(timezone.now())
    cart = client.post(
        f"/api/v1/boxoffice/performances/{perf.pk}/carts",
        {"seats": seat_ids(perf, "1", 1)},
        content_type="application/json",
    )
    made = client.post(
        f"/api/v1/boxoffice/carts/{cart.json()['token']}/order",
        {"buyer_name": "A. Buyer", "buyer_email": "a.buyer@example.org"},
        content_type="application/json",
    )
    assert made.status_code == 201
    (online,) = entries()
    assert (online.action, online.actor, online.who) == ("order.create", None, "A. Buyer (online)")
    assert online.summary.startswith(f"Order {made.json()['reference']} (reservation")
    cart = services.cart_create(performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now)
    services.order_checkout(
        cart=cart, buyer_name="Walk-in", kind="sale", may_sell=True, user=clerk, now=now
    )
    assert entries()[-1].who == "Svetlana Rudneva"


def test_refunds_exchanges_and_payments_are_one_entry_each_and_a_refused_one_none(clerk, now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1, 2), now)
    services.order_mark_paid(order=order, by=clerk, now=now)
    first, second = order.tickets.order_by("pk")
    services.order_exchange(
        order=order,
        ticket_ids=[first.pk],
        seat_ids=seat_ids(perf, "2", 3),
        by=clerk,
        now=now,
    )
    services.order_refund(order=order, ticket_ids=[second.pk], by=clerk, now=now)
    with pytest.raises(ValidationFailed):  # not a ticket of this order
        services.order_refund(order=order, ticket_ids=[first.pk], by=clerk, now=now)
    created, paid, exchanged, refunded = entries()
    assert created.actor is None and paid.action == "order.paid"
    assert exchanged.action == "order.exchange" and "for Stalls 2-3" in exchanged.summary
    assert exchanged.changes == {"total": ["200.00", "150.00"]}
    assert refunded.action == "order.refund"
    assert refunded.summary.startswith("Refunded 1 ticket(s) of order")
    assert all(e.actor == clerk for e in (paid, exchanged, refunded))


def test_a_family_comp_from_claim_to_confirmation(make_user, clerk, now):
    perf = on_sale(now)
    dancer_user = make_user(Role.DANCER)
    dancer = DancerFactory(
        rank="principal", person=PersonFactory(user=dancer_user, given_name="Klara")
    )
    claim = services.comp_claim(
        dancer=dancer, performance=perf, guest_name="Grandmother", seats=1, by=dancer_user, now=now
    )
    services.comp_confirm(claim=claim, seat_ids=seat_ids(perf, "1", 4), by=clerk, now=now)
    other = services.comp_claim(
        dancer=dancer, performance=perf, guest_name="Aunt", seats=1, by=dancer_user, now=now
    )
    services.comp_decline(claim=other, by=clerk, note="The house is full", now=now)
    actions = [e.action for e in entries()]
    assert actions == [
        "comp.claim",
        "hold.create",
        "order.create",
        "hold.issue",
        "comp.confirm",
        "comp.claim",
        "comp.decline",
    ]
    asked, *_rest, declined = entries()
    assert asked.actor == dancer_user and "asked for 1 family comp(s)" in asked.summary
    assert declined.summary.endswith("The house is full")
    holds_page = [e.action for e in trail_for(clerk, perf, kinds=["hold", "comp"])]
    assert "order.create" not in holds_page and len(holds_page) == 6
