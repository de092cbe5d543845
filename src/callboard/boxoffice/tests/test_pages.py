import re

import pytest
from django.utils import timezone

from callboard.boxoffice import services
from callboard.boxoffice.models import FamilyComp, Order, Seat, Ticket
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role
from callboard.season.tests.factories import DancerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def perf():
    return on_sale(timezone.now())


def test_box_office_index_lists_performances(client_as, perf):
    response = client_as(Role.BOX_OFFICE).get("/boxoffice/")
    assert response.status_code == 200
    assert perf.venue.name.encode() in response.content


def test_dancer_is_sent_to_family_comps_and_kept_out_of_sales(client_as, perf):
    client = client_as(Role.DANCER)
    assert client.get("/boxoffice/").url == "/boxoffice/comps/"
    assert client.get(f"/boxoffice/performances/{perf.pk}/").status_code == 403


def test_sales_page_holds_chosen_seats_and_checks_out(client_as, perf):
    client = client_as(Role.BOX_OFFICE)
    page = client.get(f"/boxoffice/performances/{perf.pk}/")
    assert page.status_code == 200
    assert b'class="seat free pick' in page.content
    ids = ",".join(map(str, seat_ids(perf, "1", 3, 4)))
    client.post(f"/boxoffice/performances/{perf.pk}/", {"action": "pick", "seats": ids})
    page = client.get(f"/boxoffice/performances/{perf.pk}/")
    assert b"data-expires" in page.content
    done = client.post(
        f"/boxoffice/performances/{perf.pk}/",
        {"action": "checkout", "buyer_name": "Olga", "kind": "sale"},
    )
    order = Order.objects.get()
    assert done.url == f"/boxoffice/orders/{order.pk}/"
    assert order.status == Order.Status.PAID and order.tickets.count() == 2
    detail = client.get(done.url)
    assert detail.status_code == 200
    assert order.tickets.first().code.encode() in detail.content


def test_sales_page_shows_a_taken_seat_as_a_message_not_an_error(client_as, perf):
    buy(perf, seat_ids(perf, "1", 1), timezone.now())
    client = client_as(Role.BOX_OFFICE)
    response = client.post(
        f"/boxoffice/performances/{perf.pk}/",
        {"action": "pick", "seats": str(seat_ids(perf, "1", 1)[0])},
        follow=True,
    )
    assert response.status_code == 200
    assert b"just taken" in response.content


def test_sales_page_query_count_does_not_grow_with_the_house(
    client_as, django_assert_max_num_queries, now
):
    small = on_sale(timezone.now(), rows=2, seats=4)
    big = on_sale(timezone.now(), rows=20, seats=30)
    buy(big, seat_ids(big, "2", 1, 2, 3), timezone.now())
    client = client_as(Role.BOX_OFFICE)
    client.get(f"/boxoffice/performances/{small.pk}/")
    with django_assert_max_num_queries(12):
        response = client.get(f"/boxoffice/performances/{big.pk}/")
    assert response.content.count(b'class="seat ') == 600


def test_order_page_refunds_and_exchanges(client_as, perf):
    order = buy(perf, seat_ids(perf, "1", 1, 2), timezone.now(), kind="sale")
    first, second = order.tickets.order_by("pk")
    client = client_as(Role.BOX_OFFICE)
    client.post(f"/boxoffice/orders/{order.pk}/", {"action": "refund", "ticket": [first.pk]})
    first.refresh_from_db()
    assert first.status == Ticket.Status.REFUNDED
    client.post(
        f"/boxoffice/orders/{order.pk}/",
        {"action": "exchange", "ticket": [second.pk], "seats": "Stalls 2-5"},
    )
    second.refresh_from_db()
    assert second.status == Ticket.Status.EXCHANGED
    assert Ticket.objects.get(status="valid").seat.label == "Stalls 2-5"


