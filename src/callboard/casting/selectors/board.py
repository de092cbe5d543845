"""The casting board of a programme (roles against performances, casts and covers, each cell
with what the rules say) and the candidates for a place."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from callboard.casting.models import (
    LAYERS,
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    CastingProposal,
    Tier,
    layer_key,
    parse_layer,
    role_tier,
)
from callboard.casting.rules import (
    Finding,
    NoticeRules,
    check,
)
from callboard.casting.selectors.context import (
    Deadline,
    announced_level,
    casting_context,
    deadlines,
    is_published,
    notice_rules,
    production_roles,
)
from callboard.company.collation import name_ordering
from callboard.company.models import Dancer
from callboard.core.roles import Cap, can
from callboard.core.text import search_key
from callboard.repertoire.models import DancerRole, Role, Work
from callboard.season.clashes import Clash, clashes
from callboard.season.models import Performance, Programme


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


@dataclass(frozen=True)
class CannotDance:
    """A cast dancer who cannot dance that day, and why (the planning view's words only)."""

    dancer_name: str
    role_name: str
    performance: Performance
    day: dt.date
    kind: str
    reason: str


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
    cannot_dance: list[CannotDance] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)

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
    cannot_dance = [
        CannotDance(
            dancer_name=str(a.dancer.person),
            role_name=ctx.roles[a.role_id].name,
            performance=ctx.performances[a.performance_id],
            day=ctx.days[a.performance_id],
            kind=a.kind,
            reason=f.message,
        )
        for a in sorted(assignments, key=lambda a: (ctx.days[a.performance_id], a.role_id))
        if not column_of[a.performance_id].past
        for f in findings_of[a.pk]
        if f.code == "unavailable"
    ]
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
        cannot_dance=cannot_dance,
        clashes=(
            clashes(
                start=performances[0].starts_at,
                end=performances[-1].ends_at,
                performance_ids=perf_ids,
            )
            if performances
            else []
        ),
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


def dancers_matching(query: str, *, limit: int = 40) -> list[Dancer]:
    """Dancers whose name contains every word of ``query``, accents and case ignored."""
    words = search_key(query).split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(person__search_names__contains=word)
    return list(
        Dancer.objects.filter(condition)
        .exclude(status=Dancer.Status.RETIRED)
        .select_related("person")
        .order_by(*name_ordering("person__"), "pk")[:limit]
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
