"""Rehearsal needs: what casting asks of the rehearsal room (coaching a dancer learning a
role, run-throughs, stage and dress rehearsals), computed and kept in step, or added by hand."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.casting import selectors
from callboard.casting.models import (
    CastAssignment,
    RehearsalNeed,
)
from callboard.company.models import Dancer, Staff
from callboard.core.actors import Actor
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Cap, require
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.season.models import Performance, Programme, ProgrammeWork
from callboard.season.selectors import local_day


def coaching_minutes(role: Role) -> int:
    """``CALLBOARD_CASTING_COACHING_MINUTES``: coaching a dancer learning a role needs."""
    table = {"principal": 600, "announceable": 360, "ensemble": 180}
    table.update(settings.CALLBOARD_CASTING_COACHING_MINUTES)
    if role.principal:
        return int(table["principal"])
    if role.announceable:
        return int(table["announceable"])
    return int(table["ensemble"])


@dataclass
class NeedSpec:
    key: str
    label: str
    kind: str
    minutes: int
    earliest: dt.date
    latest: dt.date
    priority: int
    people: set[int]
    staff_kind: str = ""
    work_id: int | None = None
    section_id: int | None = None
    role_id: int | None = None
    venue_id: int | None = None
    performance_id: int | None = None


def _window(earliest: dt.date, latest: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    latest = max(latest, today)
    earliest = min(max(earliest, today), latest)
    return earliest, latest


def compute_rehearsal_needs(*, programme: Programme, now: dt.datetime) -> list[NeedSpec]:
    """What the casting asks of the rehearsal room before the coming performances.

    * coaching: each dancer cast in a role they are still learning, with a répétiteur,
      before their first performance in it;
    * run-through: each act (top-level section) with each distinct first cast, before that
      cast first dances it;
    * stage rehearsal: at each venue, before the first performance there;
    * dress rehearsal: before the opening of the run.
    """
    from django.utils import timezone

    today = timezone.localdate(now)
    every = list(
        Performance.objects.filter(programme=programme)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")
    )
    coming = [p for p in every if p.starts_at > now and p.status != Performance.Status.PERFORMED]
    if not coming:
        return []
    days = {p.pk: local_day(p) for p in every}
    works = [
        item.work
        for item in ProgrammeWork.objects.filter(programme=programme)
        .select_related("work")
        .order_by("order", "pk")
    ]
    roles = selectors.production_roles(w.pk for w in works)
    sections = list(Section.objects.filter(work__in=works).order_by("order", "pk"))
    cast = list(
        CastAssignment.objects.filter(performance__in=coming, role__in=roles).select_related(
            "dancer__person", "role__work"
        )
    )
    learning = {
        (dr.dancer_id, dr.role_id)
        for dr in DancerRole.objects.filter(
            role__in=roles,
            dancer_id__in={a.dancer_id for a in cast},
            status=DancerRole.Status.LEARNING,
        )
    }
    specs: list[NeedSpec] = []

    # Coaching, per dancer and role being learned.
    order = {"first": 1, "second": 2, "third": 2, "cover": 3}
    first_seen: dict[tuple[int, int], tuple[dt.date, int, CastAssignment]] = {}
    for a in cast:
        if (a.dancer_id, a.role_id) not in learning:
            continue
        key = (a.dancer_id, a.role_id)
        day, prio = days[a.performance_id], order[a.kind]
        seen = first_seen.get(key)
        if seen is not None:
            day, prio = min(day, seen[0]), min(prio, seen[1])
        first_seen[key] = (day, prio, a)
    # Ensemble roles are coached together: one need per role for everyone learning it.
    Member = tuple[int, dt.date, int, CastAssignment]
    coaching: dict[tuple[int, int], list[Member]] = defaultdict(list)
    for (dancer_id, role_id), (day, prio, a) in first_seen.items():
        group = (role_id, 0) if a.role.dancers_needed > 1 else (role_id, dancer_id)
        coaching[group].append((dancer_id, day, prio, a))
    for (role_id, dancer_key), members in coaching.items():
        role = members[0][3].role
        day = min(m[1] for m in members)
        earliest, latest = _window(today, day - dt.timedelta(days=1), today)
        if dancer_key:
            label = _("Coaching: %(name)s learns %(role)s (%(work)s)") % {
                "name": members[0][3].dancer.person,
                "role": role.name,
                "work": role.work.title,
            }
            need_key = f"coaching:{dancer_key}:{role_id}"
        else:
            label = _("Coaching: %(role)s (%(work)s), %(n)s dancer(s) learning") % {
                "role": role.name,
                "work": role.work.title,
                "n": len(members),
            }
            need_key = f"coaching:role:{role_id}"
        specs.append(
            NeedSpec(
                key=need_key,
                label=label,
                kind=RehearsalNeed.Kind.COACHING,
                minutes=coaching_minutes(role),
                earliest=earliest,
                latest=latest,
                priority=min(m[2] for m in members),
                people={m[0] for m in members},
                staff_kind=Staff.Kind.REPETITEUR,
                work_id=role.work_id,
                role_id=role_id,
            )
        )

    # Run-throughs, per act and distinct first cast.
    first = [a for a in cast if a.kind == CastAssignment.Kind.FIRST]
    parent = {s.pk: s.parent_id for s in sections}

    def top(section_id: int) -> int:
        seen: set[int] = set()
        while parent.get(section_id) is not None and section_id not in seen:
            seen.add(section_id)
            section_id = parent[section_id]  # type: ignore[assignment]
        return section_id

    for work in works:
        work_roles = [r for r in roles if r.work_id == work.pk]
        acts = [s for s in sections if s.work_id == work.pk and s.parent_id is None]
        groups: list[tuple[Section | None, set[int]]] = []
        if acts:
            for act in acts:
                in_act = {
                    r.pk for r in work_roles if any(top(s.pk) == act.pk for s in r.sections.all())
                }
                if in_act:
                    groups.append((act, in_act))
        else:
            groups.append((None, {r.pk for r in work_roles}))
        for group_act, role_ids in groups:
            casts: dict[frozenset[int], Performance] = {}
            for p in coming:
                people = frozenset(
                    a.dancer_id for a in first if a.performance_id == p.pk and a.role_id in role_ids
                )
                if people and people not in casts:
                    casts[people] = p
            minutes_base = (
                group_act.duration_minutes if group_act and group_act.duration_minutes else None
            ) or (work.duration_minutes if group_act is None else 30)
            for people, p in casts.items():
                day = days[p.pk]
                earliest, latest = _window(
                    day - dt.timedelta(days=14), day - dt.timedelta(days=1), today
                )
                what = group_act.name if group_act else work.title
                specs.append(
                    NeedSpec(
                        key=f"run:{work.pk}:{group_act.pk if group_act else 0}:{p.pk}",
                        label=_("Run-through: %(what)s (%(work)s), cast of %(day)s")
                        % {"what": what, "work": work.title, "day": date_format(day, "j M")},
                        kind=RehearsalNeed.Kind.RUN_THROUGH,
                        minutes=int(minutes_base) + 30,
                        earliest=earliest,
                        latest=latest,
                        priority=2,
                        people=set(people),
                        staff_kind=Staff.Kind.BALLET_MASTER,
                        work_id=work.pk,
                        section_id=group_act.pk if group_act else None,
                        performance_id=p.pk,
                    )
                )

    running = sum(w.duration_minutes for w in works) or 60
    # Stage rehearsals: the first coming performance of each stay at a venue.
    previous_venue = None
    for p in every:
        if p.venue_id != previous_venue and p in coming:
            day = days[p.pk]
            earliest, latest = _window(day - dt.timedelta(days=2), day, today)
            specs.append(
                NeedSpec(
                    key=f"stage:{p.pk}",
                    label=_("Stage rehearsal at %(venue)s before %(day)s")
                    % {"venue": p.venue.name, "day": date_format(day, "j M")},
                    kind=RehearsalNeed.Kind.STAGE,
                    minutes=running + 30,
                    earliest=earliest,
                    latest=latest,
                    priority=1,
                    people={a.dancer_id for a in first if a.performance_id == p.pk},
                    staff_kind=Staff.Kind.STAGE_MANAGER,
                    venue_id=p.venue_id,
                    performance_id=p.pk,
                )
            )
        previous_venue = p.venue_id
    # Dress rehearsal before the opening (if the run has not opened yet).
    opening = every[0]
    if opening in coming:
        day = days[opening.pk]
        earliest, latest = _window(day - dt.timedelta(days=2), day - dt.timedelta(days=1), today)
        specs.append(
            NeedSpec(
                key=f"dress:{opening.pk}",
                label=_("Dress rehearsal at %(venue)s before the opening (%(day)s)")
                % {"venue": opening.venue.name, "day": date_format(day, "j M")},
                kind=RehearsalNeed.Kind.DRESS,
                minutes=running + 30,
                earliest=earliest,
                latest=latest,
                priority=1,
                people={a.dancer_id for a in first if a.performance_id == opening.pk},
                staff_kind=Staff.Kind.CONDUCTOR
                if opening.music == Performance.Music.ORCHESTRA
                else Staff.Kind.BALLET_MASTER,
                venue_id=opening.venue_id,
                performance_id=opening.pk,
            )
        )
    return specs


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def rehearsal_needs_sync(*, programme: Programme, now: dt.datetime) -> SyncResult:
    """Bring the needs computed from casting up to date; needs edited by hand are kept."""
    specs = {s.key: s for s in compute_rehearsal_needs(programme=programme, now=now)}
    existing = {
        n.key: n
        for n in RehearsalNeed.objects.filter(programme=programme)
        .exclude(key="")
        .prefetch_related("people")
    }
    result = SyncResult()
    for key, need in existing.items():
        if key not in specs and need.source == RehearsalNeed.Source.CASTING:
            need.delete()
            result.removed += 1
    fields = (
        "label",
        "kind",
        "minutes",
        "earliest",
        "latest",
        "priority",
        "staff_kind",
        "work_id",
        "section_id",
        "role_id",
        "venue_id",
        "performance_id",
    )
    for key, spec in specs.items():
        found = existing.get(key)
        if found is None:
            need = RehearsalNeed.objects.create(
                programme=programme,
                key=key,
                source=RehearsalNeed.Source.CASTING,
                updated_at=now,
                **{f: getattr(spec, f) for f in fields},
            )
            need.people.set(spec.people)
            result.created += 1
            continue
        need = found
        if need.source != RehearsalNeed.Source.CASTING or need.dismissed:
            continue
        changed = [f for f in fields if getattr(need, f) != getattr(spec, f)]
        if changed:
            for f in changed:
                setattr(need, f, getattr(spec, f))
            need.updated_at = now
            need.save(update_fields=[*changed, "updated_at"])
        if {d.pk for d in need.people.all()} != spec.people:
            need.people.set(spec.people)
            changed.append("people")
        if changed:
            result.updated += 1
    return result


def rehearsal_needs_refresh(*, programme: Programme, by: Actor, now: dt.datetime) -> SyncResult:
    """Recompute the needs from the casting on request (the page's button)."""
    require(by, Cap.EDIT_CASTING)
    return rehearsal_needs_sync(programme=programme, now=now)


NEED_FIELDS = ("label", "kind", "minutes", "earliest", "latest", "priority", "staff_kind", "notes")


def _validate_need(values: dict[str, Any]) -> None:
    if not str(values.get("label") or "").strip():
        raise ValidationFailed(_("Say what is to be rehearsed."), field="label")
    if values.get("kind") not in RehearsalNeed.Kind.values:
        raise ValidationFailed(
            _("Kind must be coaching, run-through, stage or dress rehearsal."), field="kind"
        )
    minutes = values.get("minutes")
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise ValidationFailed(_("Minutes must be between 1 and 1440."), field="minutes")
    earliest, latest = values.get("earliest"), values.get("latest")
    if not isinstance(earliest, dt.date) or not isinstance(latest, dt.date):
        raise ValidationFailed(_("Give the first and last day it may happen."), field="earliest")
    if latest < earliest:
        raise ValidationFailed(
            _("The last day comes before the first day; swap them."), field="latest"
        )
    priority = values.get("priority")
    if not isinstance(priority, int) or not 1 <= priority <= 5:
        raise ValidationFailed(_("Priority is 1 (most urgent) to 5."), field="priority")
    staff = values.get("staff_kind") or ""
    if staff and staff not in Staff.Kind.values:
        raise ValidationFailed(
            _("Unknown staff role “%(kind)s”.") % {"kind": staff}, field="staff_kind"
        )


@transaction.atomic
def rehearsal_need_create(
    *,
    programme: Programme,
    values: dict[str, Any],
    people: Iterable[Dancer] = (),
    work: Work | None = None,
    section: Section | None = None,
    by: Actor,
    now: dt.datetime,
) -> RehearsalNeed:
    """A need entered by hand (``values``: label, kind, minutes, earliest, latest, priority…)."""
    require(by, Cap.EDIT_CASTING)
    values = {k: values.get(k) for k in NEED_FIELDS}
    values["staff_kind"] = values.get("staff_kind") or ""
    values["notes"] = values.get("notes") or ""
    _validate_need(values)
    if section is not None and work is not None and section.work_id != work.pk:
        raise ValidationFailed(_("That section belongs to another work."), field="section")
    need = RehearsalNeed.objects.create(
        programme=programme,
        source=RehearsalNeed.Source.MANUAL,
        work=work or (section.work if section else None),
        section=section,
        updated_at=now,
        **values,
    )
    need.people.set(list(people))
    return need


@transaction.atomic
def rehearsal_need_update(
    *, need: RehearsalNeed, changes: Mapping[str, Any], by: Actor, now: dt.datetime
) -> RehearsalNeed:
    """Edit a need (``changes``: its fields that change, and ``people``, who it needs, when
    given and not None); a computed need edited by hand becomes manual and stays as edited."""
    require(by, Cap.EDIT_CASTING)
    values = {k: v for k, v in changes.items() if k != "people"}
    people: Iterable[Dancer] | None = changes.get("people")
    need = RehearsalNeed.objects.select_for_update().get(pk=need.pk)
    merged = {k: getattr(need, k) for k in NEED_FIELDS}
    merged.update({k: v for k, v in values.items() if k in NEED_FIELDS and v is not None})
    merged["staff_kind"] = merged.get("staff_kind") or ""
    merged["notes"] = merged.get("notes") or ""
    _validate_need(merged)
    for k, v in merged.items():
        setattr(need, k, v)
    need.source = RehearsalNeed.Source.MANUAL
    need.updated_at = now
    need.save()
    if people is not None:
        need.people.set(list(people))
    return need


@transaction.atomic
def rehearsal_need_delete(*, need: RehearsalNeed, by: Actor, now: dt.datetime) -> None:
    """Remove a need; a computed one is dismissed so the computation does not bring it back."""
    require(by, Cap.EDIT_CASTING)
    if need.key:
        need.dismissed = True
        need.source = RehearsalNeed.Source.MANUAL
        need.updated_at = now
        need.save(update_fields=["dismissed", "source", "updated_at"])
    else:
        need.delete()
