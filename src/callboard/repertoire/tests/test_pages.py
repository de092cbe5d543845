"""The repertoire pages: who may see and change what, and what a person sees."""

import datetime as dt

import pytest
from django.urls import reverse

from callboard.core.roles import Role
from callboard.repertoire.models import Commission, DancerRole, Section, Work
from callboard.repertoire.models import Role as WorkRole
from callboard.repertoire.tests.factories import (
    CommissionFactory,
    DancerFactory,
    DancerRoleFactory,
    MilestoneFactory,
    PersonFactory,
    RoleFactory,
    SectionFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

EVERY_ROLE = list(Role)
EDITORS = [Role.ARTISTIC_DIRECTOR, Role.BALLET_MASTER]


@pytest.fixture
def work():
    return WorkFactory(title="Swan Lake", composer="Pyotr Ilyich Tchaikovsky")


def _read_pages(work):
    commission = CommissionFactory()
    return [
        reverse("repertoire:works"),
        reverse("repertoire:work", args=[work.pk]),
        reverse("repertoire:commissions"),
        reverse("repertoire:commission", args=[commission.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, work):
    for url in [*_read_pages(work), reverse("repertoire:work_create")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/?next=")


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_can_read_the_repertoire_and_the_board(client_as, role, work):
    client = client_as(role)
    for url in _read_pages(work):
        assert client.get(url).status_code == 200, url


def test_a_dancer_cannot_open_or_post_the_edit_pages(client_as, work):
    client = client_as(Role.DANCER)
    section = SectionFactory(work=work)
    role = RoleFactory(work=work)
    commission = CommissionFactory()
    gets = [
        reverse("repertoire:work_create"),
        reverse("repertoire:work_edit", args=[work.pk]),
        reverse("repertoire:section_create", args=[work.pk]),
        reverse("repertoire:section_edit", args=[section.pk]),
        reverse("repertoire:role_create", args=[work.pk]),
        reverse("repertoire:role_edit", args=[role.pk]),
        reverse("repertoire:commission_create"),
        reverse("repertoire:commission_edit", args=[commission.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("repertoire:commission_advance", args=[commission.pk]), {"to_status": "in_creation"}
    )
    assert response.status_code == 403
    assert client.post(reverse("repertoire:section_delete", args=[section.pk])).status_code == 403
    commission.refresh_from_db()
    assert commission.status == "commissioned"
    assert Section.objects.filter(pk=section.pk).exists()


@pytest.mark.parametrize("role", EDITORS)
def test_editors_can_open_the_edit_pages(client_as, role, work):
    client = client_as(role)
    section = SectionFactory(work=work)
    wrole = RoleFactory(work=work)
    for url in [
        reverse("repertoire:work_create"),
        reverse("repertoire:work_edit", args=[work.pk]),
        reverse("repertoire:section_create", args=[work.pk]),
        reverse("repertoire:section_edit", args=[section.pk]),
        reverse("repertoire:role_create", args=[work.pk]),
        reverse("repertoire:role_edit", args=[wrole.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_only_the_artistic_director_edits_commissions(client_as):
    commission = CommissionFactory()
    ballet_master = client_as(Role.BALLET_MASTER)
    assert ballet_master.get(reverse("repertoire:commission_create")).status_code == 403
    director = client_as(Role.ARTISTIC_DIRECTOR)
    assert director.get(reverse("repertoire:commission_create")).status_code == 200
    assert (
        director.get(reverse("repertoire:commission_edit", args=[commission.pk])).status_code == 200
    )


def test_an_unknown_work_is_a_friendly_404(client_as):
    response = client_as(Role.DANCER).get(reverse("repertoire:work", args=[999999]))
    assert response.status_code == 404
    assert b"No work with id 999999" in response.content


# --------------------------------------------------------------------------- list


def test_the_list_filters_by_status_and_finds_titles_without_accents(client_as):
    WorkFactory(title="Études in Blue", status=Work.Status.IN_REPERTOIRE)
    WorkFactory(title="Giselle", status=Work.Status.RETIRED)
    client = client_as(Role.DANCER)

    def table(params):
        page = client.get(reverse("repertoire:works"), params).content.decode()
        return page.split('id="works"')[1]

    found = table({"q": "etudes"})
    assert "Études in Blue" in found and "Giselle" not in found
    retired = table({"status": "retired"})
    assert "Giselle" in retired and "Études in Blue" not in retired


def test_a_bad_status_filter_shows_an_error_not_a_crash(client_as):
    response = client_as(Role.DANCER).get(reverse("repertoire:works"), {"status": "nonsense"})
    assert response.status_code == 200
    assert b"errorlist" in response.content


# --------------------------------------------------------------------------- work page


def test_the_work_page_shows_sections_roles_and_who_knows_them(client_as):
    pavlov = DancerFactory(person__given_name="Sergei", person__family_name="Pavlov")
    work = WorkFactory(title="Swan Lake", choreographer=pavlov.person)
    act2 = SectionFactory(work=work, name="Act II", order=1)
    SectionFactory(work=work, name="White pas de deux", kind="pas_de_deux", parent=act2, order=0)
    odette = RoleFactory(work=work, name="Odette", principal=True)
    odette.sections.add(act2)
    eleonora = DancerFactory(person__given_name="Eleonora", person__family_name="Kalmurzaev")
    klara = DancerFactory(person__given_name="Klára", person__family_name="Kalmurzaev")
    DancerRoleFactory(dancer=eleonora, role=odette, status=DancerRole.Status.LEARNED)
    DancerRoleFactory(dancer=klara, role=odette, status=DancerRole.Status.LEARNING)
    page = client_as(Role.DANCER).get(reverse("repertoire:work", args=[work.pk])).content.decode()
    assert reverse("company:dancer", args=[pavlov.pk]) in page
    nested = page.split("<strong>Act II</strong>")[1].split("</li>")[0]
    assert "White pas de deux" in nested
    row = page.split(f'id="role-{odette.pk}"')[1].split("</tr>")[0]
    _name, _count, sections, learned, learning = row.split("<td>")[1:]
    assert "Act II" in sections
    assert "Eleonora Kalmurzaev" in learned and "Klára" not in learned
    assert "Klára Kalmurzaev" in learning
    assert reverse("repertoire:work_edit", args=[work.pk]) not in page


# --------------------------------------------------------------------------- editing


def test_an_editor_adds_a_work_and_sees_a_duplicate_title_refused(client_as):
    client = client_as(Role.BALLET_MASTER)
    data = {"title": "Giselle", "duration_minutes": "110", "status": "in_repertoire"}
    response = client.post(reverse("repertoire:work_create"), data)
    work = Work.objects.get(title="Giselle")
    assert response.status_code == 302
    assert response.url == reverse("repertoire:work", args=[work.pk])
    again = client.post(reverse("repertoire:work_create"), {**data, "title": "GISELLE"})
    assert again.status_code == 200
    assert "already has a work called" in again.content.decode()
    assert Work.objects.count() == 1


def test_the_edit_form_shows_a_service_error_on_its_field(client_as, work):
    client = client_as(Role.BALLET_MASTER)
    response = client.post(
        reverse("repertoire:role_create", args=[work.pk]), {"name": "Swans", "dancers_needed": "0"}
    )
    assert response.status_code == 200
    assert "A role needs at least one dancer" in response.content.decode()
    assert not WorkRole.objects.exists()


def test_a_commissions_status_is_locked_on_the_work_form(client_as):
    commission = CommissionFactory()
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(
        reverse("repertoire:work_edit", args=[commission.work.pk]),
        {"title": "New title", "duration_minutes": "30", "status": "retired"},
    )
    assert response.status_code == 302
    commission.work.refresh_from_db()
    assert (commission.work.title, commission.work.status) == ("New title", "commissioned")


def test_sections_are_added_reordered_and_removed(client_as, work):
    client = client_as(Role.BALLET_MASTER)
    for name in ("Act I", "Act II"):
        client.post(
            reverse("repertoire:section_create", args=[work.pk]), {"name": name, "kind": "act"}
        )
    act2 = Section.objects.get(name="Act II")
    client.post(reverse("repertoire:section_move", args=[act2.pk]), {"direction": "up"})
    names = list(Section.objects.filter(work=work).order_by("order").values_list("name", flat=True))
    assert names == ["Act II", "Act I"]
    client.post(reverse("repertoire:section_delete", args=[act2.pk]))
    assert list(Section.objects.filter(work=work).values_list("name", flat=True)) == ["Act I"]


def test_a_dancer_is_recorded_on_a_role_and_removed(client_as, work):
    client = client_as(Role.BALLET_MASTER)
    role = RoleFactory(work=work)
    dancer = DancerFactory()
    response = client.post(
        reverse("repertoire:dancer_role_set", args=[role.pk]),
        {"dancer": dancer.pk, "status": "learning", "since": "2026-11-01"},
    )
    assert response.status_code == 302
    known = DancerRole.objects.get(dancer=dancer, role=role)
    assert (known.status, known.since) == ("learning", dt.date(2026, 11, 1))
    client.post(reverse("repertoire:dancer_role_remove", args=[role.pk, dancer.pk]))
    assert not DancerRole.objects.exists()


def test_a_bad_dancer_role_post_is_explained_not_a_crash(client_as, work):
    client = client_as(Role.BALLET_MASTER)
    role = RoleFactory(work=work)
    response = client.post(
        reverse("repertoire:dancer_role_set", args=[role.pk]),
        {"dancer": "999999", "status": "nonsense"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose a dancer" in response.content.decode()
    assert not DancerRole.objects.exists()


# --------------------------------------------------------------------------- commissions board


def test_the_board_puts_cards_in_their_columns_with_the_next_milestone(client_as):
    veils = CommissionFactory(
        work__title="Dance of the Seven Veils",
        status="in_creation",
        work__status="in_creation",
        occasion="Annual Gala",
    )
    MilestoneFactory(commission=veils, title="Costume fitting", due_on=dt.date(2027, 1, 10))
    MilestoneFactory(commission=veils, title="First showing", due_on=dt.date(2026, 12, 1))
    MilestoneFactory(commission=veils, title="Music chosen", done_on=dt.date(2026, 7, 1))
    CommissionFactory(work__title="Lost piece", status="cancelled", work__status="retired")
    page = client_as(Role.DANCER).get(reverse("repertoire:commissions")).content.decode()
    in_creation = page.split('id="column-in_creation"')[1].split('id="column-premiered"')[0]
    assert "Dance of the Seven Veils" in in_creation and "Annual Gala" in in_creation
    assert "First showing" in in_creation and "Costume fitting" not in in_creation
    cancelled = page.split('id="cancelled"')[1]
    assert "Lost piece" in cancelled
    assert "Start creation" not in page  # a dancer sees no buttons


def test_advancing_a_card_without_javascript_redirects_to_the_board(client_as):
    commission = CommissionFactory()
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(
        reverse("repertoire:commission_advance", args=[commission.pk]), {"to_status": "in_creation"}
    )
    assert response.status_code == 302
    assert response.url == reverse("repertoire:commissions")
    commission.refresh_from_db()
    assert commission.status == "in_creation"


def test_advancing_a_card_with_htmx_returns_the_board_with_the_outcome(client_as):
    commission = CommissionFactory(work__title="Dance of the Seven Veils")
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.post(
        reverse("repertoire:commission_advance", args=[commission.pk]),
        {"to_status": "premiered"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="board">')
    assert "cannot move to premiered" in body
    assert "<html" not in body
    commission.refresh_from_db()
    assert commission.status == "commissioned"


def test_a_commission_is_created_from_the_page(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    klara, pavlov = PersonFactory(), PersonFactory()
    response = client.post(
        reverse("repertoire:commission_create"),
        {
            "title": "Dance of the Seven Veils",
            "creator": klara.pk,
            "commissioned_by": pavlov.pk,
            "occasion": "Annual Gala",
            "duration_minutes": "25",
            "premiere_planned": "2027-03-14",
        },
    )
    commission = Commission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("repertoire:commission", args=[commission.pk])
    assert commission.work.status == "commissioned"


def test_milestones_are_added_and_marked_done_from_the_commission_page(client_as):
    commission = CommissionFactory()
    client = client_as(Role.ARTISTIC_DIRECTOR)
    client.post(
        reverse("repertoire:milestone_create", args=[commission.pk]),
        {"title": "First studio showing", "due_on": "2026-12-10"},
    )
    milestone = commission.milestones.get()
    client.post(
        reverse("repertoire:milestone_complete", args=[milestone.pk]), {"done_on": "2026-11-20"}
    )
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 11, 20)
    page = client.get(reverse("repertoire:commission", args=[commission.pk])).content.decode()
    assert "First studio showing" in page
