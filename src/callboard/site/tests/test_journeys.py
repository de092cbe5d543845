"""One journey per role through the real UI, in Debian's Chromium driven by Playwright.

Each journey signs in through the login form, does a job the way a person would (links,
forms, the htmx board, the seat map's "best available", the door scanner), checks what the
page then says, and checks the database afterwards. A screenshot of every key step is saved
as ``test-artifacts/journey-<role>-<n>-<step>.png``.

The worlds are the demo company's (``build_demo``), anchored on today in Moscow because the
pages read the real clock; the box office uses the box-office test factories' small house.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from callboard.core.actors import CALLBOARD
from callboard.core.testing.browser import sign_in
from callboard.site.demo import MOSCOW, PASSWORD, build_demo, demo_today
from conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def _choose(page: Any, label: str, option_text: str) -> None:
    """Choose the option of the select labelled ``label`` whose text contains ``option_text``."""
    select = page.get_by_label(label)
    value = select.locator("option", has_text=option_text).first.get_attribute("value")
    select.select_option(value=value)


def _demo(today: dt.date | None = None) -> dt.date:
    today = today or demo_today()
    build_demo(today=today)
    return today


def _people(*names: str) -> list[Any]:
    """The demo's people by full name, in the order asked."""
    from callboard.company.models import Person
    from callboard.core.text import search_key

    keys = [search_key(name) for name in names]
    found = {p.search_name: p for p in Person.objects.filter(search_name__in=keys)}
    return [found[key] for key in keys]


def _moscow_now() -> dt.datetime:
    return timezone.now().astimezone(MOSCOW)


# --------------------------------------------------------------------- artistic director


def test_the_artistic_director_commissions_a_work_and_casts_the_nutcracker(live_server, open_page):
    from playwright.sync_api import expect

    from callboard.casting.models import CastAssignment, CastingAnnouncement
    from callboard.company.models import Dancer
    from callboard.repertoire.models import Commission, Role, Work
    from callboard.season.models import Performance

    today = _demo()
    # The gala is over (its premiere is the demo's past); the Christmas run is to come.
    gala = (
        Performance.objects.filter(programme__title="The Nutcracker").order_by("starts_at").first()
    )
    assert gala is not None and gala.starts_at > timezone.now()
    lead = Role.objects.get(work__title="The Nutcracker", name="Sugar Plum Fairy")
    klara = Dancer.objects.get(person__user__username="klara")
    base = live_server.url
    page = open_page(**DESKTOP)

    sign_in(page, base, "director", PASSWORD)
    expect(page.locator("h1")).to_have_text("Good day, Sergei")
    _shot(page, "director-1-home")

    # The commissions board: a new work for the Volga tour, then creation starts.
    page.locator("#shortcuts").get_by_role("link", name="Commissions board").click()
    expect(page.locator("h1")).to_have_text("New works: commissions")
    page.get_by_role("link", name="Commission a new work").click()
    page.get_by_label("Working title").fill("Songs of the Volga")
    page.get_by_label("Created by").select_option(label="Léa Moreau")
    page.get_by_label("Commissioned by").select_option(label="Sergei Pavlov")
    page.get_by_label("For the occasion of").fill("Volga tour")
    page.get_by_label("Agreed on").fill(today.isoformat())
    page.get_by_label("Planned premiere").fill((today + dt.timedelta(days=90)).isoformat())
    page.get_by_label("Planned duration (minutes)").fill("25")
    page.get_by_label("Composer").fill("Nikolai Rimsky-Korsakov")
    page.get_by_label("Brief").fill("Three river songs for six dancers, to tour the Volga.")
    _shot(page, "director-2-commission-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Commission of “Songs of the Volga” recorded."
    )
    _shot(page, "director-3-commission")

    page.locator("header nav").get_by_role("link", name="Commissions").click()
    commissioned = page.locator("#column-commissioned")
    card = commissioned.locator("article", has_text="Songs of the Volga")
    expect(card).to_contain_text("Léa Moreau")
    card.get_by_role("button", name=re.compile("Start creation")).click()
    moved = page.locator("#column-in_creation article", has_text="Songs of the Volga")
    expect(moved).to_be_visible()
    expect(commissioned.locator("article", has_text="Songs of the Volga")).to_have_count(0)
    _shot(page, "director-4-board")

    commission = Commission.objects.select_related("work", "creator", "commissioned_by").get(
        work__title="Songs of the Volga"
    )
    assert commission.status == Commission.Status.IN_CREATION
    assert commission.creator.full_name == "Léa Moreau"
    assert commission.commissioned_by.full_name == "Sergei Pavlov"
    assert commission.occasion == "Volga tour"
    assert commission.premiere_planned == today + dt.timedelta(days=90)
    assert Work.objects.filter(title="Songs of the Volga", composer__contains="Rimsky").exists()

    # The Nutcracker's casting board: Klára dances the Sugar Plum Fairy, then it is announced.
    page.locator("header nav").get_by_role("link", name="Casting").click()
    page.locator("tbody tr", has_text="The Nutcracker").get_by_role(
        "link", name="Casting board"
    ).click()
    expect(page).to_have_url(re.compile(rf"/casting/programmes/{gala.programme_id}/$"))
    cell = page.locator(f"#cell-{gala.pk}-{lead.pk}-0-first")
    field = cell.locator("input[name=q]")
    field.click()  # the empty field lists every candidate...
    field.type("kalmurz")
    # ...then the typed name's list replaces it: wait for that one before using the keyboard.
    expect(cell.locator("button.cand", has_not_text="Kalmurzaev")).to_have_count(0)
    expect(cell.locator("button.cand").first).to_contain_text("Klára Kalmurzaev")
    _shot(page, "director-5-casting-candidates")
    field.press("ArrowDown")
    page.keyboard.press("Enter")
    cell = page.locator(f"#cell-{gala.pk}-{lead.pk}-0-first")
    expect(cell.locator(".who")).to_have_text("Klára Kalmurzaev")
    assert CastAssignment.objects.filter(performance=gala, role=lead, dancer=klara).exists()

    head = page.locator(f"#col-{gala.pk}")
    head.get_by_label("What to announce").select_option(label="Principal roles")
    head.get_by_role("button", name="Announce").click()
    expect(page.locator(".messages")).to_contain_text(
        "Announced principal roles for The Nutcracker"
    )
    expect(page.locator(".messages")).to_contain_text("1 dancer(s) told")
    _shot(page, "director-6-casting-announced")
    assert CastingAnnouncement.objects.filter(performance=gala, tier=1).exists()


