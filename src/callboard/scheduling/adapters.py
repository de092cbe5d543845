"""The only bridge between Django and the scheduler engine (``scheduling/solver``).

It turns a plan's records into a solver :class:`~callboard.scheduling.solver.problem.Problem`
(minutes from the plan's first midnight, in the company's time zone), turns the solver's
calls back into times, studios and people, and wraps the engine's solve, checker, score
and explanations for the services.

:func:`solve_problem` runs the engine's ``solve()`` with the run's stop button: a stopped
run keeps the best schedule found so far.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from callboard.casting.models import CastAssignment
from callboard.company.models import Company, Dancer, LabourProfile, Person, SiteTravel, Studio
from callboard.core.i18n import format_moment, reader_text
from callboard.core.zones import company_zone, local_day_bounds
from callboard.scheduling.limits import scheduling_limits
from callboard.scheduling.models import (
    AvailabilityConflict,
    CallRequest,
    FixedEvent,
    StudioClosure,
    Unavailability,
)
from callboard.scheduling.solver import problem as sp
from callboard.scheduling.solver.check import RULES, Checker, Violation
from callboard.scheduling.solver.explain import GOAL_TITLES, explain, unplaced_reasons
from callboard.scheduling.solver.messages import Text
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call as SolverCall
from callboard.scheduling.solver.solution import Solution, Status
from callboard.scheduling.solver.solve import Progress
from callboard.scheduling.solver.solve import solve as engine_solve
from callboard.season.models import Performance

DAY = sp.DAY
DEFAULT_OPEN = 9 * 60
DEFAULT_CLOSE = 22 * 60
DEFAULT_LONGEST_CALL = 180
PERFORMANCE_CALL_BEFORE = 90  # minutes before curtain the cast is called to the theatre
AWAY_STATUSES = {
    Dancer.Status.INJURED,
    Dancer.Status.ON_LEAVE,
    Dancer.Status.GUESTING,
    Dancer.Status.RETIRED,
}


# --------------------------------------------------------------------------- call rows


@dataclass(frozen=True)
class CallRow:
    """A call as the adapter sees it (from a draft, a published version, or a form)."""

    request_pk: int
    part: int
    studio_pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    person_pks: tuple[int, ...]
    locked: bool = False
    uid: str = ""

    @property
    def key(self) -> tuple[int, int]:
        return (self.request_pk, self.part)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def rows_of(calls: Iterable[Any]) -> list[CallRow]:
    """CallRows of Call model instances (people prefetched as ``called``)."""
    out = []
    for c in calls:
        if c.request_id is None:
            continue
        out.append(
            CallRow(
                request_pk=c.request_id,
                part=c.part,
                studio_pk=c.studio_id,
                starts_at=c.starts_at,
                ends_at=c.ends_at,
                person_pks=tuple(sorted(cp.person_id for cp in c.called.all())),
                locked=c.locked,
                uid=c.uid,
            )
        )
    return out


# --------------------------------------------------------------------------- the problem


@dataclass
class Mapping:
    """How solver ids and minutes map back to records and times."""

    zone: ZoneInfo
    first_day: dt.date
    days: list[dt.date]
    person_pk: dict[str, int] = field(default_factory=dict)
    studio_pk: dict[str, int] = field(default_factory=dict)
    request_pk: dict[str, int] = field(default_factory=dict)
    db_part: dict[tuple[str, int], int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def minute(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.zone)
        day = (local.date() - self.first_day).days
        return day * DAY + local.hour * 60 + local.minute

    def moment(self, minute: int) -> dt.datetime:
        day, tod = divmod(minute, DAY)
        return dt.datetime.combine(
            self.first_day + dt.timedelta(days=day),
            dt.time(tod // 60, tod % 60),
            tzinfo=self.zone,
        )

    @property
    def horizon(self) -> int:
        return len(self.days) * DAY

    def pid(self, person_pk: int) -> str:
        return f"p{person_pk}"

    def sid(self, studio_pk: int) -> str:
        return f"s{studio_pk}"

    def rid(self, request_pk: int) -> str:
        return f"r{request_pk}"


def labour_rules(profile: LabourProfile | None) -> sp.LabourRules:
    if profile is None:
        return sp.LabourRules()

    def tod(value: dt.time | None) -> int | None:
        return None if value is None else value.hour * 60 + value.minute

    return sp.LabourRules(
        max_minutes_per_day=profile.max_minutes_per_day,
        max_minutes_per_week=profile.max_minutes_per_week,
        longest_call=profile.longest_call_minutes,
        max_span=profile.max_span_minutes,
        break_every=profile.break_every_minutes,
        break_minutes=profile.break_minutes or 0,
        meal_within=profile.meal_break_within_minutes,
        meal_minutes=profile.meal_break_minutes or 0,
        min_rest_between_days=profile.min_rest_between_days_minutes,
        earliest_start=tod(profile.earliest_start),
        latest_end=tod(profile.latest_end),
        free_days_per_week=profile.free_days_per_week,
        class_counts_as_work=profile.class_counts_as_work,
        performance_counts_as_work=profile.performance_counts_as_work,
    )


def split_minutes(minutes: int, longest: int, granularity: int = 15) -> list[int]:
    """Cut ``minutes`` into near-equal calls of at most ``longest`` (multiples of the grid)."""
    if minutes <= 0:
        return []
    longest = max(granularity, longest)
    n = math.ceil(minutes / longest)
    units, rest = divmod(minutes, granularity)
    if units < n:  # shorter than one grid step per call: one call
        return [minutes]
    base, extra = divmod(units, n)
    lengths = [(base + (1 if k < extra else 0)) * granularity for k in range(n)]
    lengths[-1] += rest
    return lengths


@dataclass
class Inputs:
    """What a plan's problem is built from (read once, in a constant number of queries)."""

    period: Any
    requests: list[Any]
    studios: list[Studio]
    travel: list[SiteTravel]
    labour: LabourProfile | None
    company_city: str
    fixed_events: list[Any]
    closures: list[Any]
    unavailability: list[Any]
    performances: list[Any]
    cast: dict[int, set[int]]  # performance pk -> person pks of the first cast
    persons: dict[int, Person]


