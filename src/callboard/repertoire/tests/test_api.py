"""The repertoire API: happy paths, and every bad payload answered with a 4xx, never a 500."""

import datetime as dt

import pytest

from callboard.core.roles import Role
from callboard.repertoire.models import Commission, DancerRole, Section, Work
from callboard.repertoire.models import Role as WorkRole
from callboard.repertoire.tests.factories import (
    CommissionFactory,
    DancerFactory,
    DancerRoleFactory,
    PersonFactory,
    RoleFactory,
    SectionFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/repertoire"


@pytest.fixture
def editor(client_as):
    return client_as(Role.BALLET_MASTER)


@pytest.fixture
def director(client_as):
    return client_as(Role.ARTISTIC_DIRECTOR)


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=data, content_type="application/json")


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "detail"}
    return body


# --------------------------------------------------------------------------- works


def test_anonymous_callers_get_401(client):
    _error(client.get(f"{API}/works"), 401)


def test_works_are_listed_and_filtered(client_as):
    WorkFactory(title="Études in Blue")
    WorkFactory(title="Giselle", status="retired")
    client = client_as(Role.DANCER)
    titles = [w["title"] for w in client.get(f"{API}/works").json()]
    assert titles == ["Giselle", "Études in Blue"] or set(titles) == {"Giselle", "Études in Blue"}
    assert [w["title"] for w in client.get(f"{API}/works", {"q": "etudes"}).json()] == [
        "Études in Blue"
    ]
    assert [w["title"] for w in client.get(f"{API}/works", {"status": "retired"}).json()] == [
        "Giselle"
    ]


def test_a_work_comes_with_its_sections_and_roles(client_as):
    work = WorkFactory(title="Swan Lake")
    act = SectionFactory(work=work, name="Act II")
    odette = RoleFactory(work=work, name="Odette")
    odette.sections.add(act)
    DancerRoleFactory(role=odette, status="learning")
    body = client_as(Role.DANCER).get(f"{API}/works/{work.pk}").json()
    assert body["sections"][0]["name"] == "Act II"
    role = body["roles"][0]
    assert (role["name"], role["section_ids"]) == ("Odette", [act.pk])
    assert role["dancers"][0]["status"] == "learning"


def test_an_unknown_work_is_a_404(client_as):
    body = _error(client_as(Role.DANCER).get(f"{API}/works/424242"), 404)
    assert "424242" in body["message"]


def test_an_editor_creates_and_patches_a_work(editor):
    pavlov = PersonFactory()
    created = _json(
        editor,
        "post",
        f"{API}/works",
        {"title": "Études in Blue", "duration_minutes": 35, "choreographer_id": pavlov.pk},
    )
    assert created.status_code == 201
    work_id = created.json()["id"]
    assert created.json()["choreographer_id"] == pavlov.pk
    patched = _json(editor, "patch", f"{API}/works/{work_id}", {"composer": "Czerny"})
    assert patched.status_code == 200
    assert patched.json()["composer"] == "Czerny"
    assert patched.json()["title"] == "Études in Blue"


def test_a_dancer_cannot_create_a_work(client_as):
    response = _json(
        client_as(Role.DANCER), "post", f"{API}/works", {"title": "X", "duration_minutes": 5}
    )
    _error(response, 403)
    assert not Work.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "Giselle", "duration_minutes": 0}, 422),
        ({"title": "", "duration_minutes": 30}, 422),
        ({"title": "Giselle", "duration_minutes": "long"}, 422),
        ({"title": "Giselle"}, 422),
        ({"title": "Giselle", "duration_minutes": 30, "status": "lost"}, 422),
        ({"title": "Giselle", "duration_minutes": 30, "choreographer_id": 999999}, 404),
        ({"title": "x" * 300, "duration_minutes": 30}, 422),
        ({"title": "Swan Lake", "duration_minutes": 30}, 409),
    ],
)
def test_bad_work_payloads_are_refused(editor, payload, status):
    WorkFactory(title="Swan Lake")
    _error(_json(editor, "post", f"{API}/works", payload), status)
    assert Work.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [{"title": None}, {"duration_minutes": None}, {"full_length": None}, {"status": None}],
)
def test_patching_a_required_field_to_null_is_a_422(editor, payload):
    work = WorkFactory(title="Swan Lake")
    _error(_json(editor, "patch", f"{API}/works/{work.pk}", payload), 422)
    work.refresh_from_db()
    assert work.title == "Swan Lake"


