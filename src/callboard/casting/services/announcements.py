"""Announcing casting: the places of a tier become public, each dancer is told, and the
notice deadlines of the labour agreement are checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from callboard.audit import services as audit
from callboard.casting import selectors
from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    Notification,
    Tier,
    role_tier,
)
from callboard.casting.services.common import _check_open, _describe, _lock_performances, notify
from callboard.company.models import Person
from callboard.core.actors import Actor, user_of
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.roles import Cap, require
from callboard.season.models import Performance, Programme, ProgrammeWork


@dataclass
class AnnounceResult:
    announcement: CastingAnnouncement
    created: bool
    notified: int
    holes: int


@transaction.atomic
def casting_announce(
    *, performance: Performance, tier: int, by: Actor, now: dt.datetime, send_email: bool = True
) -> AnnounceResult:
    """Announce the casting of ``performance`` up to ``tier`` and tell each dancer named.

    Announcing a tier announces the tiers before it too (full casting includes the
    principals). Holes may remain; the result counts them.
    """
    require(by, Cap.APPROVE_CASTING)
    if tier not in Tier.values:
        raise ValidationFailed(
            _("Announce principal roles (1), announceable roles (2) or the full casting (3)."),
            field="tier",
        )
    locked = _lock_performances([performance.pk])
    if performance.pk not in locked:
        raise NotFound(_("That performance no longer exists."))
    performance = locked[performance.pk]
    _check_open(performance, now)
    announcements = list(CastingAnnouncement.objects.filter(performance=performance))
    level = selectors.announced_level(announcements)
    existing = next((a for a in announcements if a.tier == tier), None)
    roles = selectors.production_roles(
        ProgrammeWork.objects.filter(programme_id=performance.programme_id).values_list(
            "work_id", flat=True
        )
    )
    holes = 0
    cast = list(
        CastAssignment.objects.filter(performance=performance).select_related(
            "dancer__person", "role"
        )
    )
    filled = {(a.role_id, a.slot) for a in cast if a.kind == CastAssignment.Kind.FIRST}
    for role in roles:
        if role_tier(role) <= tier:
            holes += sum(1 for s in range(role.dancers_needed) if (role.pk, s) not in filled)
    if existing is not None or tier <= level:
        return AnnounceResult(
            announcement=existing or max(announcements, key=lambda a: a.tier),
            created=False,
            notified=0,
            holes=holes,
        )
    announcement = CastingAnnouncement.objects.create(
        performance=performance, tier=tier, announced_at=now, announced_by=user_of(by)
    )
    audit.record(
        actor=by,
        action="casting.announce",
        obj=performance,
        parent=performance.programme,
        summary=_("Announced %(tier)s for %(where)s; %(holes)s place(s) still open.")
        % {
            "tier": str(Tier(tier).label).lower(),
            "where": _describe(performance),
            "holes": holes,
        },
        changes={"announced": [str(Tier(level).label) if level else None, Tier(tier).label]},
        at=now,
    )
    newly: dict[int, list[CastAssignment]] = {}
    for a in cast:
        if level < role_tier(a.role) <= tier:
            newly.setdefault(a.dancer_id, []).append(a)
    where = _describe(performance)
    for items in newly.values():
        dancer = items[0].dancer
        lines = "\n".join(f"- {a.role.name} ({a.get_kind_display()})" for a in items)
        notify(
            person=dancer.person,
            subject=_("Casting announced: %(where)s") % {"where": where},
            body=_("You are cast in %(where)s:\n%(lines)s") % {"where": where, "lines": lines},
            url=reverse("casting:dancer", args=[dancer.pk]),
            now=now,
            send_email=send_email,
        )
    return AnnounceResult(announcement=announcement, created=True, notified=len(newly), holes=holes)


def casting_announce_due(
    *, programme: Programme, tier: int, by: Actor, now: dt.datetime
) -> list[AnnounceResult]:
    """Announce ``tier`` for every coming performance of the production whose deadline has come."""
    require(by, Cap.APPROVE_CASTING)
    if tier not in Tier.values:
        raise ValidationFailed(
            _("Announce principal roles (1), announceable roles (2) or the full casting (3)."),
            field="tier",
        )
    rules = selectors.notice_rules()
    due = [
        p
        for p in selectors.production_performances(programme, include_past=False, now=now)
        if p.status != Performance.Status.PERFORMED
        and p.starts_at - dt.timedelta(days=rules.days_for_tier(tier)) <= now
    ]
    results = []
    with transaction.atomic():
        for p in due:
            result = casting_announce(performance=p, tier=tier, by=by, now=now)
            if result.created:
                results.append(result)
    return results


@transaction.atomic
def notification_mark_read(
    *, notification: Notification, person: Person | None, now: dt.datetime
) -> Notification:
    if person is None or notification.person_id != person.pk:
        raise NotFound(_("No such notification among yours."))
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification
