"""The casting board in a real browser (Debian's Chromium through Playwright), by keyboard:
type a name in a cell, choose from the list, and see the warning the rules raise."""

from __future__ import annotations

import pytest

from callboard.core.actors import CALLBOARD
from callboard.core.testing.browser import sign_in

from .conftest import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(open_page):
    return open_page(viewport={"width": 1024, "height": 768}, has_touch=True)


def test_filling_a_cell_by_keyboard_shows_the_conflict_at_once(live_server, tablet):
    from playwright.sync_api import expect

    from callboard.casting import services
    from callboard.casting.models import CastAssignment
    from callboard.core.roles import Role
    from callboard.season.tests import factories as f

    from .conftest import NOW

    w = make_world(performances=1)
    opening = w.performances[0]
    next_day = w.performance(31)
    klara = w.dancer(
        w.queen,
        w.swans,
        rank="principal",
        person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"),
    )
    services.cast_assign(performance=opening, role=w.queen, dancer=klara, by=CALLBOARD, now=NOW)
    f.UserFactory(username="reshetnikova", roles=[Role.BALLET_MASTER])

    page = tablet
    sign_in(page, live_server.url, "reshetnikova", f.PASSWORD)
    page.goto(f"{live_server.url}/casting/programmes/{w.programme.pk}/")

    # Before choosing: the autocomplete says Klára cannot also dance a swan that evening.
    swans_cell = page.locator(f"#cell-{opening.pk}-{w.swans.pk}-0-first")
    swans_cell.locator("input[name=q]").fill("klara")
    blocked = swans_cell.locator("button.cand[disabled]")
    expect(blocked).to_contain_text("on stage at the same time")

    # Fill the Swan Queen the next evening by keyboard: type, ↓ into the list, Enter.
    queen_cell = page.locator(f"#cell-{next_day.pk}-{w.queen.pk}-0-first")
    field = queen_cell.locator("input[name=q]")
    field.click()
    # Clicking the empty field lists every candidate for the role (board.js).
    expect(queen_cell.locator("button.cand").first).to_be_visible()
    field.type("kalmurz")
    # Wait for the typed name's list (one dancer), not the list the click brought.
    expect(queen_cell.locator("button.cand")).to_have_count(1)
    expect(queen_cell.locator("button.cand")).to_contain_text("Klára Kalmurzaev")
    field.press("ArrowDown")
    page.keyboard.press("Enter")

    filled = page.locator(f"#cell-{next_day.pk}-{w.queen.pk}-0-first")
    expect(filled.locator(".who")).to_have_text("Klára Kalmurzaev")
    expect(filled.locator("li.warning")).to_contain_text(
        "fewer than 2 days between leading performances"
    )
    expect(filled).to_have_class("cell has-warning")
    assert CastAssignment.objects.filter(performance=next_day, role=w.queen, dancer=klara).exists()


def test_a_cell_that_cannot_be_read_says_so(live_server, tablet):
    """A cell whose hidden fields were tampered with is refused in plain text (422); the page's
    alert box shows the words, where htmx alone would show nothing."""
    from playwright.sync_api import expect

    from callboard.casting.models import CastAssignment
    from callboard.core.roles import Role
    from callboard.season.tests import factories as f

    w = make_world(performances=1)
    opening = w.performances[0]
    f.UserFactory(username="reshetnikova", roles=[Role.BALLET_MASTER])
    page = tablet
    sign_in(page, live_server.url, "reshetnikova", f.PASSWORD)
    page.goto(f"{live_server.url}/casting/programmes/{w.programme.pk}/")
    cell = page.locator(f"#cell-{opening.pk}-{w.queen.pk}-0-first")
    cell.locator("input[name=slot]").evaluate("el => { el.value = 'nine'; }")
    cell.locator("input[name=q]").fill("nobody at all")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        cell.get_by_role("button", name="Cast").click()
    assert answer.value.status == 422
    alert = page.locator("#htmx-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("That cell could not be read")
    expect(cell).to_be_visible()  # the cell is still there, not replaced by the message
    assert not CastAssignment.objects.exists()


def test_a_suggestion_opens_at_once_and_shows_its_answer_when_ready(live_server, tablet, settings):
    from playwright.sync_api import expect

    from callboard.core.roles import Role
    from callboard.season.tests import factories as f

    settings.CALLBOARD_JOBS = "thread"
    w = make_world(performances=2)
    for _ in range(2):
        w.dancer(w.queen, rank="principal")
    f.UserFactory(username="pavlov", roles=[Role.ARTISTIC_DIRECTOR])
    page = tablet
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, live_server.url, "pavlov", f.PASSWORD)
    page.goto(f"{live_server.url}/casting/programmes/{w.programme.pk}/")
    page.locator("#suggest button[type=submit], #suggest button").first.click()
    page.wait_for_url("**/casting/suggestions/*/")
    # The page polls (htmx) and reloads itself when the worker thread has stored the answer.
    expect(page.get_by_role("button", name="Accept the ticked lines")).to_be_visible(timeout=60_000)
    expect(page.locator("#proposal-progress")).to_have_count(0)
    assert page.locator("input[name=items]").count() >= 2
    assert refused == []