def test_patching_an_unknown_work_is_a_404(editor):
    _error(_json(editor, "patch", f"{API}/works/999999", {"composer": "x"}), 404)


# --------------------------------------------------------------------------- sections


def test_sections_are_created_nested_patched_moved_and_deleted(editor):
    work = WorkFactory()
    act = _json(editor, "post", f"{API}/works/{work.pk}/sections", {"name": "Act I", "kind": "act"})
    assert act.status_code == 201
    act_id = act.json()["id"]
    scene = _json(
        editor,
        "post",
        f"{API}/works/{work.pk}/sections",
        {"name": "Scene 1", "kind": "scene", "parent_id": act_id},
    )
    assert scene.json()["parent_id"] == act_id
    renamed = _json(editor, "patch", f"{API}/sections/{act_id}", {"name": "Act One"})
    assert renamed.json()["name"] == "Act One"
    second = _json(
        editor, "post", f"{API}/works/{work.pk}/sections", {"name": "Act Two", "kind": "act"}
    )
    moved = _json(editor, "post", f"{API}/sections/{second.json()['id']}/move", {"direction": "up"})
    assert moved.json()["order"] == 0
    assert editor.delete(f"{API}/sections/{scene.json()['id']}").status_code == 204
    assert Section.objects.filter(work=work).count() == 2


def test_a_section_nested_in_another_works_section_is_a_422(editor):
    work = WorkFactory()
    foreign = SectionFactory()
    body = _error(
        _json(
            editor,
            "post",
            f"{API}/works/{work.pk}/sections",
            {"name": "Scene 1", "kind": "scene", "parent_id": foreign.pk},
        ),
        422,
    )
    assert "another work" in body["message"]
    assert not Section.objects.filter(work=work).exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"name": "Act I", "kind": "act"}, 409),
        ({"name": "Coda", "kind": "coda"}, 422),
        ({"name": "Coda", "kind": "ensemble", "order": -1}, 422),
        ({"name": "Coda", "kind": "ensemble", "order": 99999}, 422),
        ({"name": "Coda", "kind": "ensemble", "parent_id": 999999}, 404),
        ({"kind": "ensemble"}, 422),
    ],
)
def test_bad_section_payloads_are_refused(editor, payload, status):
    work = WorkFactory()
    SectionFactory(work=work, name="Act I")
    _error(_json(editor, "post", f"{API}/works/{work.pk}/sections", payload), status)
    assert Section.objects.count() == 1


def test_deleting_a_section_with_parts_is_a_409(editor):
    act = SectionFactory()
    SectionFactory(work=act.work, parent=act)
    _error(editor.delete(f"{API}/sections/{act.pk}"), 409)


def test_sections_of_an_unknown_work_are_a_404(editor):
    _error(_json(editor, "post", f"{API}/works/999999/sections", {"name": "A", "kind": "act"}), 404)
    _error(_json(editor, "patch", f"{API}/sections/999999", {"name": "A"}), 404)


# --------------------------------------------------------------------------- roles


def test_roles_are_created_and_patched(editor):
    work = WorkFactory()
    act = SectionFactory(work=work)
    created = _json(
        editor,
        "post",
        f"{API}/works/{work.pk}/roles",
        {"name": "Swans", "dancers_needed": 24, "section_ids": [act.pk]},
    )
    assert created.status_code == 201
    assert created.json()["section_ids"] == [act.pk]
    patched = _json(editor, "patch", f"{API}/roles/{created.json()['id']}", {"section_ids": []})
    assert patched.json()["section_ids"] == []
    assert patched.json()["dancers_needed"] == 24


