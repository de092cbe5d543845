"""Many buyers racing for the same seats, each on its own database connection (PostgreSQL).

Between server processes nothing but the database's locks stands between buyers: these races
run with this process's turnstile open (``CALLBOARD_SALES_AT_ONCE=0``), as if every buyer
were served by a process of their own, and the best-available rush once more with one turn.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import Order, SeatClaim, Ticket
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from conftest import require_postgres

BUYERS = 24


@pytest.fixture(autouse=True)
def _as_many_processes(settings):
    settings.CALLBOARD_SALES_AT_ONCE = 0


def _race(target, n=BUYERS):
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = ("ok", target(i))
        except DomainError as exc:
            outcomes[i] = (type(exc).__name__, exc.detail)
        except Exception as exc:  # anything else is a bug: a would-be 500
            outcomes[i] = ("crash", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_racing_buyers_never_get_the_same_seat():
    require_postgres()
    now = timezone.now()
    perf = on_sale(now, rows=2, seats=6)
    front = seat_ids(perf, "1", 3, 4)

    def buy(i):
        cart = services.cart_create(performance=perf, seat_ids=front, now=now, by=CALLBOARD)
        return services.order_checkout(
            cart=cart,
            buyer_name=f"Buyer {i}",
            buyer_email=f"buyer{i}@example.org",
            now=now,
            by=CALLBOARD,
        ).pk

    outcomes = _race(buy)
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["ok"] == 1, outcomes
    assert kinds["crash"] == 0, outcomes
    assert set(kinds) <= {"ok", "SeatsTaken", "Busy"}
    assert Ticket.objects.filter(status="valid").count() == 2
    assert Order.objects.count() == 1
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("at_once", [0, 1])
def test_best_available_rush_sells_each_seat_once_and_loses_no_order(settings, at_once):
    require_postgres()
    settings.CALLBOARD_SALES_AT_ONCE = at_once
    now = timezone.now()
    perf = on_sale(now, rows=3, seats=8)  # 24 seats, 24 buyers wanting 2 each

    def buy(i):
        cart = services.cart_create(
            performance=perf, best=services.BestRequest(count=2), now=now, by=CALLBOARD
        )
        return services.order_checkout(
            cart=cart,
            buyer_name=f"Buyer {i}",
            buyer_email=f"buyer{i}@example.org",
            now=now,
            by=CALLBOARD,
        ).pk

    outcomes = _race(buy)
    assert not [o for o in outcomes if o[0] == "crash"], outcomes
    acknowledged = {value for kind, value in outcomes if kind == "ok"}
    doubled = (
        Ticket.objects.filter(status="valid")
        .values("performance", "seat")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()
    assert set(Order.objects.values_list("pk", flat=True)) == acknowledged
    assert all(Order.objects.get(pk=pk).tickets.count() == 2 for pk in acknowledged)
    assert SeatClaim.objects.filter(active=True, kind="cart").count() == 0
    assert len(acknowledged) >= 10, outcomes  # most of the house is sold despite the race


@pytest.mark.django_db(transaction=True)
def test_racing_reservations_from_one_buyer_never_pass_the_limit():
    """Twelve tabs of one buyer confirm at once: the count of their unpaid reservations and
    the new one are decided one at a time, so no more than the limit get through."""
    require_postgres()
    from django.test import override_settings

    now = timezone.now()
    perf = on_sale(now, rows=2, seats=12)
    seats = seat_ids(perf, "1", *range(1, 13))

    def reserve(i):
        cart = services.cart_create(performance=perf, seat_ids=[seats[i]], now=now, by=CALLBOARD)
        return services.order_checkout(
            cart=cart,
            buyer_name="Greedy",
            buyer_email="greedy@example.org",
            client_address=f"198.51.100.{i}",
            now=now,
            by=CALLBOARD,
        ).pk

    with override_settings(CALLBOARD_RESERVATIONS_PER_EMAIL=2):
        outcomes = _race(reserve, n=12)
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["ok"] == 2, outcomes
    assert kinds["crash"] == 0, outcomes
    assert Order.objects.filter(buyer_email="greedy@example.org").count() == 2
