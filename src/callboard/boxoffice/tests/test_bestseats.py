import pytest

from callboard.boxoffice import services
from callboard.boxoffice.bestseats import SeatInfo, best_block
from callboard.boxoffice.models import Seat
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict


def row(n, *, taken=(), zone_rank=1, row_index=1, **flags):
    return [
        SeatInfo(
            id=row_index * 100 + p,
            section_order=1,
            section_id=1,
            row_index=row_index,
            position=p,
            x=p * 10.0,
            zone_rank=zone_rank,
            free=p not in taken,
            **{k: p in v for k, v in flags.items()},
        )
        for p in range(1, n + 1)
    ]


def test_block_is_adjacent_in_one_row():
    seats = row(6, taken=(3,))
    assert best_block(seats, 3, centre_x=35) == [104, 105, 106]


def test_better_zone_beats_centre():
    seats = row(6, zone_rank=2, row_index=1) + row(6, zone_rank=1, row_index=2, taken=(3, 4))
    assert best_block(seats, 2, centre_x=35) == [201, 202] or best_block(seats, 2, centre_x=35) == [
        205,
        206,
    ]


def test_centre_first_within_a_zone_and_row():
    assert best_block(row(9), 1, centre_x=50) == [105]


def test_no_single_seat_stranded_when_avoidable():
    # Seat 1 sold: 3-5 is most central but strands seat 2 and seat 6.
    seats = row(6, taken=(1,))
    block = best_block(seats, 3, centre_x=35)
    assert block in ([102, 103, 104], [104, 105, 106])


def test_strands_only_when_nothing_else_fits():
    seats = row(4, taken=(1,))  # free 2,3,4: taking 2 seats must leave one alone
    assert best_block(seats, 2, centre_x=25) is not None


def test_wheelchair_spaces_are_kept_for_those_who_ask():
    seats = row(4, accessible=(1,), companion=(2,))
    assert best_block(seats, 2, centre_x=25) == [103, 104]
    assert best_block(seats, 2, centre_x=25, accessible=True) == [101, 102]


def test_restricted_view_comes_last():
    seats = row(5, restricted_view=(3,))
    assert best_block(seats, 1, centre_x=30) != [103]
    assert best_block(seats, 1, centre_x=30, zone_code=None) is not None


def test_aisle_gap_breaks_a_block():
    seats = [s for s in row(7) if s.position != 4]  # an aisle at position 4
    assert best_block(seats, 4, centre_x=40) is None


def test_none_when_house_is_full():
    assert best_block(row(3, taken=(1, 2, 3)), 1, centre_x=20) is None


@pytest.mark.django_db
def test_best_available_cart_takes_front_centre_and_avoids_stranding(now):
    perf = on_sale(now, rows=3, seats=6)
    buy(perf, seat_ids(perf, "1", 1), now)
    cart = services.cart_create(
        performance=perf, best=services.BestRequest(count=3), now=now, by=CALLBOARD
    )
    seats = Seat.objects.filter(pk__in=cart.claims.values("seat_id")).order_by("position")
    assert [s.row for s in seats] == ["1", "1", "1"]
    assert [s.number for s in seats] in (["2", "3", "4"], ["4", "5", "6"])


@pytest.mark.django_db
def test_best_available_says_so_when_no_block_is_left(now):
    perf = on_sale(now, rows=1, seats=4)
    buy(perf, seat_ids(perf, "1", 2), now)
    with pytest.raises(Conflict) as none:
        services.cart_create(
            performance=perf, best=services.BestRequest(count=3), now=now, by=CALLBOARD
        )
    assert none.value.detail["code"] == "not_enough_together"


def _house(seed: int) -> tuple[SeatInfo, ...]:
    """A house of two sections and three zones, with aisles and wheelchair places."""
    import random

    rng = random.Random(seed)
    seats = []
    for section in (1, 2):
        for r in range(1, 9):
            positions = [p for p in range(1, 25) if p not in (7, 18)]  # two aisles
            for p in positions:
                seats.append(
                    SeatInfo(
                        id=section * 10_000 + r * 100 + p,
                        section_order=section,
                        section_id=section,
                        row_index=r,
                        position=p,
                        x=p * 10.0 + rng.random(),
                        zone_rank=1 + (r > 3) + (r > 6),
                        zone_code="ABC"[(r > 3) + (r > 6)],
                        accessible=r == 8 and p in (1, 24),
                        companion=r == 8 and p in (2, 23),
                        restricted_view=section == 2 and p < 4,
                    )
                )
    return tuple(seats)


