"""Reads of the repertoire app, with the prefetching pages need.

Every selector here makes a fixed number of queries whatever the number of works,
sections, roles or dancers (the page tests count them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.company.models import Dancer, Person
from callboard.core.errors import NotFound
from callboard.core.pages import PageParts
from callboard.core.text import search_key
from callboard.repertoire.models import Commission, DancerRole, Milestone, Role, Section, Work

CLOSED_COMMISSIONS_SHOWN = 20


def _get(queryset: QuerySet[Any], pk: Any, message: str) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist) as exc:
        raise NotFound(message) from exc


# --------------------------------------------------------------------------- works


def work_list(*, status: str | None = None, q: str | None = None) -> QuerySet[Work]:
    """Works with their choreographer and section/role counts, filtered by status and title."""
    works = (
        Work.objects.select_related("choreographer__dancer")
        .annotate(
            section_count=Count("sections", distinct=True),
            role_count=Count("roles", distinct=True),
        )
        .order_by("title")
    )
    if status:
        works = works.filter(status=status)
    if q and q.strip():
        works = works.filter(
            Q(title__icontains=q.strip()) | Q(search_title__contains=search_key(q))
        )
    return works


def work_get(*, pk: Any) -> Work:
    return _get(Work.objects.all(), pk, _("No work with id %(pk)s in the repertoire.") % {"pk": pk})


def section_get(*, pk: Any) -> Section:
    return _get(
        Section.objects.select_related("work", "parent"),
        pk,
        _("No section with id %(pk)s.") % {"pk": pk},
    )


def role_get(*, pk: Any) -> Role:
    return _get(Role.objects.select_related("work"), pk, _("No role with id %(pk)s.") % {"pk": pk})


def person_get(*, pk: Any) -> Person:
    return _get(Person.objects.all(), pk, _("No person with id %(pk)s.") % {"pk": pk})


def dancer_get(*, pk: Any) -> Dancer:
    return _get(
        Dancer.objects.select_related("person"), pk, _("No dancer with id %(pk)s.") % {"pk": pk}
    )


def sections_by_ids(*, ids: list[int]) -> list[Section]:
    """The sections with these ids, in the given order; an unknown id is a NotFound."""
    found = {s.pk: s for s in Section.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            _("No section with id %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)},
            detail={"missing": missing},
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _role_prefetches() -> list[Prefetch]:
    return [
        Prefetch("sections", queryset=Section.objects.order_by("order", "pk")),
        Prefetch(
            "dancers_knowing",
            queryset=DancerRole.objects.select_related("dancer__person").order_by(
                "dancer__person__family_name", "dancer__person__given_name", "pk"
            ),
        ),
    ]


def work_detail(*, pk: Any) -> Work:
    """A work with its choreographer, commission, sections and roles (with who knows them)."""
    work: Work = _get(
        Work.objects.select_related(
            "choreographer__dancer", "commission__creator", "commission__commissioned_by"
        ).prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("order", "pk")),
            Prefetch(
                "roles",
                queryset=Role.objects.order_by("-principal", "name").prefetch_related(
                    *_role_prefetches()
                ),
            ),
        ),
        pk,
        _("No work with id %(pk)s in the repertoire.") % {"pk": pk},
    )
    for role in work.roles.all():
        _split_knowers(role)
    return work


def _split_knowers(role: Role) -> None:
    knowers = list(role.dancers_knowing.all())
    role.learned = [k for k in knowers if k.status == DancerRole.Status.LEARNED]  # type: ignore[attr-defined]
    role.learning = [k for k in knowers if k.status == DancerRole.Status.LEARNING]  # type: ignore[attr-defined]


@dataclass
class SectionNode:
    section: Section
    depth: int = 0
    children: list[SectionNode] = field(default_factory=list)
    first: bool = False
    last: bool = False


def section_tree(sections: list[Section]) -> list[SectionNode]:
    """Nest a work's sections (already fetched, in order) under their parents."""
    nodes = {s.pk: SectionNode(section=s) for s in sections}
    roots: list[SectionNode] = []
    for s in sections:
        node = nodes[s.pk]
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent.children if parent else roots).append(node)

    def mark(level: list[SectionNode], depth: int) -> None:
        for i, node in enumerate(level):
            node.depth, node.first, node.last = depth, i == 0, i == len(level) - 1
            mark(node.children, depth + 1)

    mark(roots, 0)
    return roots


def flat_sections(tree: list[SectionNode]) -> list[SectionNode]:
    out: list[SectionNode] = []
    for node in tree:
        out.append(node)
        out.extend(flat_sections(node.children))
    return out


# The work's page shows its performances, which the season app knows: it registers that
# part here in its AppConfig.ready().
WORK_PAGE = PageParts("work")


