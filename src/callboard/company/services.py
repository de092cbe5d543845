"""Writes and rules of the company app.

Every service is keyword-only, runs in one transaction and raises a
:class:`~callboard.core.errors.DomainError` whose message tells a person what to do; when it
raises, nothing was written. Interfaces (views, the API, commands) check the caller's
capability with ``core.roles.require`` before calling a service.

References to other rows arrive as ids (``site_id``, ``person_id``, ``related_to_id``) so a
form, a JSON payload and a CSV row all reach the same rule with the same error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, models, transaction
from django.utils.translation import gettext as _

from callboard.company import presets
from callboard.company.importing import ImportReport, ParsedRow, RowResult, parse_roster
from callboard.company.models import (
    Company,
    Dancer,
    LabourProfile,
    Person,
    Site,
    SiteTravel,
    Staff,
    Studio,
    TrainingEntry,
)
from callboard.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from callboard.core.text import search_key

# --------------------------------------------------------------------------- fields

PERSON_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "biography",
    "heritage",
    "nationality",
    "organisation",
    "contact_role",
    "email",
    "phone",
    "emergency_contact",
)
DANCER_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "biography",
    "heritage",
    "nationality",
    "email",
    "phone",
    "birth_date",
    "emergency_contact",
)
DANCER_OWN_FIELDS = (
    "rank",
    "status",
    "joined_on",
    "engagement_start",
    "engagement_end",
    "contract_notes",
)
DANCER_FIELDS = DANCER_PERSON_FIELDS + DANCER_OWN_FIELDS
CONTACT_FIELDS = (
    "kind",
    "given_name",
    "family_name",
    "organisation",
    "contact_role",
    "related_to_id",
    "biography",
    "heritage",
    "nationality",
    "email",
    "phone",
    "birth_date",
    "emergency_contact",
)
STAFF_OWN_FIELDS = ("kind", "title", "since")
STAFF_PERSON_FIELDS = ("given_name", "family_name", "email", "phone", "biography", "nationality")
STAFF_FIELDS = STAFF_OWN_FIELDS + STAFF_PERSON_FIELDS
STUDIO_FIELDS = (
    "name",
    "site_id",
    "length_m",
    "width_m",
    "capacity",
    "has_piano",
    "floor",
    "active",
    "notes",
)
SITE_FIELDS = ("name", "address")
LABOUR_FIELDS = (
    "name",
    "notes",
    "max_minutes_per_day",
    "max_minutes_per_week",
    "longest_call_minutes",
    "max_span_minutes",
    "break_every_minutes",
    "break_minutes",
    "meal_break_within_minutes",
    "meal_break_minutes",
    "min_rest_between_days_minutes",
    "earliest_start",
    "latest_end",
    "free_days_per_week",
    "class_counts_as_work",
    "performance_counts_as_work",
    "posting_deadline",
    "posting_days_before",
    "principal_notice_days",
    "announceable_notice_days",
    "full_casting_notice_days",
    "personal_notice_hours",
)

MINUTES_IN_DAY = 24 * 60
MINUTES_IN_WEEK = 7 * MINUTES_IN_DAY
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_STUDIO_CAPACITY = 500
MAX_STUDIO_METRES = Decimal("500")


# --------------------------------------------------------------------------- helpers


def clean_text(field: str, value: Any) -> str:
    """The stored form of a text value: stripped, and names on one line with single spaces."""
    text = "" if value is None else str(value)
    if field in {"given_name", "family_name"}:
        return " ".join(text.split())
    return text.strip()


def _check_fields(given: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s. Use: %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(allowed)},
            detail={"unknown_fields": unknown},
            field=unknown[0],
        )


def _choice(value: Any, choices: type[models.TextChoices], *, field: str, what: str) -> str:
    text = "" if value is None else str(value).strip()
    if text not in choices.values:
        known = ", ".join(f"{v} ({label})" for v, label in choices.choices)
        raise ValidationFailed(
            _("Unknown %(what)s “%(value)s”. Choose one of: %(known)s.")
            % {"what": what, "value": text, "known": known},
            field=field,
        )
    return text


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Django's field checks (lengths, formats, choices) as a last net before the database."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors = exc.message_dict
        field, problems = next(iter(errors.items()))
        label = _verbose_name(obj, field)
        raise ValidationFailed(
            _("%(field)s: %(problem)s")
            % {"field": label.capitalize(), "problem": " ".join(problems)},
            detail=errors,
            field=field,
        ) from exc


def _verbose_name(obj: models.Model | type[models.Model], field: str) -> str:
    """The human name of ``field`` (or the field's own name for a non-field error)."""
    try:
        model_field = obj._meta.get_field(field)
    except Exception:  # a non-field error such as "__all__"
        return field
    return str(getattr(model_field, "verbose_name", field))


def _int_in_range(
    value: Any, *, field: str, label: str, low: int, high: int, optional: bool = True
) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise ValidationFailed(_("Give %(label)s.") % {"label": label}, field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("%(label)s must be a whole number.") % {"label": label.capitalize()}, field=field
        ) from None
    if not low <= number <= high:
        raise ValidationFailed(
            _("%(label)s must be between %(low)d and %(high)d.")
            % {"label": label.capitalize(), "low": low, "high": high},
            field=field,
        )
    return number


def _required_int(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    number = _int_in_range(value, field=field, label=label, low=low, high=high, optional=False)
    assert number is not None  # optional=False never returns None
    return number


def _date_or_none(value: Any, *, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValidationFailed(_("Give a date, not a date and time."), field=field)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}, field=field
        ) from None


# --------------------------------------------------------------------------- company


def company_get() -> Company:
    """The one company of this installation, created with defaults the first time it is needed."""
    company = Company.objects.select_related("labour_profile").order_by("pk").first()
    if company is None:
        company = Company.objects.create(name="Callboard company", time_zone=settings.TIME_ZONE)
    return company


def _roster_lock() -> None:
    """Serialise roster writes so two people cannot create the same dancer at the same moment.

    Locks the company row (PostgreSQL); SQLite's write transactions are serial already.
    """
    if Company.objects.select_for_update().order_by("pk").first() is None:
        company_get()


# --------------------------------------------------------------------------- people


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
    now: dt.datetime,
) -> Person:
    """Add a person who is neither dancer nor staff: a critic, a parent, a patron (a *contact*)."""
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
    return person