@pytest.mark.parametrize("seed", range(6))
def test_block_index_ranks_as_the_full_pass(seed):
    """The rush's fast ranking (a block index of the geometry, taken seats skipped) gives the
    same blocks in the same order as ranking the house seat by seat."""
    import random

    from callboard.boxoffice.bestseats import ranked_blocks

    house = _house(seed)
    rng = random.Random(seed)
    for sold in (0, 0.2, 0.6, 0.9, 0.99):
        taken = {s.id for s in house if rng.random() < sold}
        for count in (1, 2, 3, 4, 7):
            for zone, accessible in ((None, False), ("B", False), (None, True)):
                kwargs = dict(centre_x=125.0, zone_code=zone, accessible=accessible, limit=12)
                fast = ranked_blocks(house, count, taken=taken, **kwargs)
                slow = ranked_blocks([s for s in house if s.id not in taken], count, **kwargs)
                assert fast == slow, (sold, count, zone, accessible)


def _savepoints(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT"))


def _best_cart(perf, now, count=2):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        cart = services.cart_create(
            performance=perf, best=services.BestRequest(count=count), now=now, by=CALLBOARD
        )
    return cart, _savepoints(queries)


def _chosen_cart_savepoints(perf, now, ids) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.cart_create(performance=perf, seat_ids=ids, now=now, by=CALLBOARD)
    return _savepoints(queries)


@pytest.mark.django_db
def test_a_free_best_block_is_claimed_without_a_savepoint_of_its_own(now):
    perf = on_sale(now, rows=3, seats=6)
    plain = _chosen_cart_savepoints(perf, now, seat_ids(perf, "3", 1))
    cart, savepoints = _best_cart(perf, now)
    assert savepoints == plain
    assert cart.claims.filter(active=True).count() == 2


@pytest.mark.django_db
def test_a_first_block_taken_behind_the_maps_back_gives_way_to_the_next(now):
    """The availability document still shows the best block free, but its seats were just
    claimed: the first candidate is lost before anything is written, the sale goes on in the
    same transaction and takes the next block, in a savepoint of its own."""
    import datetime as dt

    from callboard.boxoffice.availability import taken_seat_ids
    from callboard.boxoffice.models import Cart, SeatClaim
    from callboard.boxoffice.services.locking import _rank_best

    perf = on_sale(now, rows=3, seats=6)
    plain = _chosen_cart_savepoints(perf, now, seat_ids(perf, "3", 1))
    assert taken_seat_ids(performance_id=perf.pk, now=now) is not None  # the map is cached
    first = _rank_best(perf, services.BestRequest(count=2), now)[0]
    other = Cart.objects.create(
        token="behind-the-maps-back",
        performance=perf,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=10),
    )
    for sid in first:  # written as another process would, without this process hearing of it
        SeatClaim.objects.create(
            performance=perf,
            seat_id=sid,
            kind=SeatClaim.Kind.CART,
            cart=other,
            expires_at=other.expires_at,
            created_at=now,
        )
    cart, savepoints = _best_cart(perf, now)
    mine = set(cart.claims.filter(active=True).values_list("seat_id", flat=True))
    assert len(mine) == 2
    assert not mine & set(first)
    assert savepoints == plain + 1
    assert set(other.claims.filter(active=True).values_list("seat_id", flat=True)) == set(first)


@pytest.mark.django_db(transaction=True)
def test_a_first_block_another_buyer_is_locking_is_passed_over(now):
    """Another buyer's transaction holds one seat row of the best block (PostgreSQL's row
    locks): the sale passes over it at once, takes the next block and commits; the other
    buyer's seat is untouched."""
    import threading

    from django.db import connections, transaction

    from callboard.boxoffice.models import PerformanceSeat
    from callboard.boxoffice.services.locking import _rank_best
    from conftest import require_postgres

    require_postgres()
    perf = on_sale(now, rows=3, seats=6)
    first = _rank_best(perf, services.BestRequest(count=2), now)[0]
    locked, done = threading.Event(), threading.Event()

    def other_buyer():
        try:
            with transaction.atomic():
                list(
                    PerformanceSeat.objects.select_for_update().filter(
                        performance=perf, seat_id=first[0]
                    )
                )
                locked.set()
                done.wait(30)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_buyer)
    other.start()
    try:
        assert locked.wait(10)
        cart, _savepoints_taken = _best_cart(perf, now)
    finally:
        done.set()
        other.join(30)
    mine = set(cart.claims.filter(active=True).values_list("seat_id", flat=True))
    assert len(mine) == 2
    assert first[0] not in mine
