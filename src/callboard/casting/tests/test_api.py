"""/api/v1/casting/: the same rules and permissions as the pages."""

from __future__ import annotations

import pytest

from callboard.casting import services
from callboard.casting.models import CastAssignment, CastingProposal, RehearsalNeed, Tier
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role
from callboard.season.tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1/casting"


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_casting_a_dancer_through_the_api(world, client_as):
    d = world.dancer(world.swans)
    client = client_as(Role.BALLET_MASTER)
    p = world.performances[0]
    response = post(
        client,
        f"{API}/assignments",
        {"performance_id": p.pk, "role_id": world.swans.pk, "dancer_id": d.pk, "slot": 1},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assignment"]["dancer_id"] == d.pk and body["assignment"]["slot"] == 1
    assert CastAssignment.objects.filter(performance=p, dancer=d).exists()


def test_a_refused_casting_says_why_and_changes_nothing(world, client_as):
    d = world.dancer()  # knows no role
    client = client_as(Role.BALLET_MASTER)
    response = post(
        client,
        f"{API}/assignments",
        {"performance_id": world.performances[0].pk, "role_id": world.swans.pk, "dancer_id": d.pk},
    )
    assert response.status_code == 422
    body = response.json()
    assert "has not learned Swans" in body["message"]
    assert body["detail"]["findings"][0]["code"] == "not_qualified"
    assert not CastAssignment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("dancer_id", 999999, 404),
        ("role_id", 999999, 404),
        ("performance_id", 999999, 404),
        ("slot", 9, 422),
    ],
)
def test_bad_input_gets_a_clear_error(world, client_as, field, value, status):
    d = world.dancer(world.swans)
    payload = {
        "performance_id": world.performances[0].pk,
        "role_id": world.swans.pk,
        "dancer_id": d.pk,
    }
    payload[field] = value
    response = post(client_as(Role.BALLET_MASTER), f"{API}/assignments", payload)
    assert response.status_code == status
    assert response.json()["message"]
    assert not CastAssignment.objects.exists()


def test_a_slot_filled_twice_is_a_conflict(world, client_as):
    a, b = world.dancer(world.swans), world.dancer(world.swans)
    client = client_as(Role.BALLET_MASTER)
    payload = {"performance_id": world.performances[0].pk, "role_id": world.swans.pk}
    assert post(client, f"{API}/assignments", {**payload, "dancer_id": a.pk}).status_code == 200
    response = post(client, f"{API}/assignments", {**payload, "dancer_id": b.pk})
    assert response.status_code == 409
    assert response.json()["detail"]["current_dancer_id"] == a.pk


def test_a_dancer_cannot_cast(world, client_as):
    d = world.dancer(world.swans)
    response = post(
        client_as(Role.DANCER),
        f"{API}/assignments",
        {"performance_id": world.performances[0].pk, "role_id": world.swans.pk, "dancer_id": d.pk},
    )
    assert response.status_code == 403
    assert not CastAssignment.objects.exists()


def test_a_dancer_sees_announced_casting_only(world, now, client_as):
    p = world.performances[0]
    queen, swan = world.dancer(world.queen, rank="principal"), world.dancer(world.swans)
    services.cast_assign(performance=p, role=world.queen, dancer=queen, by=CALLBOARD, now=now)
    services.cast_assign(performance=p, role=world.swans, dancer=swan, by=CALLBOARD, now=now)
    client = client_as(Role.DANCER)
    assert client.get(f"{API}/performances/{p.pk}/casting").json() == []
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now)
    seen = client.get(f"{API}/performances/{p.pk}/casting").json()
    assert [a["dancer_id"] for a in seen] == [queen.pk]
    assert client.get(f"{API}/programmes/{world.programme.pk}/board").status_code == 403
    manager = client_as(Role.COMPANY_MANAGER)
    assert len(manager.get(f"{API}/performances/{p.pk}/casting").json()) == 2


def test_a_dancer_sees_their_own_roles_and_announced_casting(world, now, client):
    user = f.UserFactory(roles=[Role.DANCER])
    me = world.dancer(world.swans, person=f.PersonFactory(user=user))
    p = world.performances[0]
    services.cast_assign(performance=p, role=world.swans, dancer=me, by=CALLBOARD, now=now)
    client.force_login(user)
    body = client.get(f"{API}/me").json()
    assert body["dancer_id"] == me.pk and body["upcoming"] == []
    assert [r["role_name"] for r in body["roles"]] == ["Swans"]
    services.casting_announce(performance=p, tier=Tier.FULL, by=CALLBOARD, now=now)
    assert [a["role_name"] for a in client.get(f"{API}/me").json()["upcoming"]] == ["Swans"]
    notes = client.get(f"{API}/notifications").json()
    assert len(notes) == 1 and "Casting announced" in notes[0]["subject"]
    read = client.post(f"{API}/notifications/{notes[0]['id']}/read")
    assert read.json()["read_at"] is not None


