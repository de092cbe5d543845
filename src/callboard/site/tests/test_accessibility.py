"""axe-core in Debian's Chromium over the main pages of every role, on the demo company.

Each role signs in through the login form, visits the pages it uses most, and axe-core
(``node_modules/axe-core``, installed by ``npm install``) checks each one. The test fails on
any violation axe rates *serious* or *critical*, listing every page, rule and element;
every violation found, whatever its impact, is written to ``test-artifacts/accessibility.txt``.
The dancer's pages are checked on a phone-sized screen, the others on a desktop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from callboard.core.testing.browser import sign_in
from callboard.site.demo import PASSWORD as DEMO_PASSWORD
from conftest import ARTIFACTS, missing_requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ON_A_PHONE = {"klara"}  # dancers read their calls on a phone


@dataclass(frozen=True)
class World:
    """The primary keys the pages need, read from the demo once it is built."""

    gala_programme: int
    gala_performance: int  # over: its report, review and answers are written
    coming_performance: int  # on sale: The Nutcracker's first night
    work: int
    commission: int
    klara_dancer: int
    period: int
    venue: int
    today: str


def _demo_world() -> World:
    from callboard.company.models import Dancer
    from callboard.repertoire.models import Commission
    from callboard.scheduling.models import SchedulePeriod
    from callboard.season.models import Performance
    from callboard.site.demo import demo_today

    today = demo_today()
    call_command("demo", "--today", today.isoformat(), stdout=io.StringIO())
    gala = Performance.objects.filter(title="Annual Gala").order_by("starts_at").first()
    period = SchedulePeriod.objects.filter(first_day__lte=today, last_day__gte=today).first()
    coming = (
        Performance.objects.filter(programme__title="The Nutcracker").order_by("starts_at").first()
    )
    assert gala is not None and period is not None, "the demo has a gala and this week's plan"
    assert coming is not None, "the demo has a Christmas run on sale"
    commission = Commission.objects.select_related("work").get(occasion="Annual Gala")
    klara = Dancer.objects.get(person__user__username="klara")
    return World(
        gala_programme=gala.programme_id,
        gala_performance=gala.pk,
        coming_performance=coming.pk,
        work=commission.work.pk,
        commission=commission.pk,
        klara_dancer=klara.pk,
        period=period.pk,
        venue=gala.venue_id,
        today=today.isoformat(),
    )


def _pages(w: World) -> dict[str | None, list[str]]:
    """Who signs in (None: nobody) -> the pages they check."""
    return {
        None: ["/login/", "/password-reset/", "/shop/", f"/shop/p/{w.coming_performance}/"],
        "director": [
            "/",
            "/people/",
            f"/people/{w.klara_dancer}/",
            "/repertoire/",
            f"/repertoire/{w.work}/",
            "/repertoire/commissions/",
            f"/repertoire/commissions/{w.commission}/",
            "/season/",
            f"/season/performances/{w.gala_performance}/",
            "/casting/",
            f"/casting/programmes/{w.gala_programme}/",
            "/account/",
        ],
        "balletmaster": [
            "/",
            "/schedule/",
            f"/schedule/plans/{w.period}/",
            f"/schedule/plans/{w.period}/review/",
            f"/schedule/board/{w.today}/",
        ],
        "klara": [
            "/",
            f"/schedule/me/?day={w.today}",
            "/casting/me/",
            "/boxoffice/comps/",
            f"/wellbeing/dancers/{w.klara_dancer}/",
        ],
        "boxoffice": [
            "/",
            "/boxoffice/",
            f"/boxoffice/performances/{w.coming_performance}/",
            f"/boxoffice/performances/{w.gala_performance}/door/",
            f"/boxoffice/venues/{w.venue}/seatmap/",
            "/boxoffice/comps/queue/",
        ],
        "press": [
            "/",
            "/reception/",
            f"/reception/performances/{w.gala_performance}/",
            f"/reception/performances/{w.gala_performance}/reviews/new/",
            "/reception/feedback/",
        ],
        "physio": [
            "/",
            "/wellbeing/",
            "/wellbeing/caseload/",
            "/wellbeing/figures/",
            f"/wellbeing/dancers/{w.klara_dancer}/",
        ],
        "manager": ["/", "/wellbeing/workload/", "/wellbeing/planning/", "/people/labour/"],
    }


def _violations(page) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Every violation axe finds on the page as it stands (all rules, every impact)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def _describe(who: str, path: str, violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    targets = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:5])
    first = nodes[0].get("failureSummary", "").replace("\n", " ") if nodes else ""
    return (
        f"{who} {path}: [{violation['impact']}] {violation['id']} ({violation['help']}), "
        f"{len(nodes)} element(s): {targets}\n    {first}"
    )


def test_main_pages_of_every_role_have_no_serious_accessibility_violations(live_server, open_page):
    if not AXE.exists():
        missing_requirement(
            f"axe-core is not installed ({AXE} is missing): run `npm install` at the "
            "repository root to check accessibility"
        )
    pages = _pages(_demo_world())
    blocking: list[str] = []
    report: list[str] = []  # every impact, saved for whoever improves the rest
    for username, paths in pages.items():
        # The content security policy forbids inline scripts, and axe is injected as one.
        screen = PHONE if username in ON_A_PHONE else DESKTOP
        page = open_page(bypass_csp=True, **screen)
        if username:
            sign_in(page, live_server.url, username, DEMO_PASSWORD)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (username, path)
            page.wait_for_load_state("networkidle")  # htmx fragments loaded on show, too
            for violation in _violations(page):
                line = _describe(username or "anonymous", path, violation)
                report.append(line)
                if violation["impact"] in BLOCKING:
                    blocking.append(line)
    ARTIFACTS.mkdir(exist_ok=True)
    checked = sum(len(paths) for paths in pages.values())
    (ARTIFACTS / "accessibility.txt").write_text(
        f"axe-core on {checked} pages: {len(report)} violation(s), {len(blocking)} serious or "
        "critical\n" + "\n".join(report) + "\n"
    )
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
