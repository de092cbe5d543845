"""The performance report: running times, curtain calls, ovation, attendance, incidents."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.boxoffice import services as boxoffice
from callboard.boxoffice.tests.factories import buy, seat_ids, small_map
from callboard.core.actors import CALLBOARD
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Role
from callboard.reception import selectors, services
from callboard.reception.models import PerformanceReport
from callboard.reception.services import ActInput
from callboard.reception.tests.conftest import NIGHT, mixed_bill

pytestmark = pytest.mark.django_db


def acts(*spans: tuple[int, int]) -> list[ActInput]:
    return [
        ActInput(f"Act {i}", NIGHT + dt.timedelta(minutes=a), NIGHT + dt.timedelta(minutes=b))
        for i, (a, b) in enumerate(spans, start=1)
    ]


def test_a_report_gives_running_time_stage_time_and_intervals(gala, now):
    services.performance_report_save(
        performance=gala,
        curtain_calls=7,
        standing_ovation=True,
        attendance=1600,
        acts=acts((3, 40), (60, 98)),
        incidents="A fallen veil in the third variation.",
        by=CALLBOARD,
        now=now,
    )
    data = selectors.performance_reception(performance=gala, user=None)
    assert data.running_minutes == 95
    assert data.stage_minutes == 37 + 38
    assert data.intervals == [("after Act 1", 20)]
    assert data.attendance.people == 1600 and data.attendance.source == "typed"
    assert data.report.standing_ovation and data.report.curtain_calls == 7


def test_saving_again_replaces_the_acts(gala, now):
    for spans in [((0, 30), (50, 80)), ((0, 45),)]:
        services.performance_report_save(
            performance=gala,
            curtain_calls=1,
            standing_ovation=False,
            acts=acts(*spans),
            by=CALLBOARD,
            now=now,
        )
    report = PerformanceReport.objects.get()
    assert [a.minutes for a in report.acts.all()] == [45]


def test_no_report_before_the_curtain_or_for_a_cancelled_performance(now):
    coming = mixed_bill(starts_at=now + dt.timedelta(days=2))
    with pytest.raises(ValidationFailed, match="not gone up yet"):
        services.performance_report_save(
            performance=coming, curtain_calls=0, standing_ovation=False, by=CALLBOARD, now=now
        )
    cancelled = mixed_bill(status="cancelled")
    with pytest.raises(ValidationFailed, match="cancelled"):
        services.performance_report_save(
            performance=cancelled, curtain_calls=0, standing_ovation=False, by=CALLBOARD, now=now
        )
    assert not PerformanceReport.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"curtain_calls": 100}, "curtain_calls"),
        ({"curtain_calls": -1}, "curtain_calls"),
        ({"attendance": 5000}, "attendance"),  # far beyond 1,740 seats
        ({"acts": acts((40, 10))}, "acts"),  # down before up
        ({"acts": acts((0, 50), (40, 90))}, "acts"),  # overlapping acts
        ({"acts": acts((60 * 20, 60 * 21))}, "acts"),  # the next evening
        ({"incidents": "x" * 5001}, "incidents"),
        ({"notes": "bad\x00byte"}, "notes"),
    ],
)
def test_bad_report_input_is_refused_and_nothing_is_saved(gala, now, kwargs, field):
    params = {"curtain_calls": 3, "standing_ovation": False, **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.performance_report_save(performance=gala, by=CALLBOARD, now=now, **params)
    assert exc.value.field == field
    assert not PerformanceReport.objects.exists()


def test_attendance_is_counted_at_the_door_when_tickets_were_sold(now):
    before = now - dt.timedelta(days=20)
    performance = mixed_bill(starts_at=now - dt.timedelta(hours=3))
    small_map(performance.venue, before)
    boxoffice.performance_open_sales(performance=performance, now=before)
    order = buy(performance, seat_ids(performance, "1", 1, 2, 3), before, kind="sale")
    tickets = list(order.tickets.all())
    for ticket in tickets[:2]:
        boxoffice.ticket_check_in(performance=performance, code=ticket.code, now=now, by=CALLBOARD)
    with pytest.raises(ValidationFailed, match="counted at the door"):
        services.performance_report_save(
            performance=performance,
            curtain_calls=2,
            standing_ovation=False,
            attendance=90,
            by=CALLBOARD,
            now=now,
        )
    services.performance_report_save(
        performance=performance, curtain_calls=2, standing_ovation=False, by=CALLBOARD, now=now
    )
    data = selectors.performance_reception(performance=performance, user=None)
    assert (data.attendance.people, data.attendance.source, data.attendance.tickets_sold) == (
        2,
        "door",
        3,
    )


def test_the_report_page_prints_and_shows_the_press_and_reception_section(gala, client_as, now):
    services.performance_report_save(
        performance=gala,
        curtain_calls=4,
        standing_ovation=True,
        attendance=1500,
        by=CALLBOARD,
        now=now,
    )
    response = client_as(Role.DANCER).get(f"/reception/performances/{gala.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="press"' in html and "Press and reception" in html
    assert "data-print" in html and "reception.css" in html
    assert "1500" in html and "Standing ovation" in html
    assert "Write the report" not in html and "Edit the report" not in html


def test_the_company_manager_writes_the_report_with_local_times_past_midnight(gala, client_as):
    client = client_as(Role.COMPANY_MANAGER)
    url = f"/reception/performances/{gala.pk}/report/"
    assert client.get(url).status_code == 200
    form = {
        "curtain_calls": "5",
        "standing_ovation": "on",
        "attendance": "1650",
        "incidents": "",
        "notes": "Late finish.",
        "acts-TOTAL_FORMS": "2",
        "acts-INITIAL_FORMS": "0",
        "acts-0-label": "Act I",
        "acts-0-curtain_up": "19:05",
        "acts-0-curtain_down": "22:40",
        "acts-1-label": "Act II",
        "acts-1-curtain_up": "23:00",
        "acts-1-curtain_down": "00:30",  # after midnight: the next day
    }
    response = client.post(url, form)
    assert response.status_code == 302
    report = PerformanceReport.objects.get(performance=gala)
    last = report.acts.order_by("order").last()
    assert last.minutes == 90
    assert report.standing_ovation and report.attendance_typed == 1650


def test_the_report_form_shows_the_services_refusal_and_saves_nothing(gala, client_as):
    client = client_as(Role.BALLET_MASTER)
    response = client.post(
        f"/reception/performances/{gala.pk}/report/",
        {
            "curtain_calls": "5",
            "attendance": "90000",
            "acts-TOTAL_FORMS": "1",
            "acts-INITIAL_FORMS": "0",
            "acts-0-label": "Act I",
            "acts-0-curtain_up": "19:05",
            "acts-0-curtain_down": "",
        },
    )
    assert response.status_code == 200
    assert "both curtain up and curtain down" in response.content.decode()
    assert not PerformanceReport.objects.exists()


def test_only_management_edit_the_report(gala, client_as):
    for role in (Role.DANCER, Role.PRESS, Role.BOX_OFFICE, Role.PHYSIOTHERAPIST):
        assert client_as(role).get(f"/reception/performances/{gala.pk}/report/").status_code == 403
    assert (
        client_as(Role.ARTISTIC_DIRECTOR)
        .get(f"/reception/performances/{gala.pk}/report/")
        .status_code
        == 200
    )