def test_the_board_through_the_api(world, now, client_as):
    d = world.dancer(world.queen, rank="corps")
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=d, by=CALLBOARD, now=now
    )
    body = (
        client_as(Role.ARTISTIC_DIRECTOR).get(f"{API}/programmes/{world.programme.pk}/board").json()
    )
    assert len(body["columns"]) == 3
    queen_row = next(r for r in body["rows"] if r["role_name"] == "Swan Queen")
    cell = queen_row["cells"][0]
    assert cell["dancer_id"] == d.pk and cell["findings"][0]["code"] == "rank_mismatch"
    assert body["holes"] == 3 * 7 - 1


def test_candidates_through_the_api_are_accent_insensitive(world, client_as):
    klara = world.dancer(
        world.queen,
        rank="principal",
        person=f.PersonFactory(given_name="Klára", family_name="Kalmurzaev"),
    )
    body = (
        client_as(Role.BALLET_MASTER)
        .get(
            f"{API}/candidates",
            {"performance_id": world.performances[0].pk, "role_id": world.queen.pk, "q": "klara"},
        )
        .json()
    )
    assert [(c["dancer_id"], c["ok"], c["role_status"]) for c in body] == [
        (klara.pk, True, "learned")
    ]


def test_announcing_and_copying_through_the_api(world, now, client_as):
    first, second, _ = world.performances
    d = world.dancer(world.queen, rank="principal")
    services.cast_assign(performance=first, role=world.queen, dancer=d, by=CALLBOARD, now=now)
    director = client_as(Role.ARTISTIC_DIRECTOR)
    copied = post(
        director, f"{API}/performances/{first.pk}/copy", {"target_ids": [second.pk]}
    ).json()
    assert copied["copied"] == 1
    announced = post(director, f"{API}/performances/{second.pk}/announce", {"tier": 3})
    assert announced.status_code == 200 and announced.json()["created"]
    bad = post(director, f"{API}/performances/{second.pk}/announce", {"tier": 7})
    assert bad.status_code == 422


def test_suggesting_and_accepting_through_the_api(
    world, client_as, settings, django_capture_on_commit_callbacks
):
    settings.CALLBOARD_JOBS = "inline"
    world.dancer(world.queen, rank="principal")
    director = client_as(Role.ARTISTIC_DIRECTOR)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        created = post(
            director, f"{API}/programmes/{world.programme.pk}/suggestions", {"time_limit": 5}
        )
    assert created.status_code == 201
    assert created.json()["status"] == "working" and created.json()["items"] == []
    early = post(director, f"{API}/suggestions/{created.json()['id']}/accept", {})
    assert early.status_code == 409 and "still being worked out" in early.json()["message"]
    for job in queued:  # the background worker's turn
        job()
    proposal = director.get(f"{API}/suggestions/{created.json()['id']}").json()
    assert proposal["status"] == "open" and proposal["items"] and proposal["error"] == ""
    assert not CastAssignment.objects.exists()
    accepted = post(director, f"{API}/suggestions/{proposal['id']}/accept", {})
    assert accepted.json()["status"] == "accepted"
    assert CastAssignment.objects.count() == len(proposal["items"])


@pytest.mark.parametrize(
    ("payload", "field"), [({"covers": 10}, "covers"), ({"seed": 2**31}, "seed")]
)
def test_a_suggestion_with_bad_settings_is_refused_and_nothing_is_recorded(
    world, client_as, payload, field
):
    director = client_as(Role.ARTISTIC_DIRECTOR)
    refused = post(director, f"{API}/programmes/{world.programme.pk}/suggestions", payload)
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == field
    assert not CastingProposal.objects.exists()


def test_rehearsal_needs_through_the_api(world, now, client_as):
    d = world.dancer(world.queen, rank="principal", learning=True)
    services.cast_assign(
        performance=world.performances[0], role=world.queen, dancer=d, by=CALLBOARD, now=now
    )
    master = client_as(Role.BALLET_MASTER)
    needs = master.get(f"{API}/programmes/{world.programme.pk}/needs").json()
    coaching = next(n for n in needs if n["kind"] == "coaching")
    assert coaching["people"] == [d.pk] and coaching["source"] == "casting"
    patched = master.patch(
        f"{API}/needs/{coaching['id']}", data={"minutes": 720}, content_type="application/json"
    )
    assert patched.json()["minutes"] == 720 and patched.json()["source"] == "manual"
    created = post(
        master,
        f"{API}/programmes/{world.programme.pk}/needs",
        {
            "label": "Partnering class",
            "kind": "coaching",
            "minutes": 90,
            "earliest": "2026-12-01",
            "latest": "2026-12-10",
            "people": [d.pk],
        },
    )
    assert created.status_code == 201
    bad = post(
        master,
        f"{API}/programmes/{world.programme.pk}/needs",
        {
            "label": "Backwards",
            "kind": "coaching",
            "minutes": 90,
            "earliest": "2026-12-10",
            "latest": "2026-12-01",
        },
    )
    assert bad.status_code == 422 and "swap them" in bad.json()["message"]
    assert master.delete(f"{API}/needs/{created.json()['id']}").status_code == 204
    assert not RehearsalNeed.objects.filter(label="Partnering class").exists()
