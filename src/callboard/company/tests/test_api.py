"""The company API: happy paths, permissions, private fields, and bad payloads that never 500."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.company.models import Dancer, LabourProfile, Person, Studio
from callboard.company.tests.factories import (
    DancerFactory,
    LabourProfileFactory,
    PersonFactory,
    SiteFactory,
    StaffFactory,
    StudioFactory,
    UserFactory,
)
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_DANCER = {"given_name": "Klára", "family_name": "Kalmurzaev", "rank": "principal"}


def _private_dancer(user=None):
    return DancerFactory(
        person=PersonFactory(
            given_name="Klára",
            family_name="Kalmurzaev",
            email="klara@example.org",
            birth_date=dt.date(1996, 4, 2),
            user=user,
        ),
        rank="principal",
        contract_notes="fee agreed",
    )


# --------------------------------------------------------------------------- reading


def test_anonymous_callers_get_401_with_the_error_format(anonymous_api):
    response = anonymous_api.get("/dancers")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "detail"}


def test_a_user_without_a_role_gets_403(api_as):
    response = api_as().get("/dancers")
    assert response.status_code == 403
    assert "role" in response.json()["message"]


def test_dancer_list_filters_and_searches(api_as):
    _private_dancer()
    DancerFactory(person=PersonFactory(given_name="Anna", family_name="Petrova"), rank="corps")
    api = api_as(Role.DANCER)
    assert api.get("/dancers").json()["count"] == 2
    found = api.get("/dancers", q="klara").json()
    assert [d["full_name"] for d in found["items"]] == ["Klára Kalmurzaev"]
    assert api.get("/dancers", rank="corps").json()["items"][0]["family_name"] == "Petrova"
    assert api.get("/dancers", status="injured").json()["count"] == 0


def test_dancer_list_with_unknown_rank_or_bad_limit_is_422(api_as):
    api = api_as(Role.DANCER)
    response = api.get("/dancers", rank="star")
    assert response.status_code == 422
    assert "principal" in response.json()["message"]
    assert api.get("/dancers", limit=100000).status_code == 422
    assert api.get("/dancers", limit="many").status_code == 422


def test_another_dancer_gets_null_private_fields(api_as):
    dancer = _private_dancer()
    api = api_as(Role.DANCER)
    body = api.get(f"/dancers/{dancer.pk}").json()
    assert body["private_visible"] is False
    for field in ("email", "phone", "birth_date", "emergency_contact", "contract_notes"):
        assert body[field] is None
    listed = api.get("/dancers").json()["items"][0]
    assert listed["email"] is None and listed["birth_date"] is None
    assert "klara@example.org" not in api.get("/dancers").content.decode()


def test_the_dancer_and_management_get_private_fields(api_as):
    user = UserFactory(roles=[Role.DANCER])
    dancer = _private_dancer(user=user)
    own = api_as(user=user).get(f"/dancers/{dancer.pk}").json()
    assert own["email"] == "klara@example.org"
    assert own["birth_date"] == "1996-04-02"
    managed = api_as(Role.BALLET_MASTER).get(f"/dancers/{dancer.pk}").json()
    assert managed["contract_notes"] == "fee agreed"


def test_missing_dancer_is_404(api_as):
    response = api_as(Role.DANCER).get("/dancers/4242")
    assert response.status_code == 404
    assert "4242" in response.json()["message"]


def test_dancer_list_queries_do_not_grow_with_the_roster(api_as, django_assert_max_num_queries):
    api = api_as(Role.DANCER)
    DancerFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        response = api.get("/dancers", limit=30)
    assert len(response.json()["items"]) == 30


# --------------------------------------------------------------------------- writing dancers


def test_create_dancer(api_as):
    response = api_as(Role.COMPANY_MANAGER).post(
        "/dancers", {**NEW_DANCER, "email": "klara@example.org", "birth_date": "1996-04-02"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["rank_label"] == "Principal"
    assert body["email"] == "klara@example.org"
    assert Dancer.objects.get().pk == body["id"]


def test_a_dancer_may_not_create_dancers(api_as):
    response = api_as(Role.DANCER).post("/dancers", NEW_DANCER)
    assert response.status_code == 403
    assert not Dancer.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({**NEW_DANCER, "rank": "prima"}, 422),  # unknown rank
        ({**NEW_DANCER, "status": "sleeping"}, 422),  # unknown status
        ({"given_name": "Klára"}, 422),  # missing fields
        ({**NEW_DANCER, "birth_date": "02/04/1996"}, 422),  # malformed date
        ({**NEW_DANCER, "email": "nope"}, 422),
        ({**NEW_DANCER, "given_name": "x" * 500}, 422),  # longer than the column
        ({**NEW_DANCER, "given_name": None}, 422),
        ({**NEW_DANCER, "engagement_start": "2027-03-01", "engagement_end": "2027-01-01"}, 422),
    ],
)
def test_bad_dancer_payloads_are_4xx_and_write_nothing(api_as, payload, status):
    response = api_as(Role.COMPANY_MANAGER).post("/dancers", payload)
    assert response.status_code == status
    assert response.json()["message"]
    assert not Person.objects.exists()


def test_malformed_json_is_a_4xx(api_as):
    api = api_as(Role.COMPANY_MANAGER)
    response = api.client.post(
        "/api/v1/company/dancers", "{not json", content_type="application/json", **api.headers
    )
    assert 400 <= response.status_code < 500
    assert not Person.objects.exists()


def test_duplicate_dancer_is_409_naming_the_existing_one(api_as):
    api = api_as(Role.COMPANY_MANAGER)
    first = api.post("/dancers", NEW_DANCER).json()
    response = api.post("/dancers", {**NEW_DANCER, "given_name": "KLARA"})
    assert response.status_code == 409
    assert response.json()["detail"]["existing_dancer_id"] == first["id"]
    assert "Klára Kalmurzaev" in response.json()["message"]
    assert Dancer.objects.count() == 1


def test_patch_dancer_changes_only_what_is_sent(api_as):
    dancer = DancerFactory(rank="soloist", person=PersonFactory(nationality="Russian"))
    response = api_as(Role.ARTISTIC_DIRECTOR).patch(f"/dancers/{dancer.pk}", {"rank": "principal"})
    assert response.status_code == 200
    assert response.json()["rank"] == "principal"
    assert response.json()["nationality"] == "Russian"


def test_patch_dancer_with_unknown_rank_or_empty_name_is_422(api_as):
    dancer = DancerFactory(rank="soloist")
    api = api_as(Role.ARTISTIC_DIRECTOR)
    assert api.patch(f"/dancers/{dancer.pk}", {"rank": "diva"}).status_code == 422
    assert api.patch(f"/dancers/{dancer.pk}", {"given_name": None}).status_code == 422
    assert api.patch("/dancers/99999", {"rank": "corps"}).status_code == 404
    dancer.refresh_from_db()
    assert dancer.rank == "soloist"


def test_training_add_and_remove(api_as):
    dancer = DancerFactory()
    api = api_as(Role.COMPANY_MANAGER)
    response = api.post(
        f"/dancers/{dancer.pk}/training",
        {
            "institution": "Moscow State Academy of Choreography",
            "start_year": 2008,
            "end_year": 2014,
        },
    )
    assert response.status_code == 201
    entry_id = response.json()["id"]
    assert api.get(f"/dancers/{dancer.pk}").json()["training"][0]["id"] == entry_id
    assert api.delete(f"/dancers/{dancer.pk}/training/{entry_id}").status_code == 204
    assert api.delete(f"/dancers/{dancer.pk}/training/{entry_id}").status_code == 404


def test_training_with_years_reversed_is_422(api_as):
    dancer = DancerFactory()
    response = api_as(Role.COMPANY_MANAGER).post(
        f"/dancers/{dancer.pk}/training", {"institution": "X", "start_year": 2010, "end_year": 2000}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "end_year"}


# --------------------------------------------------------------------------- staff


def test_staff_list_and_create(api_as):
    StaffFactory(kind="pianist")
    api = api_as(Role.ARTISTIC_DIRECTOR)
    response = api.post(
        "/staff", {"kind": "conductor", "given_name": "Ivan", "family_name": "Sokolov"}
    )
    assert response.status_code == 201
    assert response.json()["kind_label"] == "Conductor"
    assert [s["kind"] for s in api.get("/staff", kind="conductor").json()] == ["conductor"]
    assert len(api.get("/staff").json()) == 2


def test_staff_bad_payloads(api_as):
    api = api_as(Role.ARTISTIC_DIRECTOR)
    assert (
        api.post("/staff", {"kind": "juggler", "given_name": "A", "family_name": "B"}).status_code
        == 422
    )
    assert api.post("/staff", {"kind": "pianist"}).status_code == 422
    assert api.post("/staff", {}).status_code == 422
    assert api.get("/staff", kind="juggler").status_code == 422
    assert (
        api_as(Role.DANCER)
        .post("/staff", {"kind": "pianist", "given_name": "A", "family_name": "B"})
        .status_code
        == 403
    )
    assert not Person.objects.exists()


def test_staff_email_is_private(api_as):
    StaffFactory(person=PersonFactory(email="pianist@example.org"))
    assert api_as(Role.DANCER).get("/staff").json()[0]["email"] is None
    assert api_as(Role.COMPANY_MANAGER).get("/staff").json()[0]["email"] == "pianist@example.org"


# --------------------------------------------------------------------------- sites and studios


def test_sites_and_studios(api_as):
    api = api_as(Role.BALLET_MASTER)
    site = api.post("/sites", {"name": "Main building"}).json()
    response = api.post(
        "/studios", {"name": "Studio A", "site_id": site["id"], "capacity": 40, "length_m": 18.5}
    )
    assert response.status_code == 201
    studio = response.json()
    assert studio["site"] == "Main building" and studio["length_m"] == 18.5
    patched = api.patch(f"/studios/{studio['id']}", {"has_piano": False})
    assert patched.status_code == 200 and patched.json()["has_piano"] is False
    assert [s["name"] for s in api.get("/studios").json()] == ["Studio A"]
    assert api.get("/sites").json()[0]["travel"] == []


def test_studio_bad_payloads(api_as):
    site = SiteFactory()
    api = api_as(Role.BALLET_MASTER)
    assert api.post("/studios", {"name": "S", "site_id": 999, "capacity": 5}).status_code == 422
    assert api.post("/studios", {"name": "S", "site_id": site.pk, "capacity": 0}).status_code == 422
    assert (
        api.post("/studios", {"name": "S", "site_id": site.pk, "capacity": 99999}).status_code
        == 422
    )
    assert api.post("/studios", {"name": "S", "site_id": site.pk}).status_code == 422
    StudioFactory(name="Taken", site=site)
    assert (
        api.post("/studios", {"name": "taken", "site_id": site.pk, "capacity": 5}).status_code
        == 409
    )
    assert api.post("/sites", {"name": site.name}).status_code == 409
    assert api_as(Role.DANCER).post("/sites", {"name": "New"}).status_code == 403
    assert Studio.objects.count() == 1


def test_studio_patch_refuses_a_bad_capacity(api_as):
    studio = StudioFactory(capacity=12)
    response = api_as(Role.BALLET_MASTER).patch(f"/studios/{studio.pk}", {"capacity": -1})
    assert response.status_code == 422
    studio.refresh_from_db()
    assert studio.capacity == 12


# --------------------------------------------------------------------------- labour and the company


def test_labour_profiles_from_preset_list_get_and_activate(api_as):
    api = api_as(Role.COMPANY_MANAGER)
    response = api.post("/labour-profiles/from-preset", {"key": "us_ballet"})
    assert response.status_code == 201
    profile = response.json()
    assert profile["max_minutes_per_day"] == 360 and profile["in_force"] is False
    assert profile["terms"][0].startswith("At most 6 hours")
    company = api.post(f"/labour-profiles/{profile['id']}/activate").json()
    assert company["labour_profile"]["id"] == profile["id"]
    assert api.get(f"/labour-profiles/{profile['id']}").json()["in_force"] is True
    assert len(api.get("/labour-profiles").json()) == 1
    assert api.get("/company").json()["labour_profile"]["name"] == "US ballet company agreement"


def test_labour_bad_requests(api_as):
    manager = api_as(Role.COMPANY_MANAGER)
    assert manager.post("/labour-profiles/from-preset", {"key": "mars"}).status_code == 422
    assert manager.post("/labour-profiles/from-preset", {}).status_code == 422
    assert manager.post("/labour-profiles/9999/activate").status_code == 404
    assert manager.get("/labour-profiles/9999").status_code == 404
    profile = LabourProfileFactory()
    ballet_master = api_as(Role.BALLET_MASTER)
    assert ballet_master.post(f"/labour-profiles/{profile.pk}/activate").status_code == 403
    assert (
        ballet_master.post("/labour-profiles/from-preset", {"key": "us_ballet"}).status_code == 403
    )
    assert LabourProfile.objects.count() == 1


def test_company_is_created_with_defaults(api_as):
    body = api_as(Role.DANCER).get("/company").json()
    assert body["name"] == "Callboard company"
    assert body["labour_profile"] is None
