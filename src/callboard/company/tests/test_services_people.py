"""Rules of the people services: dancers, training, staff and contacts."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.company import services
from callboard.company.models import Company, Dancer, Person, Staff, TrainingEntry
from callboard.company.tests.factories import DancerFactory, PersonFactory, StaffFactory
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def _klara(now, **extra):
    fields = {
        "given_name": "Klára",
        "family_name": "Kalmurzaev",
        "rank": "principal",
        "birth_date": dt.date(1996, 4, 2),
        "heritage": "Tatar family from Chechnya",
        "now": now,
    }
    return services.dancer_create(**{**fields, **extra}, by=CALLBOARD)


# --------------------------------------------------------------------------- company


def test_company_get_creates_the_default_company_once():
    first = services.company_get()
    second = services.company_get()
    assert first.pk == second.pk
    assert first.name == "Callboard company"
    assert Company.objects.count() == 1


# --------------------------------------------------------------------------- dancer_create


def test_dancer_create_saves_person_and_dancer_with_search_key(now):
    dancer = _klara(now, email=" klara@example.org ")
    dancer.refresh_from_db()
    assert dancer.rank == Dancer.Rank.PRINCIPAL
    assert dancer.status == Dancer.Status.ACTIVE
    assert dancer.person.search_name == "klara kalmurzaev"
    assert dancer.person.email == "klara@example.org"
    assert dancer.person.kind == Person.Kind.MEMBER


def test_dancer_create_marks_a_guest_artist_as_guest(now):
    dancer = services.dancer_create(
        given_name="Eleonora", family_name="Kalmurzaev", rank="guest", now=now, by=CALLBOARD
    )
    assert dancer.person.kind == Person.Kind.GUEST


def test_dancer_create_rejects_unknown_rank_and_writes_nothing(now):
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_create(
            given_name="Anna", family_name="Petrova", rank="prima", now=now, by=CALLBOARD
        )
    assert "prima" in caught.value.message
    assert "principal" in caught.value.message  # says what to use instead
    assert caught.value.field == "rank"
    assert not Person.objects.exists()


def test_dancer_create_rejects_unknown_status(now):
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_create(
            given_name="Anna",
            family_name="Petrova",
            rank="corps",
            status="asleep",
            now=now,
            by=CALLBOARD,
        )
    assert caught.value.field == "status"
    assert not Dancer.objects.exists()


def test_dancer_create_needs_both_names(now):
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_create(
            given_name="  ", family_name="Petrova", rank="corps", now=now, by=CALLBOARD
        )
    assert caught.value.field == "given_name"
    assert not Person.objects.exists()


def test_dancer_create_rejects_a_malformed_email(now):
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_create(
            given_name="Anna",
            family_name="Petrova",
            rank="corps",
            email="not-mail",
            now=now,
            by=CALLBOARD,
        )
    assert caught.value.field == "email"


def test_dancer_create_rejects_a_too_long_name_before_the_database_does(now):
    with pytest.raises(ValidationFailed):
        services.dancer_create(
            given_name="A" * 101, family_name="Petrova", rank="corps", now=now, by=CALLBOARD
        )
    assert not Person.objects.exists()


def test_duplicate_dancer_same_name_and_birth_date_is_a_conflict_naming_the_existing_one(now):
    existing = _klara(now)
    with pytest.raises(Conflict) as caught:
        services.dancer_create(
            given_name="KLARA",
            family_name="kalmurzaev",
            rank="soloist",
            birth_date=dt.date(1996, 4, 2),
            now=now,
            by=CALLBOARD,
        )
    assert "Klára Kalmurzaev" in caught.value.message
    assert caught.value.detail["existing_dancer_id"] == existing.pk
    assert Dancer.objects.count() == 1
    assert Person.objects.count() == 1


def test_duplicate_dancer_both_without_birth_date_is_a_conflict(now):
    services.dancer_create(
        given_name="Anna", family_name="Petrova", rank="corps", now=now, by=CALLBOARD
    )
    with pytest.raises(Conflict):
        services.dancer_create(
            given_name="Anna", family_name="Petrova", rank="corps", now=now, by=CALLBOARD
        )
    assert Dancer.objects.count() == 1


def test_same_name_with_different_birth_dates_are_two_dancers(now):
    _klara(now)
    other = _klara(now, birth_date=dt.date(2001, 1, 1))
    assert other.pk
    assert Dancer.objects.count() == 2


def test_guest_engagement_ending_before_it_starts_is_refused(now):
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_create(
            given_name="Eleonora",
            family_name="Kalmurzaev",
            rank="guest",
            engagement_start=dt.date(2027, 3, 1),
            engagement_end=dt.date(2027, 2, 1),
            now=now,
            by=CALLBOARD,
        )
    assert caught.value.field == "engagement_end"
    assert not Person.objects.exists()


# --------------------------------------------------------------------------- dancer_update


def test_dancer_update_changes_only_the_given_fields(now):
    dancer = _klara(now, nationality="Russian")
    services.dancer_update(
        dancer=dancer,
        changes={"status": "injured", "status_reason": "reported by phone"},
        now=now,
        by=CALLBOARD,
    )
    dancer.refresh_from_db()
    assert dancer.status == Dancer.Status.INJURED
    assert dancer.status_reason == "reported by phone"
    assert dancer.person.nationality == "Russian"


def test_marking_a_dancer_injured_by_hand_without_a_reason_is_refused(now):
    dancer = _klara(now)
    with pytest.raises(ValidationFailed) as refused:
        services.dancer_update(dancer=dancer, changes={"status": "injured"}, now=now, by=CALLBOARD)
    assert refused.value.field == "status_reason"
    assert "Klára Kalmurzaev" in str(refused.value)
    dancer.refresh_from_db()
    assert dancer.status == Dancer.Status.ACTIVE


def test_back_to_active_forgets_the_reason(now):
    dancer = _klara(now)
    services.dancer_update(
        dancer=dancer,
        changes={"status": "injured", "status_reason": "reported by phone"},
        now=now,
        by=CALLBOARD,
    )
    services.dancer_update(dancer=dancer, changes={"status": "active"}, now=now, by=CALLBOARD)
    dancer.refresh_from_db()
    assert (dancer.status, dancer.status_reason) == ("active", "")


def test_dancer_update_renaming_keeps_search_key_in_step(now):
    dancer = _klara(now)
    services.dancer_update(
        dancer=dancer, changes={"family_name": "Kalmurzaeva"}, now=now, by=CALLBOARD
    )
    dancer.person.refresh_from_db()
    assert dancer.person.search_name == "klara kalmurzaeva"


def test_dancer_update_into_a_duplicate_is_refused_and_nothing_changes(now):
    _klara(now)
    other = services.dancer_create(
        given_name="Klara",
        family_name="Other",
        rank="corps",
        birth_date=dt.date(1996, 4, 2),
        now=now,
        by=CALLBOARD,
    )
    with pytest.raises(Conflict):
        services.dancer_update(
            dancer=other,
            changes={"family_name": "Kalmurzaev", "rank": "soloist"},
            now=now,
            by=CALLBOARD,
        )
    other.refresh_from_db()
    assert other.person.family_name == "Other"
    assert other.rank == Dancer.Rank.CORPS


def test_dancer_update_rejects_unknown_rank_and_leaves_the_dancer(now):
    dancer = _klara(now)
    with pytest.raises(ValidationFailed):
        services.dancer_update(
            dancer=dancer, changes={"rank": "star", "nationality": "X"}, now=now, by=CALLBOARD
        )
    dancer.refresh_from_db()
    assert dancer.rank == Dancer.Rank.PRINCIPAL
    assert dancer.person.nationality == ""


def test_dancer_update_refuses_fields_it_does_not_know(now):
    dancer = _klara(now)
    with pytest.raises(ValidationFailed) as caught:
        services.dancer_update(dancer=dancer, changes={"salary": 1}, now=now, by=CALLBOARD)
    assert "salary" in caught.value.message


def test_dancer_update_refuses_engagement_end_before_start(now):
    dancer = DancerFactory(rank="guest", engagement_start=dt.date(2027, 1, 10))
    with pytest.raises(ValidationFailed):
        services.dancer_update(
            dancer=dancer, changes={"engagement_end": dt.date(2027, 1, 9)}, now=now, by=CALLBOARD
        )
    dancer.refresh_from_db()
    assert dancer.engagement_end is None


def test_dancer_update_of_a_dancer_no_longer_there_is_not_found(now):
    gone = Dancer(pk=987654)
    with pytest.raises(NotFound):
        services.dancer_update(dancer=gone, changes={"status": "active"}, now=now, by=CALLBOARD)


# --------------------------------------------------------------------------- training


def test_training_add_and_remove(now):
    dancer = DancerFactory()
    entry = services.training_add(
        dancer=dancer,
        institution="Moscow State Academy of Choreography",
        discipline="classical ballet",
        start_year=2008,
        end_year=2014,
        now=now,
        by=CALLBOARD,
    )
    assert list(dancer.training.values_list("institution", flat=True)) == [
        "Moscow State Academy of Choreography"
    ]
    services.training_remove(dancer=dancer, entry_id=entry.pk, now=now, by=CALLBOARD)
    assert not TrainingEntry.objects.exists()


def test_training_years_out_of_order_are_refused(now):
    dancer = DancerFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.training_add(
            dancer=dancer,
            institution="Grozny folk ensemble",
            start_year=2010,
            end_year=2004,
            now=now,
            by=CALLBOARD,
        )
    assert caught.value.field == "end_year"
    assert not TrainingEntry.objects.exists()


def test_training_needs_an_institution_and_a_plausible_year(now):
    dancer = DancerFactory()
    with pytest.raises(ValidationFailed):
        services.training_add(dancer=dancer, institution=" ", now=now, by=CALLBOARD)
    with pytest.raises(ValidationFailed):
        services.training_add(
            dancer=dancer, institution="School", start_year=99999, now=now, by=CALLBOARD
        )
    assert not TrainingEntry.objects.exists()


def test_training_remove_of_another_dancers_entry_is_not_found(now):
    mine, theirs = DancerFactory(), DancerFactory()
    entry = services.training_add(dancer=theirs, institution="Vaganova", now=now, by=CALLBOARD)
    with pytest.raises(NotFound):
        services.training_remove(dancer=mine, entry_id=entry.pk, now=now, by=CALLBOARD)
    assert TrainingEntry.objects.filter(pk=entry.pk).exists()


# --------------------------------------------------------------------------- staff


def test_staff_create_names_a_new_person(now):
    staff = services.staff_create(
        kind="conductor",
        given_name="Ivan",
        family_name="Sokolov",
        title="Music director",
        now=now,
        by=CALLBOARD,
    )
    assert staff.person.full_name == "Ivan Sokolov"
    assert staff.get_kind_display() == "Conductor"


def test_staff_create_gives_an_existing_person_a_second_role(now):
    pavlov = StaffFactory(kind="artistic_director").person
    services.staff_create(kind="choreographer", person_id=pavlov.pk, now=now, by=CALLBOARD)
    assert set(pavlov.staff_roles.values_list("kind", flat=True)) == {
        "artistic_director",
        "choreographer",
    }


def test_staff_create_twice_the_same_role_is_a_conflict(now):
    pavlov = StaffFactory(kind="choreographer").person
    with pytest.raises(Conflict):
        services.staff_create(kind="choreographer", person_id=pavlov.pk, now=now, by=CALLBOARD)
    assert Staff.objects.count() == 1


def test_staff_create_unknown_kind_writes_no_person(now):
    with pytest.raises(ValidationFailed) as caught:
        services.staff_create(
            kind="juggler", given_name="A", family_name="B", now=now, by=CALLBOARD
        )
    assert "juggler" in caught.value.message
    assert not Person.objects.exists()


def test_staff_create_needs_a_name_or_a_person(now):
    with pytest.raises(ValidationFailed):
        services.staff_create(kind="pianist", now=now, by=CALLBOARD)
    with pytest.raises(ValidationFailed):
        services.staff_create(kind="pianist", person_id=987654, now=now, by=CALLBOARD)
    assert not Staff.objects.exists()


def test_staff_update_changes_role_and_person(now):
    staff = StaffFactory(kind="pianist")
    services.staff_update(
        staff=staff,
        changes={"kind": "repetiteur", "given_name": "Olga", "title": "Senior"},
        now=now,
        by=CALLBOARD,
    )
    staff.refresh_from_db()
    assert staff.kind == "repetiteur"
    assert staff.title == "Senior"
    assert staff.person.given_name == "Olga"


def test_staff_remove_keeps_the_person(now):
    staff = StaffFactory()
    services.staff_remove(staff=staff, now=now, by=CALLBOARD)
    assert not Staff.objects.exists()
    assert Person.objects.filter(pk=staff.person_id).exists()


# --------------------------------------------------------------------------- contacts


def test_person_create_records_a_relative_of_a_dancer(now):
    klara = _klara(now)
    mother = services.person_create(
        given_name="Zarema",
        family_name="Kalmurzaeva",
        contact_role="Klára's mother",
        related_to_id=klara.person.pk,
        now=now,
        by=CALLBOARD,
    )
    assert mother.kind == Person.Kind.CONTACT
    assert list(klara.person.relatives.all()) == [mother]


def test_person_create_refuses_an_unknown_relation_and_kind(now):
    with pytest.raises(ValidationFailed):
        services.person_create(
            given_name="A", family_name="B", related_to_id=424242, now=now, by=CALLBOARD
        )
    with pytest.raises(ValidationFailed):
        services.person_create(given_name="A", family_name="B", kind="alien", now=now, by=CALLBOARD)
    assert not Person.objects.exists()


def test_person_update_cannot_relate_someone_to_themself(now):
    critic = PersonFactory(kind=Person.Kind.CONTACT)
    with pytest.raises(ValidationFailed):
        services.person_update(
            person=critic, changes={"related_to_id": critic.pk}, now=now, by=CALLBOARD
        )
    critic.refresh_from_db()
    assert critic.related_to_id is None


def test_person_update_changes_organisation(now):
    critic = PersonFactory(kind=Person.Kind.CONTACT)
    services.person_update(
        person=critic, changes={"organisation": "The Moscow Times"}, now=now, by=CALLBOARD
    )
    critic.refresh_from_db()
    assert critic.organisation == "The Moscow Times"
