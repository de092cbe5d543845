"""Works, sections, roles and who knows which role: the rules of the services."""

import datetime as dt

import pytest
from django.utils import timezone

from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.repertoire import services
from callboard.repertoire.models import DancerRole, Role, Section, Work
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


# --------------------------------------------------------------------------- works


def test_work_create_records_the_work_and_its_search_key():
    pavlov = PersonFactory(given_name="Sergei", family_name="Pavlov")
    work = services.work_create(
        title="  Études in Blue ",
        duration_minutes=35,
        choreographer=pavlov,
        composer="Carl Czerny",
        by=CALLBOARD,
        now=timezone.now(),
    )
    work.refresh_from_db()
    assert work.title == "Études in Blue"
    assert work.search_title == "etudes in blue"
    assert work.choreographer == pavlov
    assert work.status == Work.Status.IN_REPERTOIRE


def test_work_create_refuses_a_duplicate_title_whatever_its_case():
    WorkFactory(title="Giselle")
    with pytest.raises(Conflict, match="already has a work called “giselle”"):
        services.work_create(
            title="giselle", duration_minutes=110, by=CALLBOARD, now=timezone.now()
        )
    assert Work.objects.count() == 1


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_work_create_refuses_a_duration_out_of_range(minutes):
    with pytest.raises(ValidationFailed, match="duration") as caught:
        services.work_create(
            title="Swan Lake", duration_minutes=minutes, by=CALLBOARD, now=timezone.now()
        )
    assert caught.value.field == "duration_minutes"
    assert not Work.objects.exists()


def test_work_create_refuses_an_empty_title():
    with pytest.raises(ValidationFailed, match="title"):
        services.work_create(title="   ", duration_minutes=40, by=CALLBOARD, now=timezone.now())
    assert not Work.objects.exists()


