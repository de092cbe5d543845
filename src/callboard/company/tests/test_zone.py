"""The company's time zone, kept in its record and read by core through the reader the
company app registers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from callboard.company.models import Company
from callboard.core import zones
from callboard.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_the_company_zone_is_the_company_records_and_the_installations_without_one(settings):
    assert zones.company_zone() == ZoneInfo(settings.TIME_ZONE)  # no company yet
    Company.objects.create(name="Uglich company", time_zone="Asia/Yekaterinburg")
    assert zones.company_zone() == ZoneInfo("Asia/Yekaterinburg")  # saving forgot the cache
    moment = dt.datetime(2026, 11, 23, 20, 30, tzinfo=dt.UTC)
    assert zones.company_today(moment) == dt.date(2026, 11, 24)  # past midnight there
    with pytest.raises(ValidationFailed):
        zones.company_today(moment.replace(tzinfo=None))


def test_a_broken_zone_name_in_the_company_record_falls_back_to_the_installations(settings):
    Company.objects.create(name="Broken", time_zone="Nowhere/Special")
    assert zones.company_zone() == ZoneInfo(settings.TIME_ZONE)