def test_ticket_qr_is_an_svg(client, perf):
    ticket = buy(perf, seat_ids(perf, "1", 1), timezone.now()).tickets.get()
    response = client.get(f"/boxoffice/tickets/{ticket.code}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert client.get("/boxoffice/tickets/NOPE/qr.svg").status_code == 404


def test_door_page_flags_a_second_scan(client_as, perf):
    code = buy(perf, seat_ids(perf, "1", 1), timezone.now(), kind="sale").tickets.get().code
    client = client_as(Role.BOX_OFFICE)
    first = client.post(
        f"/boxoffice/performances/{perf.pk}/door/", {"code": code}, HTTP_HX_REQUEST="true"
    )
    second = client.post(
        f"/boxoffice/performances/{perf.pk}/door/", {"code": code}, HTTP_HX_REQUEST="true"
    )
    assert b'data-result="admitted"' in first.content
    assert b'data-result="duplicate"' in second.content
    assert b"1 of 1 tickets in" in second.content


def test_holds_page_holds_and_releases(client_as, perf):
    client = client_as(Role.BOX_OFFICE)
    client.post(
        f"/boxoffice/performances/{perf.pk}/holds/",
        {
            "action": "hold",
            "kind": "press",
            "owner_label": "The Moscow Times",
            "reason": "Review",
            "count": 2,
        },
    )
    page = client.get(f"/boxoffice/performances/{perf.pk}/holds/")
    assert b"The Moscow Times" in page.content
    hold = perf.holds.get()
    assert hold.claims.filter(active=True).count() == 2
    client.post(f"/boxoffice/performances/{perf.pk}/holds/", {"action": "release", "hold": hold.pk})
    assert not hold.claims.filter(active=True).exists()


def test_dancer_sees_only_own_claims_and_box_office_confirms(client_as, make_user, perf):
    me = make_user(Role.DANCER)
    dancer = DancerFactory(person__user=me, rank="principal")
    other = DancerFactory()
    services.comp_claim(
        dancer=other,
        performance=perf,
        guest_name="Someone Else's Aunt",
        seats=1,
        now=timezone.now(),
        by=CALLBOARD,
    )
    mother = PersonFactory(related_to=dancer.person, contact_role="mother")
    client = client_as(user=me)
    client.post(
        "/boxoffice/comps/",
        {
            "action": "claim",
            "performance": perf.pk,
            "guest_name": "Mother",
            "guest": mother.pk,
            "seats": 2,
        },
    )
    page = client.get("/boxoffice/comps/")
    assert b"Mother" in page.content
    assert b"Someone Else" not in page.content
    claim = FamilyComp.objects.get(dancer=dancer)
    office = client_as(Role.BOX_OFFICE)
    office.post("/boxoffice/comps/queue/", {"action": "confirm", "claim": claim.pk})
    claim.refresh_from_db()
    assert claim.status == FamilyComp.Status.CONFIRMED
    assert claim.order.tickets.count() == 2


def test_report_and_csv(client_as, perf):
    buy(perf, seat_ids(perf, "1", 1, 2), timezone.now(), kind="sale")
    client = client_as(Role.BOX_OFFICE)
    page = client.get(f"/boxoffice/performances/{perf.pk}/report/")
    assert page.status_code == 200
    assert b"<polyline" in page.content
    csv = client.get(f"/boxoffice/performances/{perf.pk}/report.csv")
    assert csv.content.startswith("\ufeff".encode())  # Excel then reads the accents right
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("order,kind")
    assert lines[0].split(",")[11:13] == ["price", "currency"]
    assert lines[1].split(",")[11:13] in (["100.00", "RUB"], ["200.00", "RUB"])  # plain numbers
    assert len(lines) == 3
    russian = client.get(f"/boxoffice/performances/{perf.pk}/report.csv", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.content.decode("utf-8-sig").startswith("заказ,вид,статус заказа")


def test_seat_map_editor_generates_edits_and_exports(client_as, now):
    from callboard.season.tests.factories import VenueFactory

    venue = VenueFactory()
    client = client_as(Role.BOX_OFFICE)
    url = f"/boxoffice/venues/{venue.pk}/seatmap/"
    client.post(
        url,
        {
            "action": "zone",
            "code": "A",
            "name": "Front",
            "price": "900",
            "colour": "#6b2145",
            "rank": 1,
        },
    )
    client.post(
        url,
        {
            "action": "generate",
            "section": "Stalls",
            "kind": "stalls",
            "rows": 3,
            "seats_per_row": 5,
            "numbering": "ltr",
            "zone": "A",
            "row_labels": "numbers",
            "origin_x": 100,
            "origin_y": 110,
            "aisle_every": 0,
            "curve": 0,
        },
    )
    assert Seat.objects.filter(seat_map__venue=venue).count() == 15
    ids = ",".join(str(pk) for pk in Seat.objects.filter(row="3").values_list("pk", flat=True)[:2])
    client.post(url, {"action": "edit", "seats": ids, "accessible": "1"})
    assert Seat.objects.filter(accessible=True).count() == 2
    exported = client.get(f"/boxoffice/venues/{venue.pk}/seatmap.json").json()
    assert len(exported["sections"][0]["seats"]) == 15
    assert re.search(rb"15 seats", client.get(url).content)


def test_refund_with_nothing_ticked_asks_before_refunding_the_whole_order(client_as, perf):
    order = buy(perf, seat_ids(perf, "1", 1, 2), timezone.now(), kind="sale")
    client = client_as(Role.BOX_OFFICE)
    asked = client.post(f"/boxoffice/orders/{order.pk}/", {"action": "refund"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Refund the whole order?" in page and "2 tickets" in page
    assert not Ticket.objects.filter(order=order, status=Ticket.Status.REFUNDED).exists()
    client.post(f"/boxoffice/orders/{order.pk}/", {"action": "refund", "whole": "1"})
    assert Ticket.objects.filter(order=order, status=Ticket.Status.REFUNDED).count() == 2


def test_the_artistic_director_reads_the_box_office_reports_only(client_as, perf):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    index = client.get("/boxoffice/")
    assert index.status_code == 200
    page = index.content.decode()
    assert f"/boxoffice/performances/{perf.pk}/report/" in page
    assert f"/boxoffice/performances/{perf.pk}/sales/" not in page and "Seat maps" not in page
    assert client.get(f"/boxoffice/performances/{perf.pk}/report/").status_code == 200
    assert client.get(f"/boxoffice/performances/{perf.pk}/").status_code == 403


def test_the_box_office_is_in_the_menu_of_those_who_work_there(client_as, perf):
    for role, shown in [
        (Role.BOX_OFFICE, "Box office"),
        (Role.ARTISTIC_DIRECTOR, "Box office"),
        (Role.DANCER, "Family comps"),
    ]:
        page = client_as(role).get("/people/").content.decode()
        nav = page.split('id="main-nav"')[1].split("</nav>")[0]
        assert shown in nav, role
    nav = client_as(Role.PRESS).get("/people/").content.decode().split('id="main-nav"')[1]
    assert "/boxoffice/" not in nav.split("</nav>")[0]
