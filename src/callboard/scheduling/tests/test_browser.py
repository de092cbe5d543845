"""Real-browser journeys (Debian's Chromium through Playwright): the ballet master solves
and publishes a day on a desktop; a dancer reads her calls on a phone."""

from __future__ import annotations

import pytest

from callboard.company.tests.plans import DAY1
from callboard.core.testing.browser import sign_in
from callboard.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(open_page, settings):
    settings.CALLBOARD_JOBS = "thread"
    return open_page


def _page(browser, request, **context):
    return browser(timeout_ms=30_000, **context)


def test_the_ballet_master_solves_and_publishes_a_day(live_server, browser, request, world):
    from playwright.sync_api import expect

    from callboard.scheduling.models import Schedule

    page = _page(browser, request, viewport={"width": 1280, "height": 900})
    plan = f"/schedule/plans/{world.period.pk}/"
    sign_in(page, live_server.url, "master", PASSWORD, then=plan)
    page.fill("input[name=time_limit]", "2")
    page.get_by_text("Advanced").click()
    page.fill("input[name=workers]", "1")
    page.click("#solve-button")
    expect(page.locator("#run-progress")).to_contain_text("Finished", timeout=60_000)
    expect(page.locator("#run-progress .objective")).not_to_have_text("—")
    page.click("text=Review the schedule")
    expect(page.locator(".cb-call").first).to_be_visible()
    expect(page.locator("#findings")).to_contain_text("Every rule")
    page.fill("#publish input[name=first_day]", DAY1.isoformat())
    page.fill("#publish input[name=last_day]", DAY1.isoformat())
    page.click("#publish-button")
    expect(page.locator(".messages")).to_contain_text("Published as version 1")
    version = Schedule.objects.get(status="published")
    assert version.published_from == version.published_to == DAY1
    assert version.firm_through == DAY1


def test_a_dancer_reads_her_calls_on_a_phone(live_server, browser, request, world, now):
    from playwright.sync_api import expect

    from callboard.scheduling import services
    from callboard.scheduling.tests.conftest import solve

    solve(world, now)
    services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    )
    page = _page(
        browser, request, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    sign_in(page, live_server.url, "klara", PASSWORD, then=f"/schedule/me/?day={DAY1.isoformat()}")
    calls = page.locator(".mycall")
    expect(calls.first).to_be_visible()
    text = page.locator("main").inner_text()
    assert "Pas de deux" in text and "Studio" in text and "Boris Belov" in text
    assert "Variation" not in text  # not her call
    assert "firm" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing runs off the phone's screen
    assert page.locator("text=Solve").count() == 0


def test_a_dancer_turns_the_weeks_and_reads_her_calls_offline(
    live_server, browser, request, world, now
):
    """On her phone: next week and back, then the connection drops and the page she saw is
    still there, from the service worker's copy, which holds nothing but her My calls pages
    and static files."""
    from playwright.sync_api import expect

    from callboard.scheduling import services
    from callboard.scheduling.tests.conftest import solve

    solve(world, now)
    services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=False, send_email=False
    )
    page = _page(
        browser, request, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    mine = f"/schedule/me/?day={DAY1.isoformat()}"
    sign_in(page, live_server.url, "klara", PASSWORD, then=mine)
    expect(page.locator("#today .mycall").first).to_contain_text("Pas de deux")
    page.get_by_role("link", name="Next week →").click()
    expect(page.locator("#today")).to_contain_text("No calls today.")
    page.get_by_role("link", name="← Previous week").click()
    expect(page.locator("#today .mycall").first).to_contain_text("Pas de deux")
    # The worker controls the page once it is active; the next load is kept for offline.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    page.reload()
    expect(page.locator("#today .mycall").first).to_be_visible()
    page.goto(f"{live_server.url}/schedule/board/{DAY1.isoformat()}/")  # not hers alone
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const r of await cache.keys()) { urls.push(new URL(r.url).pathname); }
            }
            return urls;
        }"""
    )
    assert "/schedule/me/" in kept
    assert all(u == "/schedule/me/" or u.startswith("/static/") for u in kept), kept
    page.context.set_offline(True)
    page.goto(f"{live_server.url}{mine}")
    expect(page.locator("#today .mycall").first).to_contain_text("Pas de deux")
    expect(page.locator("#offline-note")).to_be_visible()
    page.context.set_offline(False)


def test_on_a_phone_the_menu_button_reaches_every_item(live_server, browser, request, world):
    from playwright.sync_api import expect

    page = _page(
        browser, request, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    sign_in(page, live_server.url, "master", PASSWORD, then="/schedule/me/")
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    links = nav.get_by_role("link")
    assert links.count() >= 10
    for k in range(links.count()):
        expect(links.nth(k)).to_be_in_viewport()  # a list, not a strip that runs off the side
    nav.get_by_role("link", name="Roster").click()
    page.wait_for_url("**/people/**")
