"""Casting for the demo company: the Annual Gala (danced, when it is over), the Swan Lake run
and the first night of The Nutcracker, on the demo's records.

``build_casting_demo(now=...)`` runs after the company demo (``callboard.site.demo``) and
casts through the same services a person uses, so every rule holds. It leaves things for
a visitor to find: empty places, a dancer cast before she was injured, a cover who could
not step in, a late announcement, a change after announcement with its notifications, and
a suggestion for The Nutcracker waiting for review.

Deterministic: the same demo records and ``now`` give the same casting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from callboard.casting import selectors, services
from callboard.casting.models import CastAssignment, CastingAnnouncement, CastingChange, Tier
from callboard.company.models import Dancer
from callboard.core.actors import CALLBOARD, Actor
from callboard.core.errors import DomainError, NotFound
from callboard.core.text import search_key
from callboard.repertoire.models import DancerRole, Role
from callboard.season.models import Performance, Programme

GALA = "Annual Gala"
SWAN_LAKE = "Swan Lake"
NUTCRACKER = "The Nutcracker"
UGLICH = "Uglich Town Theatre"


@dataclass
class CastingDemoSummary:
    assignments: int = 0
    holes: int = 0
    announcements: int = 0
    changes: int = 0
    recorded_roles: int = 0
    proposal_id: int | None = None
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def _dancer(name: str) -> Dancer:
    found = (
        Dancer.objects.select_related("person").filter(person__search_name=search_key(name)).first()
    )
    if found is None:
        raise NotFound(f"The demo has no dancer called {name}; build the company demo first.")
    return found


def _programme(title: str) -> Programme:
    found = Programme.objects.filter(title=title).order_by("-season__starts_on").first()
    if found is None:
        raise NotFound(f"The demo has no programme {title!r}; build the company demo first.")
    return found


def _role(work_title: str, name: str) -> Role:
    found = Role.objects.select_related("work").filter(work__title=work_title, name=name).first()
    if found is None:
        raise NotFound(f"The demo has no role {name!r} in {work_title!r}.")
    return found


class _Caster:
    """Casts through the services; a refusal just moves on to the next dancer."""

    def __init__(self, now: dt.datetime, summary: CastingDemoSummary) -> None:
        self.now = now
        self.summary = summary
        self.knowers: dict[int, list[Dancer]] = {}

    def knowing(self, role: Role) -> list[Dancer]:
        if role.pk not in self.knowers:
            rows = (
                DancerRole.objects.filter(role=role)
                .select_related("dancer__person")
                .order_by("status", "dancer__person__family_name", "dancer__person__given_name")
            )
            dancers = [dr.dancer for dr in rows]
            dancers.sort(
                key=lambda d: d.rank_index
            )  # stable: learned before learning within a rank
            self.knowers[role.pk] = dancers
        return self.knowers[role.pk]

    def cast(
        self,
        performance: Performance,
        role: Role,
        dancer: Dancer,
        *,
        slot: int = 0,
        kind: str = "first",
        rank: int = 1,
    ) -> bool:
        try:
            services.cast_assign(
                performance=performance,
                role=role,
                dancer=dancer,
                slot=slot,
                kind=kind,
                rank=rank,
                by=CALLBOARD,
                now=self.now,
                reason="Demo casting",
                sync_needs=False,
                send_email=False,
            )
        except DomainError:
            return False
        self.summary.assignments += 1
        return True

    def fill(
        self,
        performance: Performance,
        role: Role,
        *,
        turn: int,
        kind: str = "first",
        rank: int = 1,
        leave_empty: int = 0,
    ) -> None:
        """Fill the empty places of ``role``, starting ``turn`` places into its knowers."""
        taken = {
            (a.slot, a.kind, a.rank)
            for a in CastAssignment.objects.filter(performance=performance, role=role)
        }
        slots = [
            s
            for s in (range(role.dancers_needed) if kind != "cover" else [0])
            if (s, kind, rank) not in taken
        ]
        if leave_empty:
            slots = slots[: max(0, len(slots) - leave_empty)]
        people = self.knowing(role)
        if not people:
            return
        shift = (turn * max(1, role.dancers_needed)) % len(people)
        rotation = {d.pk: i for i, d in enumerate(people[shift:] + people[:shift])}
        for slot in slots:
            # Dancers the rules say nothing against first, then in turn for fair shares.
            found = selectors.cast_candidates(
                performance=performance, role=role, kind=kind, slot=slot, rank=rank, limit=200
            )
            found = [c for c in found if c.ok and c.dancer.pk in rotation]
            found.sort(key=lambda c: (len(c.warnings), rotation[c.dancer.pk]))
            for candidate in found:
                if self.cast(performance, role, candidate.dancer, slot=slot, kind=kind, rank=rank):
                    break

    def fill_work(
        self,
        performance: Performance,
        roles: list[Role],
        *,
        turn: int,
        holes: dict[str, int] | None = None,
    ) -> None:
        holes = holes or {}
        for role in roles:  # principal roles first: they choose before the ensemble
            self.fill(performance, role, turn=turn, leave_empty=holes.get(role.name, 0))
        for role in roles:
            if role.principal:
                self.fill(performance, role, turn=turn + 1, kind="second")
            if role.principal or role.announceable:
                self.fill(performance, role, turn=turn + 2, kind="cover", rank=1)


def _roles_of(programme: Programme) -> list[Role]:
    return selectors.production_roles(w.pk for w in selectors.programme_works(programme))


def _history(
    performance: Performance, roles: list[Role], caster: _Caster, turn: int, lead: Dancer | None
) -> None:
    """Casting of a performance already danced, written as the record it is."""
    used: set[int] = set()
    for role in roles:
        if not (role.principal or role.announceable):
            continue
        people = [d for d in caster.knowing(role) if d.status == Dancer.Status.ACTIVE]
        if role.principal and lead is not None and role.name == "Odette/Odile":
            people = [lead]
        if not people:
            continue
        dancer = next((d for d in people[turn % len(people) :] + people if d.pk not in used), None)
        if dancer is None:
            continue
        CastAssignment.objects.get_or_create(
            performance=performance,
            role=role,
            slot=0,
            kind=CastAssignment.Kind.FIRST,
            rank=1,
            defaults={
                "dancer": dancer,
                "assigned_at": performance.starts_at - dt.timedelta(days=30),
            },
        )
        used.add(dancer.pk)
    caster.summary.recorded_roles += services.performance_record_danced(
        performance=performance, now=caster.now
    )


def _gala_history(
    performance: Performance, roles: list[Role], caster: _Caster, lead: Dancer
) -> None:
    """The whole first cast of a gala already danced, written as the record it is: Klára in
    The Lead, every other place from the dancers who know or were learning the role (no one
    in two places of one evening), then recorded as danced."""
    used = {lead.pk}
    the_lead = _role("Dance of the Seven Veils", "The Lead")
    wanted: list[tuple[Role, int, Dancer]] = [(the_lead, 0, lead)]
    for role in roles:
        if role.pk == the_lead.pk:
            continue
        people = [d for d in caster.knowing(role) if d.status == Dancer.Status.ACTIVE]
        for slot in range(role.dancers_needed):
            dancer = next((d for d in people if d.pk not in used), None)
            if dancer is None:
                break
            used.add(dancer.pk)
            wanted.append((role, slot, dancer))
    for role, slot, dancer in wanted:
        _, created = CastAssignment.objects.get_or_create(
            performance=performance,
            role=role,
            slot=slot,
            kind=CastAssignment.Kind.FIRST,
            rank=1,
            defaults={
                "dancer": dancer,
                "assigned_at": performance.starts_at - dt.timedelta(days=30),
            },
        )
        caster.summary.assignments += int(created)
    caster.summary.recorded_roles += services.performance_record_danced(
        performance=performance, now=caster.now
    )


@transaction.atomic
def build_casting_demo(*, now: dt.datetime, suggest: bool = True) -> CastingDemoSummary:
    """Cast the demo's gala and Swan Lake run (and suggest The Nutcracker's casting)."""
    summary = CastingDemoSummary()
    klara = _dancer("Klára Kalmurzaev")
    eleonora = _dancer("Eleonora Kalmurzaev")
    gala_programme = _programme(GALA)
    swan_programme = _programme(SWAN_LAKE)
    if CastAssignment.objects.filter(
        performance__programme__in=[gala_programme, swan_programme]
    ).exists():
        summary.skipped = True
        summary.notes.append("Casting already exists for the gala and Swan Lake; left as it is.")
        return summary
    director: Actor = get_user_model().objects.filter(username="director").first() or CALLBOARD
    caster = _Caster(now, summary)

    # Swan Lake: the performances already danced become history.
    swan_roles = _roles_of(swan_programme)
    swan = selectors.production_performances(swan_programme)
    past = [p for p in swan if p.starts_at <= now]
    coming = [p for p in swan if p.starts_at > now]
    for i, performance in enumerate(past):
        _history(performance, swan_roles, caster, i, klara if i == 0 else None)

    odette = _role(SWAN_LAKE, "Odette/Odile")
    uglich = next((p for p in coming if p.venue.name == UGLICH), None)
    for i, performance in enumerate(coming):
        if performance == uglich:
            caster.cast(performance, odette, eleonora)  # her return to the stage
            caster.cast(performance, odette, klara, kind="second")
        else:
            caster.cast(performance, odette, klara)
            caster.cast(performance, odette, eleonora, kind="second")
        holes = {"Swans": 2, "Neapolitan dance": 1} if performance == uglich else {}
        little, big = _role(SWAN_LAKE, "Little Swans"), _role(SWAN_LAKE, "Big Swans")
        if performance == uglich:
            # A cover who could not step in: she dances the Little Swans on the same stage.
            both = [d for d in caster.knowing(little) if d in caster.knowing(big)]
            for dancer in both:
                if caster.cast(performance, little, dancer, slot=0):
                    caster.cast(performance, big, dancer, kind="cover", rank=1)
                    break
        caster.fill_work(performance, swan_roles, turn=i, holes=holes)

    # A dancer cast before she was injured: the board shows it in red.
    volga = next((p for p in coming if p != uglich), None)
    if volga is not None:
        injured = (
            DancerRole.objects.filter(
                role__in=swan_roles, dancer__status=Dancer.Status.INJURED, role__principal=False
            )
            .select_related("role", "dancer__person")
            .order_by("role__name", "dancer__person__family_name")
            .first()
        )
        if injured is not None:
            slot = (
                CastAssignment.objects.filter(
                    performance=volga, role=injured.role, kind=CastAssignment.Kind.FIRST
                )
                .order_by("-slot")
                .first()
            )
            if (
                slot is not None
                and not CastAssignment.objects.filter(
                    performance=volga, role=injured.role, dancer=injured.dancer
                ).exists()
            ):
                slot.dancer = injured.dancer
                slot.save(update_fields=["dancer"])
                summary.notes.append(
                    f"{injured.dancer.person} was cast as {injured.role.name} before her injury."
                )

    # The gala: Klára danced the premiere of her own creation, with Études in Blue; the
    # evening is over, so its casting is the record of who danced.
    for gala in selectors.production_performances(gala_programme):
        if gala.starts_at <= now:
            _gala_history(gala, _roles_of(gala_programme), caster, klara)
        else:
            caster.cast(gala, _role("Dance of the Seven Veils", "The Lead"), klara)
            caster.fill_work(gala, _roles_of(gala_programme), turn=0, holes={"Folk ensemble": 1})

    # The Christmas run: Klára as the Sugar Plum Fairy on its first night, a draft nobody has
    # been told of yet (the suggestion below fills the rest for review).
    nutcracker_programme = Programme.objects.filter(title=NUTCRACKER).first()
    if nutcracker_programme is not None:
        first_night = next(
            (
                p
                for p in selectors.production_performances(nutcracker_programme)
                if p.starts_at > now
            ),
            None,
        )
        if first_night is not None:
            caster.cast(first_night, _role(NUTCRACKER, "Sugar Plum Fairy"), klara)

    # Announcements: the tour fully announced, Uglich up to its solos, the Nutcracker a draft.
    for performance in coming:
        tier = Tier.FULL if performance != uglich else Tier.ANNOUNCEABLE
        result = services.casting_announce(
            performance=performance, tier=tier, by=director, now=now, send_email=False
        )
        summary.announcements += int(result.created)

    # A change after announcement, logged, with the dancers told.
    if volga is not None:
        rothbart = _role(SWAN_LAKE, "Von Rothbart")
        current = (
            CastAssignment.objects.filter(performance=volga, role=rothbart, kind="first")
            .select_related("dancer")
            .first()
        )
        if current is not None:
            for dancer in caster.knowing(rothbart):
                if dancer.pk == current.dancer_id:
                    continue
                try:
                    services.cast_assign(
                        performance=volga,
                        role=rothbart,
                        dancer=dancer,
                        by=director,
                        now=now,
                        reason="Sprained ankle in class; cleared to dance the Uglich performance.",
                        replacing=current.dancer_id,
                        sync_needs=False,
                        send_email=False,
                    )
                    break
                except DomainError:
                    continue
    summary.changes = CastingChange.objects.count()

    for programme in (swan_programme, gala_programme):
        services.rehearsal_needs_sync(programme=programme, now=now)

    board_holes = 0
    for programme in (swan_programme, gala_programme):
        board_holes += selectors.casting_board(programme=programme, now=now).holes
    summary.holes = board_holes

    if suggest:
        nutcracker = Programme.objects.filter(title=NUTCRACKER).first()
        if nutcracker is not None:
            try:
                proposal = services.suggestion_create(
                    programme=nutcracker, by=CALLBOARD, now=now, time_limit=3, seed=2026
                )
                summary.proposal_id = proposal.pk
            except DomainError as exc:
                summary.notes.append(f"No Nutcracker suggestion: {exc.message}")
    summary.announcements = CastingAnnouncement.objects.count()
    return summary


def describe(summary: CastingDemoSummary) -> list[str]:
    """Lines for the demo command to print."""
    if summary.skipped:
        return summary.notes
    lines = [
        f"Casting: {summary.assignments} places cast for the gala and the Swan Lake run, "
        f"{summary.holes} left empty, {summary.announcements} announcements, "
        f"{summary.changes} change(s) after announcement, {summary.recorded_roles} roles "
        "recorded from past performances.",
    ]
    if summary.proposal_id:
        lines.append(
            "A casting suggestion for The Nutcracker waits at "
            f"/casting/suggestions/{summary.proposal_id}/"
        )
    lines.extend(summary.notes)
    return lines


__all__: list[Any] = ["CastingDemoSummary", "build_casting_demo", "describe"]