# --------------------------------------------------------------------- ballet master


def _plan_week(first: dt.date) -> Any:
    """The coming week's plan as the ballet mistress finds it: class and three requests."""
    from callboard.company.models import Person, Studio
    from callboard.repertoire.models import Role
    from callboard.scheduling import services
    from callboard.scheduling.models import CallRequest, FixedEvent

    now = _moscow_now()
    period = services.period_open(
        first_day=first, last_day=first + dt.timedelta(days=6), by=CALLBOARD, now=now
    )
    big = Studio.objects.filter(active=True).order_by("-capacity", "name").first()
    for day in period.days:
        if day.weekday() != 6:
            services.fixed_event_create(
                kind=FixedEvent.Kind.CLASS,
                label="Company class",
                starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=MOSCOW),
                ends_at=dt.datetime.combine(day, dt.time(11, 15), tzinfo=MOSCOW),
                everyone=True,
                studio=big,
                by=CALLBOARD,
                now=now,
            )
    klara, pavlov, eleonora, semenova = _people(
        "Klára Kalmurzaev", "Sergei Pavlov", "Eleonora Kalmurzaev", "Lyudmila Semenova"
    )
    pianists = list(Person.objects.filter(staff_roles__kind="pianist").order_by("family_name"))
    master = Person.objects.filter(staff_roles__kind="ballet_master").order_by("family_name")[0]
    swans = [
        known.dancer.person
        for known in Role.objects.get(work__title="Swan Lake", name="Swans")
        .dancers_knowing.filter(dancer__status="active")
        .select_related("dancer__person")
        .order_by("dancer__person__family_name")[:12]
    ]
    requests = [
        (
            "Creation: Dance of the Seven Veils — Klára with Sergei Pavlov",
            CallRequest.Kind.CREATION,
            240,
            [klara, pavlov, pianists[0]],
        ),
        (
            "Coaching: Eleonora Kalmurzaev — Odette/Odile",
            CallRequest.Kind.COACHING,
            180,
            [eleonora, semenova, pianists[1]],
        ),
        (
            "Swan Lake: Act II swans",
            CallRequest.Kind.REHEARSAL,
            180,
            [*swans, master],
        ),
    ]
    for label, kind, minutes, people in requests:
        services.call_request_create(
            period=period,
            values={"label": label, "kind": kind, "minutes": minutes, "call_minutes": 120},
            people=people,
            by=CALLBOARD,
            now=now,
        )
    return period


