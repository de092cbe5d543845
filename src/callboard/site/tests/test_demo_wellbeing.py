"""The reception and wellbeing demos on top of the company and casting demos."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.casting.availability import dancer_unavailability
from callboard.casting.demo import build_casting_demo
from callboard.reception.demo import build_reception_demo
from callboard.reception.models import Feedback, PerformanceReport, Review
from callboard.scheduling.limits import scheduling_limits
from callboard.scheduling.workload import week_start
from callboard.site.demo import build_demo
from callboard.wellbeing.models import Injury
from callboard.workload import selectors as workload_selectors
from callboard.workload.demo import build_wellbeing_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_tells_both_stories_after_the_curtain_and_between_the_calls(now):
    build_demo(today=now.date())
    build_casting_demo(now=now, suggest=False)
    reception = build_reception_demo(now=now)
    wellbeing = build_wellbeing_demo(now=now)

    # Eleonora's standing ovation in Uglich, with the report and its reviews.
    uglich = PerformanceReport.objects.select_related("performance__venue").get(
        performance__venue__name="Uglich Town Theatre"
    )
    assert uglich.standing_ovation and uglich.curtain_calls >= 5
    assert uglich.performance.starts_at < now
    assert uglich.performance.cast_assignments.filter(
        dancer__person__given_name="Eleonora", role__name="Odette/Odile", kind="first"
    ).exists()
    critic = Review.objects.filter(outlet="The Moscow Times", critic__family_name="Hale")
    assert critic.count() >= 2
    assert all(r.performance.starts_at < now for r in critic)
    assert Feedback.objects.filter(status="approved").count() > 0
    assert Feedback.objects.filter(status="pending").count() > 0
    assert reception.reports == PerformanceReport.objects.count() >= 5

    # A few weeks of derived workload with one spike: Klára's last full week.
    from callboard.core.roles import Role
    from callboard.core.testing.factories import UserFactory

    master = UserFactory(roles=[Role.BALLET_MASTER])
    this_week = week_start(now.date())
    company = workload_selectors.company_workload(
        user=master, focus_week=this_week - dt.timedelta(weeks=1), weeks=6, today=now.date()
    )
    flagged = [r.dancer.person.full_name for r in company.rows if r.focus.spike]
    assert "Klára Kalmurzaev" in flagged
    assert all(total > 0 for total in company.totals)

    # One dancer on a return-to-dance plan, seen by casting and by the scheduler.
    assert wellbeing.plan_dancer
    injured = Injury.objects.filter(
        dancer__person__given_name=wellbeing.plan_dancer.split()[0], stages__isnull=False
    ).first()
    assert injured is not None
    dancer = injured.dancer
    assert dancer_unavailability(dancer, now.date())
    limits = scheduling_limits(
        dancers=[dancer], start=now.date(), end=now.date() + dt.timedelta(days=6), today=now.date()
    )[dancer.pk]
    assert limits.cap_minutes or limits.unavailable

    # No one wrote the same comment twice, and nothing in the history is still to come.
    from collections import Counter

    from callboard.audit.models import AuditEntry

    comments = Counter((f.performance_id, f.comment) for f in Feedback.objects.exclude(comment=""))
    assert comments and max(comments.values()) == 1, comments.most_common(3)
    future = AuditEntry.objects.filter(at__gt=now)
    assert not future.exists(), [(e.action, e.at) for e in future[:5]]

    # Running the demos again changes nothing.
    assert build_reception_demo(now=now).skipped
    assert build_wellbeing_demo(now=now).skipped
