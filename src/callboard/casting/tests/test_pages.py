"""The casting pages: the board (queries, cells, autocomplete), sheets, needs, suggestions."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.casting import services
from callboard.casting.models import CastAssignment, CastingProposal, RehearsalNeed, Tier
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from callboard.core.roles import Role
from callboard.season.tests import factories as f

from .conftest import make_world

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def board_url(world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/casting/programmes/{world.programme.pk}/" + (f"?{query}" if query else "")


def cell_data(world, role, performance=None, **extra):
    return {
        "performance": (performance or world.performances[0]).pk,
        "role": role.pk,
        "slot": 0,
        "layer": "first",
        **extra,
    }


def _populate(world, now, *, dancers_per_role):
    for role in (world.queen, world.prince, world.friend, world.swans):
        rank = "principal" if role.principal else "corps"
        people = [world.dancer(role, rank=rank) for _ in range(dancers_per_role)]
        for p in world.performances:
            for slot in range(min(role.dancers_needed, len(people))):
                # The rules may refuse some; the board shows whatever is there.
                with contextlib.suppress(DomainError):
                    services.cast_assign(
                        performance=p,
                        role=role,
                        dancer=people[slot],
                        slot=slot,
                        by=CALLBOARD,
                        now=now,
                        sync_needs=False,
                    )


def test_the_board_makes_the_same_number_of_queries_whatever_the_size(client_as, now):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    small = make_world(title="Small", performances=1)
    _populate(small, now, dancers_per_role=1)
    with CaptureQueriesContext(connection) as counted:
        assert client.get(board_url(small)).status_code == 200
    big = make_world(title="Big", performances=6)
    extra = f.RoleFactory(work=big.work, name="Corps", dancers_needed=12)
    extra.sections.set([big.act1])
    _populate(big, now, dancers_per_role=5)
    with CaptureQueriesContext(connection) as counted_big:
        response = client.get(board_url(big))
    assert response.status_code == 200
    assert len(counted_big.captured_queries) == len(counted.captured_queries)
    assert len(counted.captured_queries) <= 25


def test_the_board_highlights_holes_and_warnings(world, now, client_as):
    d = world.dancer(world.queen, rank="corps")
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=d, by=CALLBOARD, now=now
    )
    html = client_as(Role.BALLET_MASTER).get(board_url(world)).content.decode()
    assert html.count('class="cell hole') == 3 * 7 - 1
    assert 'class="cell has-warning"' in html
    assert "is corps de ballet; Swan Queen is a principal role." in html


def test_a_cell_is_filled_in_place_and_shows_its_warning(world, client_as):
    d = world.dancer(world.queen, rank="corps")
    response = client_as(Role.BALLET_MASTER).post(
        "/casting/cell/", cell_data(world, world.queen, dancer=d.pk), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<td")
    assert str(d.person) in html and 'data-code="rank_mismatch"' in html
    assert CastAssignment.objects.get().dancer == d


def test_a_typed_name_fills_a_cell(world, client_as):
    d = world.dancer(
        world.queen,
        rank="principal",
        person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"),
    )
    client = client_as(Role.BALLET_MASTER)
    client.post("/casting/cell/", cell_data(world, world.queen, q="klara"), **HTMX)
    assert CastAssignment.objects.get().dancer == d


def test_a_refused_cell_says_why_and_changes_nothing(world, client_as):
    world.dancer(person=f.PersonFactory(given_name="Marius", family_name="Petipa"))
    response = client_as(Role.BALLET_MASTER).post(
        "/casting/cell/", cell_data(world, world.queen, q="petipa"), **HTMX
    )
    html = response.content.decode()
    assert 'role="alert"' in html and "has not learned Swan Queen" in html
    assert 'value="Marius Petipa"' in html  # what was typed stays
    assert not CastAssignment.objects.exists()


def test_an_unknown_name_is_a_clear_error(world, client_as):
    response = client_as(Role.BALLET_MASTER).post(
        "/casting/cell/", cell_data(world, world.queen, q="Nijinsky"), **HTMX
    )
    assert "No dancer in the company is called “Nijinsky”" in response.content.decode()


def test_without_javascript_a_cell_posts_and_returns_to_the_board(world, client_as):
    d = world.dancer(world.swans)
    client = client_as(Role.BALLET_MASTER)
    response = client.post(
        "/casting/cell/", cell_data(world, world.swans, dancer=d.pk), follow=True
    )
    assert response.redirect_chain[-1][0].startswith(f"/casting/programmes/{world.programme.pk}/")
    assert "cast as Swans" in response.content.decode()


def test_an_announced_cell_asks_for_a_reason(world, now, client_as):
    a, b = world.dancer(world.queen, rank="principal"), world.dancer(world.queen, rank="principal")
    p = world.performances[0]
    services.cast_assign(performance=p, role=world.queen, dancer=a, by=CALLBOARD, now=now)
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now)
    client = client_as(Role.ARTISTIC_DIRECTOR)
    data = cell_data(world, world.queen, dancer=b.pk, replacing=a.pk)
    first = client.post("/casting/cell/", data, **HTMX).content.decode()
    assert "needs-reason" in first and "Say why it changes" in first
    assert CastAssignment.objects.get().dancer == a
    client.post("/casting/cell/", {**data, "reason": "Injury"}, **HTMX)
    assert CastAssignment.objects.get().dancer == b


def test_clearing_a_cell(world, now, client_as):
    d = world.dancer(world.swans)
    services.cast_assign(
        performance=world.performances[0], role=world.swans, dancer=d, by=CALLBOARD, now=now
    )
    client_as(Role.BALLET_MASTER).post(
        "/casting/cell/", cell_data(world, world.swans, action="clear"), **HTMX
    )
    assert not CastAssignment.objects.exists()


def test_the_autocomplete_lists_dancers_with_what_the_rules_say(world, now, client_as):
    ok = world.dancer(
        world.queen,
        rank="principal",
        person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"),
    )
    hurt = world.dancer(
        world.queen,
        rank="principal",
        status="injured",
        person=f.PersonFactory(given_name="Kira", family_name="Kalmurzaeva"),
    )
    client = client_as(Role.BALLET_MASTER)
    params = {
        "performance": world.performances[0].pk,
        "role": world.queen.pk,
        "layer": "first",
        "q": "kalmurz",
    }
    html = client.get("/casting/candidates/", params).content.decode()
    assert html.index("Klára Kalmurzaev") < html.index("Kira Kalmurzaeva")  # the free one first
    assert f'value="{hurt.pk}" disabled' in html and "is injured" in html
    assert f'value="{ok.pk}">' in html


def test_the_autocomplete_with_nothing_typed_lists_who_knows_the_role(world, client_as):
    d = world.dancer(world.swans)
    world.dancer()  # knows nothing
    html = (
        client_as(Role.BALLET_MASTER)
        .get(
            "/casting/candidates/",
            {"performance": world.performances[0].pk, "role": world.swans.pk},
        )
        .content.decode()
    )
    assert html.count('class="cand"') == 1 and str(d.person) in html


def test_copy_announce_suggest_and_accept_from_the_board(
    world, now, client_as, settings, django_capture_on_commit_callbacks
):
    settings.CALLBOARD_JOBS = "inline"
    first, second, _ = world.performances
    d = world.dancer(world.queen, rank="principal")
    world.dancer(world.queen, rank="principal")
    services.cast_assign(performance=first, role=world.queen, dancer=d, by=CALLBOARD, now=now)
    client = client_as(Role.ARTISTIC_DIRECTOR)
    url = f"/casting/programmes/{world.programme.pk}"
    client.post(f"{url}/copy/", {"source": first.pk, "targets": [second.pk], "layers": ["first"]})
    assert CastAssignment.objects.filter(performance=second, dancer=d).exists()
    client.post(f"{url}/announce/", {"performance": second.pk, "tier": 3})
    assert second.casting_announcements.get().tier == 3
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"{url}/suggest/", {"time_limit": 5})
    proposal = CastingProposal.objects.get()
    assert response.url == f"/casting/suggestions/{proposal.pk}/"
    waiting = client.get(response.url).content.decode()  # at once, before the solver's answer
    assert "Working out the suggestion" in waiting and "Accept the ticked lines" not in waiting
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert "every 1s" in poll.content.decode() and "HX-Refresh" not in poll.headers
    for job in queued:  # the background worker's turn
        job()
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"
    page = client.get(response.url).content.decode()
    assert "Accept the ticked lines" in page
    items = list(proposal.items.values_list("pk", flat=True))
    client.post(f"/casting/suggestions/{proposal.pk}/accept/", {"chosen": "1", "items": items[:1]})
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.outcome["applied"] == 1


def test_the_ballet_master_cannot_announce_or_accept(world, client_as):
    client = client_as(Role.BALLET_MASTER)
    response = client.post(
        f"/casting/programmes/{world.programme.pk}/announce/",
        {"performance": world.performances[0].pk, "tier": 3},
    )
    assert response.status_code == 403
    assert not world.performances[0].casting_announcements.exists()


def test_dancers_cannot_open_the_board(world, client_as):
    assert client_as(Role.DANCER).get(board_url(world)).status_code == 403


def test_an_unknown_production_is_a_404(client_as):
    assert client_as(Role.ARTISTIC_DIRECTOR).get("/casting/programmes/999999/").status_code == 404


def test_the_sheet_prints_and_exports_announced_casting_to_dancers(world, now, client_as):
    p = world.performances[0]
    klara = world.dancer(
        world.queen,
        rank="principal",
        person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"),
    )
    swan = world.dancer(world.swans)
    services.cast_assign(performance=p, role=world.queen, dancer=klara, by=CALLBOARD, now=now)
    services.cast_assign(performance=p, role=world.swans, dancer=swan, by=CALLBOARD, now=now)
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now)
    client = client_as(Role.DANCER)
    html = client.get(f"/casting/programmes/{world.programme.pk}/sheet/").content.decode()
    assert (
        "casting/casting.css" in html
        and "Klára Kalmurzaev" in html
        and str(swan.person) not in html
    )
    response = client.get(f"/casting/programmes/{world.programme.pk}/sheet.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["date", "time", "venue", "work", "role"]
    assert [r[7] for r in rows[1:]] == ["Klára Kalmurzaev"]


def test_the_needs_page_lists_and_takes_needs(world, now, client_as):
    d = world.dancer(
        world.queen,
        rank="principal",
        learning=True,
        person=f.PersonFactory(given_name="Léa", family_name="Moreau"),
    )
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=d, by=CALLBOARD, now=now
    )
    client = client_as(Role.BALLET_MASTER)
    url = f"/casting/programmes/{world.programme.pk}/needs/"
    html = client.get(url).content.decode()
    assert "Coaching: Léa Moreau learns Swan Queen" in html
    response = client.post(
        url,
        {
            "label": "Partnering",
            "kind": "coaching",
            "minutes": 60,
            "earliest": "2026-12-01",
            "latest": "2026-12-05",
            "priority": 2,
            "people": "lea moreau",
        },
    )
    assert response.status_code == 302
    assert list(RehearsalNeed.objects.get(label="Partnering").people.all()) == [d]
    bad = client.post(
        url,
        {
            "label": "X",
            "kind": "coaching",
            "minutes": 60,
            "earliest": "2026-12-05",
            "latest": "2026-12-01",
            "priority": 2,
        },
    )
    assert "swap them" in bad.content.decode()
    need = RehearsalNeed.objects.get(kind="coaching", source="casting")
    client.post(
        f"/casting/needs/{need.pk}/",
        {
            "label": need.label,
            "kind": "coaching",
            "minutes": 480,
            "earliest": "2026-11-24",
            "latest": "2026-12-20",
            "priority": 1,
            "people": "Léa Moreau",
        },
    )
    need.refresh_from_db()
    assert (need.minutes, need.source) == (480, "manual")


def test_the_index_lists_productions_and_the_nav_links_to_it(world, client_as):
    html = client_as(Role.DANCER).get("/casting/").content.decode()
    assert world.programme.title in html and 'href="/casting/"' in html
    assert "Casting board" not in html  # drafts are for management


def test_recording_a_past_performance_from_the_board(world, now, client_as):
    past = world.performance(-1)
    d = world.dancer(world.queen, rank="principal")
    CastAssignment.objects.create(performance=past, role=world.queen, dancer=d, assigned_at=now)
    client_as(Role.BALLET_MASTER).post(f"/casting/performances/{past.pk}/danced/")
    assert d.roles_known.get().times_danced == 1


def test_the_autocomplete_makes_the_same_number_of_queries_whatever_the_matches(world, client_as):
    client = client_as(Role.BALLET_MASTER)
    params = {"performance": world.performances[0].pk, "role": world.swans.pk, "q": "kalmurz"}
    world.dancer(world.swans, person=f.PersonFactory(given_name="Ada", family_name="Kalmurzaeva"))
    with CaptureQueriesContext(connection) as one:
        client.get("/casting/candidates/", params)
    for i in range(8):
        world.dancer(
            world.swans, person=f.PersonFactory(given_name=f"Bea{i}", family_name="Kalmurzaeva")
        )
    with CaptureQueriesContext(connection) as nine:
        html = client.get("/casting/candidates/", params).content.decode()
    assert html.count('class="cand"') == 9
    assert len(nine.captured_queries) == len(one.captured_queries)
