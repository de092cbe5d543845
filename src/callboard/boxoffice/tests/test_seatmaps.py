import pytest

from callboard.boxoffice import seatmaps
from callboard.boxoffice.models import Seat
from callboard.boxoffice.tests.factories import on_sale, small_map
from callboard.core.errors import Conflict, ValidationFailed
from callboard.season.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def test_numbering_directions():
    assert seatmaps.seat_numbers(4, "ltr") == ["1", "2", "3", "4"]
    assert seatmaps.seat_numbers(4, "rtl") == ["4", "3", "2", "1"]
    assert seatmaps.seat_numbers(6, "odd_even") == ["6", "4", "2", "1", "3", "5"]
    assert seatmaps.row_label(28, "letters") == "AB"


def test_generator_lays_out_rows_with_aisles(now):
    venue = VenueFactory()
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    seatmaps.zone_save(seat_map=seat_map, code="A", name="A", price=10)
    seatmaps.seatmap_generate_rows(
        seat_map=seat_map,
        spec=seatmaps.RowsSpec(
            section="Stalls", rows=2, seats_per_row=6, zone="A", aisle_every=3, row_labels="letters"
        ),
        now=now,
    )
    row_a = list(Seat.objects.filter(row="A").order_by("position"))
    assert [s.position for s in row_a] == [1, 2, 3, 5, 6, 7]
    assert row_a[3].x > row_a[2].x + 22  # the aisle widens the gap on the drawing
    assert Seat.objects.filter(row="B").count() == 6


def test_generator_refuses_unknown_zone_and_overlapping_rows(now):
    venue = VenueFactory()
    seat_map = small_map(venue, now)
    with pytest.raises(ValidationFailed):
        seatmaps.seatmap_generate_rows(
            seat_map=seat_map,
            spec=seatmaps.RowsSpec(section="Stalls", rows=1, seats_per_row=2, zone="Z"),
            now=now,
        )
    with pytest.raises(Conflict):
        seatmaps.seatmap_generate_rows(
            seat_map=seat_map,
            spec=seatmaps.RowsSpec(
                section="Stalls", rows=1, seats_per_row=2, zone="A", first_row=1
            ),
            now=now,
        )


def test_export_then_import_round_trips(now):
    source = small_map(VenueFactory(), now)
    Seat.objects.filter(seat_map=source, row="3", number="1").update(accessible=True)
    document = seatmaps.seatmap_export(seat_map=source)
    assert document["format"] == "callboard.seatmap" and document["version"] == 1
    target = seatmaps.seatmap_import(venue=VenueFactory(), document=document, now=now)
    assert seatmaps.seatmap_export(seat_map=target)["sections"] == document["sections"]
    assert Seat.objects.get(seat_map=target, row="3", number="1").accessible


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(format="other"),
        lambda d: d["zones"].clear(),
        lambda d: d["sections"][0]["seats"][0].update(zone="nope"),
        lambda d: d["sections"][0]["seats"].append(dict(d["sections"][0]["seats"][0])),
        lambda d: d["sections"][0]["seats"][0].pop("x"),
        lambda d: d["sections"][0]["seats"][0].update(position="first"),
    ],
)
def test_import_rejects_broken_documents_and_changes_nothing(now, breakage):
    document = seatmaps.seatmap_export(seat_map=small_map(VenueFactory(), now))
    breakage(document)
    venue = VenueFactory()
    with pytest.raises(ValidationFailed):
        seatmaps.seatmap_import(venue=venue, document=document, now=now)
    assert not Seat.objects.filter(seat_map__venue=venue).exists()


def test_map_on_sale_cannot_be_replaced_or_lose_seats(now):
    perf = on_sale(now)
    document = seatmaps.seatmap_export(seat_map=perf.venue.seat_map)
    with pytest.raises(Conflict):
        seatmaps.seatmap_import(venue=perf.venue, document=document, now=now)
    with pytest.raises(Conflict):
        seatmaps.seats_delete(
            seat_map=perf.venue.seat_map, seat_ids=[Seat.objects.first().pk], now=now
        )
