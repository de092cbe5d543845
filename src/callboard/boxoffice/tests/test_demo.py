import datetime as dt

import pytest

from callboard.boxoffice.demo import build_boxoffice_demo
from callboard.boxoffice.models import FamilyComp, Hold, Order, Seat
from callboard.company.models import Dancer, Person
from callboard.season.models import Performance
from callboard.season.tests.factories import (
    DancerFactory,
    PerformanceFactory,
    PersonFactory,
    ProgrammeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_base(now):
    main = VenueFactory(name="Pavlov Theatre Main Stage", capacity=1740)
    volga = VenueFactory(name="Volga Regional Theatre", city="Yaroslavl", capacity=720)
    uglich = VenueFactory(name="Uglich Town Theatre", city="Uglich", capacity=152)
    klara = DancerFactory(
        rank=Dancer.Rank.PRINCIPAL, person__given_name="Klára", person__family_name="Kalmurzaev"
    )
    eleonora = DancerFactory(
        rank=Dancer.Rank.GUEST, person__given_name="Eleonora", person__family_name="Kalmurzaev"
    )
    PersonFactory(
        given_name="Ruslan", family_name="Kalmurzaev", related_to=klara.person, kind="contact"
    )
    PersonFactory(
        given_name="Zarema", family_name="Kalmurzaev", related_to=klara.person, kind="contact"
    )
    PersonFactory(
        given_name="Raisa", family_name="Kalmurzaev", related_to=eleonora.person, kind="contact"
    )
    PersonFactory(
        given_name="Jonathan", family_name="Hale", organisation="The Moscow Times", kind="contact"
    )
    on_sale = Performance.Status.ON_SALE
    at = now + dt.timedelta(days=20)
    PerformanceFactory(
        venue=main,
        title="Annual Gala",
        status=on_sale,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=3),
    )
    swan = ProgrammeFactory(title="Swan Lake")
    PerformanceFactory(
        venue=volga,
        programme=swan,
        status=on_sale,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=3),
    )
    PerformanceFactory(
        venue=uglich,
        programme=swan,
        status=on_sale,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=3),
    )


def test_demo_builds_the_three_houses(demo_base, now):
    summary = build_boxoffice_demo(now=now)
    assert summary.seat_maps == {
        "Pavlov Theatre Main Stage": 1740,
        "Uglich Town Theatre": 152,
        "Volga Regional Theatre": 720,
    }
    assert (
        Seat.objects.filter(
            seat_map__venue__name="Pavlov Theatre Main Stage", section__kind="box"
        ).count()
        == 144
    )


def test_demo_gala_has_sales_press_seats_and_family_comps(demo_base, now):
    summary = build_boxoffice_demo(now=now)
    gala = Performance.objects.get(title="Annual Gala")
    assert summary.orders > 50
    press = Hold.objects.get(performance=gala, kind=Hold.Kind.PRESS)
    assert press.owner == Person.objects.get(organisation="The Moscow Times")
    parents = FamilyComp.objects.filter(performance=gala, status="confirmed")
    assert sorted(c.guest.given_name for c in parents) == ["Ruslan", "Zarema"]
    grandmother = FamilyComp.objects.get(performance__venue__name="Uglich Town Theatre")
    assert grandmother.status == "confirmed" and grandmother.guest.given_name == "Raisa"


def test_demo_is_deterministic_and_safe_to_call_twice(demo_base, now):
    first = build_boxoffice_demo(now=now)
    sold = sorted(Order.objects.values_list("tickets__seat__row", "tickets__seat__number"))
    second = build_boxoffice_demo(now=now)
    assert second.orders == 0
    assert sorted(Order.objects.values_list("tickets__seat__row", "tickets__seat__number")) == sold
    assert (
        first.tickets
        == Order.objects.filter(kind__in=["sale", "reservation"]).values("tickets").count()
    )
