"""Writes and rules of the repertoire app.

Every function here is atomic and either does the whole change or raises a
:class:`~callboard.core.errors.DomainError` and changes nothing. Updates take a
``changes`` mapping of field name to new value (only the fields to change), so a form and
an API ``PATCH`` share one code path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from callboard.company.models import Company, Dancer, Person
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, UserLike, require
from callboard.core.text import repair
from callboard.repertoire.models import Commission, DancerRole, Milestone, Role, Section, Work

MAX_DURATION_MINUTES = 24 * 60
MAX_DANCERS_PER_ROLE = 500
MAX_ORDER = 32767  # a small integer column on every database

WORK_FIELDS = frozenset(
    {
        "title",
        "choreographer",
        "choreography_credit",
        "composer",
        "duration_minutes",
        "status",
        "premiere_date",
        "full_length",
        "synopsis",
        "themes",
    }
)
SECTION_FIELDS = frozenset({"name", "kind", "order", "parent", "duration_minutes"})
ROLE_FIELDS = frozenset(
    {"name", "dancers_needed", "principal", "announceable", "sections", "description"}
)
COMMISSION_FIELDS = frozenset(
    {"commissioned_by", "creator", "occasion", "agreed_on", "premiere_planned", "brief"}
)
_TEXT_FIELDS = frozenset(
    {"title", "name", "choreography_credit", "composer", "occasion", "synopsis", "themes", "brief"}
)

OPEN_COMMISSION = (Commission.Status.COMMISSIONED, Commission.Status.IN_CREATION)

# What the work becomes when its commission moves to a status.
WORK_STATUS_FOR_COMMISSION: dict[str, str] = {
    Commission.Status.COMMISSIONED: Work.Status.COMMISSIONED,
    Commission.Status.IN_CREATION: Work.Status.IN_CREATION,
    Commission.Status.PREMIERED: Work.Status.PREMIERED,
    Commission.Status.CANCELLED: Work.Status.RETIRED,
}


# --------------------------------------------------------------------------- helpers


def company_today(now: dt.datetime) -> dt.date:
    """``now``'s date in the company's time zone (the installation's zone if none is set)."""
    if now.tzinfo is None:
        raise ValidationFailed(_("Callboard needs an aware date and time (with a time zone)."))
    zone_name = (
        Company.objects.order_by("pk").values_list("time_zone", flat=True).first()
        or settings.TIME_ZONE
    )
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(zone).date()


def _reject_unknown(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            detail={"fields": unknown},
        )


def _tidy(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Repair broken encodings and surrounding space in text fields."""
    tidy = dict(changes)
    for name in _TEXT_FIELDS & set(tidy):
        tidy[name] = repair(tidy[name])
    return tidy


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field-level checks (lengths, choices, ranges) as one :class:`ValidationFailed`."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors = exc.message_dict
        field, problems = next(iter(errors.items()))
        label = field
        if field != "__all__":
            label = str(getattr(obj._meta.get_field(field), "verbose_name", field))
        raise ValidationFailed(
            _("%(field)s: %(problem)s") % {"field": label.capitalize(), "problem": problems[0]},
            detail={k: [str(m) for m in v] for k, v in errors.items()},
            field=field if field != "__all__" else None,
        ) from exc


def _save(obj: models.Model, *, conflict: str) -> None:
    """Save in a savepoint; a constraint the checks above missed (a race) becomes a Conflict."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


def _delete(obj: models.Model, *, in_use: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise Conflict(in_use) from exc


def _check_duration(value: Any, *, field: str = "duration_minutes", required: bool = True) -> None:
    if value is None and not required:
        return
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 1 <= value <= MAX_DURATION_MINUTES
    ):
        raise ValidationFailed(
            _("Give the duration in whole minutes, between 1 and %(max)d.")
            % {"max": MAX_DURATION_MINUTES},
            field=field,
        )


# --------------------------------------------------------------------------- works


def _work_title_taken(title: str, *, exclude_pk: int | None = None) -> bool:
    same = Work.objects.filter(title__iexact=title)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    return same.exists()


def _work_title_conflict(title: str) -> Conflict:
    return Conflict(
        _("The repertoire already has a work called “%(title)s”. Choose another title.")
        % {"title": title},
        field="title",
    )


def _validate_work(work: Work) -> None:
    if not work.title:
        raise ValidationFailed(_("Give the work a title."), field="title")
    _check_duration(work.duration_minutes)
    if work.status not in Work.Status.values:
        raise ValidationFailed(
            _("Choose a status: %(choices)s.") % {"choices": ", ".join(Work.Status.values)},
            field="status",
        )
    _full_clean(work, exclude=["choreographer", "search_title"])
    if _work_title_taken(work.title, exclude_pk=work.pk):
        raise _work_title_conflict(work.title)


@transaction.atomic
def work_create(
    *,
    title: str,
    duration_minutes: int,
    choreographer: Person | None = None,
    choreography_credit: str = "",
    composer: str = "",
    status: str = Work.Status.IN_REPERTOIRE,
    premiere_date: dt.date | None = None,
    full_length: bool = False,
    synopsis: str = "",
    themes: str = "",
) -> Work:
    """Add a work to the repertoire. Titles are unique, whatever their case."""
    fields = _tidy(
        {
            "title": title,
            "duration_minutes": duration_minutes,
            "choreographer": choreographer,
            "choreography_credit": choreography_credit,
            "composer": composer,
            "status": status,
            "premiere_date": premiere_date,
            "full_length": full_length,
            "synopsis": synopsis,
            "themes": themes,
        }
    )
    work = Work(**fields)
    _validate_work(work)
    _save(work, conflict=str(_work_title_conflict(work.title)))
    return work


@transaction.atomic
def work_update(*, work: Work, changes: Mapping[str, Any]) -> Work:
    """Change some of a work's facts. While a commission is open, its status follows the
    commission and cannot be set here."""
    _reject_unknown(changes, WORK_FIELDS)
    changes = _tidy(changes)
    # Lock the work row only: PostgreSQL cannot lock the outer-joined commission side.
    work = Work.objects.select_for_update(of=("self",)).select_related("commission").get(pk=work.pk)
    if "status" in changes and changes["status"] != work.status:
        commission = getattr(work, "commission", None)
        if commission is not None and commission.status in OPEN_COMMISSION:
            raise ValidationFailed(
                _(
                    "“%(title)s” is a commission in progress: its status follows the "
                    "commission. Advance it on the commissions board."
                )
                % {"title": work.title},
                field="status",
            )
    for name, value in changes.items():
        setattr(work, name, value)
    _validate_work(work)
    _save(work, conflict=str(_work_title_conflict(work.title)))
    return work


# --------------------------------------------------------------------------- sections


def _section_name_conflict(work: Work, name: str) -> Conflict:
    return Conflict(
        _("“%(work)s” already has a section called “%(name)s”. Choose another name.")
        % {"work": work.title, "name": name},
        field="name",
    )


def _validate_section(section: Section) -> None:
    if not section.name:
        raise ValidationFailed(_("Give the section a name, for example “Act I”."), field="name")
    if section.kind not in Section.Kind.values:
        raise ValidationFailed(
            _("Choose a kind of section: %(choices)s.")
            % {"choices": ", ".join(Section.Kind.values)},
            field="kind",
        )
    _check_duration(section.duration_minutes, required=False)
    order = section.order
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= MAX_ORDER:
        raise ValidationFailed(
            _("Give the position as a whole number from 0 to %(max)d.") % {"max": MAX_ORDER},
            field="order",
        )
    parent = section.parent
    if parent is not None:
        if parent.work_id != section.work_id:
            raise ValidationFailed(
                _("“%(parent)s” belongs to another work: choose a section of this work to nest in.")
                % {"parent": parent.name},
                field="parent",
            )
        if section.pk is not None:
            # Walk up from the new parent: reaching this section would make a loop.
            node: Section | None = parent
            seen: set[int] = set()
            while node is not None and node.pk not in seen:
                if node.pk == section.pk:
                    raise ValidationFailed(
                        _("A section cannot sit inside itself or one of its own parts."),
                        field="parent",
                    )
                seen.add(node.pk)
                node = node.parent
    _full_clean(section, exclude=["work", "parent"])
    taken = (
        Section.objects.filter(work_id=section.work_id, name__iexact=section.name)
        .exclude(pk=section.pk)
        .exists()
    )
    if taken:
        raise _section_name_conflict(section.work, section.name)


def _next_order(work: Work, parent: Section | None) -> int:
    top = Section.objects.filter(work=work, parent=parent).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def section_create(
    *,
    work: Work,
    name: str,
    kind: str,
    parent: Section | None = None,
    order: int | None = None,
    duration_minutes: int | None = None,
) -> Section:
    """Add an act, scene, variation… to a work; without ``order`` it goes after its siblings."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    section = Section(
        work=work,
        name=repair(name),
        kind=kind,
        parent=parent,
        order=_next_order(work, parent) if order is None else order,
        duration_minutes=duration_minutes,
    )
    _validate_section(section)
    _save(section, conflict=str(_section_name_conflict(work, section.name)))
    return section


@transaction.atomic
def section_update(*, section: Section, changes: Mapping[str, Any]) -> Section:
    _reject_unknown(changes, SECTION_FIELDS)
    changes = _tidy(changes)
    section = Section.objects.select_for_update().select_related("work").get(pk=section.pk)
    moved = "parent" in changes and getattr(changes["parent"], "pk", None) != section.parent_id
    for name, value in changes.items():
        setattr(section, name, value)
    if moved and "order" not in changes:
        section.order = _next_order(section.work, section.parent)
    _validate_section(section)
    _save(section, conflict=str(_section_name_conflict(section.work, section.name)))
    return section


@transaction.atomic
def section_move(*, section: Section, direction: str) -> Section:
    """Move a section one place ``"up"`` or ``"down"`` among its siblings, renumbering them."""
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move a section “up” or “down”."), field="direction")
    Work.objects.select_for_update().filter(pk=section.work_id).exists()  # one mover at a time
    siblings = list(
        Section.objects.filter(work_id=section.work_id, parent_id=section.parent_id).order_by(
            "order", "pk"
        )
    )
    index = next((i for i, s in enumerate(siblings) if s.pk == section.pk), None)
    if index is None:
        raise NotFound(_("That section no longer exists."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])
    return next(s for s in siblings if s.pk == section.pk)


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """Remove a section. One with parts inside must be emptied first: nothing goes by accident."""
    section = Section.objects.select_for_update().get(pk=section.pk)
    parts = section.children.count()
    if parts:
        raise Conflict(
            _(
                "“%(name)s” has %(count)d parts inside it. Remove or move them first, "
                "then remove “%(name)s”."
            )
            % {"name": section.name, "count": parts}
        )
    _delete(
        section,
        in_use=_("“%(name)s” is used by rehearsal plans; remove it from them first.")
        % {"name": section.name},
    )


# --------------------------------------------------------------------------- roles


def _role_name_conflict(work: Work, name: str) -> Conflict:
    return Conflict(
        _("“%(work)s” already has a role called “%(name)s”. Choose another name.")
        % {"work": work.title, "name": name},
        field="name",
    )


def _validate_role(role: Role, sections: Iterable[Section] | None) -> None:
    if not role.name:
        raise ValidationFailed(_("Give the role a name, for example “Odette”."), field="name")
    needed = role.dancers_needed
    if not isinstance(needed, int) or isinstance(needed, bool) or needed < 1:
        raise ValidationFailed(
            _(
                "A role needs at least one dancer. Enter how many dancers dance it "
                "(for example 1 for Giselle, 24 for the swans)."
            ),
            field="dancers_needed",
        )
    if needed > MAX_DANCERS_PER_ROLE:
        raise ValidationFailed(
            _("A role can have at most %(max)d dancers.") % {"max": MAX_DANCERS_PER_ROLE},
            field="dancers_needed",
        )
    for section in sections or ():
        if section.work_id != role.work_id:
            raise ValidationFailed(
                _("“%(section)s” is not a section of “%(work)s”: choose sections of this work.")
                % {"section": section.name, "work": role.work.title},
                field="sections",
            )
    _full_clean(role, exclude=["work"])
    taken = (
        Role.objects.filter(work_id=role.work_id, name__iexact=role.name)
        .exclude(pk=role.pk)
        .exists()
    )
    if taken:
        raise _role_name_conflict(role.work, role.name)


@transaction.atomic
def role_create(
    *,
    work: Work,
    name: str,
    dancers_needed: int = 1,
    principal: bool = False,
    announceable: bool = False,
    sections: Iterable[Section] = (),
    description: str = "",
) -> Role:
    """Add a role to a work: how many dancers dance it and in which of the work's sections."""
    sections = list(sections)
    role = Role(
        work=work,
        name=repair(name),
        dancers_needed=dancers_needed,
        principal=principal,
        announceable=announceable,
        description=(description or "").strip(),
    )
    _validate_role(role, sections)
    _save(role, conflict=str(_role_name_conflict(work, role.name)))
    role.sections.set(sections)
    return role


@transaction.atomic
def role_update(*, role: Role, changes: Mapping[str, Any]) -> Role:
    _reject_unknown(changes, ROLE_FIELDS)
    changes = _tidy(changes)
    role = Role.objects.select_for_update().select_related("work").get(pk=role.pk)
    sections = changes.pop("sections", None)
    if sections is not None:
        sections = list(sections)
    for name, value in changes.items():
        setattr(role, name, value)
    _validate_role(role, sections)
    _save(role, conflict=str(_role_name_conflict(role.work, role.name)))
    if sections is not None:
        role.sections.set(sections)
    return role


@transaction.atomic
def role_delete(*, role: Role) -> None:
    """Remove a role and what dancers knew of it."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    _delete(
        role,
        in_use=_("“%(name)s” is cast in performances; remove it from the casting first.")
        % {"name": role.name},
    )


# --------------------------------------------------------------------------- who knows which role


@transaction.atomic
def dancer_role_set(
    *, dancer: Dancer, role: Role, status: str, since: dt.date | None = None
) -> DancerRole:
    """Record that ``dancer`` has learned, or is learning, ``role`` (replacing any record)."""
    if status not in DancerRole.Status.values:
        raise ValidationFailed(
            _("Say whether the dancer has learned the role or is learning it (%(choices)s).")
            % {"choices": ", ".join(DancerRole.Status.values)},
            field="status",
        )
    if since is not None and not isinstance(since, dt.date):
        raise ValidationFailed(_("Give “since” as a date."), field="since")
    known, created = DancerRole.objects.select_for_update().get_or_create(
        dancer=dancer, role=role, defaults={"status": status, "since": since}
    )
    if not created and (known.status, known.since) != (status, since):
        known.status = status
        known.since = since
        known.save(update_fields=["status", "since"])
    return known


@transaction.atomic
def dancer_role_remove(*, dancer: Dancer, role: Role) -> None:
    deleted, _detail = DancerRole.objects.filter(dancer=dancer, role=role).delete()
    if not deleted:
        raise NotFound(
            _("%(dancer)s has no record for the role “%(role)s”; nothing to remove.")
            % {"dancer": dancer, "role": role.name}
        )


# --------------------------------------------------------------------------- commissions


def _validate_commission(commission: Commission) -> None:
    planned, agreed = commission.premiere_planned, commission.agreed_on
    if not isinstance(agreed, dt.date):
        raise ValidationFailed(_("Give the date the commission was agreed."), field="agreed_on")
    if planned is not None and planned < agreed:
        raise ValidationFailed(
            _(
                "The planned premiere (%(planned)s) is before the commission was agreed "
                "(%(agreed)s)."
            )
            % {"planned": planned.isoformat(), "agreed": agreed.isoformat()},
            field="premiere_planned",
        )
    _full_clean(commission, exclude=["work", "commissioned_by", "creator", "status"])


@transaction.atomic
def commission_create(
    *,
    title: str,
    creator: Person,
    commissioned_by: Person,
    duration_minutes: int,
    now: dt.datetime,
    occasion: str = "",
    agreed_on: dt.date | None = None,
    premiere_planned: dt.date | None = None,
    brief: str = "",
    themes: str = "",
    composer: str = "",
) -> Commission:
    """Commission a new work: the work enters the repertoire as *commissioned*, by its creator."""
    work = work_create(
        title=title,
        duration_minutes=duration_minutes,
        choreographer=creator,
        composer=composer,
        themes=themes,
        status=Work.Status.COMMISSIONED,
    )
    commission = Commission(
        work=work,
        creator=creator,
        commissioned_by=commissioned_by,
        occasion=repair(occasion),
        status=Commission.Status.COMMISSIONED,
        agreed_on=agreed_on or company_today(now),
        premiere_planned=premiere_planned,
        brief=(brief or "").strip(),
    )
    _validate_commission(commission)
    _save(commission, conflict=_("This work already has a commission."))
    return commission


@transaction.atomic
def commission_update(*, commission: Commission, changes: Mapping[str, Any]) -> Commission:
    """Change who, for what occasion, when, and the brief. The status moves only by advancing."""
    _reject_unknown(changes, COMMISSION_FIELDS)
    changes = _tidy(changes)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    for name, value in changes.items():
        setattr(commission, name, value)
    _validate_commission(commission)
    _save(commission, conflict=_("This work already has a commission."))
    return commission


@transaction.atomic
def commission_advance(
    *, commission: Commission, to_status: str, by: UserLike | None, now: dt.datetime
) -> Commission:
    """Move a commission along Commissioned → In creation → Premiered (or to Cancelled).

    Only the moves in :attr:`Commission.TRANSITIONS` are allowed; the work's status
    follows. ``by`` is the person doing it (``None`` for the system: demo, import).
    """
    if by is not None:
        require(by, Cap.EDIT_COMMISSIONS)
    labels = dict(Commission.Status.choices)
    if to_status not in labels:
        raise ValidationFailed(
            _("Choose where to move the commission: %(choices)s.") % {"choices": ", ".join(labels)},
            field="to_status",
        )
    commission = Commission.objects.select_for_update().select_related("work").get(pk=commission.pk)
    current = commission.status
    if to_status not in Commission.TRANSITIONS.get(current, set()):
        moves = Commission.TRANSITIONS.get(current, set())
        allowed = [s for s in Commission.Status.values if s in moves]  # forward first
        if current == to_status:
            message = _("“%(title)s” is already %(status)s.")
        elif not allowed:
            message = _("“%(title)s” is %(status)s; its commission cannot move any more.")
        else:
            message = _(
                "“%(title)s” is %(status)s and cannot move to %(target)s: "
                "next it can only go to %(allowed)s."
            )
        raise Conflict(
            message
            % {
                "title": commission.work.title,
                "status": str(labels[current]).lower(),
                "target": str(labels[to_status]).lower(),
                "allowed": _(" or ").join(str(labels[s]).lower() for s in allowed),
            },
            detail={"from": current, "to": to_status, "allowed": allowed},
        )
    commission.status = to_status
    commission.save(update_fields=["status"])
    work = commission.work
    work.status = WORK_STATUS_FOR_COMMISSION[to_status]
    fields = ["status"]
    if to_status == Commission.Status.PREMIERED and work.premiere_date is None:
        work.premiere_date = company_today(now)
        fields.append("premiere_date")
    work.save(update_fields=fields)
    return commission


@transaction.atomic
def milestone_create(
    *, commission: Commission, title: str, due_on: dt.date | None = None
) -> Milestone:
    milestone = Milestone(commission=commission, title=repair(title), due_on=due_on)
    if not milestone.title:
        raise ValidationFailed(
            _("Give the milestone a title, for example “First studio showing”."), field="title"
        )
    _full_clean(milestone, exclude=["commission"])
    milestone.save()
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, now: dt.datetime, done_on: dt.date | None = None
) -> Milestone:
    """Mark a milestone done, on ``done_on`` or today."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    done = done_on or company_today(now)
    if done > company_today(now):
        raise ValidationFailed(
            _("A milestone cannot be done in the future; give today's date or an earlier one."),
            field="done_on",
        )
    milestone.done_on = done
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone) -> Milestone:
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.done_on = None
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    Milestone.objects.filter(pk=milestone.pk).delete()