def load_inputs(period: Any, *, extra_person_pks: Iterable[int] = ()) -> Inputs:

    zone = company_zone()
    start, _end = local_day_bounds(period.first_day, zone)
    _start, end = local_day_bounds(period.last_day, zone)
    company = Company.objects.select_related("labour_profile").first()
    requests = list(
        CallRequest.objects.filter(period=period)
        .select_related("work", "section")
        .prefetch_related("people", "studios")
        .order_by("pk")
    )
    fixed = list(
        FixedEvent.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("studio__site")
        .prefetch_related("people")
    )
    performances = list(
        # A day's margin after the plan: a performance the next morning may take the stage
        # (its get-in) on the plan's last day.
        Performance.objects.filter(
            starts_at__lt=end + dt.timedelta(days=1), ends_at__gt=start - dt.timedelta(hours=3)
        )
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
    )
    cast: dict[int, set[int]] = defaultdict(set)
    for perf_pk, person_pk in CastAssignment.objects.filter(
        performance__in=performances, kind=CastAssignment.Kind.FIRST
    ).values_list("performance_id", "dancer__person_id"):
        cast[perf_pk].add(person_pk)
    for p in performances:
        if p.conductor_id:
            cast[p.pk].add(p.conductor_id)
    person_pks = {pp.pk for r in requests for pp in r.people.all()} | set(extra_person_pks)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=person_pks).select_related("dancer")}
    return Inputs(
        period=period,
        requests=requests,
        studios=list(Studio.objects.select_related("site").order_by("site__name", "name")),
        travel=list(SiteTravel.objects.all()),
        labour=company.labour_profile if company else None,
        company_city=(company.city if company else "") or "",
        fixed_events=fixed,
        closures=list(
            StudioClosure.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related(
                "studio"
            )
        ),
        # "Someone cannot come", and the conflicts people gave that the ballet master approved.
        unavailability=[
            *Unavailability.objects.filter(
                person_id__in=person_pks, starts_at__lt=end, ends_at__gt=start
            ),
            *AvailabilityConflict.objects.filter(
                person_id__in=person_pks,
                status=AvailabilityConflict.Status.APPROVED,
                starts_at__lt=end,
                ends_at__gt=start,
            ),
        ],
        performances=performances,
        cast=cast,
        persons=persons,
    )


