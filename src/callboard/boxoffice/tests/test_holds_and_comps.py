import datetime as dt

import pytest

from callboard.boxoffice import selectors, services
from callboard.boxoffice.models import FamilyComp, Hold, Order, SeatClaim
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids
from callboard.company.models import Dancer
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed
from callboard.season.tests.factories import DancerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _hold(perf, now, ids, **kw):
    kw.setdefault("kind", Hold.Kind.PRESS)
    kw.setdefault("reason", "Review of the premiere")
    kw.setdefault("owner_label", "The Moscow Times")
    return services.hold_create(performance=perf, seat_ids=ids, now=now, **kw, by=CALLBOARD)


def test_held_seats_cannot_be_put_in_a_cart(now):
    perf = on_sale(now)
    _hold(perf, now, seat_ids(perf, "1", 3, 4))
    with pytest.raises(Conflict):
        services.cart_create(
            performance=perf, seat_ids=seat_ids(perf, "1", 4), now=now, by=CALLBOARD
        )


def test_hold_needs_owner_and_reason(now):
    perf = on_sale(now)
    with pytest.raises(ValidationFailed):
        _hold(perf, now, seat_ids(perf, "1", 1), reason=" ")
    with pytest.raises(ValidationFailed):
        _hold(perf, now, seat_ids(perf, "1", 1), owner_label="")


def test_cannot_hold_a_sold_seat(now):
    perf = on_sale(now)
    buy(perf, seat_ids(perf, "1", 1), now)
    with pytest.raises(Conflict):
        _hold(perf, now, seat_ids(perf, "1", 1), kind=Hold.Kind.KILL, reason="Camera")


def test_hold_past_its_release_time_is_on_sale_without_cleanup(now):
    perf = on_sale(now)
    _hold(
        perf,
        now,
        seat_ids(perf, "1", 1),
        kind=Hold.Kind.HOUSE,
        release_at=now + dt.timedelta(hours=1),
    )
    later = now + dt.timedelta(hours=1)
    view = selectors.house_view(performance=perf, now=later)
    assert view.counts.get("held", 0) == 0
    assert buy(perf, seat_ids(perf, "1", 1), later).tickets.count() == 1


def test_sweep_marks_released_holds(now):
    perf = on_sale(now)
    hold = _hold(perf, now, seat_ids(perf, "1", 1), release_at=now + dt.timedelta(hours=1))
    services.sweep_expired(now=now + dt.timedelta(hours=2))
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert not SeatClaim.objects.filter(hold=hold, active=True).exists()


def test_released_hold_goes_back_on_sale(now):
    perf = on_sale(now)
    hold = _hold(perf, now, seat_ids(perf, "1", 1, 2))
    services.hold_release(hold=hold, now=now, by=CALLBOARD)
    hold.refresh_from_db()
    assert hold.released_at == now
    assert buy(perf, seat_ids(perf, "1", 1, 2), now).tickets.count() == 2


def test_issuing_press_seats_gives_comp_tickets(now):
    perf = on_sale(now)
    hold = _hold(perf, now, seat_ids(perf, "1", 3, 4))
    order = services.hold_issue(hold=hold, buyer_name="Critic", now=now, by=CALLBOARD)
    assert order.kind == Order.Kind.COMP
    assert order.tickets.count() == 2
    assert "Press" in order.comp_reason
    assert SeatClaim.objects.filter(hold=hold, kind="ticket", active=True).count() == 2


def test_principal_may_claim_two_comps_others_one(now):
    perf = on_sale(now)
    principal = DancerFactory(rank=Dancer.Rank.PRINCIPAL)
    corps = DancerFactory(rank=Dancer.Rank.CORPS)
    services.comp_claim(
        dancer=principal, performance=perf, guest_name="Mother", seats=1, now=now, by=CALLBOARD
    )
    services.comp_claim(
        dancer=principal, performance=perf, guest_name="Father", seats=1, now=now, by=CALLBOARD
    )
    with pytest.raises(Conflict) as over:
        services.comp_claim(
            dancer=principal, performance=perf, guest_name="Aunt", seats=1, now=now, by=CALLBOARD
        )
    assert over.value.detail["quota"] == 2
    services.comp_claim(
        dancer=corps, performance=perf, guest_name="Brother", seats=1, now=now, by=CALLBOARD
    )
    with pytest.raises(Conflict):
        services.comp_claim(
            dancer=corps, performance=perf, guest_name="Sister", seats=1, now=now, by=CALLBOARD
        )


def test_quota_is_a_setting_per_rank(now):
    perf = on_sale(now)
    corps = DancerFactory(rank=Dancer.Rank.CORPS)
    services.comp_quota_set(rank=Dancer.Rank.CORPS, seats=3, by=CALLBOARD, now=now)
    claim = services.comp_claim(
        dancer=corps, performance=perf, guest_name="Family", seats=3, now=now, by=CALLBOARD
    )
    assert claim.status == FamilyComp.Status.REQUESTED


def test_declined_claims_do_not_count_against_the_quota(now):
    perf = on_sale(now)
    corps = DancerFactory(rank=Dancer.Rank.CORPS)
    claim = services.comp_claim(
        dancer=corps, performance=perf, guest_name="Brother", seats=1, now=now, by=CALLBOARD
    )
    services.comp_decline(claim=claim, now=now, by=CALLBOARD)
    assert services.comp_claim(
        dancer=corps, performance=perf, guest_name="Sister", seats=1, now=now, by=CALLBOARD
    )


def test_confirmed_family_comp_holds_seats_and_issues_tickets(now):
    perf = on_sale(now)
    dancer = DancerFactory(rank=Dancer.Rank.PRINCIPAL)
    parent = PersonFactory(related_to=dancer.person)
    claim = services.comp_claim(
        dancer=dancer,
        performance=perf,
        guest_name="Parents",
        guest=parent,
        seats=2,
        now=now,
        by=CALLBOARD,
    )
    claim = services.comp_confirm(claim=claim, now=now, by=CALLBOARD)
    assert claim.status == FamilyComp.Status.CONFIRMED
    assert claim.hold.kind == Hold.Kind.FAMILY_COMP
    assert claim.hold.owner == dancer.person
    assert claim.order.tickets.count() == 2
    assert claim.order.total == 0
    with pytest.raises(Conflict):
        services.comp_confirm(claim=claim, now=now, by=CALLBOARD)


def test_dancer_can_withdraw_only_own_pending_claim(now):
    perf = on_sale(now)
    dancer, other = DancerFactory(), DancerFactory()
    claim = services.comp_claim(
        dancer=dancer, performance=perf, guest_name="Friend", seats=1, now=now, by=CALLBOARD
    )
    from callboard.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.comp_cancel(claim=claim, dancer=other, now=now, by=CALLBOARD)
    assert (
        services.comp_cancel(claim=claim, dancer=dancer, now=now, by=CALLBOARD).status
        == FamilyComp.Status.CANCELLED
    )


def test_sweep_command_reports_what_it_ended(now):
    import io

    from django.core.management import call_command

    perf = on_sale(now)
    services.cart_create(
        performance=perf,
        seat_ids=seat_ids(perf, "1", 1),
        now=now - dt.timedelta(hours=1),
        by=CALLBOARD,
    )
    out = io.StringIO()
    call_command("boxoffice_sweep", stdout=out)
    assert "1 seat holds ended, 1 carts expired" in out.getvalue()
