"""Works, their sections (acts, scenes, variations...) and roles, and who knows which role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.company.models import Dancer, Person
from callboard.core.actors import Actor
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.core.text import repair
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.repertoire.services.common import (
    MAX_DANCERS_PER_ROLE,
    MAX_ORDER,
    OPEN_COMMISSION,
    ROLE_FIELDS,
    SECTION_FIELDS,
    WORK_FIELDS,
    _check_duration,
    _delete,
    _full_clean,
    _reject_unknown,
    _save,
    _tidy,
)


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
    by: Actor,
    now: dt.datetime,
) -> Work:
    """Add a work to the repertoire. Titles are unique, whatever their case."""
    require(by, Cap.EDIT_REPERTOIRE)
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
    audit.record(
        actor=by,
        action="repertoire.work_create",
        obj=work,
        at=now,
        summary=_("%(title)s added to the repertoire") % {"title": work.title},
        changes=audit.diff({}, fields),
    )
    return work


@transaction.atomic
def work_update(*, work: Work, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Work:
    """Change some of a work's facts. While a commission is open, its status follows the
    commission and cannot be set here."""
    require(by, Cap.EDIT_REPERTOIRE)
    before = audit.fields_of(work, changes)
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
    audit.record(
        actor=by,
        action="repertoire.work_update",
        obj=work,
        at=now,
        summary=_("%(title)s changed") % {"title": work.title},
        changes=audit.diff(before, audit.fields_of(work, changes)),
    )
    return work


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
    by: Actor,
    now: dt.datetime,
) -> Section:
    """Add an act, scene, variation… to a work; without ``order`` it goes after its siblings."""
    require(by, Cap.EDIT_REPERTOIRE)
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
    audit.record(
        actor=by,
        action="repertoire.section_create",
        obj=section,
        parent=work,
        at=now,
        summary=_("Section %(name)s added to %(title)s")
        % {"name": section.name, "title": work.title},
    )
    return section


@transaction.atomic
def section_update(
    *, section: Section, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> Section:
    require(by, Cap.EDIT_REPERTOIRE)
    before = audit.fields_of(section, changes)
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
    audit.record(
        actor=by,
        action="repertoire.section_update",
        obj=section,
        parent=section.work,
        at=now,
        summary=_("Section %(name)s of %(title)s changed")
        % {"name": section.name, "title": section.work.title},
        changes=audit.diff(before, audit.fields_of(section, changes)),
    )
    return section


@transaction.atomic
def section_move(*, section: Section, direction: str, by: Actor, now: dt.datetime) -> Section:
    """Move a section one place ``"up"`` or ``"down"`` among its siblings, renumbering them."""
    require(by, Cap.EDIT_REPERTOIRE)
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
def section_delete(*, section: Section, by: Actor, now: dt.datetime) -> None:
    """Remove a section. One with parts inside must be emptied first: nothing goes by accident."""
    require(by, Cap.EDIT_REPERTOIRE)
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
    audit.record(
        actor=by,
        action="repertoire.section_delete",
        obj=section.work,
        at=now,
        summary=_("Section %(name)s of %(title)s removed")
        % {"name": section.name, "title": section.work.title},
    )


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
    by: Actor,
    now: dt.datetime,
) -> Role:
    """Add a role to a work: how many dancers dance it and in which of the work's sections."""
    require(by, Cap.EDIT_REPERTOIRE)
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
    audit.record(
        actor=by,
        action="repertoire.role_create",
        obj=role,
        parent=work,
        at=now,
        summary=_("Role %(name)s added to %(title)s") % {"name": role.name, "title": work.title},
    )
    return role


@transaction.atomic
def role_update(*, role: Role, changes: Mapping[str, Any], by: Actor, now: dt.datetime) -> Role:
    require(by, Cap.EDIT_REPERTOIRE)
    before = audit.fields_of(role, [k for k in changes if k != "sections"])
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
    audit.record(
        actor=by,
        action="repertoire.role_update",
        obj=role,
        parent=role.work,
        at=now,
        summary=_("Role %(name)s of %(title)s changed")
        % {"name": role.name, "title": role.work.title},
        changes=audit.diff(before, audit.fields_of(role, before)),
    )
    return role


@transaction.atomic
def role_delete(*, role: Role, by: Actor, now: dt.datetime) -> None:
    """Remove a role and what dancers knew of it."""
    require(by, Cap.EDIT_REPERTOIRE)
    role = Role.objects.select_for_update().get(pk=role.pk)
    _delete(
        role,
        in_use=_("“%(name)s” is cast in performances; remove it from the casting first.")
        % {"name": role.name},
    )
    audit.record(
        actor=by,
        action="repertoire.role_delete",
        obj=role.work,
        at=now,
        summary=_("Role %(name)s of %(title)s removed")
        % {"name": role.name, "title": role.work.title},
    )


@transaction.atomic
def dancer_role_set(
    *,
    dancer: Dancer,
    role: Role,
    status: str,
    since: dt.date | None = None,
    by: Actor,
    now: dt.datetime,
) -> DancerRole:
    """Record that ``dancer`` has learned, or is learning, ``role`` (replacing any record)."""
    require(by, Cap.EDIT_REPERTOIRE)
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
    audit.record(
        actor=by,
        action="repertoire.dancer_role_set",
        obj=known,
        parent=role,
        at=now,
        summary=_("%(dancer)s: %(role)s, %(status)s")
        % {"dancer": dancer, "role": role.name, "status": known.get_status_display()},
        changes={"status": [None, status], "since": [None, since]},
    )
    return known


@transaction.atomic
def dancer_role_remove(*, dancer: Dancer, role: Role, by: Actor, now: dt.datetime) -> None:
    require(by, Cap.EDIT_REPERTOIRE)
    deleted, _detail = DancerRole.objects.filter(dancer=dancer, role=role).delete()
    if not deleted:
        raise NotFound(
            _("%(dancer)s has no record for the role “%(role)s”; nothing to remove.")
            % {"dancer": dancer, "role": role.name}
        )
    audit.record(
        actor=by,
        action="repertoire.dancer_role_remove",
        obj=role,
        at=now,
        summary=_("%(dancer)s no longer recorded for %(role)s")
        % {"dancer": dancer, "role": role.name},
    )