def test_the_ballet_master_solves_edits_and_publishes_a_week(live_server, open_page, settings):
    from playwright.sync_api import expect

    from callboard.scheduling.models import Call, Schedule, SolveRun

    settings.CALLBOARD_JOBS = "thread"
    today = _demo()
    first = today + dt.timedelta(days=1)
    last = first + dt.timedelta(days=6)
    period = _plan_week(first)
    base = live_server.url
    page = open_page(timeout_ms=30_000, **DESKTOP)

    sign_in(page, base, "balletmaster", PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Plan and publish rehearsals").click()
    page.get_by_role("link", name=str(period), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/schedule/plans/{period.pk}/$"))
    expect(page.locator("#requests tbody tr")).to_have_count(3)
    _shot(page, "balletmaster-1-plan")

    # Solve: a short run in the background; the progress box reports it live.
    page.get_by_label("Time limit (seconds)").fill("3")
    page.locator("details.advanced summary").click()  # seed and workers are tucked away
    page.get_by_label("Workers").fill("1")
    page.get_by_label("Seed").fill("2026")
    page.click("#solve-button")
    expect(page.locator("#run-progress")).to_contain_text("Finished", timeout=90_000)
    expect(page.locator("#run-progress .objective")).not_to_have_text("—")
    _shot(page, "balletmaster-2-run")
    run = SolveRun.objects.get(period=period)
    assert run.status in (SolveRun.Status.DONE, SolveRun.Status.STOPPED)

    page.get_by_role("link", name="Review the schedule").click()
    expect(page.locator("#findings")).to_contain_text("Every rule of the agreement holds.")
    draft = Schedule.objects.get(period=period, status="draft")
    creations = Call.objects.filter(schedule=draft, label__startswith="Creation")
    assert creations, "the solver placed Klára's creation time"
    creation = max(creations, key=lambda c: (c.ends_at - c.starts_at, -c.pk))
    assert creation.ends_at - creation.starts_at >= dt.timedelta(minutes=60)
    day = creation.starts_at.astimezone(MOSCOW).date()
    page.goto(f"{base}/schedule/plans/{period.pk}/review/?day={day.isoformat()}&view=grid")
    call_box = page.locator(f"#call-{creation.pk}")
    expect(call_box).to_contain_text("Klára")
    _shot(page, "balletmaster-3-review")

    # A hand edit: Pavlov asks to stop half an hour early.
    old_end = creation.ends_at.astimezone(MOSCOW)
    new_end = (old_end - dt.timedelta(minutes=30)).time()
    call_box.get_by_role("link", name="move").click()
    page.get_by_label("Ends").fill(new_end.strftime("%H:%M"))
    _shot(page, "balletmaster-4-hand-edit")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/review/"))
    call_box = page.locator(f"#call-{creation.pk}")
    expect(call_box).to_contain_text(new_end.strftime("%H:%M"))
    expect(page.locator("#findings")).to_contain_text("Every rule of the agreement holds.")

    # Publish the whole week, firm.
    page.fill("#publish input[name=first_day]", first.isoformat())
    page.fill("#publish input[name=last_day]", last.isoformat())
    page.locator("#publish").get_by_label("Firm (not tentative)").check()
    page.locator("#publish").get_by_label("Note to the company").fill("Next week's call.")
    page.click("#publish-button")
    expect(page.locator(".messages")).to_contain_text("Published as version 1")
    _shot(page, "balletmaster-5-published")

    version = Schedule.objects.get(period=period, status="published")
    assert (version.published_from, version.published_to) == (first, last)
    assert version.firm_through == last
    published = version.calls.get(label=creation.label, starts_at=creation.starts_at)
    assert published.ends_at.astimezone(MOSCOW).time() == new_end
    assert version.calls.count() == draft.calls.count()


# --------------------------------------------------------------------- dancer, on a phone


def test_a_dancer_reads_tomorrows_calls_and_claims_family_comps_on_a_phone(live_server, open_page):
    from playwright.sync_api import expect

    from callboard.boxoffice.models import FamilyComp
    from callboard.company.models import Person, Studio
    from callboard.scheduling import services

    today = _demo()
    tomorrow = today + dt.timedelta(days=1)
    now = _moscow_now()
    period = services.period_open(
        first_day=today, last_day=today + dt.timedelta(days=6), by=CALLBOARD, now=now
    )
    klara, pavlov = _people("Klára Kalmurzaev", "Sergei Pavlov")
    studio = Studio.objects.filter(active=True, has_piano=True).order_by("name").first()
    services.call_add(
        period=period,
        studio=studio,
        starts_at=dt.datetime.combine(tomorrow, dt.time(12), tzinfo=MOSCOW),
        ends_at=dt.datetime.combine(tomorrow, dt.time(14), tzinfo=MOSCOW),
        request=None,
        label="Dance of the Seven Veils: notes after the premiere",
        people=[klara, pavlov],
        by=CALLBOARD,
        now=now,
    )
    services.schedule_publish(
        period=period,
        by=CALLBOARD,
        now=now,
        first_day=today,
        last_day=period.last_day,
        firm=True,
        send_email=False,
    )
    parents = list(Person.objects.filter(related_to=klara).order_by("given_name"))
    assert parents, "the demo gives Klára her family"
    base = live_server.url
    page = open_page(**PHONE)

    sign_in(page, base, "klara", PASSWORD)
    _shot(page, "dancer-1-home")
    page.locator("#shortcuts").get_by_role("link", name="My calls").click()
    expect(page.locator("h1")).to_have_text("My calls")
    tomorrow_heading = page.locator("#week h3").first
    expect(tomorrow_heading).to_have_text(tomorrow.strftime("%A %-d %B"))
    call = page.locator("#week .mycall").first
    expect(call).to_contain_text("12:00–14:00")
    expect(call).to_contain_text("Dance of the Seven Veils: notes after the premiere")
    expect(call).to_contain_text(studio.name)
    expect(call).to_contain_text("With Sergei Pavlov")
    expect(call.locator(".badge")).to_have_text("firm")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "dancer-2-my-calls")

    # Family comps for The Nutcracker (the gala is over): her parents fly in for Christmas.
    page.goto(f"{base}/")
    page.locator("#shortcuts").get_by_role("link", name="Family comps").click()
    expect(page.locator("h1")).to_have_text("Family comps")
    _choose(page, "Performance", "The Nutcracker")
    page.get_by_label("Guest:", exact=True).fill(f"{parents[0].family_name} family")
    _choose(page, "Family member on file (optional)", parents[0].full_name)
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Note for the box office").fill("My parents fly in from Grozny.")
    _shot(page, "dancer-3-comps-form")
    page.get_by_role("button", name="Send to the box office").click()
    row = page.locator("table tbody tr", has_text="The Nutcracker")
    expect(row).to_contain_text(f"{parents[0].family_name} family")
    expect(row).to_contain_text("2")
    expect(row.locator(".badge")).to_contain_text("equested")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "dancer-4-comps-claimed")

    claim = FamilyComp.objects.get()
    assert claim.dancer.person == klara
    assert claim.performance.programme.title == "The Nutcracker"
    assert (claim.seats, claim.guest, claim.status) == (2, parents[0], FamilyComp.Status.REQUESTED)


