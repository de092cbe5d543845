"""Buyers racing for the last uses of a discount code, each on its own connection
(PostgreSQL): never more orders with the code than its uses."""

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import DiscountCode, Order, Patron
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.boxoffice.tests.test_concurrency import _race
from callboard.core.actors import CALLBOARD
from conftest import require_postgres

BUYERS = 12
USES = 3


@pytest.mark.django_db(transaction=True)
def test_racing_buyers_never_over_use_a_discount_code(settings):
    require_postgres()
    # Half the buyers share one e-mail: its reservation limit must not turn away, before the
    # code is even read, a buyer this race expects to find the code used up.
    settings.CALLBOARD_RESERVATIONS_PER_EMAIL = BUYERS
    now = timezone.now()
    perf = on_sale(now, rows=2, seats=BUYERS)
    seats = seat_ids(perf, "2", *range(1, BUYERS + 1))
    code = services.discount_create(
        code="LAST-THREE",
        kind="percent",
        value=Decimal("20"),
        max_uses=USES,
        by=CALLBOARD,
        now=now,
    )
    carts = [
        services.cart_create(performance=perf, seat_ids=[seats[i]], now=now, by=CALLBOARD)
        for i in range(BUYERS)
    ]

    def buy(i):
        return services.order_checkout(
            cart=carts[i],
            buyer_name=f"Buyer {i}",
            buyer_email="same.patron@example.org" if i % 2 else f"buyer{i}@example.org",
            discount_code="last-three",
            now=now,
            by=CALLBOARD,
        ).pk

    outcomes = _race(buy, n=BUYERS)
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["crash"] == 0, outcomes
    assert kinds["ok"] == USES, outcomes
    refused = [detail for kind, detail in outcomes if kind == "ValidationFailed"]
    assert len(refused) == BUYERS - USES, outcomes
    assert all(d["code"] == "discount_used_up" for d in refused), refused
    assert DiscountCode.objects.get(pk=code.pk).uses == USES
    assert Order.objects.filter(discount=code).count() == USES
    # the racing orders of one e-mail share one patron
    assert Patron.objects.filter(email="same.patron@example.org").count() <= 1
