"""A person's data on request: all of it as JSON, or erased.

The export gathers the person's own record (with their dancer or staff record, training and
account) and every part the apps above have registered in :mod:`callboard.core.personal_data`
(casting, calls, workload, injuries where the reader may see them, comps and orders).
Management exports anyone's; a person exports their own.

The erasure keeps the records the company must keep (calls, casting history, orders for the
accounts) and blanks what identifies the person: the name becomes "Erased person #id"; e-mail,
phone, birth date, emergency contact, biography, notes and training go; sign-in is disabled
(password, API tokens, authenticator apps). Each app's eraser does its part in the same
transaction. Both are in the history; the erasure's entry does not repeat the name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Person, TrainingEntry
from callboard.core import personal_data, twofactor
from callboard.core.actors import Actor, is_callboard
from callboard.core.errors import Conflict, PermissionDenied
from callboard.core.models import ApiToken
from callboard.core.personal_data import when
from callboard.core.roles import Cap, can, require

ERASED_GIVEN_NAME = "Erased person"


def is_own(person: Person, by: Actor) -> bool:
    return bool(
        getattr(by, "is_authenticated", False)
        and person.user_id is not None
        and person.user_id == getattr(by, "pk", None)
    )


def may_export(person: Person, by: Actor) -> bool:
    """Management exports anyone's data; a person their own."""
    return is_callboard(by) or can(by, Cap.VIEW_PRIVATE) or is_own(person, by)


def is_erased(person: Person) -> bool:
    return person.erased_at is not None


def _person_part(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "kind": person.kind,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "given_name_in_own_script": person.native_given_name,
        "family_name_in_own_script": person.native_family_name,
        "language": person.language,
        "biography": person.biography,
        "heritage": person.heritage,
        "nationality": person.nationality,
        "organisation": person.organisation,
        "role_or_relation": person.contact_role,
        "related_to": str(person.related_to) if person.related_to_id else None,
        "email": person.email,
        "phone": person.phone,
        "birth_date": when(person.birth_date),
        "emergency_contact": person.emergency_contact,
        "erased_at": when(person.erased_at),
    }


def _dancer_part(person: Person) -> dict[str, Any] | None:
    dancer = getattr(person, "dancer", None)
    if dancer is None:
        return None
    return {
        "id": dancer.pk,
        "rank": dancer.rank,
        "status": dancer.status,
        "joined_on": when(dancer.joined_on),
        "engagement_start": when(dancer.engagement_start),
        "engagement_end": when(dancer.engagement_end),
        "contract_notes": dancer.contract_notes,
        "training": [
            {
                "school_or_teacher": t.institution,
                "discipline": t.discipline,
                "place": t.place,
                "from_year": t.start_year,
                "to_year": t.end_year,
                "notes": t.notes,
            }
            for t in dancer.training.all()
        ],
    }


def _account_part(person: Person) -> dict[str, Any] | None:
    user = person.user
    if user is None:
        return None
    return {
        "user_name": user.get_username(),
        "email": user.email,
        "active": user.is_active,
        "joined": when(user.date_joined),
        "last_sign_in": when(user.last_login),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "two_factor_sign_in": twofactor.is_on(user),
        "api_tokens": [
            {
                "name": t.name,
                "starts_with": t.prefix,
                "created_at": when(t.created_at),
                "last_used_at": when(t.last_used_at),
                "revoked_at": when(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user)
        ],
    }


def person_data_export(*, person: Person, by: Actor, now: dt.datetime) -> dict[str, Any]:
    """Everything Callboard holds about ``person`` that ``by`` may see, as plain JSON; the
    export is in the history."""
    if not may_export(person, by):
        raise PermissionDenied(
            _("Only management may export someone's data; you may export your own.")
        )
    data: dict[str, Any] = {
        "exported_at": when(now),
        "exported_by": audit.actor_label(by) or "Callboard",
        "person": _person_part(person),
        "dancer": _dancer_part(person),
        "staff": [
            {"role": s.kind, "title": s.title, "since": when(s.since)}
            for s in person.staff_roles.all()
        ],
        "account": _account_part(person),
    }
    data.update(personal_data.export_parts(person, by))
    with transaction.atomic():
        audit.record(
            actor=by,
            action="people.person_export",
            obj=person,
            subject=person,
            at=now,
            summary=_("Personal data of %(name)s exported") % {"name": person.full_name},
            changes={"parts": [None, sorted(k for k, v in data.items() if v)]},
        )
    return data


def person_erase(*, person: Person, by: Actor, now: dt.datetime) -> Person:
    """Erase ``person`` on their request: records the company must keep stay, with the
    personal fields blanked; sign-in is disabled. Refused twice, and for one's own record."""
    require(by, Cap.EDIT_PEOPLE)
    if is_own(person, by):
        raise PermissionDenied(
            _("You cannot erase your own record: ask another member of management.")
        )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if is_erased(person):
            raise Conflict(_("This person's data was erased already."))
        touched = personal_data.erase_parts(person, now)
        dancer = getattr(person, "dancer", None)
        if dancer is not None:
            touched["training"] = TrainingEntry.objects.filter(dancer=dancer).delete()[0]
            dancer.contract_notes = ""
            dancer.save(update_fields=["contract_notes"])
        for field in (
            "native_given_name",
            "native_family_name",
            "language",
            "biography",
            "heritage",
            "nationality",
            "organisation",
            "contact_role",
            "email",
            "phone",
            "emergency_contact",
        ):
            setattr(person, field, "")
        person.given_name = ERASED_GIVEN_NAME
        person.family_name = f"#{person.pk}"
        person.birth_date = None
        person.related_to = None
        person.erased_at = now
        person.save()
        Person.objects.filter(related_to=person).update(related_to=None)
        user = person.user
        if user is not None:
            twofactor.reset(user=user, now=now)
            touched["api_tokens"] = ApiToken.objects.filter(
                user=user, revoked_at__isnull=True
            ).update(revoked_at=now)
            user.username = f"erased-{person.pk}"
            user.first_name = ""
            user.last_name = ""
            user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        audit.record(
            actor=by,
            action="people.person_erase",
            obj=person,
            subject=person,
            at=now,
            summary=_("Personal data of person #%(id)d erased on request") % {"id": person.pk},
            changes={"erased": [None, {k: v for k, v in sorted(touched.items())}]},
        )
    return person