@transaction.atomic
def person_update(*, person: Person, changes: Mapping[str, Any], now: dt.datetime) -> Person:
    """Change a person's details; ``changes`` holds only the fields to change."""
    _check_fields(changes, CONTACT_FIELDS)
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound(_("That person is no longer in Callboard."))
    _apply_person(locked, changes)
    _validate_person(locked)
    locked.save()
    return locked


# --------------------------------------------------------------------------- dancers


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
    now: dt.datetime,
) -> Dancer:
    """Put a new dancer on the roster (a person and their dancer record, together or not at all)."""
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
    return dancer


@transaction.atomic
def dancer_update(*, dancer: Dancer, changes: Mapping[str, Any], now: dt.datetime) -> Dancer:
    """Change a dancer's person and dancer fields; ``changes`` holds only the fields to change."""
    _check_fields(changes, DANCER_FIELDS)
    _roster_lock()
    locked = (
        Dancer.objects.select_for_update().select_related("person").filter(pk=dancer.pk).first()
    )
    if locked is None:
        raise NotFound(_("That dancer is no longer on the roster."))
    person = locked.person
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
    now: dt.datetime,
) -> TrainingEntry:
    """Add a line to a dancer's training history (a school or teacher, a style, years)."""
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
    return entry


@transaction.atomic
def training_remove(*, dancer: Dancer, entry_id: int, now: dt.datetime) -> None:
    """Remove one line of a dancer's training history."""
    deleted, _count = TrainingEntry.objects.filter(dancer_id=dancer.pk, pk=entry_id).delete()
    if not deleted:
        raise NotFound(_("That training entry is not in this dancer's history."))


# --------------------------------------------------------------------------- staff


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
    now: dt.datetime,
) -> Staff:
    """Give someone a staff role: an existing person (``person_id``) or a new one named here."""
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
    return staff


@transaction.atomic
def staff_update(*, staff: Staff, changes: Mapping[str, Any], now: dt.datetime) -> Staff:
    """Change a staff role (kind, title, since) and the person's own details."""
    _check_fields(changes, STAFF_FIELDS)
    locked = Staff.objects.select_for_update().select_related("person").filter(pk=staff.pk).first()
    if locked is None:
        raise NotFound(_("That staff role no longer exists."))
    person = locked.person
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
    return locked


@transaction.atomic
def staff_remove(*, staff: Staff, now: dt.datetime) -> None:
    """Take a staff role away; the person stays in Callboard."""
    deleted, _count = Staff.objects.filter(pk=staff.pk).delete()
    if not deleted:
        raise NotFound(_("That staff role no longer exists."))


