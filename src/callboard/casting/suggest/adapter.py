"""The bridge from Callboard's records to the casting solver's plain data, and back.

Eligibility is decided here with the same rules the casting board enforces
(:func:`callboard.casting.rules.check`): only dancers with no blocking finding become
options, so the solver can never propose an unqualified or unavailable dancer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from callboard.casting import selectors
from callboard.casting.models import CastAssignment
from callboard.casting.rules import check
from callboard.casting.suggest import solver as s
from callboard.company.models import Dancer
from callboard.repertoire.models import DancerRole, Role, Work
from callboard.season.models import Performance, Programme

# Findings that refuse a suggestion although a person may choose them on the board.
_REFUSED_FOR_FIRST = {"lead_rest", "two_full_length_leads"}
_REFUSED_FOR_COVER = {"cover_on_stage"}


def covers_wanted(role: Role, covers: int | None) -> int:
    """``CALLBOARD_CASTING_COVERS``: covers suggested per role (principal roles get two)."""
    if covers is not None:
        return max(0, min(int(covers), 9))
    table = {"principal": 2, "other": 1}
    table.update(settings.CALLBOARD_CASTING_COVERS)
    return int(table["principal"] if role.principal else table["other"])


@dataclass
class Built:
    problem: s.Problem
    free_slots: dict[tuple[int, int], list[int]]
    notes: dict[tuple[int, int, int], str] = field(default_factory=dict)

    def place(self, picks: Iterable[s.Pick]) -> list[tuple[s.Pick, int]]:
        """Give each first-cast pick a free slot number (covers use slot 0)."""
        free = {k: list(v) for k, v in self.free_slots.items()}
        placed = []
        for pick in sorted(
            picks, key=lambda x: (x.performance_id, x.role_id, x.kind, x.rank, x.dancer_id)
        ):
            if pick.kind == "first":
                placed.append((pick, free[(pick.performance_id, pick.role_id)].pop(0)))
            else:
                placed.append((pick, 0))
        return placed


def build_problem(
    *,
    programme: Programme,
    work: Work | None,
    performances: Sequence[Performance],
    covers: int | None = None,
) -> Built:
    works = [w for w in selectors.programme_works(programme) if work is None or w.pk == work.pk]
    roles = selectors.production_roles(w.pk for w in works)
    rules = selectors.notice_rules()
    existing = list(
        CastAssignment.objects.filter(performance__in=list(performances), role__in=roles).only(
            "pk", "performance_id", "role_id", "slot", "kind", "rank", "dancer_id"
        )
    )
    knows = list(
        DancerRole.objects.filter(role__in=roles)
        .exclude(dancer__status=Dancer.Status.RETIRED)
        .select_related("dancer__person")
    )
    knowers: dict[int, list[Dancer]] = defaultdict(list)
    for dr in knows:
        knowers[dr.role_id].append(dr.dancer)
    dancer_ids = {dr.dancer_id for dr in knows}
    ctx = selectors.casting_context(
        performances=performances,
        roles=roles,
        dancer_ids=dancer_ids,
        assignments=existing,
        rules=rules,
    )

    filled_first: dict[tuple[int, int], set[int]] = defaultdict(set)
    filled_cover: dict[tuple[int, int], set[int]] = defaultdict(set)
    for a in existing:
        if a.kind == CastAssignment.Kind.FIRST:
            filled_first[(a.performance_id, a.role_id)].add(a.slot)
        elif a.kind == CastAssignment.Kind.COVER:
            filled_cover[(a.performance_id, a.role_id)].add(a.rank)

    needs: list[s.Need] = []
    free_slots: dict[tuple[int, int], list[int]] = {}
    options: list[s.Option] = []
    notes: dict[tuple[int, int, int], str] = {}
    for p in performances:
        for role in roles:
            key = (p.pk, role.pk)
            free = [i for i in range(role.dancers_needed) if i not in filled_first[key]]
            cover_ranks = [
                k for k in range(1, covers_wanted(role, covers) + 1) if k not in filled_cover[key]
            ]
            if free:
                needs.append(s.Need(p.pk, role.pk, "first", 1, len(free)))
                free_slots[key] = free
            for k in cover_ranks:
                needs.append(s.Need(p.pk, role.pk, "cover", k, 1))
            for dancer in knowers[role.pk]:
                for kind, wanted in (("first", bool(free)), ("cover", bool(cover_ranks))):
                    if not wanted:
                        continue
                    findings = check(
                        ctx, dancer=dancer, performance_id=p.pk, role_id=role.pk, kind=kind
                    )
                    refused = _REFUSED_FOR_FIRST if kind == "first" else _REFUSED_FOR_COVER
                    if any(f.blocking or f.code in refused for f in findings):
                        continue
                    rank_penalty = int(any(f.code == "rank_mismatch" for f in findings))
                    learning = any(f.code == "learning" for f in findings)
                    options.append(s.Option(p.pk, role.pk, dancer.pk, kind, rank_penalty, learning))
                    remarks = [
                        f.message for f in findings if f.code in {"rank_mismatch", "learning"}
                    ]
                    if remarks:
                        notes[(p.pk, role.pk, dancer.pk)] = " ".join(remarks)[:300]

    problem = s.Problem(
        performances=tuple(
            s.Performance(
                id=p.pk,
                day=ctx.days[p.pk].toordinal(),
                starts=int(p.starts_at.timestamp() // 60),
                ends=int(p.ends_at.timestamp() // 60),
            )
            for p in performances
        ),
        roles=tuple(
            s.Role(
                id=r.pk,
                principal=r.principal,
                full_length=r.work.full_length,
                overlaps=frozenset(ctx.overlaps.get(r.pk, set())),
            )
            for r in roles
        ),
        needs=tuple(needs),
        options=tuple(options),
        booked=tuple(
            s.Booked(a.performance_id, a.role_id, a.dancer_id)
            for a in existing
            if a.kind == CastAssignment.Kind.FIRST
        ),
        lead_rest_days=rules.lead_rest_days,
    )
    return Built(problem=problem, free_slots=free_slots, notes=notes)
