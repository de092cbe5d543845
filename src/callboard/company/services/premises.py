"""Sites, the travel time between them, and the studios at each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import (
    Site,
    SiteTravel,
    Studio,
)
from callboard.company.services.common import (
    MAX_STUDIO_CAPACITY,
    MAX_STUDIO_METRES,
    MINUTES_IN_DAY,
    SITE_FIELDS,
    STUDIO_FIELDS,
    _check_fields,
    _full_clean,
    _required_int,
    clean_text,
)
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require


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
def site_create(*, name: str, address: str = "", by: Actor, now: dt.datetime) -> Site:
    """Add a building where the company rehearses."""
    require(by, Cap.EDIT_STUDIOS)
    site = Site(name=name or "", address=address or "")
    _validate_site(site)
    site.save()
    audit.record(
        actor=by,
        action="studios.site_create",
        obj=site,
        at=now,
        summary=_("Site %(name)s added") % {"name": site.name},
        changes=audit.diff({}, audit.fields_of(site, SITE_FIELDS)),
    )
    return site


@transaction.atomic
def site_update(*, site: Site, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Site:
    require(by, Cap.EDIT_STUDIOS)
    before = audit.fields_of(site, changes)
    _check_fields(changes, SITE_FIELDS)
    locked = Site.objects.select_for_update().filter(pk=site.pk).first()
    if locked is None:
        raise NotFound(_("That site no longer exists."))
    for field, value in changes.items():
        setattr(locked, field, value or "")
    _validate_site(locked)
    locked.save()
    audit.record(
        actor=by,
        action="studios.site_update",
        obj=locked,
        at=now,
        summary=_("Site %(name)s changed") % {"name": locked.name},
        changes=audit.diff(before, audit.fields_of(locked, changes)),
    )
    return locked


@transaction.atomic
def site_travel_set(
    *, origin_id: int, destination_id: int, minutes: int, by: Actor, now: dt.datetime
) -> SiteTravel:
    """Record the minutes it takes to travel between two sites (the same both ways)."""
    require(by, Cap.EDIT_STUDIOS)
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
    audit.record(
        actor=by,
        action="studios.travel_set",
        obj=result,
        at=now,
        summary=_("Travel between two sites set to %(minutes)s minutes") % {"minutes": value},
    )
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
        elif field in {"has_piano", "active", "is_stage"}:
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
    is_stage: bool = False,
    by: Actor,
    now: dt.datetime,
) -> Studio:
    """Add a rehearsal studio (or a theatre's stage, ``is_stage``) at a site."""
    require(by, Cap.EDIT_STUDIOS)
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
            "is_stage": is_stage,
        },
    )
    _validate_studio(studio)
    studio.save()
    audit.record(
        actor=by,
        action="studios.create",
        obj=studio,
        at=now,
        summary=_("Studio %(name)s added") % {"name": studio.name},
        changes=audit.diff({}, audit.fields_of(studio, STUDIO_FIELDS)),
    )
    return studio


@transaction.atomic
def studio_update(
    *, studio: Studio, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Studio:
    require(by, Cap.EDIT_STUDIOS)
    before = audit.fields_of(studio, changes)
    _check_fields(changes, STUDIO_FIELDS)
    locked = Studio.objects.select_for_update().filter(pk=studio.pk).first()
    if locked is None:
        raise NotFound(_("That studio no longer exists."))
    _apply_studio(locked, changes)
    _validate_studio(locked)
    locked.save()
    audit.record(
        actor=by,
        action="studios.update",
        obj=locked,
        at=now,
        summary=_("Studio %(name)s changed") % {"name": locked.name},
        changes=audit.diff(before, audit.fields_of(locked, changes)),
    )
    return locked
