"""Real-browser journey (Debian's Chromium through Playwright): a dancer gives her conflict on
a phone, sees a refusal with the dates, and the ballet master approves it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from callboard.core.testing.browser import sign_in
from callboard.core.testing.factories import PASSWORD
from callboard.scheduling import services
from callboard.scheduling.models import AvailabilityConflict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dancer_gives_a_conflict_and_the_ballet_master_approves_it(live_server, open_page, world):
    from playwright.sync_api import expect

    today = timezone.localdate()
    asked = services.availability_period_open(
        first_day=today + dt.timedelta(days=10),
        last_day=today + dt.timedelta(days=16),
        deadline=timezone.now() + dt.timedelta(days=5),
        by=world.master,
        now=timezone.now(),
    )
    page = open_page(timeout_ms=30_000, viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(page, live_server.url, "klara", PASSWORD, then="/schedule/availability/mine/")
    form = page.locator(f"#period-{asked.pk} form.conflict-form")
    outside = asked.last_day + dt.timedelta(days=3)
    form.locator("input[name=starts_at]").fill(f"{outside.isoformat()}T09:00")
    form.locator("input[name=ends_at]").fill(f"{outside.isoformat()}T11:00")
    form.locator("select[name=kind]").select_option("school")
    form.locator("input[name=reason]").fill("Exam")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#period-{asked.pk}")).to_contain_text("outside the period asked about")
    assert not AvailabilityConflict.objects.exists()

    inside = asked.first_day + dt.timedelta(days=1)
    form = page.locator(f"#period-{asked.pk} form.conflict-form")
    form.locator("input[name=starts_at]").fill(f"{inside.isoformat()}T09:00")
    form.locator("input[name=ends_at]").fill(f"{inside.isoformat()}T11:00")
    form.locator("select[name=kind]").select_option("school")
    form.locator("input[name=reason]").fill("Exam")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Sent to the ballet master")
    expect(page.locator(f"#period-{asked.pk}")).to_contain_text("Waiting for the ballet master")

    desk = open_page(timeout_ms=30_000, viewport={"width": 1280, "height": 900})
    sign_in(desk, live_server.url, "master", PASSWORD, then=f"/schedule/availability/{asked.pk}/")
    expect(desk.locator("#answered")).to_contain_text("Klára Kalmurzaev")
    expect(desk.locator("#waiting")).to_contain_text("Boris Belov")
    desk.locator("#conflicts button", has_text="Approve").first.click()
    expect(desk.locator(".messages")).to_contain_text("Approved: Klára Kalmurzaev")
    assert AvailabilityConflict.objects.get().status == "approved"
