"""The demo company: built deterministically, and it tells the design's two stories."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from callboard.company import models as cm
from callboard.core.errors import Conflict
from callboard.repertoire import models as rm
from callboard.season import models as sm
from callboard.site.demo import PASSWORD, build_demo

pytestmark = pytest.mark.django_db

ANCHOR = dt.date(2026, 11, 23)
MOSCOW = ZoneInfo("Europe/Moscow")
DEMO_USERNAMES = [
    "director",
    "balletmaster",
    "manager",
    "boxoffice",
    "press",
    "klara",
    "eleonora",
    "physio",
    "admin",
]


@pytest.fixture
def demo():
    return build_demo(today=ANCHOR)


def fingerprint() -> list[tuple[object, ...]]:
    """Names, dates and relations of every demo record, without primary keys."""
    rows: list[tuple[object, ...]] = []
    rows += [
        ("company", c.name, c.short_name, c.labour_profile.name) for c in cm.Company.objects.all()
    ]
    rows += [
        ("person", p.full_name, p.kind, p.birth_date, p.contact_role, str(p.related_to or ""))
        for p in cm.Person.objects.select_related("related_to")
    ]
    rows += [
        ("dancer", str(d.person), d.rank, d.status, d.joined_on, d.engagement_end)
        for d in cm.Dancer.objects.select_related("person")
    ]
    rows += [
        ("training", str(t.dancer), t.institution, t.start_year, t.end_year)
        for t in cm.TrainingEntry.objects.select_related("dancer__person")
    ]
    rows += [
        ("staff", str(s.person), s.kind, s.since) for s in cm.Staff.objects.select_related("person")
    ]
    rows += [
        ("studio", s.name, s.site.name, s.has_piano)
        for s in cm.Studio.objects.select_related("site")
    ]
    rows += [
        ("section", str(s), s.kind, str(s.parent or ""))
        for s in rm.Section.objects.select_related("work", "parent__work")
    ]
    rows += [
        ("role", str(r), r.dancers_needed, tuple(sorted(s.name for s in r.sections.all())))
        for r in rm.Role.objects.select_related("work").prefetch_related("sections")
    ]
    rows += [
        ("knows", str(k.dancer), str(k.role), k.status, k.since, k.first_danced_on, k.times_danced)
        for k in rm.DancerRole.objects.select_related("dancer__person", "role__work")
    ]
    rows += [("milestone", m.title, m.due_on, m.done_on) for m in rm.Milestone.objects.all()]
    rows += [
        ("performance", str(p), p.starts_at, p.status, str(p.conductor or ""), str(p.tour or ""))
        for p in sm.Performance.objects.select_related("venue", "programme", "conductor", "tour")
    ]
    rows += [("season", s.name, s.starts_on, s.ends_on) for s in sm.Season.objects.all()]
    rows += [
        ("user", u.username, tuple(g.name for g in u.groups.all()), str(getattr(u, "person", "")))
        for u in get_user_model().objects.prefetch_related("groups").select_related("person")
    ]
    return sorted(rows, key=repr)


def test_klara_is_a_principal_with_her_heritage_training_and_roles(demo):
    klara = cm.Dancer.objects.select_related("person").get(
        person__given_name="Klára", person__family_name="Kalmurzaev"
    )
    assert klara.rank == cm.Dancer.Rank.PRINCIPAL
    assert "Tatar family from Chechnya" in klara.person.heritage
    assert "day and night" in klara.person.biography
    places = [t.place for t in klara.training.all()]
    assert places[:2] == ["Grozny", "Moscow"]
    known = {(k.role.name, k.status) for k in klara.roles_known.select_related("role")}
    assert {
        ("Odette/Odile", "learned"),
        ("Giselle", "learned"),
        ("Sugar Plum Fairy", "learned"),
        ("The Lead", "learning"),
    } <= known


def test_sergei_commissions_the_seven_veils_from_klara_for_the_gala(demo):
    commission = rm.Commission.objects.select_related("work", "commissioned_by", "creator").get()
    assert commission.work.title == "Dance of the Seven Veils"
    # Premiered at the gala, two evenings before the anchor day.
    assert commission.work.status == rm.Work.Status.PREMIERED
    assert commission.status == rm.Commission.Status.PREMIERED
    assert commission.work.premiere_date == ANCHOR - dt.timedelta(days=2)
    assert commission.commissioned_by.full_name == "Sergei Pavlov"
    assert commission.creator.full_name == "Klára Kalmurzaev"
    assert commission.occasion == "Annual Gala"
    assert "Chechen mythology" in commission.work.themes
    milestones = list(commission.milestones.all())
    # Everything up to the premiere done; the archive film of it still to come.
    assert [m.done_on is not None for m in milestones] == [True] * 6 + [False]
    assert milestones[-2].done_on == commission.work.premiere_date
    assert milestones[-1].due_on > ANCHOR
    sergei_kinds = set(
        cm.Staff.objects.filter(person=commission.commissioned_by).values_list("kind", flat=True)
    )
    assert sergei_kinds == {"artistic_director", "choreographer"}


def test_the_company_has_about_sixty_dancers_in_every_rank(demo):
    ranks = set(cm.Dancer.objects.values_list("rank", flat=True))
    assert ranks == set(cm.Dancer.Rank.values)
    assert 55 <= cm.Dancer.objects.count() <= 65
    assert cm.Dancer.objects.exclude(status=cm.Dancer.Status.ACTIVE).count() >= 3
    # Corps dancers know corps roles, so casting has material.
    swans = rm.Role.objects.get(work__title="Swan Lake", name="Swans")
    assert swans.dancers_knowing.count() >= swans.dancers_needed


def test_eleonora_is_a_guest_engaged_through_the_volga_tour(demo):
    eleonora = cm.Dancer.objects.select_related("person").get(person__given_name="Eleonora")
    tour = sm.Tour.objects.get(name="Volga tour")
    assert eleonora.rank == cm.Dancer.Rank.GUEST
    assert eleonora.person.kind == cm.Person.Kind.GUEST
    assert eleonora.engagement_start <= tour.starts_on
    assert eleonora.engagement_end >= tour.ends_on
    assert eleonora.roles_known.filter(role__name="Odette/Odile").exists()
    grandmother = cm.Person.objects.get(contact_role="Eleonora's grandmother")
    assert grandmother.related_to == eleonora.person


def test_the_gala_guests_are_contacts(demo):
    critic = cm.Person.objects.get(organisation="The Moscow Times")
    assert critic.kind == cm.Person.Kind.CONTACT
    assert critic.contact_role == "dance critic"
    assert cm.Person.objects.filter(organisation="Bolshoi Theatre").exists()
    parents = cm.Person.objects.filter(related_to__given_name="Klára").values_list(
        "contact_role", flat=True
    )
    assert sorted(parents) == ["Klára's father", "Klára's mother"]


def test_studios_include_one_without_piano_and_one_at_another_site(demo):
    studios = list(cm.Studio.objects.select_related("site"))
    assert len(studios) >= 5
    assert any(not s.has_piano for s in studios)
    assert {s.site.name for s in studios} >= {"Annex on Tverskaya"}
    assert len({s.site_id for s in studios}) == 2
    assert sorted(cm.SiteTravel.objects.values_list("minutes", flat=True)) == [20, 20]
    company = cm.Company.objects.select_related("labour_profile").get()
    assert company.labour_profile.preset == "us_ballet"
    assert cm.LabourProfile.objects.count() == 2


def test_swan_lake_plays_the_small_rural_theatre_with_a_conductor(demo):
    uglich = sm.Venue.objects.get(name="Uglich Town Theatre")
    assert 140 <= uglich.capacity <= 160
    assert uglich.orchestra_pit is False
    assert "worn wooden stage" in uglich.stage_notes.lower()
    show = sm.Performance.objects.select_related("programme", "conductor", "tour").get(venue=uglich)
    assert show.programme.title == "Swan Lake"
    assert show.tour.name == "Volga tour"
    assert show.music == sm.Performance.Music.ORCHESTRA
    assert show.conductor is not None
    assert show.starts_at.date() == ANCHOR + dt.timedelta(days=16)


def test_gala_was_at_seven_in_moscow_two_evenings_ago(demo):
    gala = sm.Performance.objects.select_related("venue").get(title="Annual Gala")
    local = gala.starts_at.astimezone(MOSCOW)
    assert (local.hour, local.minute) == (19, 0)
    assert local.date() == ANCHOR - dt.timedelta(days=2)
    assert gala.status == sm.Performance.Status.PERFORMED
    assert gala.venue.name == "Pavlov Theatre Main Stage"
    works = list(gala.programme.items.values_list("work__title", flat=True))
    assert works == ["Dance of the Seven Veils", "Études in Blue"]
    assert sm.Performance.objects.filter(status=sm.Performance.Status.PERFORMED).count() >= 2
    season = sm.Season.objects.get()
    assert season.name == "2026–27"
    assert season.starts_on <= ANCHOR <= season.ends_on


def test_every_demo_user_signs_in_and_reaches_home(demo, client):
    """As the README says: the password, then (for the roles that see medical or money data)
    the code `callboard totp SECRET` prints for the secret the demo printed."""
    from django.utils import timezone

    from callboard.core import twofactor

    assert sorted(u.username for u in demo.users) == sorted(DEMO_USERNAMES)
    secrets = {u.username: u.totp_secret for u in demo.users}
    assert {name for name, secret in secrets.items() if secret} == {
        "director",
        "manager",
        "boxoffice",
        "physio",
        "admin",
    }
    for username in DEMO_USERNAMES:
        response = client.post("/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, username
        if secrets[username]:
            assert response["Location"].startswith("/login/verify/"), username
            code = twofactor.code_for(secrets[username], at=timezone.now())
            assert client.post("/login/verify/", {"code": code}).status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200, username
        client.logout()


def test_demo_people_are_linked_to_their_sign_ins(demo):
    linked = dict(
        cm.Person.objects.filter(user__isnull=False).values_list("user__username", "family_name")
    )
    assert linked["director"] == "Pavlov"
    assert linked["klara"] == "Kalmurzaev"
    assert get_user_model().objects.get(username="admin").is_superuser


def test_same_anchor_gives_the_same_records(db):
    with transaction.atomic():
        build_demo(today=ANCHOR)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not cm.Company.objects.exists()
    build_demo(today=ANCHOR)
    assert fingerprint() == first


def test_dates_move_with_the_anchor(db):
    later = ANCHOR + dt.timedelta(days=7)
    build_demo(today=later)
    gala = sm.Performance.objects.get(title="Annual Gala")
    assert gala.starts_at.astimezone(MOSCOW).date() == later - dt.timedelta(days=2)


def test_demo_refuses_a_database_that_has_a_company(demo):
    with pytest.raises(Conflict):
        build_demo(today=ANCHOR)


def test_command_builds_and_prints_users_and_password(db):
    out = io.StringIO()
    call_command("demo", "--today", "2026-11-23", stdout=out)
    text = out.getvalue()
    assert "Pavlov Ballet Theatre" in text
    assert PASSWORD in text
    for username in DEMO_USERNAMES:
        assert f"  {username} " in text
    assert "22X4EKWITZFLOSRYUT5DF7XC2WFYYREM" in text  # the director's secret, as in README
    assert "callboard totp SECRET" in text
    assert cm.Company.objects.count() == 1


def test_if_empty_leaves_an_existing_database_unchanged(demo):
    before = fingerprint()
    out = io.StringIO()
    call_command("demo", "--if-empty", "--today", "2027-01-15", stdout=out)
    assert "already has a company" in out.getvalue()
    assert fingerprint() == before


def test_command_without_if_empty_refuses_an_existing_company(demo):
    with pytest.raises(CommandError) as excinfo:
        call_command("demo", "--today", "2026-11-23", stdout=io.StringIO())
    assert excinfo.value.returncode == 2
    assert cm.Company.objects.count() == 1


def test_command_rejects_a_malformed_anchor(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("demo", "--today", "23/11/2026", stdout=io.StringIO())
    assert excinfo.value.returncode == 2
    assert "YYYY-MM-DD" in str(excinfo.value)
    assert not cm.Company.objects.exists()