def _wellbeing_limits(inputs: Inputs, person_pks: Iterable[int]) -> dict[int, Any]:
    """Return-to-dance caps, medical unavailability and spike limits, by dancer id."""

    dancers = [
        p.dancer
        for pk in person_pks
        if (p := inputs.persons.get(pk)) is not None and getattr(p, "dancer", None) is not None
    ]
    if not dancers:
        return {}
    return scheduling_limits(
        dancers=dancers, start=inputs.period.first_day, end=inputs.period.last_day
    )


@dataclass(frozen=True)
class CannotDance:
    """A dancer a request calls who cannot dance on any of its days, and why.

    The reason is the planning view's word only ("unavailable (medical)", "on leave"),
    never the medical detail.
    """

    person_pk: int
    name: str
    request_pk: int
    label: str
    reason: str

    @property
    def message(self) -> str:
        return _(
            "%(name)s cannot dance on any day of “%(label)s” (%(reason)s): it is planned "
            "without %(name)s. Recast the role or call a cover."
        ) % {"name": self.name, "label": reader_text(self.label), "reason": self.reason}


def _away_reason(dancer: Dancer) -> str | None:
    reasons: dict[str, str] = {
        Dancer.Status.INJURED: _("unavailable (medical)"),
        Dancer.Status.ON_LEAVE: _("on leave"),
        Dancer.Status.GUESTING: _("guesting with another company"),
        Dancer.Status.RETIRED: _("retired"),
    }
    return reasons.get(dancer.status)


def request_days(request: Any, days: Sequence[dt.date]) -> list[dt.date]:
    return [
        d
        for d in days
        if (request.earliest_day is None or d >= request.earliest_day)
        and (request.latest_day is None or d <= request.latest_day)
    ]


def called_who_cannot_dance(
    inputs: Inputs, limits: dict[int, Any] | None = None
) -> list[CannotDance]:
    """Dancers the plan's requests call who may not be called on any of the request's days.

    Marked injured, on leave, guesting or retired on the roster, or kept out by the medical
    record (an injury or its return-to-dance plan) on every day the request may fall.
    """
    if limits is None:
        limits = _wellbeing_limits(inputs, inputs.persons)
    period_days = list(inputs.period.days)
    out: list[CannotDance] = []
    for r in inputs.requests:
        days = request_days(r, period_days)
        for person in sorted(r.people.all(), key=lambda p: p.pk):
            full = inputs.persons.get(person.pk, person)
            dancer = getattr(full, "dancer", None)
            if dancer is None:
                continue
            reason = _away_reason(dancer)
            if reason is None:
                limit = limits.get(dancer.pk)
                if limit is not None and days and all(d in limit.unavailable for d in days):
                    reason = _("unavailable (medical)")
            if reason is not None:
                out.append(CannotDance(person.pk, full.full_name, r.pk, r.label, reason))
    return out


