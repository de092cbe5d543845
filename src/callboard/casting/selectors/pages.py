"""Reads for casting's other pages and the API: who may see drafts, a performance's and a
dancer's casting, suggestions, rehearsal needs, the change log, notifications, the index,
and look-ups by id or name."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.casting.models import (
    CastAssignment,
    CastingChange,
    CastingProposal,
    Notification,
    RehearsalNeed,
    Tier,
)
from callboard.casting.selectors.board import dancers_matching, production_performances
from callboard.casting.selectors.context import deadlines, notice_rules
from callboard.company.models import Dancer
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.roles import Cap, can
from callboard.core.text import search_key
from callboard.repertoire.models import DancerRole, Role, Work
from callboard.season.models import Performance, Programme


def can_see_drafts(user: Any) -> bool:
    return can(user, Cap.VIEW_CASTING)


def published_filter(user: Any, qs: QuerySet[CastAssignment]) -> QuerySet[CastAssignment]:
    """Limit ``qs`` to announced casting unless ``user`` may see drafts.

    A role's casting is announced when its performance's announcement reaches the role's
    tier (principal roles first, then announceable roles, then everything).
    """
    if can_see_drafts(user):
        return qs
    full = Q(performance__casting_announcements__tier__gte=Tier.FULL)
    announceable = Q(performance__casting_announcements__tier__gte=Tier.ANNOUNCEABLE) & (
        Q(role__principal=True) | Q(role__announceable=True)
    )
    principal = Q(performance__casting_announcements__tier__gte=Tier.PRINCIPAL) & Q(
        role__principal=True
    )
    return qs.filter(full | announceable | principal).distinct()


def performance_casting(*, performance: Performance, user: Any) -> list[CastAssignment]:
    qs = CastAssignment.objects.filter(performance=performance).select_related(
        "dancer__person", "role__work"
    )
    return list(
        published_filter(user, qs).order_by(
            "role__work__title", "role__name", "kind", "rank", "slot"
        )
    )


def programme_sheet(*, programme: Programme, user: Any, now: dt.datetime) -> dict[str, Any]:
    """The printable casting sheet: per performance, per role, the first cast and covers."""
    performances = production_performances(programme)
    qs = CastAssignment.objects.filter(performance__in=performances).select_related(
        "dancer__person", "role__work", "performance"
    )
    rows = list(
        published_filter(user, qs).order_by(
            "performance__starts_at",
            "role__work__title",
            "-role__principal",
            "role__name",
            "kind",
            "rank",
            "slot",
        )
    )
    by_perf: dict[int, list[CastAssignment]] = defaultdict(list)
    for a in rows:
        by_perf[a.performance_id].append(a)
    return {
        "programme": programme,
        "performances": [(p, by_perf.get(p.pk, [])) for p in performances],
        "drafts_shown": can_see_drafts(user),
        "now": now,
    }


def dancer_casting(*, dancer: Dancer, user: Any, now: dt.datetime) -> dict[str, Any]:
    """A dancer's roles (with history) and their coming casting, as ``user`` may see it."""
    roles = list(
        DancerRole.objects.filter(dancer=dancer)
        .select_related("role__work")
        .order_by("role__work__title", "role__name")
    )
    upcoming_qs = (
        CastAssignment.objects.filter(dancer=dancer, performance__starts_at__gt=now)
        .exclude(performance__status=Performance.Status.CANCELLED)
        .select_related("performance__venue", "performance__programme", "role__work")
    )
    upcoming = list(
        published_filter(user, upcoming_qs).order_by("performance__starts_at", "kind", "rank")[:100]
    )
    danced = list(
        CastAssignment.objects.filter(
            dancer=dancer, kind=CastAssignment.Kind.FIRST, performance__danced_record__isnull=False
        )
        .select_related("performance__venue", "performance__programme", "role__work")
        .order_by("-performance__starts_at")[:50]
    )
    return {"dancer": dancer, "roles": roles, "upcoming": upcoming, "danced": danced}


def work_performance_history(
    *, work: Work, limit: int = 50
) -> list[tuple[Performance, list[CastAssignment]]]:
    """Performances of ``work`` that took place, newest first, each with its first cast."""
    performances = list(
        Performance.objects.filter(programme__items__work=work)
        .filter(Q(status=Performance.Status.PERFORMED) | Q(danced_record__isnull=False))
        .select_related("venue", "programme")
        .distinct()
        .order_by("-starts_at")[:limit]
    )
    cast = CastAssignment.objects.filter(
        performance__in=performances, role__work=work, kind=CastAssignment.Kind.FIRST
    ).select_related("dancer__person", "role")
    by_perf: dict[int, list[CastAssignment]] = defaultdict(list)
    for a in cast.order_by("-role__principal", "role__name", "slot"):
        by_perf[a.performance_id].append(a)
    return [(p, by_perf.get(p.pk, [])) for p in performances]


