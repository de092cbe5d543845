"""Real-browser tests: every form of the plan page shows its errors when it is refused.

The plan page's forms are boosted by htmx (``hx-boost``); a refused form comes back as the
page re-rendered with the message next to the field and status 422, which htmx would drop
without the page's script (``callboard/ui.js``). Each case submits a bad value, then looks
for the message on the screen, with the form open and the browser still on the plan's
address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from callboard.company.tests.plans import DAY1, DAY3
from callboard.core.testing.browser import sign_in
from callboard.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _request(page: Any, world: Any) -> None:
    form = page.locator("#requests form.stacked")
    form.locator("input[name=label]").fill("Little Swans")
    form.locator("select[name=people]").select_option(label=str(world.anna))
    form.locator("input[name=minutes]").fill("75")
    form.locator("input[name=earliest_day]").fill(DAY3.isoformat())
    form.locator("input[name=latest_day]").fill(DAY1.isoformat())


def _event(page: Any, world: Any) -> None:
    form = page.locator("#events form.stacked")
    form.locator("input[name=starts_at]").fill(f"{DAY1.isoformat()}T12:00")
    form.locator("input[name=ends_at]").fill(f"{DAY1.isoformat()}T11:00")
    form.locator("input[name=everyone]").check()


def _closure(page: Any, world: Any) -> None:
    form = page.locator("#closures form.stacked")
    form.locator("select[name=studio]").select_option(label=world.studio_a.name)
    form.locator("input[name=starts_at]").fill(f"{DAY1.isoformat()}T18:00")
    form.locator("input[name=ends_at]").fill(f"{DAY1.isoformat()}T09:00")
    form.locator("input[name=reason]").fill("Floor repairs")


def _unavailable(page: Any, world: Any) -> None:
    form = page.locator("#unavailable form.stacked")
    form.locator("select[name=person]").select_option(label=str(world.klara))
    form.locator("input[name=starts_at]").fill(f"{DAY1.isoformat()}T18:00")
    form.locator("input[name=ends_at]").fill(f"{DAY1.isoformat()}T09:00")


CASES: dict[str, tuple[str, str, Callable[[Any, Any], None], str]] = {
    # section, summary that opens the form, how to fill it wrongly, the message to see
    "call request": ("requests", "Add a call request", _request, "comes before “not before”"),
    "fixed event": ("events", "Add a fixed event", _event, "It must end after it starts."),
    "closure": ("closures", "Close a studio", _closure, "It must end after it starts."),
    "someone cannot come": (
        "unavailable",
        "Someone cannot come",
        _unavailable,
        "It must end after it starts.",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_plan_form_shows_its_error(case, live_server, open_page, world):
    from playwright.sync_api import expect

    from callboard.scheduling.models import CallRequest, FixedEvent, StudioClosure, Unavailability

    section, summary, fill, message = CASES[case]
    counts = [m.objects.count() for m in (CallRequest, FixedEvent, StudioClosure, Unavailability)]
    page = open_page(viewport={"width": 1280, "height": 900})
    plan = f"/schedule/plans/{world.period.pk}/"
    sign_in(page, live_server.url, "master", PASSWORD, then=plan)
    page.locator(f"#{section} summary", has_text=summary).click()
    fill(page, world)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f"#{section} form.stacked button[type=submit]").click()
    assert answer.value.status == 422
    errors = page.locator(f"#{section} form.stacked .errorlist")
    expect(errors).to_contain_text(message)
    expect(errors.first).to_be_visible()
    assert page.url == live_server.url + plan  # reloading shows the plan, not a 405
    assert [
        m.objects.count() for m in (CallRequest, FixedEvent, StudioClosure, Unavailability)
    ] == counts