def test_a_role_with_zero_dancers_is_a_422_with_a_clear_message(editor):
    work = WorkFactory()
    body = _error(
        _json(
            editor, "post", f"{API}/works/{work.pk}/roles", {"name": "Odette", "dancers_needed": 0}
        ),
        422,
    )
    assert "A role needs at least one dancer" in body["message"]
    assert body["detail"] == {"field": "dancers_needed"}
    assert not WorkRole.objects.exists()


def test_a_role_in_another_works_section_is_a_422(editor):
    work = WorkFactory()
    foreign = SectionFactory()
    _error(
        _json(
            editor,
            "post",
            f"{API}/works/{work.pk}/roles",
            {"name": "Odette", "section_ids": [foreign.pk]},
        ),
        422,
    )
    assert not WorkRole.objects.exists()


def test_a_role_with_an_unknown_section_is_a_404(editor):
    work = WorkFactory()
    _error(
        _json(
            editor,
            "post",
            f"{API}/works/{work.pk}/roles",
            {"name": "Odette", "section_ids": [999999]},
        ),
        404,
    )


def test_patching_a_role_to_zero_dancers_keeps_it_unchanged(editor):
    role = RoleFactory(dancers_needed=2)
    _error(_json(editor, "patch", f"{API}/roles/{role.pk}", {"dancers_needed": 0}), 422)
    _error(_json(editor, "patch", f"{API}/roles/{role.pk}", {"dancers_needed": 70000}), 422)
    role.refresh_from_db()
    assert role.dancers_needed == 2


def test_a_duplicate_role_name_is_a_409(editor):
    role = RoleFactory(name="Odette")
    _error(_json(editor, "post", f"{API}/works/{role.work_id}/roles", {"name": "odette"}), 409)


# --------------------------------------------------------------------------- dancer roles


def test_a_dancer_role_is_set_replaced_and_removed(editor):
    role, dancer = RoleFactory(), DancerFactory()
    url = f"{API}/roles/{role.pk}/dancers/{dancer.pk}"
    first = _json(editor, "put", url, {"status": "learning", "since": "2026-10-01"})
    assert first.status_code == 200
    assert first.json()["status"] == "learning"
    second = _json(editor, "put", url, {"status": "learned"})
    assert second.json() == {
        "dancer_id": dancer.pk,
        "role_id": role.pk,
        "dancer_name": dancer.person.full_name,
        "status": "learned",
        "since": None,
    }
    assert editor.delete(url).status_code == 204
    _error(editor.delete(url), 404)
    assert not DancerRole.objects.exists()


@pytest.mark.parametrize(
    ("target", "payload", "status"),
    [
        ("role", {"status": "learned"}, 404),
        ("dancer", {"status": "learned"}, 404),
        (None, {"status": "forgotten"}, 422),
        (None, {"status": "learned", "since": "not a date"}, 422),
        (None, {}, 422),
    ],
)
def test_bad_dancer_role_calls_are_refused(editor, target, payload, status):
    role, dancer = RoleFactory(), DancerFactory()
    role_id = 999999 if target == "role" else role.pk
    dancer_id = 999999 if target == "dancer" else dancer.pk
    _error(_json(editor, "put", f"{API}/roles/{role_id}/dancers/{dancer_id}", payload), status)
    assert not DancerRole.objects.exists()


# --------------------------------------------------------------------------- commissions