def dancer_roles(*, dancer: Dancer, now: dt.datetime) -> dict[str, Any]:
    """The dancer page's roles: learned, being learned, and danced (one query)."""
    known = list(
        DancerRole.objects.filter(dancer=dancer)
        .select_related("role__work")
        .order_by("role__work__title", "role__name")
    )
    return {
        "learned": [dr for dr in known if dr.status == DancerRole.Status.LEARNED],
        "learning": [dr for dr in known if dr.status == DancerRole.Status.LEARNING],
        "danced": sorted(
            (dr for dr in known if dr.times_danced or dr.first_danced_on),
            key=lambda dr: (dr.first_danced_on or dt.date.max, dr.role.work.title),
        ),
    }


def work_page(*, pk: Any, now: dt.datetime) -> dict[str, Any]:
    work = work_detail(pk=pk)
    tree = section_tree(list(work.sections.all()))
    return {
        "work": work,
        "section_tree": tree,
        "sections_flat": flat_sections(tree),
        "roles": list(work.roles.all()),
        "commission": getattr(work, "commission", None),
        **WORK_PAGE.gather(work=work, now=now),
    }


def role_detail(*, pk: Any) -> Role:
    role: Role = _get(
        Role.objects.select_related("work").prefetch_related(*_role_prefetches()),
        pk,
        _("No role with id %(pk)s.") % {"pk": pk},
    )
    _split_knowers(role)
    return role


def dancers_for_roles() -> QuerySet[Dancer]:
    """Dancers who can be recorded as knowing a role (everyone but the retired)."""
    return (
        Dancer.objects.exclude(status=Dancer.Status.RETIRED)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    )


def people() -> QuerySet[Person]:
    return Person.objects.order_by("family_name", "given_name")


# --------------------------------------------------------------------------- commissions


def _commissions() -> QuerySet[Commission]:
    return Commission.objects.select_related("work", "creator", "commissioned_by").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("pk"))
    )


def _decorate(commission: Commission) -> Commission:
    milestones = sorted(
        commission.milestones.all(),
        key=lambda m: (m.due_on is None, m.due_on or dt.date.min, m.pk),
    )
    commission.sorted_milestones = milestones  # type: ignore[attr-defined]
    commission.next_milestone = next((m for m in milestones if m.done_on is None), None)  # type: ignore[attr-defined]
    moves = Commission.TRANSITIONS.get(commission.status, set())
    forward = [s for s in Commission.Status if s in moves and s != Commission.Status.CANCELLED]
    commission.forward = forward[0] if forward else None  # type: ignore[attr-defined]
    commission.can_cancel = Commission.Status.CANCELLED in moves  # type: ignore[attr-defined]
    return commission


def commission_board() -> dict[str, Any]:
    """The board: open and recently premiered commissions by column, the cancelled apart."""
    open_ones = [
        _decorate(c)
        for c in _commissions()
        .filter(status__in=[Commission.Status.COMMISSIONED, Commission.Status.IN_CREATION])
        .order_by("premiere_planned", "pk")
    ]
    premiered = [
        _decorate(c)
        for c in _commissions()
        .filter(status=Commission.Status.PREMIERED)
        .order_by("-work__premiere_date", "-pk")[:CLOSED_COMMISSIONS_SHOWN]
    ]
    cancelled = [
        _decorate(c)
        for c in _commissions()
        .filter(status=Commission.Status.CANCELLED)
        .order_by("-agreed_on", "-pk")[:CLOSED_COMMISSIONS_SHOWN]
    ]
    labels = dict(Commission.Status.choices)
    columns = [
        {
            "status": status,
            "label": labels[status],
            "cards": [c for c in open_ones if c.status == status],
        }
        for status in (Commission.Status.COMMISSIONED, Commission.Status.IN_CREATION)
    ]
    columns.append(
        {"status": Commission.Status.PREMIERED, "label": labels["premiered"], "cards": premiered}
    )
    return {"columns": columns, "cancelled": cancelled}


def commission_list(*, status: str | None = None) -> QuerySet[Commission]:
    commissions = _commissions().order_by("premiere_planned", "pk")
    if status:
        commissions = commissions.filter(status=status)
    return commissions


def commission_detail(*, pk: Any) -> Commission:
    return _decorate(_get(_commissions(), pk, _("No commission with id %(pk)s.") % {"pk": pk}))


def commission_get(*, pk: Any) -> Commission:
    return _get(
        Commission.objects.select_related("work"),
        pk,
        _("No commission with id %(pk)s.") % {"pk": pk},
    )


def milestone_get(*, pk: Any) -> Milestone:
    return _get(
        Milestone.objects.select_related("commission"),
        pk,
        _("No milestone with id %(pk)s.") % {"pk": pk},
    )
