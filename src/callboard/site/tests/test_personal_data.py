"""A person's data on request, across every app: exported as JSON by management or by the
person, erased by management with what the company must keep kept, both in the history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from callboard.audit.models import AuditEntry
from callboard.site.testing.worlds import add_wellbeing_records, build_company_quickly

DIAGNOSIS = "Personal-data test sprain"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from callboard.boxoffice.models import Order
    from callboard.company.models import Person

    with django_db_blocker.unblock(), transaction.atomic():
        now = build_company_quickly()
        klara = Person.objects.get(user__username="klara")
        _publish_through_her_first_call(klara, now)
        add_wellbeing_records(now=now, diagnosis=DIAGNOSIS)
        order = Order.objects.order_by("pk").first()
        # An order Klára bought with her own address: hers, and kept for the accounts.
        Order.objects.filter(pk=order.pk).update(buyer_email=klara.email, buyer_name="Klára K.")
        yield {"now": now, "klara": klara.pk, "order": order.pk}
        transaction.set_rollback(True)


def _publish_through_her_first_call(person: Any, now: Any) -> None:
    """The demo publishes its week through the first day that holds a call; which day the
    solver gives the person's first call depends on its clock. Publishing through that day
    makes sure she has published calls to export."""
    from callboard.core.actors import CALLBOARD
    from callboard.core.zones import company_zone
    from callboard.scheduling.models import CallPerson, Schedule, SchedulePeriod
    from callboard.scheduling.services import schedule_publish

    first = (
        CallPerson.objects.filter(person=person, call__schedule__status=Schedule.Status.DRAFT)
        .order_by("call__starts_at")
        .values_list("call__starts_at", flat=True)
        .first()
    )
    assert first is not None, "the demo's solver called her nowhere this week"
    period = SchedulePeriod.objects.get()
    schedule_publish(
        period=period,
        by=CALLBOARD,
        now=now,
        first_day=period.first_day,
        last_day=first.astimezone(company_zone()).date(),
        firm=True,
        send_email=False,
    )


def _as(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _export(client: Client, person_id: int) -> Any:
    return client.post(f"/people/persons/{person_id}/data/export/")


@pytest.mark.django_db
def test_management_exports_a_dancers_data_without_her_medical_record(world):
    response = _export(_as("director"), world["klara"])
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["family_name"] == "Kalmurzaev"
    assert data["person"]["email"]
    assert data["dancer"]["rank"]
    assert data["account"]["user_name"] == "klara"
    assert data["roles_known"] and data["casting"]["cast"]
    assert data["schedule"]["calls"]
    assert data["workload_ratings"]
    assert data["box_office"]["orders"][0]["buyer_name"] == "Klára K."
    assert "injuries" not in data and DIAGNOSIS not in response.content.decode()
    entry = AuditEntry.objects.get(action="people.person_export")
    assert entry.subject_id == world["klara"]


@pytest.mark.django_db
def test_a_dancer_exports_her_own_data_with_her_injuries(world):
    response = _export(_as("klara"), world["klara"])
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["injuries"][0]["diagnosis"] == DIAGNOSIS
    # Her own page links to it.
    page = _as("klara").get(f"/people/persons/{world['klara']}/data/")
    assert page.status_code == 200
    assert "Download the data" in page.content.decode()
    assert "Erase this person" not in page.content.decode()


@pytest.mark.django_db
def test_another_dancer_cannot_export_or_erase_her_data(world):
    eleonora = _as("eleonora")
    assert _export(eleonora, world["klara"]).status_code == 403
    assert eleonora.post(
        f"/people/persons/{world['klara']}/data/erase/", {"confirm": "erase"}
    ).status_code in (403,)
    assert not AuditEntry.objects.filter(action__startswith="people.person_").exists()


@pytest.mark.django_db
def test_staff_and_contacts_export_too(world):
    from callboard.company.models import Person

    director = _as("director")
    staff = Person.objects.filter(staff_roles__isnull=False).order_by("pk").first()
    assert json.loads(_export(director, staff.pk).content)["staff"]
    critic = Person.objects.filter(reviews_written__isnull=False).first()
    data = json.loads(_export(director, critic.pk).content)
    assert data["reviews_written"][0]["outlet"]


@pytest.mark.django_db
def test_erasing_keeps_the_companys_records_without_her_name(world):
    from callboard.boxoffice.models import Order
    from callboard.casting.models import CastAssignment
    from callboard.company.models import Person
    from callboard.core.testing.factories import PASSWORD
    from callboard.scheduling.models import CallPerson
    from callboard.wellbeing.models import Injury

    pk = world["klara"]
    cast_before = CastAssignment.objects.filter(dancer__person_id=pk).count()
    calls_before = CallPerson.objects.filter(person_id=pk).count()
    manager = _as("manager")
    page = manager.get(f"/people/persons/{pk}/data/")
    assert "Erase this person" in page.content.decode()

    unconfirmed = manager.post(f"/people/persons/{pk}/data/erase/", follow=True)
    assert "Nothing was erased" in unconfirmed.content.decode()
    assert Person.objects.get(pk=pk).erased_at is None

    done = manager.post(f"/people/persons/{pk}/data/erase/", {"confirm": "erase"}, follow=True)
    assert "Erased." in done.content.decode()
    person = Person.objects.select_related("user", "dancer").get(pk=pk)
    assert person.full_name == f"Erased person #{pk}"
    assert (person.email, person.phone, person.birth_date) == ("", "", None)
    assert person.native_name == "" and person.biography == ""
    assert not person.dancer.training.exists()
    assert not person.user.is_active and not person.user.has_usable_password()
    # What the company must keep is kept.
    assert CastAssignment.objects.filter(dancer__person_id=pk).count() == cast_before > 0
    assert CallPerson.objects.filter(person_id=pk).count() == calls_before > 0
    order = Order.objects.get(pk=world["order"])
    assert (order.buyer_name, order.buyer_email) == (f"Erased person #{pk}", "")
    assert Injury.objects.filter(dancer__person_id=pk).exists()
    assert not Injury.objects.filter(dancer__person_id=pk).exclude(diagnosis="").exists()
    # She can no longer sign in.
    browser = Client()
    refused = browser.post("/login/", {"username": "klara", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in browser.session
    entry = AuditEntry.objects.get(action="people.person_erase")
    assert "Kalmurzaev" not in entry.summary and "Klára" not in entry.summary
    # Twice is refused, saying so.
    again = manager.post(f"/people/persons/{pk}/data/erase/", {"confirm": "erase"}, follow=True)
    assert "erased already" in again.content.decode()


@pytest.mark.django_db
def test_no_one_erases_their_own_record(world):
    from callboard.company.models import Person

    director = Person.objects.get(user__username="director")
    response = _as("director").post(
        f"/people/persons/{director.pk}/data/erase/", {"confirm": "erase"}, follow=True
    )
    assert "cannot erase your own record" in response.content.decode()
    assert Person.objects.get(pk=director.pk).erased_at is None
