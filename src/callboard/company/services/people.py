"""People: contacts, dancers (with their person record) and their training, and staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import (
    Dancer,
    Person,
    Staff,
    TrainingEntry,
)
from callboard.company.services.common import (
    CONTACT_FIELDS,
    DANCER_FIELDS,
    DANCER_OWN_FIELDS,
    DANCER_PERSON_FIELDS,
    EARLIEST_YEAR,
    PERSON_TEXT_FIELDS,
    STAFF_FIELDS,
    STAFF_OWN_FIELDS,
    STAFF_PERSON_FIELDS,
    _check_fields,
    _choice,
    _date_or_none,
    _full_clean,
    _int_in_range,
    _roster_lock,
    clean_text,
)
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.core.text import search_key


def _apply_person(person: Person, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field in PERSON_TEXT_FIELDS:
            setattr(person, field, clean_text(field, value))
        elif field == "birth_date":
            person.birth_date = _date_or_none(value, field=field)
        elif field == "kind":
            person.kind = _choice(value, Person.Kind, field="kind", what=_("kind of person"))
        elif field == "related_to_id":
            person.related_to_id = _person_ref(value)
        else:  # pragma: no cover - guarded by _check_fields
            raise ValidationFailed(_("Unknown field %(field)s.") % {"field": field}, field=field)


def _person_ref(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a person from the list."), field="related_to_id") from None
    if not Person.objects.filter(pk=pk).exists():
        raise ValidationFailed(
            _("There is no person #%(pk)s; choose someone from the list.") % {"pk": pk},
            field="related_to_id",
        )
    return pk


def _validate_person(person: Person) -> None:
    if not person.given_name:
        raise ValidationFailed(_("Give the person's given name."), field="given_name")
    if not person.family_name:
        raise ValidationFailed(_("Give the person's family name."), field="family_name")
    if person.email:
        try:
            validate_email(person.email)
        except DjangoValidationError:
            raise ValidationFailed(
                _("“%(email)s” is not an e-mail address.") % {"email": person.email}, field="email"
            ) from None
    if person.related_to_id is not None and person.related_to_id == person.pk:
        raise ValidationFailed(_("A person cannot be related to themself."), field="related_to_id")
    person.search_name = search_key(f"{person.given_name} {person.family_name}")
    _full_clean(person, exclude=["user", "related_to"])


@transaction.atomic
def person_create(
    *,
    given_name: str,
    family_name: str,
    kind: str = Person.Kind.CONTACT,
    organisation: str = "",
    contact_role: str = "",
    related_to_id: int | None = None,
    biography: str = "",
    heritage: str = "",
    nationality: str = "",
    email: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
    emergency_contact: str = "",
    by: Actor,
    now: dt.datetime,
) -> Person:
    """Add a person who is neither dancer nor staff: a critic, a parent, a patron (a *contact*)."""
    require(by, Cap.EDIT_PEOPLE)
    person = Person()
    _apply_person(
        person,
        {
            "kind": kind,
            "given_name": given_name,
            "family_name": family_name,
            "organisation": organisation,
            "contact_role": contact_role,
            "related_to_id": related_to_id,
            "biography": biography,
            "heritage": heritage,
            "nationality": nationality,
            "email": email,
            "phone": phone,
            "birth_date": birth_date,
            "emergency_contact": emergency_contact,
        },
    )
    _validate_person(person)
    person.save()
    audit.record(
        actor=by,
        action="people.create",
        obj=person,
        at=now,
        summary=_("%(name)s added to the contacts") % {"name": person.full_name},
        changes=audit.diff({}, audit.fields_of(person, CONTACT_FIELDS)),
    )
    return person


@transaction.atomic
def person_update(
    *, person: Person, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Person:
    """Change a person's details; ``changes`` holds only the fields to change."""
    require(by, Cap.EDIT_PEOPLE)
    before = audit.fields_of(person, changes)
    _check_fields(changes, CONTACT_FIELDS)
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound(_("That person is no longer in Callboard."))
    _apply_person(locked, changes)
    _validate_person(locked)
    locked.save()
    audit.record(
        actor=by,
        action="people.update",
        obj=locked,
        at=now,
        summary=_("%(name)s changed") % {"name": locked.full_name},
        changes=audit.diff(before, audit.fields_of(locked, changes)),
    )
    return locked


