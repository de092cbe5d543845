"""The whole demo, as `callboard demo` builds it, tells both stories before the curtain and
after it: the Annual Gala with the premiere of Dance of the Seven Veils is over (premiere
marked, report with its standing ovation, The Moscow Times' review, the audience's answers),
the Volga tour and The Nutcracker are still to come, nothing in the history is dated after
the moment the demo was built, no audience comment is written twice, and the roles danced add
up with the performances recorded."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callboard.site.demo import MOSCOW, build_demo, build_extras, demo_now, demo_today

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SEVEN_VEILS = "Dance of the Seven Veils"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The full demo, built this morning before nine (when the demo is built early, its
    stories are written as of that moment), anchored on today because pages read the clock."""
    today = demo_today()
    clock = min(timezone.now(), dt.datetime.combine(today, dt.time(7, 30), tzinfo=MOSCOW))
    now = demo_now(today, clock)
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(today=today)
        lines = list(build_extras(today=today, now=now))
        yield {"today": today, "clock": clock, "now": now, "lines": lines}
        transaction.set_rollback(True)


def _gala() -> Any:
    from callboard.season.models import Performance

    return Performance.objects.select_related("venue", "programme").get(title="Annual Gala")


def _as(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_is_written_as_of_the_moment_it_is_built():
    today = dt.date(2026, 12, 7)
    early = dt.datetime(2026, 12, 7, 7, 30, tzinfo=MOSCOW)
    late = dt.datetime(2026, 12, 7, 15, 0, tzinfo=MOSCOW)
    nine = dt.datetime(2026, 12, 7, 9, 0, tzinfo=MOSCOW)
    assert demo_now(today, early) == early
    assert demo_now(today, late) == nine
    assert demo_now(today) == nine
    # Another anchor day than the clock's: nine o'clock on it, whatever the clock says.
    assert demo_now(dt.date(2026, 11, 23), early) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=MOSCOW)


def test_the_gala_is_over_and_the_seven_veils_premiered_at_it(world):
    from callboard.repertoire.models import Commission, Work
    from callboard.season.models import Performance

    gala = _gala()
    assert gala.ends_at < world["clock"]
    assert gala.status == Performance.Status.PERFORMED
    veils = Work.objects.get(title=SEVEN_VEILS)
    assert veils.status == Work.Status.PREMIERED
    assert veils.premiere_date == gala.local_starts_at.date()
    commission = Commission.objects.get(work=veils)
    assert commission.status == Commission.Status.PREMIERED
    assert commission.premiere_planned == veils.premiere_date
    milestones = list(commission.milestones.all())
    before = [m for m in milestones if m.due_on <= veils.premiere_date]
    assert before and all(m.done_on and m.done_on <= veils.premiere_date for m in before)
    assert all(m.done_on is None or m.done_on <= world["today"] for m in milestones)
    # Klára danced the lead of her own work that night, and it is in her history.
    lead = gala.cast_assignments.select_related("dancer__person").get(
        role__name="The Lead", kind="first"
    )
    assert lead.dancer.person.full_name == "Klára Kalmurzaev"
    known = lead.dancer.roles_known.get(role=lead.role)
    assert (known.status, known.times_danced, known.first_danced_on) == (
        "learned",
        1,
        veils.premiere_date,
    )


def test_the_gala_report_records_its_acts_and_standing_ovation(world):
    from callboard.boxoffice.models import Ticket
    from callboard.reception.models import PerformanceReport

    gala = _gala()
    report = PerformanceReport.objects.get(performance=gala)
    assert report.standing_ovation
    assert report.curtain_calls >= 10
    assert "premiere" in report.notes.lower() and "parents" in report.notes
    acts = list(report.acts.all())
    assert [a.label for a in acts] == [SEVEN_VEILS, "Études in Blue"]
    assert (
        gala.starts_at
        <= acts[0].curtain_up
        < acts[-1].curtain_down
        <= gala.ends_at + (dt.timedelta(hours=1))
    )
    # Attendance is counted at the door: the box office sold the gala, the door scanned it.
    assert report.attendance_typed is None
    scanned = Ticket.objects.filter(performance=gala, checked_in_at__isnull=False).count()
    assert scanned > 100
    assert not Ticket.objects.filter(performance=gala, checked_in_at__gt=gala.starts_at).exists()


def test_the_moscow_times_reviewed_the_premiere(world):
    from callboard.reception.models import Review

    gala = _gala()
    review = Review.objects.get(performance=gala, outlet="The Moscow Times")
    assert review.critic.full_name == "Jonathan Hale"
    assert [w.title for w in review.works.all()] == [SEVEN_VEILS]
    assert review.rating == 5 and "standing ovation" in review.quote
    assert gala.local_starts_at.date() <= review.published_on <= world["today"]


