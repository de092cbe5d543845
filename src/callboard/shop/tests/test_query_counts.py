"""The shop's pages cost a fixed number of queries, whatever the season's or the house's size."""

from __future__ import annotations

import pytest
from django.utils import timezone

from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.shop.tests.buying import hold, page

pytestmark = pytest.mark.django_db


def _count(client, url, django_assert_max_num_queries, most):
    client.get(url)  # once first: what a request caches (the company's settings) is read
    with django_assert_max_num_queries(most) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_two_performances_or_six(client, django_assert_max_num_queries):
    on_sale(timezone.now())
    on_sale(timezone.now())
    few = _count(client, "/shop/", django_assert_max_num_queries, 8)
    for _ in range(4):
        on_sale(timezone.now())
    assert _count(client, "/shop/", django_assert_max_num_queries, 8) == few


def test_a_performance_costs_the_same_for_a_small_house_or_a_big_one(
    client, django_assert_max_num_queries
):
    small = on_sale(timezone.now(), rows=2, seats=4)
    big = on_sale(timezone.now(), rows=12, seats=30)
    hold(client, small.pk, seat_ids(small, "1", 1))
    hold(client, big.pk, seat_ids(big, "1", 1, 2))
    assert _count(client, page(small.pk), django_assert_max_num_queries, 16) == _count(
        client, page(big.pk), django_assert_max_num_queries, 16
    )