def test_a_commission_is_created_advanced_and_given_milestones(director):
    klara, pavlov = PersonFactory(), PersonFactory()
    created = _json(
        director,
        "post",
        f"{API}/commissions",
        {
            "title": "Dance of the Seven Veils",
            "creator_id": klara.pk,
            "commissioned_by_id": pavlov.pk,
            "duration_minutes": 25,
            "occasion": "Annual Gala",
            "agreed_on": "2026-06-01",
            "premiere_planned": "2027-03-14",
        },
    )
    assert created.status_code == 201
    commission_id = created.json()["id"]
    assert created.json()["status"] == "commissioned"
    milestone = _json(
        director,
        "post",
        f"{API}/commissions/{commission_id}/milestones",
        {"title": "First showing", "due_on": "2026-12-10"},
    )
    assert milestone.status_code == 201
    done = _json(
        director,
        "post",
        f"{API}/milestones/{milestone.json()['id']}/complete",
        {"done_on": "2026-11-01"},
    )
    assert done.json()["done_on"] == "2026-11-01"
    advanced = _json(
        director, "post", f"{API}/commissions/{commission_id}/advance", {"to_status": "in_creation"}
    )
    assert advanced.status_code == 200
    assert advanced.json()["status"] == "in_creation"
    assert Work.objects.get(pk=created.json()["work_id"]).status == "in_creation"
    listed = director.get(f"{API}/commissions", {"status": "in_creation"}).json()
    assert [c["title"] for c in listed] == ["Dance of the Seven Veils"]
    assert listed[0]["milestones"][0]["title"] == "First showing"


def test_moving_a_commission_backwards_is_a_409_with_what_is_allowed(director):
    commission = CommissionFactory(status="in_creation", work__status="in_creation")
    body = _error(
        _json(
            director,
            "post",
            f"{API}/commissions/{commission.pk}/advance",
            {"to_status": "commissioned"},
        ),
        409,
    )
    assert body["detail"]["allowed"] == ["premiered", "cancelled"]
    commission.refresh_from_db()
    assert commission.status == "in_creation"


def test_a_ballet_master_cannot_advance_a_commission(client_as):
    commission = CommissionFactory()
    response = _json(
        client_as(Role.BALLET_MASTER),
        "post",
        f"{API}/commissions/{commission.pk}/advance",
        {"to_status": "in_creation"},
    )
    _error(response, 403)


@pytest.mark.parametrize(
    ("url", "payload", "status"),
    [
        ("/commissions/999999/advance", {"to_status": "in_creation"}, 404),
        ("/commissions/999999/milestones", {"title": "x"}, 404),
        ("/milestones/999999/complete", {}, 404),
        ("/commissions/{pk}/advance", {"to_status": "done"}, 422),
        ("/commissions/{pk}/advance", {}, 422),
        ("/commissions/{pk}/milestones", {"title": ""}, 422),
    ],
)
def test_bad_commission_calls_are_refused(director, url, payload, status):
    commission = CommissionFactory()
    _error(_json(director, "post", API + url.format(pk=commission.pk), payload), status)
    commission.refresh_from_db()
    assert commission.status == "commissioned"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"creator_id": 999999}, 404),
        ({"premiere_planned": "2020-01-01", "agreed_on": "2026-01-01"}, 422),
        ({"duration_minutes": 0}, 422),
        ({"title": "Giselle"}, 409),
    ],
)
def test_bad_commission_payloads_write_nothing(director, payload, status):
    WorkFactory(title="Giselle")
    person = PersonFactory()
    base = {
        "title": "New piece",
        "creator_id": person.pk,
        "commissioned_by_id": person.pk,
        "duration_minutes": 20,
    }
    _error(_json(director, "post", f"{API}/commissions", {**base, **payload}), status)
    assert not Commission.objects.exists()
    assert Work.objects.count() == 1


def test_the_commission_list_makes_a_fixed_number_of_queries(
    client_as, django_assert_max_num_queries
):
    client = client_as(Role.DANCER)
    for _ in range(10):
        commission = CommissionFactory()
        commission.milestones.create(title="Showing", due_on=dt.date(2026, 12, 1))
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{API}/commissions").json()) == 10


def test_the_work_list_makes_a_fixed_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as(Role.DANCER)
    for _ in range(10):
        WorkFactory(choreographer=PersonFactory())
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{API}/works").json()) == 10
