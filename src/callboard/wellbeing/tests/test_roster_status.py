"""The roster's "Injured" follows the medical record; by hand it must say why."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.company import selectors as company_selectors
from callboard.company import services as company_services
from callboard.core.actors import CALLBOARD
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing.tests.conftest import TODAY, plan

pytestmark = pytest.mark.django_db


def _shown(dancer, day=TODAY):
    page = company_selectors.roster_page(day=day)
    return next(d.shown for d in page.object_list if d.pk == dancer.pk)


def test_no_injury_on_file_means_no_injured_on_the_roster(now):
    dancer = f.DancerFactory()
    shown = _shown(dancer)
    assert shown.code == "active"
    assert company_selectors.dancer_list(status="injured", day=TODAY).count() == 0


def test_an_open_injury_shows_injured_and_its_plan_shows_returning(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, (0, "out", {}), (10, "limited", {"minutes_per_day": 90}))
    shown = _shown(dancer)
    assert (shown.code, shown.label, shown.by_hand) == ("injured", "Injured", False)
    assert "medical" in shown.reason
    assert "ankle" not in shown.reason  # never the medical detail
    assert list(company_selectors.dancer_list(status="injured", day=TODAY)) == [dancer]
    assert list(company_selectors.dancer_list(status="active", day=TODAY)) == []
    later = _shown(dancer, TODAY + dt.timedelta(days=12))
    assert later.code == "returning"


def test_a_full_return_ends_the_injured_status(physio, now):
    dancer = f.DancerFactory()
    plan(dancer, physio, now, (0, "out", {}), (5, "full", {"may_perform": True}))
    assert _shown(dancer, TODAY + dt.timedelta(days=6)).code == "active"


def test_marked_injured_by_hand_needs_a_reason_and_shows_it(make_user, now):
    manager = make_user(Role.COMPANY_MANAGER)
    dancer = f.DancerFactory()
    with pytest.raises(ValidationFailed) as refused:
        company_services.dancer_update(
            dancer=dancer, changes={"status": "injured"}, by=manager, now=now
        )
    assert "Say why" in str(refused.value)
    company_services.dancer_update(
        dancer=dancer,
        changes={"status": "injured", "status_reason": "reported by phone"},
        by=CALLBOARD,
        now=now,
    )
    shown = _shown(dancer)
    assert shown.by_hand and shown.code == "injured"
    assert "reported by phone" in shown.reason