# --------------------------------------------------------------------------- sites and studios


def _validate_site(site: Site) -> None:
    site.name = clean_text("name", site.name)
    site.address = clean_text("address", site.address)
    if not site.name:
        raise ValidationFailed(_("Name the site, for example “Main building”."), field="name")
    _full_clean(site)
    if Site.objects.filter(name__iexact=site.name).exclude(pk=site.pk).exists():
        raise Conflict(
            _("A site called “%(name)s” exists already; choose another name.")
            % {"name": site.name},
            field="name",
        )


@transaction.atomic
def site_create(*, name: str, address: str = "", now: dt.datetime) -> Site:
    """Add a building where the company rehearses."""
    site = Site(name=name or "", address=address or "")
    _validate_site(site)
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, changes: Mapping[str, Any], now: dt.datetime) -> Site:
    _check_fields(changes, SITE_FIELDS)
    locked = Site.objects.select_for_update().filter(pk=site.pk).first()
    if locked is None:
        raise NotFound(_("That site no longer exists."))
    for field, value in changes.items():
        setattr(locked, field, value or "")
    _validate_site(locked)
    locked.save()
    return locked


@transaction.atomic
def site_travel_set(
    *, origin_id: int, destination_id: int, minutes: int, now: dt.datetime
) -> SiteTravel:
    """Record the minutes it takes to travel between two sites (the same both ways)."""
    if origin_id == destination_id:
        raise ValidationFailed(_("Choose two different sites."), field="destination_id")
    found = set(
        Site.objects.filter(pk__in=[origin_id, destination_id]).values_list("pk", flat=True)
    )
    if found != {origin_id, destination_id}:
        raise ValidationFailed(_("Choose both sites from the list."), field="origin_id")
    value = _required_int(
        minutes, field="minutes", label=_("the travel time in minutes"), low=0, high=MINUTES_IN_DAY
    )
    result = None
    for a, b in ((origin_id, destination_id), (destination_id, origin_id)):
        travel, _created = SiteTravel.objects.update_or_create(
            origin_id=a, destination_id=b, defaults={"minutes": value}
        )
        if a == origin_id:
            result = travel
    assert result is not None
    return result