# --------------------------------------------------------------------- box office


def test_the_box_office_sells_the_best_four_seats_and_the_door_flags_a_second_scan(
    live_server, open_page
):
    from playwright.sync_api import expect

    from callboard.boxoffice.models import CheckIn, Order, Seat, SeatMap, Ticket
    from callboard.boxoffice.tests.factories import on_sale
    from callboard.core.roles import Role
    from callboard.core.testing.factories import PASSWORD, UserFactory

    UserFactory(username="rudneva", roles=[Role.BOX_OFFICE])
    performance = on_sale(timezone.now(), rows=5, seats=10)
    # The best four together, worked out here from the drawing: the front row (zone A, the
    # dearest) is best, and in it the four adjacent seats whose middle is nearest the
    # centre of the stage.
    seat_map = SeatMap.objects.get(venue=performance.venue)
    front = sorted(Seat.objects.filter(seat_map=seat_map, row="1"), key=lambda s: int(s.number))
    best = min(
        (front[k : k + 4] for k in range(len(front) - 3)),
        key=lambda block: abs(sum(s.x for s in block) / 4 - seat_map.width / 2),
    )
    best_numbers = [int(s.number) for s in best]
    base = live_server.url
    page = open_page(**DESKTOP)

    sign_in(page, base, "rudneva", PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Box office").click()
    row = page.locator("tbody tr", has_text=performance.programme.title)
    row.get_by_role("link", name="Sell").click()
    expect(page).to_have_url(re.compile(rf"/boxoffice/performances/{performance.pk}/$"))
    _shot(page, "boxoffice-1-sales")

    page.get_by_label("Best available").fill("4")
    page.get_by_role("button", name="Find seats").click()
    cart = page.locator("#cart")
    expect(cart.locator("li")).to_have_count(4)
    for number in best_numbers:
        expect(cart).to_contain_text(f"Stalls row 1, seat {number} —")
    expect(cart).to_contain_text("Total: RUB\u00a0400.00")  # the company's currency, in English
    _shot(page, "boxoffice-2-cart")
    page.get_by_label("Name on the tickets").fill("Raisa Kalmurzaev")
    page.get_by_role("button", name="Confirm the order").click()
    expect(page.locator("h1")).to_contain_text("Order")
    expect(page.locator(".qr img")).to_have_count(4)
    _shot(page, "boxoffice-3-order")

    order = Order.objects.get()
    assert order.buyer_name == "Raisa Kalmurzaev"
    seats = sorted((t.seat.row, int(t.seat.number)) for t in order.tickets.select_related("seat"))
    assert seats == [("1", n) for n in best_numbers]

    code = page.locator(".qr code").first.inner_text().strip()
    page.goto(f"{base}/boxoffice/performances/{performance.pk}/door/")
    page.get_by_label("Scan or type the ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".scan-result")).to_contain_text("Admit")
    expect(page.locator("#scan")).to_contain_text("1 of 4 tickets in")
    _shot(page, "boxoffice-4-door-admit")
    page.get_by_label("Scan or type the ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".scan-result")).to_contain_text("Already scanned")
    expect(page.locator(".scan-result")).to_have_class(re.compile(r"\bflag\b"))
    expect(page.locator("#scan")).to_contain_text("1 of 4 tickets in")
    _shot(page, "boxoffice-5-door-second-scan")

    assert Ticket.objects.filter(checked_in_at__isnull=False).count() == 1
    results = list(CheckIn.objects.order_by("at", "pk").values_list("result", flat=True))
    assert len(results) == 2 and results[0] != results[1]


# --------------------------------------------------------------------- press office


def test_the_press_office_adds_the_moscow_times_review_of_the_gala(live_server, open_page):
    from playwright.sync_api import expect

    from callboard.reception.models import Review
    from callboard.season.models import Performance

    # The demo's gala was two evenings ago: its review is written after the curtain.
    _demo()
    gala = Performance.objects.get(title="Annual Gala")
    assert gala.starts_at < timezone.now()
    base = live_server.url
    page = open_page(**DESKTOP)

    sign_in(page, base, "press", PASSWORD)
    page.locator("#shortcuts").get_by_role("link", name="Reviews and press pages").click()
    expect(page.locator("h1")).to_have_text("Press and reception")
    page.get_by_role("link", name=re.compile("Annual Gala")).first.click()
    expect(page).to_have_url(re.compile(rf"/reception/performances/{gala.pk}/$"))
    _shot(page, "press-1-performance")

    page.get_by_role("link", name="Add a review").click()
    _choose(page, "Critic", "Jonathan Hale")
    page.get_by_label("Outlet").fill("The Moscow Times")
    page.get_by_label("Headline").fill("Seven veils, one voice")
    page.get_by_label("Stars").select_option(label="★★★★★")
    page.get_by_label("Quote").fill(
        "Kalmurzaev's Dance of the Seven Veils is a rare thing: a gala premiere that earns "
        "its standing ovation."
    )
    _shot(page, "press-2-review-form")
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    expect(page.locator(".messages")).to_contain_text("Review added.")
    review_box = page.locator("article.review")
    expect(review_box).to_contain_text("a gala premiere that earns its standing ovation")
    expect(review_box).to_contain_text("Jonathan Hale")
    expect(review_box).to_contain_text("The Moscow Times")
    _shot(page, "press-3-review-added")

    review = Review.objects.select_related("critic").get()
    assert review.performance == gala
    assert review.critic.full_name == "Jonathan Hale"
    assert (review.outlet, review.rating, review.headline) == (
        "The Moscow Times",
        5,
        "Seven veils, one voice",
    )
    assert {w.title for w in review.works.all()} == {"Dance of the Seven Veils", "Études in Blue"}