def test_work_create_refuses_an_unknown_status():
    with pytest.raises(ValidationFailed, match="status"):
        services.work_create(
            title="Swan Lake",
            duration_minutes=150,
            status="forgotten",
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert not Work.objects.exists()


def test_work_create_refuses_a_title_too_long_for_the_database():
    with pytest.raises(ValidationFailed) as caught:
        services.work_create(title="x" * 201, duration_minutes=40, by=CALLBOARD, now=timezone.now())
    assert caught.value.field == "title"
    assert not Work.objects.exists()


def test_work_update_changes_only_the_fields_given():
    work = WorkFactory(title="Nutcracker", composer="Tchaikovsky", duration_minutes=120)
    services.work_update(
        work=work,
        changes={"title": "The Nutcracker", "full_length": True},
        by=CALLBOARD,
        now=timezone.now(),
    )
    work.refresh_from_db()
    assert (work.title, work.composer, work.full_length) == ("The Nutcracker", "Tchaikovsky", True)
    assert work.search_title == "the nutcracker"


def test_work_update_refuses_a_title_another_work_has_and_keeps_the_old_one():
    WorkFactory(title="Giselle")
    work = WorkFactory(title="Swan Lake")
    with pytest.raises(Conflict):
        services.work_update(
            work=work, changes={"title": "GISELLE"}, by=CALLBOARD, now=timezone.now()
        )
    work.refresh_from_db()
    assert work.title == "Swan Lake"


def test_work_update_may_keep_its_own_title():
    work = WorkFactory(title="Swan Lake")
    services.work_update(
        work=work,
        changes={"title": "Swan Lake", "duration_minutes": 160},
        by=CALLBOARD,
        now=timezone.now(),
    )
    work.refresh_from_db()
    assert work.duration_minutes == 160


def test_work_update_refuses_unknown_fields():
    work = WorkFactory()
    with pytest.raises(ValidationFailed, match="cannot be changed here: search_title"):
        services.work_update(
            work=work, changes={"search_title": "x"}, by=CALLBOARD, now=timezone.now()
        )


def test_work_status_follows_an_open_commission():
    commission = CommissionFactory()
    with pytest.raises(ValidationFailed, match="commissions board"):
        services.work_update(
            work=commission.work,
            changes={"status": "in_repertoire"},
            by=CALLBOARD,
            now=timezone.now(),
        )
    commission.work.refresh_from_db()
    assert commission.work.status == Work.Status.COMMISSIONED


def test_a_premiered_commission_lets_the_work_enter_the_repertoire():
    commission = CommissionFactory(status="premiered", work__status="premiered")
    services.work_update(
        work=commission.work, changes={"status": "in_repertoire"}, by=CALLBOARD, now=timezone.now()
    )
    commission.work.refresh_from_db()
    assert commission.work.status == Work.Status.IN_REPERTOIRE


# --------------------------------------------------------------------------- sections


def test_sections_go_last_among_their_siblings():
    work = WorkFactory()
    act1 = services.section_create(
        work=work, name="Act I", kind="act", by=CALLBOARD, now=timezone.now()
    )
    act2 = services.section_create(
        work=work, name="Act II", kind="act", by=CALLBOARD, now=timezone.now()
    )
    scene = services.section_create(
        work=work, name="Scene 1", kind="scene", parent=act2, by=CALLBOARD, now=timezone.now()
    )
    assert (act1.order, act2.order, scene.order) == (0, 1, 0)
    assert scene.parent == act2


def test_section_names_are_unique_within_a_work_only():
    swan, giselle = WorkFactory(), WorkFactory()
    services.section_create(work=swan, name="Act II", kind="act", by=CALLBOARD, now=timezone.now())
    services.section_create(
        work=giselle, name="Act II", kind="act", by=CALLBOARD, now=timezone.now()
    )
    with pytest.raises(Conflict, match="already has a section called “act ii”"):
        services.section_create(
            work=swan, name="act ii", kind="act", by=CALLBOARD, now=timezone.now()
        )
    assert Section.objects.filter(work=swan).count() == 1


def test_a_section_cannot_nest_in_another_works_section():
    swan, giselle = WorkFactory(), WorkFactory()
    giselle_act = SectionFactory(work=giselle)
    with pytest.raises(ValidationFailed, match="belongs to another work") as caught:
        services.section_create(
            work=swan,
            name="Scene 1",
            kind="scene",
            parent=giselle_act,
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert caught.value.field == "parent"
    assert not Section.objects.filter(work=swan).exists()


def test_a_section_cannot_sit_inside_its_own_part():
    work = WorkFactory()
    act = services.section_create(
        work=work, name="Act I", kind="act", by=CALLBOARD, now=timezone.now()
    )
    scene = services.section_create(
        work=work, name="Scene 1", kind="scene", parent=act, by=CALLBOARD, now=timezone.now()
    )
    with pytest.raises(ValidationFailed, match="inside itself"):
        services.section_update(
            section=act, changes={"parent": scene}, by=CALLBOARD, now=timezone.now()
        )
    act.refresh_from_db()
    assert act.parent is None


def test_section_refuses_an_unknown_kind():
    with pytest.raises(ValidationFailed, match="kind"):
        services.section_create(
            work=WorkFactory(), name="Coda", kind="coda", by=CALLBOARD, now=timezone.now()
        )


def test_section_refuses_a_position_out_of_range():
    with pytest.raises(ValidationFailed, match="position"):
        services.section_create(
            work=WorkFactory(),
            name="Coda",
            kind="ensemble",
            order=40000,
            by=CALLBOARD,
            now=timezone.now(),
        )


def test_moving_a_section_to_another_parent_puts_it_last_there():
    work = WorkFactory()
    act1 = services.section_create(
        work=work, name="Act I", kind="act", by=CALLBOARD, now=timezone.now()
    )
    act2 = services.section_create(
        work=work, name="Act II", kind="act", by=CALLBOARD, now=timezone.now()
    )
    services.section_create(
        work=work, name="Waltz", kind="ensemble", parent=act1, by=CALLBOARD, now=timezone.now()
    )
    pdd = services.section_create(
        work=work,
        name="Pas de deux",
        kind="pas_de_deux",
        parent=act2,
        by=CALLBOARD,
        now=timezone.now(),
    )
    services.section_update(section=pdd, changes={"parent": act1}, by=CALLBOARD, now=timezone.now())
    pdd.refresh_from_db()
    assert (pdd.parent_id, pdd.order) == (act1.pk, 1)


def test_section_move_swaps_with_its_neighbour_and_renumbers():
    work = WorkFactory()
    a, b, c = (
        services.section_create(work=work, name=name, kind="act", by=CALLBOARD, now=timezone.now())
        for name in ("A", "B", "C")
    )
    services.section_move(section=c, direction="up", by=CALLBOARD, now=timezone.now())
    order = list(Section.objects.filter(work=work).order_by("order").values_list("name", flat=True))
    assert order == ["A", "C", "B"]
    services.section_move(
        section=a, direction="up", by=CALLBOARD, now=timezone.now()
    )  # already first: nothing moves
    order = list(Section.objects.filter(work=work).order_by("order").values_list("name", flat=True))
    assert order == ["A", "C", "B"]
    assert b.pk  # still there


def test_section_move_refuses_an_unknown_direction():
    with pytest.raises(ValidationFailed):
        services.section_move(
            section=SectionFactory(), direction="sideways", by=CALLBOARD, now=timezone.now()
        )


def test_section_delete_refuses_a_section_with_parts_and_keeps_both():
    work = WorkFactory()
    act = services.section_create(
        work=work, name="Act I", kind="act", by=CALLBOARD, now=timezone.now()
    )
    services.section_create(
        work=work, name="Scene 1", kind="scene", parent=act, by=CALLBOARD, now=timezone.now()
    )
    with pytest.raises(Conflict, match="Remove or move them first"):
        services.section_delete(section=act, by=CALLBOARD, now=timezone.now())
    assert Section.objects.filter(work=work).count() == 2


def test_section_delete_removes_an_empty_section_and_its_role_links():
    section = SectionFactory()
    role = RoleFactory(work=section.work)
    role.sections.add(section)
    services.section_delete(section=section, by=CALLBOARD, now=timezone.now())
    assert not Section.objects.filter(pk=section.pk).exists()
    assert role.sections.count() == 0


# --------------------------------------------------------------------------- roles


def test_role_create_links_the_sections_it_dances_in():
    work = WorkFactory(title="Swan Lake")
    act2 = SectionFactory(work=work, name="Act II")
    act4 = SectionFactory(work=work, name="Act IV")
    swans = services.role_create(
        work=work,
        name="Swans",
        dancers_needed=24,
        sections=[act2, act4],
        by=CALLBOARD,
        now=timezone.now(),
    )
    assert swans.dancers_needed == 24
    assert set(swans.sections.all()) == {act2, act4}


def test_a_role_with_zero_dancers_is_refused_with_a_clear_message():
    work = WorkFactory()
    with pytest.raises(ValidationFailed, match="A role needs at least one dancer") as caught:
        services.role_create(
            work=work, name="Odette", dancers_needed=0, by=CALLBOARD, now=timezone.now()
        )
    assert caught.value.field == "dancers_needed"
    assert not Role.objects.exists()


def test_a_role_cannot_dance_in_another_works_section():
    swan, giselle = WorkFactory(title="Swan Lake"), WorkFactory(title="Giselle")
    wilis = SectionFactory(work=giselle, name="Kingdom of the Wilis")
    with pytest.raises(ValidationFailed, match="is not a section of “Swan Lake”"):
        services.role_create(
            work=swan, name="Odette", sections=[wilis], by=CALLBOARD, now=timezone.now()
        )
    assert not Role.objects.exists()


def test_role_names_are_unique_within_a_work():
    work = WorkFactory()
    services.role_create(work=work, name="Odette", by=CALLBOARD, now=timezone.now())
    with pytest.raises(Conflict, match="already has a role called"):
        services.role_create(work=work, name="ODETTE", by=CALLBOARD, now=timezone.now())
    assert Role.objects.count() == 1


def test_role_update_refuses_zero_dancers_and_keeps_the_old_number():
    role = RoleFactory(dancers_needed=4)
    with pytest.raises(ValidationFailed):
        services.role_update(
            role=role, changes={"dancers_needed": 0}, by=CALLBOARD, now=timezone.now()
        )
    role.refresh_from_db()
    assert role.dancers_needed == 4


def test_role_update_replaces_its_sections_and_refuses_foreign_ones():
    role = RoleFactory()
    own = SectionFactory(work=role.work)
    foreign = SectionFactory()
    services.role_update(
        role=role, changes={"sections": [own], "principal": True}, by=CALLBOARD, now=timezone.now()
    )
    assert list(role.sections.all()) == [own]
    with pytest.raises(ValidationFailed):
        services.role_update(
            role=role, changes={"sections": [own, foreign]}, by=CALLBOARD, now=timezone.now()
        )
    assert list(role.sections.all()) == [own]


def test_role_delete_removes_who_knew_it():
    known = DancerRoleFactory()
    services.role_delete(role=known.role, by=CALLBOARD, now=timezone.now())
    assert not DancerRole.objects.exists()


# --------------------------------------------------------------------------- dancer roles


def test_dancer_role_set_records_and_then_replaces_the_status():
    dancer, role = DancerFactory(), RoleFactory()
    first = services.dancer_role_set(
        dancer=dancer, role=role, status="learning", since=None, by=CALLBOARD, now=timezone.now()
    )
    assert first.status == DancerRole.Status.LEARNING
    again = services.dancer_role_set(
        dancer=dancer,
        role=role,
        status="learned",
        since=dt.date(2026, 10, 1),
        by=CALLBOARD,
        now=timezone.now(),
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.status, again.since) == ("learned", dt.date(2026, 10, 1))
    assert DancerRole.objects.count() == 1


def test_dancer_role_set_refuses_an_unknown_status():
    with pytest.raises(ValidationFailed, match="learned"):
        services.dancer_role_set(
            dancer=DancerFactory(),
            role=RoleFactory(),
            status="forgotten",
            since=None,
            by=CALLBOARD,
            now=timezone.now(),
        )
    assert not DancerRole.objects.exists()


def test_dancer_role_remove_deletes_the_record():
    known = DancerRoleFactory()
    services.dancer_role_remove(
        dancer=known.dancer, role=known.role, by=CALLBOARD, now=timezone.now()
    )
    assert not DancerRole.objects.exists()


def test_dancer_role_remove_of_nothing_says_so():
    with pytest.raises(NotFound, match="nothing to remove"):
        services.dancer_role_remove(
            dancer=DancerFactory(), role=RoleFactory(), by=CALLBOARD, now=timezone.now()
        )