def test_the_gala_audience_answered_and_no_comment_is_written_twice(world):
    from callboard.reception.models import Feedback

    gala = _gala()
    answers = Feedback.objects.filter(performance=gala)
    assert answers.filter(status="approved").exists()
    assert all(gala.starts_at <= f.submitted_at <= world["now"] for f in answers)
    said = Counter(
        text for f in Feedback.objects.all() for text in (f.comment, f.favourite_moment) if text
    )
    assert said and max(said.values()) == 1, said.most_common(3)


def test_the_tour_and_the_nutcracker_are_still_to_come(world):
    from callboard.boxoffice.models import PriceType
    from callboard.casting.models import CastingAnnouncement
    from callboard.scheduling.models import Schedule
    from callboard.season.models import Performance

    clock = world["clock"]
    uglich = Performance.objects.get(venue__name="Uglich Town Theatre", tour__isnull=False)
    assert uglich.starts_at > clock and uglich.status == Performance.Status.ON_SALE
    assert uglich.cast_assignments.filter(
        role__name="Odette/Odile", kind="first", dancer__person__given_name="Eleonora"
    ).exists()
    assert CastingAnnouncement.objects.filter(performance=uglich).exists()
    nutcrackers = Performance.objects.filter(programme__title="The Nutcracker")
    assert nutcrackers.exists() and all(p.starts_at > clock for p in nutcrackers)
    # The box office sells the Christmas run with price types (children at half price).
    assert PriceType.objects.filter(performance__in=nutcrackers, code="child").exists()
    # The callboard's coming week is planned and its first day published.
    assert Schedule.objects.filter(status="published", published_from=world["today"]).exists()


def test_nothing_in_the_history_is_dated_after_the_demo_was_built(world):
    from callboard.audit.models import AuditEntry

    later = AuditEntry.objects.filter(at__gt=world["clock"]).order_by("at")
    assert not later.exists(), [(e.action, e.at) for e in later[:5]]


def test_roles_danced_add_up_with_the_performances_recorded(world):
    from callboard.casting.models import CastAssignment, DancedRecord
    from callboard.repertoire.models import DancerRole

    clock, today = world["clock"], world["today"]
    # Only performances that were danced are recorded as danced...
    assert not DancedRecord.objects.filter(performance__starts_at__gt=clock).exists()
    recorded = Counter(
        CastAssignment.objects.filter(
            kind="first", performance__danced_record__isnull=False
        ).values_list("dancer_id", "role_id")
    )
    lead = _gala().cast_assignments.get(role__name="The Lead", kind="first")
    assert recorded[(lead.dancer_id, lead.role_id)] == 1
    for known in DancerRole.objects.select_related("role__work", "dancer__person"):
        who = f"{known.dancer.person} as {known.role} ({known.times_danced})"
        # ...and every one of them is counted in the dancer's history,
        assert known.times_danced >= recorded[(known.dancer_id, known.role_id)], who
        if not known.times_danced:
            assert known.first_danced_on is None, who
            continue
        # on a first night that has happened,
        assert known.first_danced_on is not None and known.first_danced_on <= today, who
        seasons = (today - known.first_danced_on).days // 365 + 1
        if known.role.work.title == "The Nutcracker":
            # The Nutcracker is danced in the Christmas run alone: eight nights a season.
            assert known.first_danced_on.month == 12, who
            assert known.times_danced <= 8 * seasons, who


def test_the_pages_show_the_gala_after_the_curtain(world):
    from callboard.repertoire.models import Work

    gala = _gala()
    press = _as("press")
    page = press.get(reverse("reception:performance", args=[gala.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="badge ovation"' in text
    assert "Seven veils, and a choreographer unveiled" in text
    assert "Jonathan Hale" in text and SEVEN_VEILS in text
    assert "The whole house stood for Klára Kalmurzaev." in text  # an approved answer

    director = _as("director")
    performance = director.get(reverse("season:performance", args=[gala.pk])).content.decode()
    assert 'class="badge performed"' in performance
    assert reverse("reception:performance", args=[gala.pk]) in performance
    veils = Work.objects.get(title=SEVEN_VEILS)
    work = director.get(reverse("repertoire:work", args=[veils.pk])).content.decode()
    assert 'class="badge premiered"' in work

    # A Russian reader sees the same evening in Russian.
    page = press.get(reverse("reception:performance", args=[gala.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert page["Content-Language"] == "ru"
    assert "Зал аплодировал стоя" in page.content.decode()
