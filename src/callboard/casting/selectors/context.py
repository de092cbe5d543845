"""What the casting rules read, loaded with a fixed number of queries whatever the size of the
company (tests assert it), and what announcements and notice deadlines say. The rules
themselves live in :mod:`callboard.casting.rules`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    Tier,
    role_tier,
)
from callboard.casting.rules import (
    Booking,
    CastingContext,
    NoticeRules,
    lead_rest_days_setting,
    stage_overlaps,
)
from callboard.company.models import Company
from callboard.repertoire.models import DancerRole, Role, Section
from callboard.season.models import Performance
from callboard.season.selectors import local_day


def notice_rules() -> NoticeRules:
    """The company's notice periods (labour profile) and the lead-rest setting."""
    company = Company.objects.select_related("labour_profile").first()
    profile = company.labour_profile if company else None
    rest = lead_rest_days_setting()
    if profile is None:
        return NoticeRules(lead_rest_days=rest)
    return NoticeRules(
        principal_days=profile.principal_notice_days,
        announceable_days=profile.announceable_notice_days,
        full_days=profile.full_casting_notice_days,
        personal_hours=profile.personal_notice_hours,
        lead_rest_days=rest,
    )


def production_roles(work_ids: Iterable[int]) -> list[Role]:
    return list(
        Role.objects.filter(work_id__in=list(work_ids))
        .select_related("work")
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.only("pk", "parent_id", "work_id"))
        )
        .order_by("work__title", "-principal", "-announceable", "name")
    )


def _bookings(
    dancer_ids: Iterable[int], performances: Sequence[Performance], rest_days: int
) -> dict[int, list[Booking]]:
    ids = list(set(dancer_ids))
    if not ids or not performances:
        return {}
    margin = dt.timedelta(days=rest_days + 1)
    start = min(p.starts_at for p in performances) - margin
    end = max(p.ends_at for p in performances) + margin
    rows = (
        CastAssignment.objects.filter(
            kind=CastAssignment.Kind.FIRST,
            dancer_id__in=ids,
            performance__starts_at__gte=start,
            performance__starts_at__lte=end,
        )
        .exclude(performance__status=Performance.Status.CANCELLED)
        .select_related("performance__venue", "performance__programme", "role__work")
    )
    result: dict[int, list[Booking]] = defaultdict(list)
    for a in rows:
        p = a.performance
        result[a.dancer_id].append(
            Booking(
                assignment_id=a.pk,
                performance_id=p.pk,
                role_id=a.role_id,
                role_name=a.role.name,
                work_title=a.role.work.title,
                principal=a.role.principal,
                full_length=a.role.work.full_length,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                day=local_day(p),
                billing=p.title or p.programme.title,
            )
        )
    return result


def casting_context(
    *,
    performances: Sequence[Performance],
    roles: Sequence[Role],
    dancer_ids: Iterable[int],
    assignments: Iterable[CastAssignment] | None = None,
    rules: NoticeRules | None = None,
) -> CastingContext:
    """Load what the rules need about ``dancer_ids`` in ``performances`` (5 queries).

    ``performances`` carry their venue; ``roles`` their work and prefetched sections.
    ``assignments`` of these performances may be passed when already loaded.
    """
    rules = rules or notice_rules()
    dancer_ids = list(set(dancer_ids))
    work_ids = {r.work_id for r in roles}
    sections = list(Section.objects.filter(work_id__in=work_ids).only("pk", "parent_id"))
    knows = {
        (dr.dancer_id, dr.role_id): dr
        for dr in DancerRole.objects.filter(dancer_id__in=dancer_ids, role__in=list(roles))
    }
    if assignments is None:
        assignments = CastAssignment.objects.filter(
            performance__in=list(performances), dancer_id__in=dancer_ids
        ).only("pk", "performance_id", "role_id", "dancer_id")
    in_role: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for a in assignments:
        in_role[(a.performance_id, a.role_id)][a.dancer_id] = a.pk
    return CastingContext(
        performances={p.pk: p for p in performances},
        days={p.pk: local_day(p) for p in performances},
        roles={r.pk: r for r in roles},
        overlaps=stage_overlaps(roles, sections),
        knows=knows,
        bookings=_bookings(dancer_ids, performances, rules.lead_rest_days),
        in_role=in_role,
        rules=rules,
    )


def announced_level(announcements: Iterable[CastingAnnouncement]) -> int:
    """The highest tier announced (0 when nothing is)."""
    return max((a.tier for a in announcements), default=0)


def is_published(role: Role, level: int) -> bool:
    return level >= role_tier(role)


@dataclass(frozen=True)
class Deadline:
    tier: int
    label: str
    due: dt.datetime
    announced_at: dt.datetime | None
    overdue: bool

    @property
    def announced(self) -> bool:
        return self.announced_at is not None


def deadlines(
    performance: Performance,
    announcements: Iterable[CastingAnnouncement],
    rules: NoticeRules,
    now: dt.datetime,
) -> list[Deadline]:
    """The three announcement deadlines of a performance and whether each is met."""
    announcements = list(announcements)
    result = []
    for tier in (Tier.PRINCIPAL, Tier.ANNOUNCEABLE, Tier.FULL):
        covering = [a for a in announcements if a.tier >= tier]
        due = performance.starts_at - dt.timedelta(days=rules.days_for_tier(tier))
        announced_at = min((a.announced_at for a in covering), default=None)
        result.append(
            Deadline(
                tier=int(tier),
                label=str(Tier(tier).label),
                due=due,
                announced_at=announced_at,
                overdue=announced_at is None and now > due and performance.starts_at > now,
            )
        )
    return result
