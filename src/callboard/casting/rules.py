"""The casting rules, as functions over records already loaded.

Services call these to refuse a bad casting (blocking findings) and to report warnings;
the board and the autocomplete call the same functions to show, before anyone types
Enter, whether a dancer is qualified, free, healthy and not double-cast.
:mod:`callboard.casting.selectors` loads a :class:`CastingContext` with a fixed number of
queries and these functions read it; the one query they may cause is the availability check
(:mod:`callboard.casting.availability`), which reads wellbeing's return-to-dance limits from
a snapshot loaded once and reused across the whole board.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from callboard.casting.availability import dancer_unavailability
from callboard.company.models import Dancer
from callboard.core.i18n import format_moment
from callboard.repertoire.models import DancerRole, Role, Section
from callboard.season.models import Performance

# Ranks that carry a principal role without comment.
PRINCIPAL_RANKS = {"principal", "first_soloist", "soloist", "guest"}
# Ranks that carry an announceable (solo) role without comment.
SOLO_RANKS = PRINCIPAL_RANKS | {"coryphee"}
# Ranks that would be wasted in an ensemble role.
SENIOR_RANKS = {"principal", "first_soloist", "guest"}


@dataclass(frozen=True)
class NoticeRules:
    """The casting parts of the labour agreement, plus Callboard's casting settings."""

    principal_days: int = 28
    announceable_days: int = 21
    full_days: int = 14
    personal_hours: int = 24
    lead_rest_days: int = 2

    def days_for_tier(self, tier: int) -> int:
        return {1: self.principal_days, 2: self.announceable_days}.get(tier, self.full_days)


def lead_rest_days_setting() -> int:
    """``CALLBOARD_CASTING_LEAD_REST_DAYS``: fewest days from one lead to the next."""
    return int(settings.CALLBOARD_CASTING_LEAD_REST_DAYS)


@dataclass(frozen=True)
class Finding:
    """One thing the rules say about casting a dancer; ``blocking`` findings refuse it."""

    code: str
    message: str
    blocking: bool

    @property
    def level(self) -> str:
        return "error" if self.blocking else "warning"


def _day(day: dt.date) -> str:
    return format_moment(day, "date_short")


def stage_overlaps(roles: Iterable[Role], sections: Iterable[Section]) -> dict[int, set[int]]:
    """For each role, the other roles of its work on stage at the same time.

    Two roles are on stage together when one dances in a section that is, or contains,
    a section the other dances in (Act II contains its pas de deux). Roles of different
    works follow each other on a programme and never overlap. ``roles`` must carry
    prefetched ``sections``.
    """
    parent = {s.pk: s.parent_id for s in sections}

    def lineage(section_id: int) -> set[int]:
        seen: set[int] = set()
        current: int | None = section_id
        while current is not None and current not in seen:
            seen.add(current)
            current = parent.get(current)
        return seen

    own: dict[int, set[int]] = {}
    paths: dict[int, set[int]] = {}
    work_of: dict[int, int] = {}
    for role in roles:
        ids = {s.pk for s in role.sections.all()}
        own[role.pk] = ids
        paths[role.pk] = set().union(*(lineage(i) for i in ids)) if ids else set()
        work_of[role.pk] = role.work_id
    by_work: dict[int, list[int]] = defaultdict(list)
    for role_id, work_id in work_of.items():
        by_work[work_id].append(role_id)
    result: dict[int, set[int]] = {role_id: set() for role_id in own}
    for role_ids in by_work.values():
        for i, a in enumerate(role_ids):
            for b in role_ids[i + 1 :]:
                if own[a] & paths[b] or own[b] & paths[a]:
                    result[a].add(b)
                    result[b].add(a)
    return result


@dataclass(frozen=True)
class Booking:
    """A first-cast assignment seen from the dancer's side: where they are on stage."""

    assignment_id: int
    performance_id: int
    role_id: int
    role_name: str
    work_title: str
    principal: bool
    full_length: bool
    starts_at: dt.datetime
    ends_at: dt.datetime
    day: dt.date
    billing: str


@dataclass
class CastingContext:
    """Everything the rules read, loaded once per page or service call."""

    performances: dict[int, Performance]
    days: dict[int, dt.date]
    roles: dict[int, Role]
    overlaps: dict[int, set[int]]
    knows: dict[tuple[int, int], DancerRole]
    # dancer id -> first-cast bookings in the window around the performances
    bookings: dict[int, list[Booking]] = field(default_factory=dict)
    # (performance id, role id) -> {dancer id: assignment id}, every kind of cast
    in_role: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)
    rules: NoticeRules = field(default_factory=NoticeRules)