def _clip(mapping: Mapping, start: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
    a, b = max(0, mapping.minute(start)), min(mapping.horizon, mapping.minute(end))
    return (a, b) if b > a else None


def build_problem(
    inputs: Inputs,
    *,
    shaping: Sequence[CallRow] = (),
    published: Sequence[CallRow] = (),
    remaining_parts: bool = True,
    name: str = "",
) -> tuple[sp.Problem, Mapping]:
    """The plan as a solver problem.

    ``shaping`` calls fix the length of the request parts they stand for (a call the
    ballet master resized keeps its length); the rest of each request's minutes become new
    parts when ``remaining_parts``. ``published`` calls are passed as the schedule to
    change as little as possible (their ``locked`` ones must stay).
    """
    period = inputs.period
    zone = company_zone()
    mapping = Mapping(zone=zone, first_day=period.first_day, days=period.days)
    rules = labour_rules(inputs.labour)
    open_ = rules.earliest_start if rules.earliest_start is not None else DEFAULT_OPEN
    close = rules.latest_end if rules.latest_end is not None else DEFAULT_CLOSE
    if close <= open_:
        open_, close = DEFAULT_OPEN, DEFAULT_CLOSE
    days = tuple(
        sp.Day(open=open_, close=close, label=format_moment(d, "day_short")) for d in mapping.days
    )
    longest = rules.longest_call or DEFAULT_LONGEST_CALL

    # Studios, their closures and the fixed events that take them.
    studio_busy: dict[int, list[sp.Interval]] = defaultdict(list)
    for closure in inputs.closures:
        span = _clip(mapping, closure.starts_at, closure.ends_at)
        if span:
            studio_busy[closure.studio_id].append(sp.Interval(*span))
    for event in inputs.fixed_events:
        if event.studio_id:
            span = _clip(mapping, event.starts_at, event.ends_at)
            if span:
                studio_busy[event.studio_id].append(sp.Interval(*span))
    # A venue's stage is a room of its site: its performances take it from their get-in
    # to their get-out.
    for perf in inputs.performances:
        if perf.venue.stage_id:
            span = _clip(mapping, *perf.stage_taken)
            if span:
                studio_busy[perf.venue.stage_id].append(sp.Interval(*span))
    used_studios = {r.studio_pk for r in (*shaping, *published)}
    studios = []
    for s in inputs.studios:
        if not s.active and s.pk not in used_studios:
            continue
        sid = mapping.sid(s.pk)
        mapping.studio_pk[sid] = s.pk
        studios.append(
            sp.Studio(
                id=sid,
                name=s.name,
                capacity=s.capacity if s.active else 0,
                piano=s.has_piano,
                site=f"site{s.site_id}",
                unavailable=tuple(sorted(studio_busy.get(s.pk, []), key=lambda i: i.start)),
            )
        )
    studio_by_pk = {s.pk: s for s in inputs.studios}

    # People: everyone a request or a call names.
    person_pks = set(inputs.persons)
    for row in (*shaping, *published):
        person_pks.update(row.person_pks)
    commitments: dict[int, list[sp.Commitment]] = defaultdict(list)
    unavailable: dict[int, list[sp.Interval]] = defaultdict(list)
    dancers = {pk for pk, p in inputs.persons.items() if getattr(p, "dancer", None) is not None}
    kinds = {
        "class": sp.CommitmentKind.CLASS,
        "fitting": sp.CommitmentKind.FITTING,
        "medical": sp.CommitmentKind.MEDICAL,
        "other": sp.CommitmentKind.OTHER,
    }
    for event in inputs.fixed_events:
        span = _clip(mapping, event.starts_at, event.ends_at)
        if not span:
            continue
        who = {p.pk for p in event.people.all()}
        if event.everyone:
            who |= {
                pk for pk in dancers if inputs.persons[pk].dancer.status == Dancer.Status.ACTIVE
            }
        site = f"site{event.studio.site_id}" if event.studio_id and event.studio else None
        for pk in who & person_pks:
            commitments[pk].append(
                sp.Commitment(
                    kinds.get(event.kind, sp.CommitmentKind.OTHER), *span, event.label, site
                )
            )
    company_city = inputs.company_city.strip().lower()
    for perf in inputs.performances:
        who = inputs.cast.get(perf.pk, set()) & person_pks
        if not who:
            continue
        away = company_city and perf.venue.city.strip().lower() != company_city
        if away:  # on tour: the whole day (in the company's zone) is taken
            local = perf.starts_at.astimezone(zone).date()
            span = _clip(mapping, *local_day_bounds(local, zone))
            if span:
                for pk in who:
                    unavailable[pk].append(sp.Interval(*span))
            continue
        span = _clip(
            mapping, perf.starts_at - dt.timedelta(minutes=PERFORMANCE_CALL_BEFORE), perf.ends_at
        )
        if span:
            label = _("%(title)s (performance)") % {"title": perf.billing}
            for pk in who:
                commitments[pk].append(
                    sp.Commitment(sp.CommitmentKind.PERFORMANCE, *span, label, None)
                )
    for gone in inputs.unavailability:
        span = _clip(mapping, gone.starts_at, gone.ends_at)
        if span:
            unavailable[gone.person_id].append(sp.Interval(*span))
    limits = _wellbeing_limits(inputs, person_pks)
    # A dancer who cannot dance on any day of a request is not a reason to drop the whole
    # rehearsal: it is planned without them, and the plan says so by name.
    left_out: dict[int, set[int]] = defaultdict(set)
    for gone in called_who_cannot_dance(inputs, limits):
        left_out[gone.request_pk].add(gone.person_pk)
        mapping.warnings.append(gone.message)
    people = []
    for pk in sorted(person_pks):
        person = inputs.persons.get(pk)
        pid = mapping.pid(pk)
        mapping.person_pk[pid] = pk
        dancer = getattr(person, "dancer", None) if person else None
        if dancer is not None and dancer.status in AWAY_STATUSES:
            unavailable[pk] = [sp.Interval(0, mapping.horizon)]
        cap, prior_week, spike_percent = None, None, 130
        limit = limits.get(dancer.pk) if dancer is not None else None
        if limit is not None:
            for day in sorted(limit.unavailable):
                span = _clip(mapping, *local_day_bounds(day, zone))
                if span:
                    unavailable[pk].append(sp.Interval(*span))
            caps = [
                minutes
                for day, minutes in limit.cap_minutes.items()
                if inputs.period.first_day <= day <= inputs.period.last_day
            ]
            # The engine takes one cap per person: the strictest stage of the plan's days.
            cap = min(caps) if caps else None
            if limit.week_minutes_cap is not None:
                # Minutes beyond what would flag a spike are penalised by the spike goal.
                prior_week, spike_percent = limit.week_minutes_cap, 100
        people.append(
            sp.Person(
                id=pid,
                name=person.full_name if person else f"#{pk}",
                kind=sp.PersonKind.DANCER if dancer is not None else sp.PersonKind.STAFF,
                weight=1 if dancer is not None else 2,
                unavailable=tuple(sorted(unavailable.get(pk, []), key=lambda i: i.start)),
                commitments=tuple(sorted(commitments.get(pk, []), key=lambda c: c.start)),
                max_minutes_per_day=cap,
                prior_week_minutes=prior_week,
                spike_percent=spike_percent,
            )
        )

    # Requests and their parts.
    by_request_shaping: dict[int, dict[int, CallRow]] = defaultdict(dict)
    for row in shaping:
        by_request_shaping[row.request_pk][row.part] = row
    by_request_published: dict[int, dict[int, CallRow]] = defaultdict(dict)
    for row in published:
        by_request_published[row.request_pk][row.part] = row
    requests = []
    for r in inputs.requests:
        rid = mapping.rid(r.pk)
        called = tuple(
            mapping.pid(p.pk)
            for p in sorted(r.people.all(), key=lambda p: p.pk)
            if p.pk not in left_out.get(r.pk, ())
        )
        if not called:
            mapping.warnings.append(
                _("“%(label)s” calls nobody yet: add the people it needs.") % {"label": r.label}
            )
            continue
        known = {**by_request_published.get(r.pk, {}), **by_request_shaping.get(r.pk, {})}
        lengths: list[int] = []
        for k, db_part in enumerate(sorted(known)):
            lengths.append(known[db_part].minutes)
            mapping.db_part[(rid, k)] = db_part
        if remaining_parts:
            rest = r.minutes - sum(lengths)
            next_part = max(known, default=-1) + 1
            for length in split_minutes(rest, min(r.call_minutes or longest, longest)):
                mapping.db_part[(rid, len(lengths))] = next_part
                lengths.append(length)
                next_part += 1
        if not lengths:
            continue
        allowed_days = tuple(
            k
            for k, d in enumerate(mapping.days)
            if (r.earliest_day is None or d >= r.earliest_day)
            and (r.latest_day is None or d <= r.latest_day)
        )
        if not allowed_days:
            mapping.warnings.append(
                _("“%(label)s” may not fall on any day of this plan.") % {"label": r.label}
            )
            continue
        windows: tuple[sp.Window, ...] = ()
        if r.window_start or r.window_end:
            ws = r.window_start.hour * 60 + r.window_start.minute if r.window_start else 0
            we = r.window_end.hour * 60 + r.window_end.minute if r.window_end else DAY
            windows = (sp.Window(ws, we),)
            if not any(ws < d.close and d.open < we for d in days):
                mapping.warnings.append(
                    _("“%(label)s” asks for times outside the working day.") % {"label": r.label}
                )
                continue
        allowed_studios = tuple(mapping.sid(s.pk) for s in r.studios.all() if s.pk in studio_by_pk)
        if not allowed_studios:
            # "Any studio that fits" means a studio: a stage is only for stage and dress
            # rehearsals, which name it.
            allowed_studios = tuple(
                mapping.sid(s.pk) for s in inputs.studios if not s.is_stage and s.active
            )
        request = sp.Request(
            id=rid,
            label=r.label,
            minutes=sum(lengths),
            people=called,
            section=r.section.name if r.section_id and r.section else "",
            studios=allowed_studios,
            needs_piano=r.needs_piano,
            days=allowed_days if len(allowed_days) < len(mapping.days) else (),
            windows=windows,
            priority=6 - r.priority,
            split_lengths=tuple(lengths),
            required=r.required,
        )
        if not any(sp.studio_fits(s, request) for s in studios):
            mapping.warnings.append(
                _("“%(label)s” fits no studio: it calls %(n)s people%(piano)s.")
                % {
                    "label": r.label,
                    "n": len(called),
                    "piano": _(" and needs a piano") if r.needs_piano else "",
                }
            )
            continue
        mapping.request_pk[rid] = r.pk
        requests.append(request)

    # Published calls (the schedule to keep), for requests still in the problem.
    reverse_part = {
        (mapping.request_pk[rid], db): k
        for (rid, k), db in mapping.db_part.items()
        if rid in mapping.request_pk
    }
    pubs = []
    for row in published:
        found = reverse_part.get(row.key)
        sid = mapping.sid(row.studio_pk)
        if found is None or sid not in mapping.studio_pk:
            continue
        start = mapping.minute(row.starts_at)
        if not 0 <= start < mapping.horizon:
            continue
        pubs.append(
            sp.PublishedCall(
                request=mapping.rid(row.request_pk),
                part=found,
                studio=sid,
                start=start,
                people=tuple(mapping.pid(pk) for pk in row.person_pks),
                locked=row.locked,
            )
        )

    # Travel between every pair of sites in play.
    sites = {s.site for s in studios} | {
        c.site for p in people for c in p.commitments if c.site is not None
    }
    table = {(f"site{t.origin_id}", f"site{t.destination_id}"): t.minutes for t in inputs.travel}
    travel = []
    for a in sorted(sites):
        for b in sorted(sites):
            if a == b:
                continue
            minutes = table.get((a, b), table.get((b, a)))
            if minutes is None:
                minutes = 0
                mapping.warnings.append(
                    _("No travel time is recorded between two sites; Callboard assumes none.")
                )
            travel.append(sp.Travel(a, b, minutes))
    problem = sp.Problem(
        days=days,
        people=tuple(people),
        studios=tuple(studios),
        requests=tuple(requests),
        labour=rules,
        travel=tuple(travel),
        published=tuple(pubs),
        granularity=15,
        name=name or str(period),
    )
    mapping.warnings = list(dict.fromkeys(mapping.warnings))
    return problem, mapping


def to_solver_calls(rows: Iterable[CallRow], mapping: Mapping) -> list[SolverCall]:
    """Draft calls as solver calls (parts as the problem numbered them)."""
    reverse = {
        (mapping.request_pk[rid], db): k
        for (rid, k), db in mapping.db_part.items()
        if rid in mapping.request_pk
    }
    out = []
    for row in rows:
        k = reverse.get(row.key)
        if k is None:
            continue
        out.append(
            SolverCall(
                request=mapping.rid(row.request_pk),
                part=k,
                studio=mapping.sid(row.studio_pk),
                start=mapping.minute(row.starts_at),
                end=mapping.minute(row.ends_at),
                people=tuple(mapping.pid(pk) for pk in row.person_pks),
            )
        )
    return out


@dataclass(frozen=True)
class PlacedCall:
    """A solver call in records and times."""

    request_pk: int
    part: int
    studio_pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    person_pks: tuple[int, ...]


def from_solver_calls(calls: Iterable[SolverCall], mapping: Mapping) -> list[PlacedCall]:
    return [
        PlacedCall(
            request_pk=mapping.request_pk[c.request],
            part=mapping.db_part[(c.request, c.part)],
            studio_pk=mapping.studio_pk[c.studio],
            starts_at=mapping.moment(c.start),
            ends_at=mapping.moment(c.end),
            person_pks=tuple(sorted(mapping.person_pk[p] for p in c.people)),
        )
        for c in calls
    ]


def problem_json(problem: sp.Problem) -> dict[str, Any]:
    """The problem as JSON (recorded with each run, to replay it outside Callboard)."""
    try:
        from callboard.scheduling.solver.io import problem_to_json
    except ImportError:  # the engine's JSON format is newer than this checkout
        return dataclasses.asdict(problem)
    return problem_to_json(problem)


# --------------------------------------------------------------------------- checking


def engine_words(text: Text | None, english: str = "") -> str:
    """A sentence of the engine in the reader's language.

    The engine says it as an English template and its values (``solver/messages.py``); here
    the template is translated, lengths of time are written the reader's way and request
    labels Callboard stored in English are shown translated. A sentence kept only as English
    text (an older run's) is translated from the catalogue, as any stored sentence.
    """
    if text is None:
        return reader_text(english)
    return text.render(_, reader_text)


def engine_json(text: Text | None) -> dict[str, Any] | None:
    """A sentence of the engine as JSON, kept with a run to be written for each reader."""
    return text.to_json() if text is not None else None


def stored_engine_words(data: Any, english: str = "") -> str:
    """:func:`engine_words` of a sentence kept by :func:`engine_json` (or only in English)."""
    if isinstance(data, dict) and "msgid" in data:
        try:
            return engine_words(Text.from_json(data))
        except (KeyError, TypeError, ValueError):
            pass  # a sentence kept by another version of Callboard: its English will do
    return engine_words(None, english)


@dataclass(frozen=True)
class Finding:
    """A broken rule: ``message`` in English (how an override names it, and compares it),
    ``words`` in the reader's language."""

    rule: str
    title: str
    message: str
    request_pks: tuple[int, ...] = ()
    person_pks: tuple[int, ...] = ()
    words: str = ""


def check(problem: sp.Problem, calls: Sequence[SolverCall], mapping: Mapping) -> list[Finding]:
    """Every hard rule the calls break, as findings naming records."""
    return [_finding(v, mapping) for v in Checker(problem).check(list(calls))]


def _finding(v: Violation, mapping: Mapping) -> Finding:
    return Finding(
        rule=v.rule,
        title=_(RULES.get(v.rule, v.rule)),
        message=v.message,
        request_pks=tuple(mapping.request_pk[i] for i in v.items if i in mapping.request_pk),
        person_pks=tuple(mapping.person_pk[i] for i in v.items if i in mapping.person_pk),
        words=engine_words(v.text),
    )


def goal_costs(problem: sp.Problem, calls: Sequence[SolverCall]) -> dict[str, int]:
    return dict(score(problem, calls).breakdown())


def goal_amounts(problem: sp.Problem, calls: Sequence[SolverCall]) -> dict[str, int]:
    """Each goal's amount in its own unit (minutes, calls, people), for saying it in words."""
    result = score(problem, calls)
    return {name: result.amount(name) for name, _cost in result.breakdown()}


def explain_schedule(
    problem: sp.Problem,
    calls: Sequence[SolverCall],
    mapping: Mapping,
    *,
    budget_seconds: float = 3.0,
    status: Status = Status.FEASIBLE,
) -> dict[str, Any]:
    """What each goal cost, what was left out and why, and the rules closest to binding."""
    result = score(problem, calls)
    unplaced = unplaced_reasons(problem, calls, status=status, budget_seconds=budget_seconds)
    solution = Solution(
        status=status,
        calls=tuple(calls),
        unplaced=tuple(unplaced),
        objective=result.total,
        breakdown=result.breakdown(),
    )
    details = explain(problem, solution)
    goals: list[dict[str, Any]] = []
    for name, cost in result.breakdown():
        if not cost:
            continue
        lines = [engine_words(e.text, e.message) for e in details if e.goal == name]
        goals.append(
            {
                "goal": name,
                "title": _(GOAL_TITLES.get(name, name)),
                "cost": cost,
                "amount": result.amount(name),
                "lines": lines[:12],
                "more": max(0, len(lines) - 12),
            }
        )
    goals.sort(key=lambda g: -g["cost"])
    by_request: dict[str, list[Any]] = defaultdict(list)
    for u in unplaced:
        by_request[u.request].append(u)
    left_out = [
        {
            "request_pk": mapping.request_pk.get(rid),
            "label": problem.request_label(rid),
            "minutes": sum(u.minutes for u in items),
            "reason": engine_words(items[0].text, items[0].reason),
        }
        for rid, items in by_request.items()
    ]
    return {
        "objective": result.total,
        "goals": goals,
        "unplaced": left_out,
        "binding": closest_rules(problem, calls),
    }


def closest_rules(
    problem: sp.Problem, calls: Sequence[SolverCall], *, most: int = 8
) -> list[dict[str, Any]]:
    """The labour limits and studios nearest their limit (share of the limit used)."""
    by_person: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in calls:
        for pid in c.people:
            by_person[pid].append((c.start, c.end))
    found: list[tuple[float, str, str]] = []
    for person in problem.people:
        rules = problem.labour_for(person)
        items = list(by_person.get(person.id, []))
        if not items:
            continue
        items += [(c.start, c.end) for c in person.commitments if rules.counts_as_work(c)]
        per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for s, e in items:
            per_day[s // DAY].append((s, e))
        week = 0
        for d, its in per_day.items():
            minutes = sum(e - s for s, e in its)
            week += minutes
            span = max(e for _, e in its) - min(s for s, _ in its)
            label = problem.day_label(d)
            if rules.max_minutes_per_day:
                found.append(
                    (
                        minutes / rules.max_minutes_per_day,
                        "max_minutes_per_day",
                        _("%(who)s works %(m)s of %(limit)s minutes a day on %(day)s")
                        % {
                            "who": person.name,
                            "m": minutes,
                            "limit": rules.max_minutes_per_day,
                            "day": label,
                        },
                    )
                )
            if rules.max_span:
                found.append(
                    (
                        span / rules.max_span,
                        "max_span",
                        _("%(who)s's day on %(day)s spans %(m)s of %(limit)s minutes")
                        % {"who": person.name, "m": span, "limit": rules.max_span, "day": label},
                    )
                )
        if rules.max_minutes_per_week:
            found.append(
                (
                    week / rules.max_minutes_per_week,
                    "max_minutes_per_week",
                    _("%(who)s works %(m)s of %(limit)s minutes in the plan's week")
                    % {"who": person.name, "m": week, "limit": rules.max_minutes_per_week},
                )
            )
    open_minutes = [d.close - d.open for d in problem.days]
    by_studio_day: dict[tuple[str, int], int] = defaultdict(int)
    for c in calls:
        by_studio_day[(c.studio, c.start // DAY)] += c.end - c.start
    for (sid, d), minutes in by_studio_day.items():
        found.append(
            (
                minutes / max(1, open_minutes[d] if d < len(open_minutes) else DAY),
                "studio_clash",
                _("%(studio)s is booked %(m)s of %(limit)s minutes on %(day)s")
                % {
                    "studio": problem.studio_name(sid),
                    "m": minutes,
                    "limit": open_minutes[d] if d < len(open_minutes) else DAY,
                    "day": problem.day_label(d),
                },
            )
        )
    found.sort(key=lambda f: -f[0])
    return [
        {
            "rule": rule,
            "title": _(RULES.get(rule, rule)),
            "percent": round(share * 100),
            "message": msg,
        }
        for share, rule, msg in found[:most]
        if share >= 0.5
    ]


# --------------------------------------------------------------------------- solving


def solve_problem(
    problem: sp.Problem,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    poll_seconds: float = 0.5,
) -> tuple[Solution, bool]:
    """The engine's ``solve()`` (day-by-day planning, CP-SAT, neighbourhood search) with a
    stop: returns (solution, stopped).

    ``should_stop`` is asked on every improving schedule and every ``poll_seconds``; when
    it says yes the search ends and the best schedule so far is kept (the starting
    schedule if CP-SAT had found none yet).
    """
    stopped = threading.Event()

    def stop_now() -> bool:
        if not stopped.is_set() and should_stop():
            stopped.set()
        return stopped.is_set()

    solution = engine_solve(
        problem,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        progress=progress,
        stop=stop_now,
        poll_seconds=poll_seconds,
        explain_seconds=3.0,
    )
    return solution, stopped.is_set()
