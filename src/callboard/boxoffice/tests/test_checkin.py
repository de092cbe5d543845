import datetime as dt

import pytest

from callboard.boxoffice import services
from callboard.boxoffice.models import CheckIn
from callboard.boxoffice.tests.factories import buy, on_sale, seat_ids

pytestmark = pytest.mark.django_db


def test_second_scan_is_flagged_not_counted(now):
    perf = on_sale(now)
    ticket = buy(perf, seat_ids(perf, "1", 1), now, kind="sale").tickets.get()
    first = services.ticket_check_in(code=ticket.code, performance=perf, now=now)
    second = services.ticket_check_in(
        code=ticket.code, performance=perf, now=now + dt.timedelta(minutes=1)
    )
    assert first.admitted
    assert not second.admitted
    assert second.checkin.result == CheckIn.Result.DUPLICATE
    ticket.refresh_from_db()
    assert ticket.checked_in_at == now
    assert CheckIn.objects.filter(result="admitted").count() == 1


def test_typed_code_with_spaces_and_lower_case_is_accepted(now):
    perf = on_sale(now)
    ticket = buy(perf, seat_ids(perf, "1", 1), now, kind="sale").tickets.get()
    typed = " ".join([ticket.code[:4].lower(), ticket.code[4:]])
    assert services.ticket_check_in(code=typed, performance=perf, now=now).admitted


def test_refunded_ticket_and_unknown_code_are_refused(now):
    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1), now)
    ticket = order.tickets.get()
    services.order_refund(order=order, now=now)
    assert (
        services.ticket_check_in(code=ticket.code, performance=perf, now=now).checkin.result
        == "void"
    )
    assert (
        services.ticket_check_in(code="NOSUCHCODE", performance=perf, now=now).checkin.result
        == "unknown"
    )


def test_ticket_for_another_performance_is_refused(now):
    perf = on_sale(now)
    other = on_sale(now, venue=perf.venue)
    ticket = buy(perf, seat_ids(perf, "1", 1), now, kind="sale").tickets.get()
    scan = services.ticket_check_in(code=ticket.code, performance=other, now=now)
    assert scan.checkin.result == CheckIn.Result.WRONG_PERFORMANCE


def test_scanned_ticket_cannot_be_refunded(now):
    from callboard.core.errors import Conflict

    perf = on_sale(now)
    order = buy(perf, seat_ids(perf, "1", 1), now, kind="sale")
    services.ticket_check_in(code=order.tickets.get().code, performance=perf, now=now)
    with pytest.raises(Conflict):
        services.order_refund(order=order, now=now)