def rank_finding(dancer: Dancer, role: Role) -> Finding | None:
    rank = dancer.get_rank_display()
    name = str(dancer.person)
    if role.principal and dancer.rank not in PRINCIPAL_RANKS:
        return Finding(
            "rank_mismatch",
            _("%(name)s is %(rank)s; %(role)s is a principal role.")
            % {"name": name, "rank": rank.lower(), "role": role.name},
            False,
        )
    if role.announceable and not role.principal and dancer.rank not in SOLO_RANKS:
        return Finding(
            "rank_mismatch",
            _("%(name)s is %(rank)s; %(role)s is a solo role.")
            % {"name": name, "rank": rank.lower(), "role": role.name},
            False,
        )
    if (
        not role.principal
        and not role.announceable
        and role.dancers_needed > 1
        and dancer.rank in SENIOR_RANKS
    ):
        return Finding(
            "rank_mismatch",
            _("%(name)s is %(rank)s in an ensemble role (%(role)s).")
            % {"name": name, "rank": rank.lower(), "role": role.name},
            False,
        )
    return None


def check(
    ctx: CastingContext,
    *,
    dancer: Dancer,
    performance_id: int,
    role_id: int,
    kind: str,
    replacing_assignment_id: int | None = None,
) -> list[Finding]:
    """Every finding about ``dancer`` in ``role`` (``kind`` of cast) at the performance.

    ``replacing_assignment_id`` is the assignment being replaced or re-checked; it does
    not count against the dancer.
    """
    findings: list[Finding] = []
    role = ctx.roles[role_id]
    day = ctx.days[performance_id]
    name = str(dancer.person)

    known = ctx.knows.get((dancer.pk, role_id))
    if known is None:
        findings.append(
            Finding(
                "not_qualified",
                _(
                    "%(name)s has not learned %(role)s and is not learning it. Add the role to "
                    "their repertoire (learned, or learning) before casting them."
                )
                % {"name": name, "role": role.name},
                True,
            )
        )
    elif known.status == DancerRole.Status.LEARNING:
        findings.append(
            Finding(
                "learning",
                _("%(name)s is still learning %(role)s; coaching will be requested.")
                % {"name": name, "role": role.name},
                False,
            )
        )

    held = ctx.in_role.get((performance_id, role_id), {}).get(dancer.pk)
    if held is not None and held != replacing_assignment_id:
        findings.append(
            Finding(
                "already_in_role",
                _("%(name)s is already cast in %(role)s for this performance.")
                % {"name": name, "role": role.name},
                True,
            )
        )

    reason = dancer_unavailability(dancer, day)
    if reason:
        findings.append(Finding("unavailable", reason, True))

    mine = [
        b for b in ctx.bookings.get(dancer.pk, []) if b.assignment_id != replacing_assignment_id
    ]
    this = ctx.performances[performance_id]
    overlapping = ctx.overlaps.get(role_id, set())
    for booking in mine:
        if booking.performance_id == performance_id:
            if booking.role_id in overlapping:
                if kind == "first":
                    findings.append(
                        Finding(
                            "on_stage_twice",
                            _(
                                "%(name)s already dances %(other)s, on stage at the same time "
                                "as %(role)s."
                            )
                            % {"name": name, "other": booking.role_name, "role": role.name},
                            True,
                        )
                    )
                else:
                    findings.append(
                        Finding(
                            "cover_on_stage",
                            _(
                                "%(name)s dances %(other)s at the same time, so could not step "
                                "in as %(role)s."
                            )
                            % {"name": name, "other": booking.role_name, "role": role.name},
                            False,
                        )
                    )
        elif (
            kind == "first"
            and booking.starts_at < this.ends_at
            and this.starts_at < booking.ends_at
        ):
            findings.append(
                Finding(
                    "other_performance",
                    _("%(name)s is on stage in %(billing)s at the same time.")
                    % {"name": name, "billing": booking.billing},
                    True,
                )
            )

    rank = rank_finding(dancer, role)
    if rank:
        findings.append(rank)

    if kind == "first" and role.principal:
        work = role.work
        rest = ctx.rules.lead_rest_days
        same_day_full: set[int] = set()
        close: list[Booking] = []
        for booking in mine:
            if not booking.principal or booking.performance_id == performance_id:
                continue
            gap = abs((booking.day - day).days)
            if gap == 0 and work.full_length and booking.full_length:
                same_day_full.add(booking.performance_id)
            elif 0 < gap < rest:
                close.append(booking)
        if same_day_full:
            findings.append(
                Finding(
                    "two_full_length_leads",
                    _("%(name)s would lead two full-length ballets on %(day)s.")
                    % {"name": name, "day": _day(day)},
                    False,
                )
            )
        for booking in close:
            findings.append(
                Finding(
                    "lead_rest",
                    _(
                        "%(name)s also leads %(work)s on %(day)s: fewer than %(rest)s days "
                        "between leading performances."
                    )
                    % {
                        "name": name,
                        "work": booking.work_title,
                        "day": _day(booking.day),
                        "rest": rest,
                    },
                    False,
                )
            )
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]