def _duplicate_dancer(
    *, given_name: str, family_name: str, birth_date: dt.date | None, exclude_pk: int | None
) -> Dancer | None:
    """Another dancer of the same name (accents and case aside) and birth date (or neither)."""
    qs = Dancer.objects.select_related("person").filter(
        person__search_name=search_key(f"{given_name} {family_name}")
    )
    if birth_date is None:
        qs = qs.filter(person__birth_date__isnull=True)
    else:
        qs = qs.filter(person__birth_date=birth_date)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk").first()


def _duplicate_error(existing: Dancer) -> Conflict:
    if existing.person.birth_date:
        message = _(
            "%(name)s (born %(born)s) is already on the roster as dancer #%(pk)s. "
            "Edit that dancer instead, or correct the name or birth date."
        ) % {
            "name": existing.person.full_name,
            "born": existing.person.birth_date.isoformat(),
            "pk": existing.pk,
        }
    else:
        message = _(
            "%(name)s is already on the roster as dancer #%(pk)s. Edit that dancer instead, "
            "or give a birth date to tell the two apart."
        ) % {"name": existing.person.full_name, "pk": existing.pk}
    return Conflict(
        message, detail={"existing_dancer_id": existing.pk, "name": existing.person.full_name}
    )


def _apply_dancer(dancer: Dancer, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field == "rank":
            dancer.rank = _choice(value, Dancer.Rank, field="rank", what=_("rank"))
        elif field == "status":
            dancer.status = _choice(value, Dancer.Status, field="status", what=_("status"))
        elif field == "status_reason":
            dancer.status_reason = clean_text(field, value)
        elif field in {"joined_on", "engagement_start", "engagement_end"}:
            setattr(dancer, field, _date_or_none(value, field=field))
        elif field == "contract_notes":
            dancer.contract_notes = clean_text(field, value)


def _validate_dancer(dancer: Dancer, person: Person) -> None:
    if (
        dancer.engagement_start
        and dancer.engagement_end
        and dancer.engagement_end < dancer.engagement_start
    ):
        raise ValidationFailed(
            _("The guest engagement ends (%(end)s) before it starts (%(start)s); check the dates.")
            % {
                "end": dancer.engagement_end.isoformat(),
                "start": dancer.engagement_start.isoformat(),
            },
            field="engagement_end",
        )
    if dancer.status == Dancer.Status.INJURED and not dancer.status_reason.strip():
        raise ValidationFailed(
            _(
                "Say why %(name)s is marked injured by hand (for example “reported by phone, "
                "sees the physiotherapist on Monday”). An injury the physiotherapist records "
                "shows on the roster by itself."
            )
            % {"name": person.full_name or _("the dancer")},
            field="status_reason",
        )
    if dancer.status == Dancer.Status.ACTIVE:
        dancer.status_reason = ""
    _full_clean(dancer, exclude=["person"])
    existing = _duplicate_dancer(
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=person.birth_date,
        exclude_pk=dancer.pk,
    )
    if existing is not None:
        raise _duplicate_error(existing)


def _person_kind_for(dancer: Dancer) -> str:
    if dancer.rank == Dancer.Rank.GUEST:
        return Person.Kind.GUEST
    return Person.Kind.MEMBER


@transaction.atomic
def dancer_create(
    *,
    given_name: str,
    family_name: str,
    rank: str,
    status: str = Dancer.Status.ACTIVE,
    status_reason: str = "",
    joined_on: dt.date | None = None,
    engagement_start: dt.date | None = None,
    engagement_end: dt.date | None = None,
    contract_notes: str = "",
    biography: str = "",
    heritage: str = "",
    nationality: str = "",
    email: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
    emergency_contact: str = "",
    by: Actor,
    now: dt.datetime,
) -> Dancer:
    """Put a new dancer on the roster (a person and their dancer record, together or not at all)."""
    require(by, Cap.EDIT_PEOPLE)
    _roster_lock()
    person = Person()
    _apply_person(
        person,
        {
            "given_name": given_name,
            "family_name": family_name,
            "biography": biography,
            "heritage": heritage,
            "nationality": nationality,
            "email": email,
            "phone": phone,
            "birth_date": birth_date,
            "emergency_contact": emergency_contact,
        },
    )
    _validate_person(person)
    dancer = Dancer(status=Dancer.Status.ACTIVE)
    _apply_dancer(
        dancer,
        {
            "rank": rank,
            "status": status,
            "status_reason": status_reason,
            "joined_on": joined_on,
            "engagement_start": engagement_start,
            "engagement_end": engagement_end,
            "contract_notes": contract_notes,
        },
    )
    _validate_dancer(dancer, person)
    person.kind = _person_kind_for(dancer)
    try:
        person.save()
        dancer.person = person
        dancer.save()
    except IntegrityError as exc:
        raise ValidationFailed(_("The dancer could not be saved: %(why)s") % {"why": exc}) from exc
    audit.record(
        actor=by,
        action="people.dancer_create",
        obj=dancer,
        at=now,
        summary=_("%(name)s put on the roster") % {"name": person.full_name},
        changes=audit.diff(
            {},
            {
                **audit.fields_of(person, DANCER_PERSON_FIELDS),
                **audit.fields_of(dancer, DANCER_OWN_FIELDS),
            },
        ),
    )
    return dancer


@transaction.atomic
def dancer_update(
    *, dancer: Dancer, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Dancer:
    """Change a dancer's person and dancer fields; ``changes`` holds only the fields to change."""
    require(by, Cap.EDIT_PEOPLE)
    _check_fields(changes, DANCER_FIELDS)
    _roster_lock()
    locked = (
        Dancer.objects.select_for_update().select_related("person").filter(pk=dancer.pk).first()
    )
    if locked is None:
        raise NotFound(_("That dancer is no longer on the roster."))
    person = locked.person
    before = {
        **audit.fields_of(person, [k for k in changes if k in DANCER_PERSON_FIELDS]),
        **audit.fields_of(locked, [k for k in changes if k in DANCER_OWN_FIELDS]),
    }
    _apply_person(person, {k: v for k, v in changes.items() if k in DANCER_PERSON_FIELDS})
    _apply_dancer(locked, {k: v for k, v in changes.items() if k in DANCER_OWN_FIELDS})
    _validate_person(person)
    _validate_dancer(locked, person)
    person.kind = _person_kind_for(locked)
    try:
        person.save()
        locked.save()
    except IntegrityError as exc:
        raise ValidationFailed(_("The dancer could not be saved: %(why)s") % {"why": exc}) from exc
    audit.record(
        actor=by,
        action="people.dancer_update",
        obj=locked,
        at=now,
        summary=_("%(name)s changed") % {"name": person.full_name},
        changes=audit.diff(
            before,
            {
                **audit.fields_of(person, [k for k in changes if k in DANCER_PERSON_FIELDS]),
                **audit.fields_of(locked, [k for k in changes if k in DANCER_OWN_FIELDS]),
            },
        ),
    )
    return locked


@transaction.atomic
def training_add(
    *,
    dancer: Dancer,
    institution: str,
    discipline: str = "",
    place: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    notes: str = "",
    by: Actor,
    now: dt.datetime,
) -> TrainingEntry:
    """Add a line to a dancer's training history (a school or teacher, a style, years)."""
    require(by, Cap.EDIT_PEOPLE)
    if not Dancer.objects.filter(pk=dancer.pk).exists():
        raise NotFound(_("That dancer is no longer on the roster."))
    latest = now.year + 1
    start = _int_in_range(
        start_year, field="start_year", label=_("the first year"), low=EARLIEST_YEAR, high=latest
    )
    end = _int_in_range(
        end_year, field="end_year", label=_("the last year"), low=EARLIEST_YEAR, high=latest
    )
    if start is not None and end is not None and end < start:
        raise ValidationFailed(
            _("The training ends (%(end)d) before it starts (%(start)d); check the years.")
            % {"end": end, "start": start},
            field="end_year",
        )
    entry = TrainingEntry(
        dancer_id=dancer.pk,
        institution=clean_text("institution", institution),
        discipline=clean_text("discipline", discipline),
        place=clean_text("place", place),
        start_year=start,
        end_year=end,
        notes=clean_text("notes", notes),
    )
    if not entry.institution:
        raise ValidationFailed(_("Name the school or teacher."), field="institution")
    _full_clean(entry, exclude=["dancer"])
    entry.save()
    audit.record(
        actor=by,
        action="people.training_add",
        obj=entry,
        parent=dancer,
        at=now,
        summary=_("Training at %(where)s added for %(name)s")
        % {"where": entry.institution, "name": dancer.person.full_name},
    )
    return entry


@transaction.atomic
def training_remove(*, dancer: Dancer, entry_id: int, by: Actor, now: dt.datetime) -> None:
    """Remove one line of a dancer's training history."""
    require(by, Cap.EDIT_PEOPLE)
    deleted, _count = TrainingEntry.objects.filter(dancer_id=dancer.pk, pk=entry_id).delete()
    if not deleted:
        raise NotFound(_("That training entry is not in this dancer's history."))
    audit.record(
        actor=by,
        action="people.training_remove",
        obj=dancer,
        at=now,
        summary=_("A line of %(name)s's training removed") % {"name": dancer.person.full_name},
    )


@transaction.atomic
def staff_create(
    *,
    kind: str,
    person_id: int | None = None,
    given_name: str = "",
    family_name: str = "",
    email: str = "",
    phone: str = "",
    biography: str = "",
    nationality: str = "",
    title: str = "",
    since: dt.date | None = None,
    by: Actor,
    now: dt.datetime,
) -> Staff:
    """Give someone a staff role: an existing person (``person_id``) or a new one named here."""
    require(by, Cap.EDIT_PEOPLE)
    kind = _choice(kind, Staff.Kind, field="kind", what=_("staff role"))
    if person_id is not None:
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise ValidationFailed(
                _("There is no person #%(pk)s; choose someone from the list or name a new person.")
                % {"pk": person_id},
                field="person_id",
            )
        if person.kind == Person.Kind.CONTACT:
            person.kind = Person.Kind.MEMBER
            person.save(update_fields=["kind"])
    else:
        person = Person(kind=Person.Kind.MEMBER)
        _apply_person(
            person,
            {
                "given_name": given_name,
                "family_name": family_name,
                "email": email,
                "phone": phone,
                "biography": biography,
                "nationality": nationality,
            },
        )
        _validate_person(person)
        person.save()
    if Staff.objects.filter(person=person, kind=kind).exists():
        raise Conflict(
            _("%(name)s is already on the staff as %(kind)s.")
            % {"name": person.full_name, "kind": Staff.Kind(kind).label},
            field="kind",
        )
    staff = Staff(
        person=person,
        kind=kind,
        title=clean_text("title", title),
        since=_date_or_none(since, field="since"),
    )
    _full_clean(staff, exclude=["person"])
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError as exc:
        raise Conflict(
            _("%(name)s already holds that staff role.") % {"name": person.full_name}
        ) from exc
    audit.record(
        actor=by,
        action="people.staff_create",
        obj=staff,
        at=now,
        summary=_("%(name)s on the staff as %(kind)s")
        % {"name": person.full_name, "kind": Staff.Kind(kind).label},
    )
    return staff


@transaction.atomic
def staff_update(*, staff: Staff, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Staff:
    """Change a staff role (kind, title, since) and the person's own details."""
    require(by, Cap.EDIT_PEOPLE)
    _check_fields(changes, STAFF_FIELDS)
    locked = Staff.objects.select_for_update().select_related("person").filter(pk=staff.pk).first()
    if locked is None:
        raise NotFound(_("That staff role no longer exists."))
    person = locked.person
    before = {
        **audit.fields_of(person, [k for k in changes if k in STAFF_PERSON_FIELDS]),
        **audit.fields_of(locked, [k for k in changes if k in STAFF_OWN_FIELDS]),
    }
    _apply_person(person, {k: v for k, v in changes.items() if k in STAFF_PERSON_FIELDS})
    _validate_person(person)
    if "kind" in changes:
        locked.kind = _choice(changes["kind"], Staff.Kind, field="kind", what=_("staff role"))
    if "title" in changes:
        locked.title = clean_text("title", changes["title"])
    if "since" in changes:
        locked.since = _date_or_none(changes["since"], field="since")
    if Staff.objects.filter(person=person, kind=locked.kind).exclude(pk=locked.pk).exists():
        raise Conflict(
            _("%(name)s is already on the staff as %(kind)s.")
            % {"name": person.full_name, "kind": Staff.Kind(locked.kind).label},
            field="kind",
        )
    _full_clean(locked, exclude=["person"])
    person.save()
    locked.save()
    audit.record(
        actor=by,
        action="people.staff_update",
        obj=locked,
        at=now,
        summary=_("%(name)s's staff role changed") % {"name": person.full_name},
        changes=audit.diff(
            before,
            {
                **audit.fields_of(person, [k for k in changes if k in STAFF_PERSON_FIELDS]),
                **audit.fields_of(locked, [k for k in changes if k in STAFF_OWN_FIELDS]),
            },
        ),
    )
    return locked


@transaction.atomic
def staff_remove(*, staff: Staff, by: Actor, now: dt.datetime) -> None:
    """Take a staff role away; the person stays in Callboard."""
    require(by, Cap.EDIT_PEOPLE)
    deleted, _count = Staff.objects.filter(pk=staff.pk).delete()
    if not deleted:
        raise NotFound(_("That staff role no longer exists."))
    audit.record(
        actor=by,
        action="people.staff_remove",
        obj=staff,
        at=now,
        summary=_("%(name)s no longer on the staff as %(kind)s")
        % {"name": staff.person.full_name, "kind": Staff.Kind(staff.kind).label},
    )
