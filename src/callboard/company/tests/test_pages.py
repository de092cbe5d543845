"""Pages: who may see and change what, what each page shows, and how many queries it costs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callboard.company import services
from callboard.company.models import Dancer, LabourProfile, Person, SiteTravel, Staff, Studio
from callboard.company.tests.factories import (
    DancerFactory,
    LabourProfileFactory,
    PersonFactory,
    SiteFactory,
    StaffFactory,
    StudioFactory,
)
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db

MANAGER = Role.COMPANY_MANAGER


def _url(name, *args):
    return reverse(f"company:{name}", args=args)


# --------------------------------------------------------------------------- who may do what

VIEW_PAGES = ["roster", "staff", "contacts", "studios", "labour"]
EDIT_PAGES = [
    ("dancer_new", Role.ARTISTIC_DIRECTOR),
    ("staff_new", Role.COMPANY_MANAGER),
    ("contact_new", Role.COMPANY_MANAGER),
    ("import", Role.ARTISTIC_DIRECTOR),
    ("studio_new", Role.BALLET_MASTER),
    ("site_new", Role.COMPANY_MANAGER),
    ("labour_new", Role.COMPANY_MANAGER),
]


@pytest.mark.parametrize("name", VIEW_PAGES + [n for n, _r in EDIT_PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(_url(name))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", VIEW_PAGES)
def test_every_role_sees_the_company_pages(client_as, role, name):
    DancerFactory()
    StudioFactory()
    LabourProfileFactory()
    assert client_as(role).get(_url(name)).status_code == 200


def test_dancer_profile_is_open_to_every_role(client_as):
    dancer = DancerFactory()
    for role in Role:
        assert client_as(role).get(_url("dancer", dancer.pk)).status_code == 200


@pytest.mark.parametrize(("name", "role"), EDIT_PAGES)
def test_edit_pages_open_for_their_roles(client_as, name, role):
    assert client_as(role).get(_url(name)).status_code == 200


@pytest.mark.parametrize(("name", "_role"), EDIT_PAGES)
def test_a_dancer_gets_403_on_edit_pages(client_as, name, _role):
    response = client_as(Role.DANCER).get(_url(name))
    assert response.status_code == 403
    assert b"does not allow" in response.content


def _edit_urls():
    dancer = DancerFactory()
    return [
        (_url("dancer_edit", dancer.pk), Role.ARTISTIC_DIRECTOR),
        (_url("training_add", dancer.pk), Role.COMPANY_MANAGER),
        (_url("staff_edit", StaffFactory().pk), Role.COMPANY_MANAGER),
        (_url("contact_edit", PersonFactory(kind=Person.Kind.CONTACT).pk), Role.COMPANY_MANAGER),
        (_url("studio_edit", StudioFactory().pk), Role.BALLET_MASTER),
        (_url("site_edit", SiteFactory().pk), Role.BALLET_MASTER),
        (_url("labour_edit", LabourProfileFactory().pk), Role.COMPANY_MANAGER),
    ]


def test_edit_pages_of_existing_records_open_for_their_roles_only(client, make_user):
    for url, role in _edit_urls():
        client.force_login(make_user(role))
        assert client.get(url).status_code == 200, url
        client.force_login(make_user(Role.DANCER))
        assert client.get(url).status_code == 403, url
        client.logout()
        assert client.get(url).status_code == 302, url


def test_site_edit_renames_a_site(client_as):
    site = SiteFactory(name="Main building")
    response = client_as(Role.BALLET_MASTER).post(
        _url("site_edit", site.pk), {"name": "Old theatre"}
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Old theatre"


def test_a_dancer_cannot_post_an_edit(client_as):
    dancer = DancerFactory(rank="corps")
    client = client_as(Role.DANCER)
    response = client.post(_url("dancer_edit", dancer.pk), {"rank": "principal"})
    assert response.status_code == 403
    dancer.refresh_from_db()
    assert dancer.rank == "corps"


def test_a_ballet_master_may_edit_studios_but_not_people_or_labour(client_as):
    client = client_as(Role.BALLET_MASTER)
    assert client.get(_url("studio_new")).status_code == 200
    assert client.get(_url("dancer_new")).status_code == 403
    assert client.get(_url("labour_new")).status_code == 403


def test_missing_dancer_is_404(client_as):
    assert client_as(MANAGER).get(_url("dancer", 9999)).status_code == 404
    assert client_as(MANAGER).get(_url("dancer_edit", 9999)).status_code == 404


# --------------------------------------------------------------------------- roster


def test_roster_lists_public_facts_and_searches_without_accents(client_as):
    DancerFactory(
        person=PersonFactory(
            given_name="Klára", family_name="Kalmurzaev", email="klara@example.org"
        ),
        rank="principal",
    )
    DancerFactory(person=PersonFactory(given_name="Anna", family_name="Petrova"))
    client = client_as(Role.DANCER)
    page = client.get(_url("roster"), {"q": "Klara"}).content.decode()
    assert "Klára Kalmurzaev" in page
    assert "Anna Petrova" not in page
    assert "klara@example.org" not in page
    page = client.get(_url("roster"), {"q": "kalmurzaev", "rank": "principal"}).content.decode()
    assert "Klára Kalmurzaev" in page


def test_roster_with_an_unknown_rank_shows_everyone_and_says_so(client_as):
    DancerFactory(person=PersonFactory(given_name="Anna", family_name="Petrova"))
    response = client_as(Role.DANCER).get(_url("roster"), {"rank": "star"})
    assert response.status_code == 200
    assert "Anna Petrova" in response.content.decode()
    assert "errorlist" in response.content.decode()


def test_roster_answers_htmx_with_the_results_only(client_as):
    DancerFactory(person=PersonFactory(given_name="Klára", family_name="Kalmurzaev"))
    response = client_as(Role.DANCER).get(_url("roster"), {"q": "klar"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Klára Kalmurzaev" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def _roster_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url("roster"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_roster_costs_the_same_queries_for_5_and_for_50_dancers(
    client_as, django_assert_max_num_queries
):
    client = client_as(Role.BALLET_MASTER)
    DancerFactory.create_batch(5)
    _roster_queries(client)  # warm the session and role caches
    with_five = _roster_queries(client)
    DancerFactory.create_batch(45)
    with_fifty = _roster_queries(client)
    assert with_five == with_fifty
    with django_assert_max_num_queries(8):
        client.get(_url("roster"))


# ------------------------------------------------------------- dancer profile and privacy


def _dancer_with_private_facts(user=None):
    dancer = DancerFactory(
        person=PersonFactory(
            given_name="Klára",
            family_name="Kalmurzaev",
            email="klara@example.org",
            phone="+7 900 000 11 22",
            birth_date=dt.date(1996, 4, 2),
            emergency_contact="Zarema, mother",
            heritage="Tatar family from Chechnya",
            user=user,
        ),
        rank="principal",
        contract_notes="Commission fee agreed",
    )
    return dancer


PRIVATE_BITS = [
    "klara@example.org",
    "+7 900 000 11 22",
    "Zarema, mother",
    "Commission fee agreed",
    "1996",
]


def test_another_dancer_never_sees_private_facts_on_the_page(client_as):
    dancer = _dancer_with_private_facts()
    page = client_as(Role.DANCER).get(_url("dancer", dancer.pk)).content.decode()
    assert "Tatar family from Chechnya" in page  # public facts are there
    for bit in PRIVATE_BITS:
        assert bit not in page


def test_the_dancer_sees_their_own_private_facts(client_as, make_user):
    user = make_user(Role.DANCER)
    dancer = _dancer_with_private_facts(user=user)
    page = client_as(user=user).get(_url("dancer", dancer.pk)).content.decode()
    for bit in PRIVATE_BITS:
        assert bit in page


def test_management_sees_private_facts(client_as):
    dancer = _dancer_with_private_facts()
    page = client_as(Role.BALLET_MASTER).get(_url("dancer", dancer.pk)).content.decode()
    assert "klara@example.org" in page


def test_dancer_page_shows_training_and_is_labelled_for_known_works(client_as, now):
    dancer = DancerFactory()
    services.training_add(dancer=dancer, institution="Grozny folk ensemble", now=now, by=CALLBOARD)
    page = client_as(Role.DANCER).get(_url("dancer", dancer.pk)).content.decode()
    assert "Grozny folk ensemble" in page
    assert "Coming performances of works they know" in page


# --------------------------------------------------------------------------- editing people


def test_create_a_dancer_through_the_form(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(
        _url("dancer_new"),
        {
            "given_name": "Klára",
            "family_name": "Kalmurzaev",
            "rank": "principal",
            "status": "active",
            "birth_date": "1996-04-02",
        },
    )
    dancer = Dancer.objects.get()
    assert response.status_code == 302
    assert response.url == _url("dancer", dancer.pk)
    assert dancer.person.birth_date == dt.date(1996, 4, 2)


def test_duplicate_dancer_through_the_form_shows_the_conflict(client_as):
    existing = DancerFactory(person=PersonFactory(given_name="Anna", family_name="Petrova"))
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(
        _url("dancer_new"),
        {"given_name": "Anna", "family_name": "Petrova", "rank": "corps", "status": "active"},
    )
    assert response.status_code == 422
    assert f"#{existing.pk}" in response.content.decode()
    assert Dancer.objects.count() == 1


def test_guest_engagement_error_is_shown_on_the_field(client_as):
    dancer = DancerFactory(rank="guest")
    client = client_as(Role.COMPANY_MANAGER)
    response = client.get(_url("dancer_edit", dancer.pk))
    assert response.status_code == 200
    data = {
        "given_name": dancer.person.given_name,
        "family_name": dancer.person.family_name,
        "rank": "guest",
        "status": "active",
        "engagement_start": "2027-03-01",
        "engagement_end": "2027-02-01",
    }
    response = client.post(_url("dancer_edit", dancer.pk), data)
    assert response.status_code == 422
    assert "before it starts" in response.content.decode()
    dancer.refresh_from_db()
    assert dancer.engagement_start is None


def test_add_and_remove_training_through_the_pages(client_as):
    dancer = DancerFactory()
    client = client_as(Role.COMPANY_MANAGER)
    response = client.post(
        _url("training_add", dancer.pk), {"institution": "Vaganova Academy", "start_year": "2005"}
    )
    assert response.status_code == 302
    entry = dancer.training.get()
    response = client.post(_url("training_remove", dancer.pk, entry.pk))
    assert response.status_code == 302
    assert not dancer.training.exists()


def test_training_remove_needs_post(client_as):
    dancer = DancerFactory()
    assert client_as(MANAGER).get(_url("training_remove", dancer.pk, 1)).status_code == 405


def test_staff_page_lists_staff_by_kind_and_edits_them(client_as):
    staff = StaffFactory(
        kind="conductor", person=PersonFactory(given_name="Ivan", family_name="Sokolov")
    )
    client = client_as(MANAGER)
    page = client.get(_url("staff")).content.decode()
    assert "Conductor" in page and "Ivan Sokolov" in page
    response = client.post(
        _url("staff_edit", staff.pk),
        {
            "kind": "conductor",
            "title": "Music director",
            "given_name": "Ivan",
            "family_name": "Sokolov",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.title == "Music director"


def test_staff_create_through_the_form_for_an_existing_person(client_as):
    person = PersonFactory(given_name="Sergei", family_name="Pavlov")
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(_url("staff_new"), {"kind": "choreographer", "person": person.pk})
    assert response.status_code == 302
    assert Staff.objects.get().person == person


def test_staff_remove(client_as):
    staff = StaffFactory()
    response = client_as(MANAGER).post(_url("staff_remove", staff.pk))
    assert response.status_code == 302
    assert not Staff.objects.exists()


def test_contacts_create_and_privacy(client_as):
    klara = DancerFactory(person=PersonFactory(given_name="Klára", family_name="Kalmurzaev"))
    client = client_as(MANAGER)
    response = client.post(
        _url("contact_new"),
        {
            "given_name": "Zarema",
            "family_name": "Kalmurzaeva",
            "contact_role": "Klára's mother",
            "related_to": klara.person.pk,
            "email": "zarema@example.org",
        },
    )
    assert response.status_code == 302
    contact = Person.objects.get(kind=Person.Kind.CONTACT)
    assert contact.related_to == klara.person
    assert "zarema@example.org" in client.get(_url("contacts")).content.decode()
    press_view = client_as(Role.PRESS).get(_url("contacts")).content.decode()
    assert "Zarema Kalmurzaeva" in press_view
    assert "zarema@example.org" not in press_view


def test_contact_edit(client_as):
    critic = PersonFactory(kind=Person.Kind.CONTACT, given_name="Mark", family_name="Critic")
    client = client_as(MANAGER)
    assert client.get(_url("contact_edit", critic.pk)).status_code == 200
    response = client.post(
        _url("contact_edit", critic.pk),
        {"given_name": "Mark", "family_name": "Critic", "organisation": "The Moscow Times"},
    )
    assert response.status_code == 302
    critic.refresh_from_db()
    assert critic.organisation == "The Moscow Times"


# --------------------------------------------------------------------------- studios


def test_studios_page_lists_site_size_capacity_and_piano(client_as):
    StudioFactory(name="Studio A", capacity=40, length_m=18, width_m=14, has_piano=True)
    page = client_as(Role.DANCER).get(_url("studios")).content.decode()
    assert "Studio A" in page and "18.0 × 14.0 m" in page and "40" in page


def test_create_site_studio_and_travel_through_the_pages(client_as):
    client = client_as(Role.BALLET_MASTER)
    assert client.post(_url("site_new"), {"name": "Main building"}).status_code == 302
    assert client.post(_url("site_new"), {"name": "Annex"}).status_code == 302
    main = SiteFactory(name="Main building")
    annex = SiteFactory(name="Annex")
    response = client.post(
        _url("studio_new"),
        {"name": "Studio B", "site": main.pk, "capacity": "25", "has_piano": "on"},
    )
    assert response.status_code == 302
    assert Studio.objects.get().has_piano is True
    response = client.post(
        _url("site_travel"), {"origin": main.pk, "destination": annex.pk, "minutes": "15"}
    )
    assert response.status_code == 302
    assert SiteTravel.objects.filter(minutes=15).count() == 2
    assert "15 minutes" in client.get(_url("studios")).content.decode()


def test_studio_form_shows_a_zero_capacity_error(client_as):
    site = SiteFactory()
    response = client_as(Role.BALLET_MASTER).post(
        _url("studio_new"), {"name": "Tiny", "site": site.pk, "capacity": "0"}
    )
    assert response.status_code == 422
    assert not Studio.objects.exists()


def test_studio_edit(client_as):
    studio = StudioFactory(capacity=20)
    client = client_as(Role.BALLET_MASTER)
    assert client.get(_url("studio_edit", studio.pk)).status_code == 200
    response = client.post(
        _url("studio_edit", studio.pk),
        {"name": studio.name, "site": studio.site_id, "capacity": "22"},
    )
    assert response.status_code == 302
    studio.refresh_from_db()
    assert studio.capacity == 22


# --------------------------------------------------------------------------- labour


def test_labour_page_shows_the_agreement_in_force_in_plain_words(client_as, now):
    profile = services.labour_profile_from_preset(key="us_ballet", now=now, by=CALLBOARD)
    services.labour_profile_activate(profile=profile, now=now, by=CALLBOARD)
    page = client_as(Role.DANCER).get(_url("labour")).content.decode()
    assert "In force at" in page
    assert "At most 6 hours of work a day and 30 hours a week." in page
    assert "Put in force" not in page  # a dancer cannot change it


def test_labour_create_from_preset_edit_and_activate(client_as):
    client = client_as(MANAGER)
    response = client.post(_url("labour_from_preset"), {"key": "uk_minimum"})
    profile = LabourProfile.objects.get()
    assert response.status_code == 302
    assert response.url == _url("labour_edit", profile.pk)
    form = client.get(response.url)
    assert form.status_code == 200
    data = {
        "name": "UK agreement 2026",
        "max_minutes_per_day": "600",
        "max_minutes_per_week": "2400",
        "break_every_minutes": "180",
        "break_minutes": "15",
        "meal_break_minutes": "0",
        "free_days_per_week": "2",
        "posting_days_before": "1",
        "principal_notice_days": "28",
        "announceable_notice_days": "21",
        "full_casting_notice_days": "14",
        "personal_notice_hours": "24",
        "class_counts_as_work": "on",
    }
    assert client.post(_url("labour_edit", profile.pk), data).status_code == 302
    profile.refresh_from_db()
    assert profile.max_minutes_per_week == 2400
    assert client.post(_url("labour_activate", profile.pk)).status_code == 302
    assert services.company_get().labour_profile == profile


def test_labour_form_refuses_a_week_shorter_than_a_day(client_as):
    profile = LabourProfileFactory(name="Ours")
    data = {
        "name": "Ours",
        "max_minutes_per_day": "600",
        "max_minutes_per_week": "300",
        "break_minutes": "0",
        "meal_break_minutes": "0",
        "free_days_per_week": "1",
        "posting_days_before": "1",
        "principal_notice_days": "28",
        "announceable_notice_days": "21",
        "full_casting_notice_days": "14",
        "personal_notice_hours": "24",
    }
    response = client_as(MANAGER).post(_url("labour_edit", profile.pk), data)
    assert response.status_code == 422
    assert "less than one day" in response.content.decode()
    profile.refresh_from_db()
    assert profile.max_minutes_per_week == 1800


def test_a_ballet_master_cannot_put_an_agreement_in_force(client_as):
    profile = LabourProfileFactory()
    response = client_as(Role.BALLET_MASTER).post(_url("labour_activate", profile.pk))
    assert response.status_code == 403
    assert services.company_get().labour_profile is None