def _apply_studio(studio: Studio, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field in {"name", "floor", "notes"}:
            setattr(studio, field, clean_text(field, value))
        elif field == "site_id":
            if value in (None, "") or not Site.objects.filter(pk=value).exists():
                raise ValidationFailed(_("Choose the site the studio is in."), field="site_id")
            studio.site_id = int(value)
        elif field == "capacity":
            studio.capacity = _required_int(
                value,
                field="capacity",
                label=_("the number of dancers it holds"),
                low=1,
                high=MAX_STUDIO_CAPACITY,
            )
        elif field in {"length_m", "width_m"}:
            setattr(studio, field, _metres(value, field=field))
        elif field in {"has_piano", "active"}:
            setattr(studio, field, bool(value))


def _metres(value: Any, *, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Give the size in metres, for example 18.5."), field=field
        ) from None
    if not Decimal("0") < number <= MAX_STUDIO_METRES:
        raise ValidationFailed(
            _("A studio's length and width must be between 0.1 and %(max)s metres.")
            % {"max": MAX_STUDIO_METRES},
            field=field,
        )
    return number


def _validate_studio(studio: Studio) -> None:
    if not studio.name:
        raise ValidationFailed(_("Name the studio."), field="name")
    if not studio.site_id:
        raise ValidationFailed(_("Choose the site the studio is in."), field="site_id")
    _full_clean(studio, exclude=["site"])
    if Studio.objects.filter(name__iexact=studio.name).exclude(pk=studio.pk).exists():
        raise Conflict(
            _("A studio called “%(name)s” exists already; choose another name.")
            % {"name": studio.name},
            field="name",
        )


@transaction.atomic
def studio_create(
    *,
    name: str,
    site_id: int,
    capacity: int,
    length_m: Decimal | float | str | None = None,
    width_m: Decimal | float | str | None = None,
    has_piano: bool = True,
    floor: str = "",
    active: bool = True,
    notes: str = "",
    now: dt.datetime,
) -> Studio:
    """Add a rehearsal studio at a site."""
    studio = Studio()
    _apply_studio(
        studio,
        {
            "name": name,
            "site_id": site_id,
            "capacity": capacity,
            "length_m": length_m,
            "width_m": width_m,
            "has_piano": has_piano,
            "floor": floor,
            "active": active,
            "notes": notes,
        },
    )
    _validate_studio(studio)
    studio.save()
    return studio


@transaction.atomic
def studio_update(*, studio: Studio, changes: Mapping[str, Any], now: dt.datetime) -> Studio:
    _check_fields(changes, STUDIO_FIELDS)
    locked = Studio.objects.select_for_update().filter(pk=studio.pk).first()
    if locked is None:
        raise NotFound(_("That studio no longer exists."))
    _apply_studio(locked, changes)
    _validate_studio(locked)
    locked.save()
    return locked


# --------------------------------------------------------------------------- labour profiles

_LABOUR_MINUTE_LIMITS: dict[str, tuple[int, int]] = {
    "longest_call_minutes": (1, MINUTES_IN_DAY),
    "max_span_minutes": (1, MINUTES_IN_DAY),
    "break_every_minutes": (1, MINUTES_IN_DAY),
    "break_minutes": (0, MINUTES_IN_DAY),
    "meal_break_within_minutes": (1, MINUTES_IN_DAY),
    "meal_break_minutes": (0, MINUTES_IN_DAY),
    "min_rest_between_days_minutes": (0, MINUTES_IN_DAY),
    "free_days_per_week": (0, 7),
    "posting_days_before": (0, 28),
    "principal_notice_days": (0, 365),
    "announceable_notice_days": (0, 365),
    "full_casting_notice_days": (0, 365),
    "personal_notice_hours": (0, 24 * 30),
}
_LABOUR_REQUIRED_INTS = {
    "break_minutes",
    "meal_break_minutes",
    "free_days_per_week",
    "posting_days_before",
    "principal_notice_days",
    "announceable_notice_days",
    "full_casting_notice_days",
    "personal_notice_hours",
}


def _label(field: str) -> str:
    return _verbose_name(LabourProfile, field)


def _apply_labour(profile: LabourProfile, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if field in {"name", "notes"}:
            setattr(profile, field, clean_text(field, value))
        elif field == "max_minutes_per_day":
            profile.max_minutes_per_day = _positive_limit(value, field=field, high=MINUTES_IN_DAY)
        elif field == "max_minutes_per_week":
            profile.max_minutes_per_week = _positive_limit(value, field=field, high=MINUTES_IN_WEEK)
        elif field in _LABOUR_MINUTE_LIMITS:
            low, high = _LABOUR_MINUTE_LIMITS[field]
            number = _int_in_range(value, field=field, label=_label(field), low=low, high=high)
            if number is None and field in _LABOUR_REQUIRED_INTS:
                number = 0
            setattr(profile, field, number)
        elif field in {"earliest_start", "latest_end", "posting_deadline"}:
            setattr(profile, field, _time_or_none(value, field=field))
        elif field in {"class_counts_as_work", "performance_counts_as_work"}:
            setattr(profile, field, bool(value))


def _positive_limit(value: Any, *, field: str, high: int) -> int:
    if value in (None, ""):
        raise ValidationFailed(_("Give %(label)s.") % {"label": _label(field)}, field=field)
    number = _int_in_range(value, field=field, label=_label(field), low=-(10**9), high=10**9)
    assert number is not None
    if number <= 0:
        raise ValidationFailed(
            _("%(label)s must be more than zero.") % {"label": _label(field).capitalize()},
            field=field,
        )
    if number > high:
        raise ValidationFailed(
            _("%(label)s cannot be more than %(high)d.")
            % {"label": _label(field).capitalize(), "high": high},
            field=field,
        )
    return number


def _time_or_none(value: Any, *, field: str) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a time of day; write it as HH:MM.") % {"value": value},
            field=field,
        ) from None


def _validate_labour(p: LabourProfile) -> None:
    if not p.name:
        raise ValidationFailed(
            _("Name the agreement, for example “2026 company agreement”."), field="name"
        )
    if p.max_minutes_per_week < p.max_minutes_per_day:
        raise ValidationFailed(
            _(
                "The week's limit (%(week)d minutes) is less than one day's "
                "(%(day)d minutes); raise it."
            )
            % {"week": p.max_minutes_per_week, "day": p.max_minutes_per_day},
            field="max_minutes_per_week",
        )
    if p.longest_call_minutes is not None and p.longest_call_minutes > p.max_minutes_per_day:
        raise ValidationFailed(
            _(
                "The longest call (%(call)d minutes) is longer than a whole day's work "
                "(%(day)d minutes)."
            )
            % {"call": p.longest_call_minutes, "day": p.max_minutes_per_day},
            field="longest_call_minutes",
        )
    if (
        p.max_span_minutes is not None
        and p.longest_call_minutes is not None
        and p.max_span_minutes < p.longest_call_minutes
    ):
        raise ValidationFailed(
            _(
                "The span of the day (%(span)d minutes) is shorter than the longest call "
                "(%(call)d minutes)."
            )
            % {"span": p.max_span_minutes, "call": p.longest_call_minutes},
            field="max_span_minutes",
        )
    for every, length, what in (
        ("break_every_minutes", "break_minutes", _("short break")),
        ("meal_break_within_minutes", "meal_break_minutes", _("longer rest")),
    ):
        interval, minutes = getattr(p, every), getattr(p, length)
        if interval is None and minutes:
            raise ValidationFailed(
                _("Say when the %(what)s is due, or set its length to 0.") % {"what": what},
                field=every,
            )
        if interval is not None and not minutes:
            raise ValidationFailed(
                _("Give the length of the %(what)s in minutes.") % {"what": what}, field=length
            )
        if interval is not None and minutes >= interval:
            raise ValidationFailed(
                _(
                    "The %(what)s (%(minutes)d minutes) must be shorter than the time it "
                    "is due within (%(interval)d minutes)."
                )
                % {"what": what, "minutes": minutes, "interval": interval},
                field=length,
            )
    if p.earliest_start and p.latest_end and p.latest_end <= p.earliest_start:
        raise ValidationFailed(
            _("The latest end (%(end)s) must come after the earliest start (%(start)s).")
            % {"end": p.latest_end.strftime("%H:%M"), "start": p.earliest_start.strftime("%H:%M")},
            field="latest_end",
        )
    if p.free_days_per_week > 7:  # also a database constraint
        raise ValidationFailed(_("A week has at most 7 free days."), field="free_days_per_week")
    _full_clean(p)
    if LabourProfile.objects.filter(name__iexact=p.name).exclude(pk=p.pk).exists():
        raise Conflict(
            _("An agreement called “%(name)s” exists already; choose another name.")
            % {"name": p.name},
            field="name",
        )


@transaction.atomic
def labour_profile_create(*, data: Mapping[str, Any], now: dt.datetime) -> LabourProfile:
    """Record a labour agreement from its terms (see :data:`LABOUR_FIELDS`)."""
    _check_fields(data, [*LABOUR_FIELDS, "preset"])
    for required in ("name", "max_minutes_per_day", "max_minutes_per_week"):
        if data.get(required) in (None, ""):
            raise ValidationFailed(
                _("Give %(label)s.") % {"label": _label(required)}, field=required
            )
    profile = LabourProfile(preset=clean_text("preset", data.get("preset", "")))
    _apply_labour(profile, {k: v for k, v in data.items() if k != "preset"})
    _validate_labour(profile)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise Conflict(
            _("That agreement breaks a rule of the database: %(why)s") % {"why": exc}
        ) from exc
    return profile


@transaction.atomic
def labour_profile_update(
    *, profile: LabourProfile, changes: Mapping[str, Any], now: dt.datetime
) -> LabourProfile:
    _check_fields(changes, LABOUR_FIELDS)
    locked = LabourProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if locked is None:
        raise NotFound(_("That agreement no longer exists."))
    _apply_labour(locked, changes)
    _validate_labour(locked)
    locked.save()
    return locked


@transaction.atomic
def labour_profile_from_preset(*, key: str, now: dt.datetime | None = None) -> LabourProfile:
    """A new profile holding a shipped preset's terms (named “… (2)” if the name is taken)."""
    preset = presets.PRESETS.get(key)
    if preset is None:
        raise ValidationFailed(
            _("Unknown preset “%(key)s”. Choose one of: %(known)s.")
            % {"key": key, "known": ", ".join(sorted(presets.PRESETS))},
            field="key",
        )
    name = preset["name"]
    taken = {
        n.lower()
        for n in LabourProfile.objects.filter(name__istartswith=name).values_list("name", flat=True)
    }
    number = 2
    while name.lower() in taken:
        name = f"{preset['name']} ({number})"
        number += 1
    data = {**preset, "name": name, "preset": key}
    return labour_profile_create(data=data, now=now or dt.datetime.now(dt.UTC))


@transaction.atomic
def labour_profile_activate(*, profile: LabourProfile, now: dt.datetime) -> Company:
    """Put ``profile`` in force: the scheduler and every page then follow its terms."""
    if not LabourProfile.objects.filter(pk=profile.pk).exists():
        raise NotFound(_("That agreement no longer exists."))
    company = company_get()
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.labour_profile_id = profile.pk
    company.save(update_fields=["labour_profile"])
    return Company.objects.select_related("labour_profile").get(pk=company.pk)


# --------------------------------------------------------------------------- roster import


def roster_import(*, data: bytes | str, dry_run: bool, now: dt.datetime) -> ImportReport:
    """Import dancers from a roster CSV: every row or none.

    Rows are matched to existing dancers by e-mail, else by name and birth date; a row that
    matches and differs updates the dancer, one that matches and agrees is left unchanged.
    Text with broken encoding is repaired. When any row is rejected, or on a dry run,
    everything is rolled back and the report says what would have happened.
    """
    report = ImportReport(dry_run=dry_run)
    parsed = parse_roster(data)
    report.errors.extend(parsed.errors)
    if parsed.errors:
        return report
    try:
        with transaction.atomic():
            _roster_lock()
            touched: dict[int, int] = {}
            for row in parsed.rows:
                if row.problems:
                    report.rejected.append(
                        RowResult(row=row.row, name=row.name, detail=" ".join(row.problems))
                    )
                    continue
                try:
                    with transaction.atomic():
                        kind, result = _import_row(row, touched=touched, now=now)
                except DomainError as exc:
                    report.rejected.append(
                        RowResult(row=row.row, name=row.name, detail=exc.message)
                    )
                    continue
                getattr(report, kind).append(result)
            if dry_run or not report.ok:
                transaction.set_rollback(True)
    except OperationalError as exc:
        raise Conflict(
            _("The roster is busy with another change; try the import again in a moment.")
        ) from exc
    if dry_run:
        for result in report.created:
            result.dancer_id = None
    return report


def _match_dancer(row: ParsedRow) -> Dancer | None:
    values = row.values
    base = Dancer.objects.select_related("person")
    email = values.get("email")
    if email:
        by_email = list(base.filter(person__email__iexact=email)[:2])
        if len(by_email) > 1:
            raise ValidationFailed(
                _("Two dancers share the e-mail %(email)s; fix them in Callboard first.")
                % {"email": email}
            )
        if by_email:
            return by_email[0]
    named = base.filter(
        person__search_name=search_key(
            f"{values.get('given_name', '')} {values.get('family_name', '')}"
        )
    )
    birth_date = values.get("birth_date")
    if birth_date:
        exact = named.filter(person__birth_date=birth_date).first()
        if exact is not None:
            return exact
        undated = list(named.filter(person__birth_date__isnull=True)[:2])
        return undated[0] if len(undated) == 1 else None
    candidates = list(named.order_by("pk")[:2])
    if len(candidates) > 1:
        raise ValidationFailed(
            _(
                "Several dancers are called %(name)s; add their birth_date or email "
                "to say which one."
            )
            % {"name": row.name}
        )
    return candidates[0] if candidates else None


def _current_value(dancer: Dancer, field: str) -> Any:
    if field in DANCER_PERSON_FIELDS:
        return getattr(dancer.person, field)
    return getattr(dancer, field)


def _import_row(
    row: ParsedRow, *, touched: dict[int, int], now: dt.datetime
) -> tuple[str, RowResult]:
    values = row.values
    dancer = _match_dancer(row)
    if dancer is not None and dancer.pk in touched:
        raise ValidationFailed(
            _("This is the same dancer as row %(row)d; keep one of the two rows.")
            % {"row": touched[dancer.pk]}
        )
    if dancer is None:
        if not values.get("rank"):
            raise ValidationFailed(_("A new dancer needs a rank (for example corps or soloist)."))
        dancer = dancer_create(**values, now=now)
        touched[dancer.pk] = row.row
        return "created", RowResult(row=row.row, name=dancer.person.full_name, dancer_id=dancer.pk)
    touched[dancer.pk] = row.row
    changes = {
        field: value
        for field, value in values.items()
        if _current_value(dancer, field)
        != (clean_text(field, value) if isinstance(value, str) else value)
    }
    if not changes:
        return "unchanged", RowResult(
            row=row.row, name=dancer.person.full_name, dancer_id=dancer.pk
        )
    dancer = dancer_update(dancer=dancer, changes=changes, now=now)
    return "updated", RowResult(
        row=row.row,
        name=dancer.person.full_name,
        dancer_id=dancer.pk,
        detail=_("changed: %(fields)s") % {"fields": ", ".join(sorted(changes))},
    )
