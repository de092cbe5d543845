"""Reads of the casting app: the board, candidates, a dancer's casting, history, needs.

Every page-sized read here makes a fixed number of queries whatever the size of the
company (tests assert it). The rules themselves live in :mod:`callboard.casting.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from callboard.casting.models import (
    LAYERS,
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    CastingProposal,
    Notification,
    RehearsalNeed,
    Tier,
    layer_key,
    parse_layer,
    role_tier,
)
from callboard.casting.rules import (
    Booking,
    CastingContext,
    Finding,
    NoticeRules,
    check,
    lead_rest_days_setting,
    performance_day,
    stage_overlaps,
)
from callboard.company.models import Company, Dancer, Person
from callboard.core.roles import Cap, can
from callboard.core.text import search_key
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.season.models import Performance, Programme

# --------------------------------------------------------------------------- availability


def is_guest(dancer: Dancer) -> bool:
    person: Person = dancer.person
    return dancer.rank == Dancer.Rank.GUEST or person.kind == Person.Kind.GUEST


def dancer_unavailability(dancer: Dancer, day: dt.date) -> str | None:
    """Why ``dancer`` cannot dance on ``day``, or ``None`` when they can.

    The one place availability is decided: the dancer's status, a guest's engagement,
    and the return-to-dance limits recorded in wellbeing (its redacted planning view:
    unavailable, or limited and not cleared to perform).
    """
    name = str(dancer.person)
    if dancer.status == Dancer.Status.INJURED:
        return _("%(name)s is injured.") % {"name": name}
    if dancer.status == Dancer.Status.ON_LEAVE:
        return _("%(name)s is on leave.") % {"name": name}
    if dancer.status == Dancer.Status.GUESTING:
        return _("%(name)s is guesting with another company.") % {"name": name}
    if dancer.status == Dancer.Status.RETIRED:
        return _("%(name)s has retired from the company.") % {"name": name}
    if is_guest(dancer):
        start, end = dancer.engagement_start, dancer.engagement_end
        if start is None and end is None:
            return _(
                "%(name)s is a guest artist with no engagement dates; record the engagement "
                "on their profile first."
            ) % {"name": name}
        if (start is not None and day < start) or (end is not None and day > end):
            return _(
                "%(name)s's guest engagement (%(start)s – %(end)s) does not cover %(day)s."
            ) % {
                "name": name,
                "start": _format_day(start) if start else "…",
                "end": _format_day(end) if end else "…",
                "day": _format_day(day),
            }
    # Injuries: only the planning view (unavailable / limited), never the medical detail.
    from callboard.wellbeing.planning import day_limit

    limit = day_limit(dancer.pk, day)
    if limit is not None and limit.unavailable:
        return _("%(name)s is not available to dance on %(day)s; ask the physiotherapist.") % {
            "name": name,
            "day": _format_day(day),
        }
    if limit is not None and not limit.may_perform:
        return _(
            "%(name)s is not cleared to perform on %(day)s: %(limit)s. Ask the "
            "physiotherapist before casting."
        ) % {"name": name, "day": _format_day(day), "limit": limit.describe()}
    return None


def _format_day(day: dt.date) -> str:
    return date_format(day, "j M Y")


# --------------------------------------------------------------------------- rules input


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
                day=performance_day(p),
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
        days={p.pk: performance_day(p) for p in performances},
        roles={r.pk: r for r in roles},
        overlaps=stage_overlaps(roles, sections),
        knows=knows,
        bookings=_bookings(dancer_ids, performances, rules.lead_rest_days),
        in_role=in_role,
        rules=rules,
    )


# --------------------------------------------------------------------------- announcements


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


# --------------------------------------------------------------------------- the board


@dataclass
class Cell:
    performance: Performance
    role: Role
    slot: int
    kind: str
    rank: int
    assignment: CastAssignment | None
    findings: list[Finding]
    published: bool
    editable: bool

    @property
    def layer(self) -> str:
        return layer_key(self.kind, self.rank)

    @property
    def hole(self) -> bool:
        return self.assignment is None and self.kind == CastAssignment.Kind.FIRST

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking and f.code != "learning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.code == "learning"]

    @property
    def dom_id(self) -> str:
        return f"cell-{self.performance.pk}-{self.role.pk}-{self.slot}-{self.layer}"


@dataclass
class Row:
    role: Role
    slot: int
    tier: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        if self.role.dancers_needed > 1 and self.cells and self.cells[0].kind != "cover":
            return f"{self.role.name} {self.slot + 1}/{self.role.dancers_needed}"
        return self.role.name


@dataclass
class Block:
    work: Work
    rows: list[Row]


@dataclass
class Column:
    performance: Performance
    day: dt.date
    level: int
    deadlines: list[Deadline]
    past: bool
    recorded: bool
    holes: int = 0
    warnings: int = 0
    errors: int = 0

    @property
    def overdue(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.overdue]

    @property
    def level_label(self) -> str:
        return str(Tier(self.level).label) if self.level else _("Draft")


@dataclass
class Board:
    programme: Programme
    work: Work | None
    works: list[Work]
    layer: str
    kind: str
    rank: int
    columns: list[Column]
    blocks: list[Block]
    rules: NoticeRules
    open_proposals: list[CastingProposal] = field(default_factory=list)
    recent_changes: list[CastingChange] = field(default_factory=list)

    @property
    def holes(self) -> int:
        return sum(c.holes for c in self.columns)

    @property
    def warnings(self) -> int:
        return sum(c.warnings for c in self.columns)

    @property
    def errors(self) -> int:
        return sum(c.errors for c in self.columns)

    @property
    def layers(self) -> list[tuple[str, str]]:
        return [(key, str(label)) for key, _k, _r, label in LAYERS]


def production_performances(
    programme: Programme, *, include_past: bool = True, now: dt.datetime | None = None
) -> list[Performance]:
    qs = (
        Performance.objects.filter(programme=programme)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")
    )
    if not include_past and now is not None:
        qs = qs.filter(starts_at__gt=now)
    return list(qs)


def programme_works(programme: Programme) -> list[Work]:
    return [item.work for item in programme.items.select_related("work").order_by("order", "pk")]


def casting_board(
    *,
    programme: Programme,
    work: Work | None = None,
    layer: str = "first",
    include_past: bool = False,
    now: dt.datetime,
    user: Any = None,
) -> Board:
    """The grid of a production's roles against its performances, with every finding.

    A fixed number of queries, whatever the number of roles, performances and dancers.
    """
    kind, rank = parse_layer(layer) or ("first", 1)
    layer = layer_key(kind, rank)
    rules = notice_rules()
    works = programme_works(programme)
    shown_works = [w for w in works if work is None or w.pk == work.pk]
    performances = production_performances(programme, include_past=include_past, now=now)
    perf_ids = [p.pk for p in performances]
    roles = production_roles(w.pk for w in shown_works)
    assignments = list(
        CastAssignment.objects.filter(performance_id__in=perf_ids, role__in=roles).select_related(
            "dancer__person"
        )
    )
    announcements: dict[int, list[CastingAnnouncement]] = defaultdict(list)
    for ann in CastingAnnouncement.objects.filter(performance_id__in=perf_ids):
        announcements[ann.performance_id].append(ann)
    recorded = set(
        Performance.objects.filter(pk__in=perf_ids, danced_record__isnull=False).values_list(
            "pk", flat=True
        )
    )
    ctx = casting_context(
        performances=performances,
        roles=roles,
        dancer_ids=[a.dancer_id for a in assignments],
        assignments=assignments,
        rules=rules,
    )
    editable = user is None or can(user, Cap.EDIT_CASTING)
    by_key = {(a.performance_id, a.role_id, a.slot, a.kind, a.rank): a for a in assignments}
    columns = []
    for p in performances:
        past = p.starts_at <= now or p.status == Performance.Status.PERFORMED
        columns.append(
            Column(
                performance=p,
                day=ctx.days[p.pk],
                level=announced_level(announcements[p.pk]),
                deadlines=deadlines(p, announcements[p.pk], rules, now),
                past=past,
                recorded=p.pk in recorded,
            )
        )
    # Findings of every assignment (all layers), counted per column.
    findings_of: dict[int, list[Finding]] = {}
    for a in assignments:
        findings_of[a.pk] = [
            f
            for f in check(
                ctx,
                dancer=a.dancer,
                performance_id=a.performance_id,
                role_id=a.role_id,
                kind=a.kind,
                replacing_assignment_id=a.pk,
            )
            if f.code != "already_in_role"
        ]
    column_of = {c.performance.pk: c for c in columns}
    for a in assignments:
        col = column_of[a.performance_id]
        col.errors += sum(1 for f in findings_of[a.pk] if f.blocking)
        col.warnings += sum(1 for f in findings_of[a.pk] if not f.blocking and f.code != "learning")
    for col in columns:
        for role in roles:
            for slot in range(role.dancers_needed):
                if (col.performance.pk, role.pk, slot, "first", 1) not in by_key:
                    col.holes += 1

    blocks = []
    for w in shown_works:
        rows = []
        for role in (r for r in roles if r.work_id == w.pk):
            slots = range(role.dancers_needed) if kind != "cover" else range(1)
            for slot in slots:
                cells = []
                for col in columns:
                    held = by_key.get((col.performance.pk, role.pk, slot, kind, rank))
                    cells.append(
                        Cell(
                            performance=col.performance,
                            role=role,
                            slot=slot,
                            kind=kind,
                            rank=rank,
                            assignment=held,
                            findings=findings_of.get(held.pk, []) if held else [],
                            published=is_published(role, col.level),
                            editable=editable and not col.past,
                        )
                    )
                rows.append(Row(role=role, slot=slot, tier=role_tier(role), cells=cells))
        blocks.append(Block(work=w, rows=rows))
    proposals = list(
        CastingProposal.objects.filter(
            programme=programme,
            status__in=[CastingProposal.Status.OPEN, CastingProposal.Status.WORKING],
        )
        .select_related("created_by")
        .order_by("-created_at")[:5]
    )
    changes = list(
        CastingChange.objects.filter(performance_id__in=perf_ids)
        .select_related(
            "role", "old_dancer__person", "new_dancer__person", "changed_by", "performance"
        )
        .order_by("-changed_at")[:10]
    )
    return Board(
        programme=programme,
        work=work,
        works=works,
        layer=layer,
        kind=kind,
        rank=rank,
        columns=columns,
        blocks=blocks,
        rules=rules,
        open_proposals=proposals,
        recent_changes=changes,
    )


def board_cell(
    *,
    performance: Performance,
    role: Role,
    slot: int,
    kind: str,
    rank: int,
    now: dt.datetime,
    user: Any,
) -> Cell:
    """One cell of the board, re-rendered after an edit."""
    roles = production_roles([role.work_id])
    role = next(r for r in roles if r.pk == role.pk)
    assignment = (
        CastAssignment.objects.filter(
            performance=performance, role=role, slot=slot, kind=kind, rank=rank
        )
        .select_related("dancer__person")
        .first()
    )
    level = announced_level(CastingAnnouncement.objects.filter(performance=performance))
    findings: list[Finding] = []
    if assignment is not None:
        ctx = casting_context(
            performances=[performance], roles=roles, dancer_ids=[assignment.dancer_id]
        )
        findings = [
            f
            for f in check(
                ctx,
                dancer=assignment.dancer,
                performance_id=performance.pk,
                role_id=role.pk,
                kind=kind,
                replacing_assignment_id=assignment.pk,
            )
            if f.code != "already_in_role"
        ]
    past = performance.starts_at <= now or performance.status == Performance.Status.PERFORMED
    return Cell(
        performance=performance,
        role=role,
        slot=slot,
        kind=kind,
        rank=rank,
        assignment=assignment,
        findings=findings,
        published=is_published(role, level),
        editable=can(user, Cap.EDIT_CASTING) and not past,
    )


# --------------------------------------------------------------------------- candidates


def dancers_matching(query: str, *, limit: int = 40) -> list[Dancer]:
    """Dancers whose name contains every word of ``query``, accents and case ignored."""
    words = search_key(query).split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(person__search_name__contains=word)
    return list(
        Dancer.objects.filter(condition)
        .exclude(status=Dancer.Status.RETIRED)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")[:limit]
    )


@dataclass
class Candidate:
    dancer: Dancer
    findings: list[Finding]
    known: DancerRole | None

    @property
    def ok(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def cast_candidates(
    *,
    performance: Performance,
    role: Role,
    kind: str,
    slot: int = 0,
    rank: int = 1,
    query: str = "",
    limit: int = 12,
) -> list[Candidate]:
    """Dancers for a cell, each with what the rules say; qualified and free ones first.

    With an empty ``query``: the dancers who know the role. A fixed number of queries.
    """
    roles = production_roles([role.work_id])
    role = next(r for r in roles if r.pk == role.pk)
    if query.strip():
        dancers = dancers_matching(query)
    else:
        dancers = [
            dr.dancer
            for dr in DancerRole.objects.filter(role=role)
            .exclude(dancer__status=Dancer.Status.RETIRED)
            .select_related("dancer__person")[:60]
        ]
    current = (
        CastAssignment.objects.filter(
            performance=performance, role=role, slot=slot, kind=kind, rank=rank
        )
        .values_list("pk", flat=True)
        .first()
    )
    ctx = casting_context(
        performances=[performance], roles=roles, dancer_ids=[d.pk for d in dancers]
    )
    result = []
    for d in dancers:
        findings = check(
            ctx,
            dancer=d,
            performance_id=performance.pk,
            role_id=role.pk,
            kind=kind,
            replacing_assignment_id=current,
        )
        result.append(Candidate(dancer=d, findings=findings, known=ctx.knows.get((d.pk, role.pk))))
    result.sort(
        key=lambda c: (
            not c.ok,
            c.known is None,
            len(c.warnings),
            c.dancer.rank_index,
            c.dancer.person.family_name,
        )
    )
    return result[:limit]


# --------------------------------------------------------------------------- visibility


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


# --------------------------------------------------------------------------- dancers


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


# --------------------------------------------------------------------------- suggestions


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


# --------------------------------------------------------------------------- needs, logs


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