def proposal_detail(*, pk: int) -> dict[str, Any] | None:
    proposal = (
        CastingProposal.objects.select_related("programme", "work", "created_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        return None
    items = list(
        proposal.items.select_related(
            "performance__venue", "performance__programme", "role__work", "dancer__person"
        ).order_by(
            "performance__starts_at",
            "role__work__title",
            "-role__principal",
            "role__name",
            "kind",
            "rank",
            "slot",
        )
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    performances: dict[int, Performance] = {}
    for item in items:
        grouped[item.performance_id].append(item)
        performances[item.performance_id] = item.performance
    return {
        "proposal": proposal,
        "groups": [(performances[k], v) for k, v in grouped.items()],
        "count": len(items),
    }


def rehearsal_needs(*, programme: Programme | None = None) -> list[RehearsalNeed]:
    qs = RehearsalNeed.objects.select_related(
        "programme", "work", "section", "role", "venue", "performance"
    ).prefetch_related(Prefetch("people", queryset=Dancer.objects.select_related("person")))
    qs = qs.filter(dismissed=False)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return list(qs.order_by("latest", "priority", "pk")[:500])


def casting_changes(*, programme: Programme, limit: int = 200) -> list[CastingChange]:
    return list(
        CastingChange.objects.filter(performance__programme=programme)
        .select_related(
            "performance__venue",
            "role__work",
            "old_dancer__person",
            "new_dancer__person",
            "changed_by",
        )
        .order_by("-changed_at", "-pk")[:limit]
    )


def notifications_for(*, person: Any, limit: int = 100) -> list[Notification]:
    if person is None:
        return []
    return list(
        Notification.objects.filter(person=person)
        .select_related("email")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass
class ProgrammeSummary:
    programme: Programme
    performances: int
    next_performance: Performance | None
    overdue: int


def casting_index(*, now: dt.datetime) -> list[ProgrammeSummary]:
    """Programmes with coming performances, and how many announcements are overdue."""
    rules = notice_rules()
    performances = list(
        Performance.objects.filter(starts_at__gt=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("programme", "venue")
        .prefetch_related("casting_announcements")
        .order_by("starts_at")[:500]
    )
    grouped: dict[int, list[Performance]] = defaultdict(list)
    for p in performances:
        grouped[p.programme_id].append(p)
    result = []
    for perfs in grouped.values():
        overdue = sum(
            1
            for p in perfs
            for d in deadlines(p, p.casting_announcements.all(), rules, now)
            if d.overdue
        )
        result.append(
            ProgrammeSummary(
                programme=perfs[0].programme,
                performances=len(perfs),
                next_performance=perfs[0],
                overdue=overdue,
            )
        )
    result.sort(key=lambda s: s.next_performance.starts_at if s.next_performance else now)
    return result


def get_performance(pk: Any) -> Performance:
    try:
        return Performance.objects.select_related("venue", "programme").get(pk=int(pk))
    except (Performance.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No performance with id %(id)s.") % {"id": pk}) from None


def get_role(pk: Any) -> Role:
    try:
        return Role.objects.select_related("work").get(pk=int(pk))
    except (Role.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No role with id %(id)s.") % {"id": pk}) from None


def get_dancer(pk: Any) -> Dancer:
    try:
        return Dancer.objects.select_related("person").get(pk=int(pk))
    except (Dancer.DoesNotExist, TypeError, ValueError):
        raise NotFound(
            _("No dancer with id %(id)s. Choose a dancer from the list of suggestions.")
            % {"id": pk}
        ) from None


def get_programme(pk: Any) -> Programme:
    try:
        return Programme.objects.get(pk=int(pk))
    except (Programme.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No programme with id %(id)s.") % {"id": pk}) from None


def dancer_by_name(query: str) -> Dancer:
    """The one dancer a typed name means (accents and case ignored), or a clear error."""
    query = (query or "").strip()
    if not query:
        raise ValidationFailed(_("Type a dancer's name."), field="dancer")
    matches = dancers_matching(query, limit=10)
    if not matches:
        raise NotFound(
            _("No dancer in the company is called “%(q)s”. Check the spelling.") % {"q": query},
            field="dancer",
        )
    if len(matches) == 1:
        return matches[0]

    exact = [d for d in matches if d.person.search_name == search_key(query)]
    if len(exact) == 1:
        return exact[0]
    raise ValidationFailed(
        _("Several dancers match “%(q)s”: %(names)s. Choose one from the list.")
        % {"q": query, "names": ", ".join(str(d.person) for d in matches[:5])},
        field="dancer",
    )
