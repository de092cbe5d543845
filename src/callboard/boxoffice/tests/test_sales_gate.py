"""The box office's turnstile: one server process runs at most CALLBOARD_SALES_AT_ONCE seat
transactions at once; the others wait their turn, and past CALLBOARD_SALES_WAIT_SECONDS are
told the box office is busy, with nothing written."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import override_settings
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import Cart, Order, SeatClaim
from callboard.boxoffice.services.locking import Busy, gate
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core.actors import CALLBOARD


@contextmanager
def turn_taken_elsewhere(*, release: threading.Event | None = None) -> Iterator[threading.Event]:
    """Another thread of this process takes a turn and keeps it until ``release`` is set (or
    the block ends); yields the event set just before it gives the turn back."""
    taken, given_back = threading.Event(), threading.Event()
    release = release or threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with gate.turn():
                taken.set()
                release.wait(30)
                given_back.set()
        except BaseException as exc:  # reported to the test below
            failed.append(exc)
            taken.set()

    other = threading.Thread(target=hold)
    other.start()
    assert taken.wait(10), "the other thread never got its turn"
    assert not failed, failed
    try:
        yield given_back
    finally:
        release.set()
        other.join(10)
    assert not other.is_alive()


@pytest.mark.django_db
@override_settings(CALLBOARD_SALES_AT_ONCE=1, CALLBOARD_SALES_WAIT_SECONDS=0.2)
def test_a_sale_that_cannot_get_a_turn_in_time_is_told_to_try_again_and_writes_nothing():
    now = timezone.now()
    perf = on_sale(now)
    front = seat_ids(perf, "1", 1, 2)
    with turn_taken_elsewhere(), pytest.raises(Busy) as refused:
        services.cart_create(performance=perf, seat_ids=front, now=now, by=CALLBOARD)
    assert refused.value.detail == {"code": "busy", "retry": True}
    assert "try again" in str(refused.value.message)
    assert not Cart.objects.exists()
    assert not SeatClaim.objects.exists()
    # The turn is free again: the same try now holds the seats.
    cart = services.cart_create(performance=perf, seat_ids=front, now=now, by=CALLBOARD)
    assert sorted(cart.claims.values_list("seat_id", flat=True)) == sorted(front)


@pytest.mark.django_db
@override_settings(CALLBOARD_SALES_AT_ONCE=1, CALLBOARD_SALES_WAIT_SECONDS=30)
def test_a_sale_waits_for_the_turn_and_then_goes_through():
    now = timezone.now()
    perf = on_sale(now)
    release = threading.Event()
    timer = threading.Timer(0.3, release.set)
    with turn_taken_elsewhere(release=release) as given_back:
        timer.start()
        cart = services.cart_create(
            performance=perf, best=services.BestRequest(count=2), now=now, by=CALLBOARD
        )
        # It went through only once the other thread had given its turn back.
        assert given_back.is_set()
    timer.join()
    assert cart.claims.filter(active=True).count() == 2


@pytest.mark.django_db
@override_settings(CALLBOARD_SALES_AT_ONCE=1, CALLBOARD_SALES_WAIT_SECONDS=0.2)
def test_a_seat_transaction_inside_another_goes_through_on_its_callers_turn():
    now = timezone.now()
    perf = on_sale(now)
    with gate.turn():
        cart = services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 3), now=now, by=CALLBOARD
        )
        order = services.order_checkout(
            cart=cart, buyer_name="Ada", buyer_email="ada@example.org", now=now, by=CALLBOARD
        )
    assert Order.objects.get(pk=order.pk).tickets.count() == 1


@pytest.mark.django_db
@override_settings(CALLBOARD_SALES_AT_ONCE=2, CALLBOARD_SALES_WAIT_SECONDS=0.2)
def test_the_number_of_turns_is_a_setting_and_zero_means_no_limit():
    now = timezone.now()
    perf = on_sale(now)
    with turn_taken_elsewhere():
        # Two at once: the second turn is free.
        services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 1), now=now, by=CALLBOARD
        )
        with turn_taken_elsewhere():
            with pytest.raises(Busy):
                services.cart_create(
                    performance=perf, seat_ids=seat_ids(perf, "1", 2), now=now, by=CALLBOARD
                )
            with override_settings(CALLBOARD_SALES_AT_ONCE=0):
                services.cart_create(
                    performance=perf, seat_ids=seat_ids(perf, "1", 3), now=now, by=CALLBOARD
                )
    assert Cart.objects.count() == 2


@pytest.mark.django_db
@override_settings(CALLBOARD_SALES_AT_ONCE=1, CALLBOARD_SALES_WAIT_SECONDS=0.2)
def test_the_public_api_answers_a_busy_box_office_with_a_409_that_says_try_again(client):
    now = timezone.now()
    perf = on_sale(now)
    with turn_taken_elsewhere():
        response = client.post(
            f"/api/v1/boxoffice/performances/{perf.pk}/carts",
            {"best_available": {"count": 2}},
            content_type="application/json",
        )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["detail"]["code"] == "busy"
    assert body["detail"]["retry"] is True
    assert not Cart.objects.exists()
