"""The CP-SAT model of a :class:`~callboard.scheduling.solver.problem.Problem`.

One function per hard rule (``add_*``) and one per goal (``goal_*``), run in order by
:meth:`CallboardModel.build`. The exact meaning of every rule is in docs/solver.md; the
independent checker (``check.py``) enforces the same meaning without this code.

Variables, per part of a request (one call to place):

- ``x``: the call is placed; ``u``: its start in grid units (start = granularity * u);
- ``z[studio]``: the studio it is in; ``y[day]``: the day it falls on;
- one optional interval for its people and one per candidate studio.

Rules that only involve fixed data (days, windows, working hours, availability, fixed
commitments, studio fit, travel and breaks around fixed commitments) shrink the start
domains before any variable exists (``add_*`` functions of the "static" phase); the
others are constraints between variables.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from callboard.scheduling.solver.problem import (
    DAY,
    LabourRules,
    Part,
    Person,
    PersonKind,
    Problem,
)
from callboard.scheduling.solver.solution import Call

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Lit = cp_model.IntVar
Expr = cp_model.LinearExpr | int


@dataclass
class PersonInfo:
    """What the model needs to know about one person (derived from the problem)."""

    person: Person
    rules: LabourRules
    day_cap: int | None
    parts: list[int] = field(default_factory=list)
    fixed_work: list[tuple[int, int]] = field(default_factory=list)
    blocks: list[tuple[int, int]] = field(default_factory=list)
    short_parts: set[int] = field(default_factory=set)
    short_blocks: set[int] = field(default_factory=set)


@dataclass
class PersonDay:
    """One person on one day: the calls that may fall on it and the fixed work on it."""

    person: str
    day: int
    cand: list[int]
    fixed: list[tuple[int, int]]
    first: cp_model.IntVar | int | None = None
    last: cp_model.IntVar | int | None = None
    has_work: cp_model.IntVar | int = 0

    @property
    def fixed_minutes(self) -> int:
        return sum(e - s for s, e in self.fixed)

    @property
    def fixed_span(self) -> int:
        return max(e for _, e in self.fixed) - min(s for s, _ in self.fixed) if self.fixed else 0

    @property
    def fixed_idle(self) -> int:
        return self.fixed_span - self.fixed_minutes


class CallboardModel:
    """Builds the CP-SAT model; after solving, reads the calls back."""

    def __init__(self, problem: Problem, *, mandatory_as_assumptions: bool = False) -> None:
        self.p = problem
        self.g = problem.granularity
        self.m = cp_model.CpModel()
        self.parts: list[Part] = list(problem.parts)
        self.index = {part.key: i for i, part in enumerate(self.parts)}
        self.mandatory_as_assumptions = mandatory_as_assumptions
        self.grid: IntArray = np.arange(0, problem.horizon, self.g, dtype=np.int64)
        self.mask: list[BoolArray] = [np.ones(len(self.grid), dtype=bool) for _ in self.parts]
        self.studio_mask: list[dict[str, BoolArray]] = [{} for _ in self.parts]
        self.site_mask: list[dict[str, BoolArray]] = [{} for _ in self.parts]
        self.people: dict[str, PersonInfo] = {}
        self._cum_cache: dict[tuple[object, ...], IntArray] = {}
        # variables (filled by create_variables)
        self.possible: list[bool] = [True] * len(self.parts)
        self.x: list[cp_model.IntVar] = []
        self.u: list[cp_model.IntVar] = []
        self.z: list[dict[str, cp_model.IntVar]] = []
        self.y: list[dict[int, cp_model.IntVar]] = []
        self.site: list[dict[str, cp_model.IntVar]] = []
        self.allowed: list[dict[str, IntArray]] = []
        self.interval: list[cp_model.IntervalVar | None] = []
        self.studio_interval: list[dict[str, cp_model.IntervalVar]] = []
        self.person_days: dict[tuple[str, int], PersonDay] = {}
        self.order: dict[tuple[int, int], cp_model.IntVar] = {}
        self.kept: dict[tuple[str, int], cp_model.IntVar | int] = {}
        self.mandatory: list[tuple[cp_model.IntVar, str, str]] = []
        self.goal_terms: dict[str, list[Expr]] = defaultdict(list)
        self._start_after: dict[tuple[int, int], cp_model.IntVar] = {}

    # -- orchestration -----------------------------------------------------------------------

    def build(self) -> CallboardModel:
        self.build_variables()
        for rule in HARD_RULES:
            rule(self)
        for goal in GOAL_FUNCTIONS:
            goal(self)
        self.m.minimize(sum(self.objective_terms()))
        return self

    def build_variables(self) -> CallboardModel:
        """The static phase and the variables, without the rules between variables or the
        goals (what the day plan of ``decompose.py`` reads: where each call may start)."""
        self._collect_people()
        for static_rule in STATIC_RULES:
            static_rule(self)
        create_variables(self)
        build_person_days(self)
        return self

    def objective_terms(self) -> list[Expr]:
        return [t for terms in self.goal_terms.values() for t in terms]

    def start(self, i: int) -> Expr:
        return self.g * self.u[i]

    def end(self, i: int) -> Expr:
        return self.g * self.u[i] + self.parts[i].length

    def _collect_people(self) -> None:
        p = self.p
        for person in p.people:
            rules = p.labour_for(person)
            caps = [
                c for c in (rules.max_minutes_per_day, person.max_minutes_per_day) if c is not None
            ]
            info = PersonInfo(person=person, rules=rules, day_cap=min(caps) if caps else None)
            info.fixed_work = sorted(
                (c.start, c.end) for c in person.commitments if rules.counts_as_work(c)
            )
            info.blocks = _merge(
                info.fixed_work, rules.break_minutes if rules.has_break_rule else 0
            )
            self.people[person.id] = info
        for i, part in enumerate(self.parts):
            for pid in part.people:
                self.people[pid].parts.append(i)
        for info in self.people.values():
            rules = info.rules
            if not rules.has_break_rule or rules.break_every is None:
                continue
            lengths = [(self.parts[i].length, ("part", i)) for i in info.parts]
            lengths += [(e - s, ("block", k)) for k, (s, e) in enumerate(info.blocks)]
            lengths.sort()
            for length, (kind, k) in lengths:
                partner = next((ln for ln, key in lengths if key != (kind, k)), None)
                if partner is not None and length + partner <= rules.break_every:
                    (info.short_parts if kind == "part" else info.short_blocks).add(k)

    # -- helpers for the static phase ------------------------------------------------------

    def free_starts(
        self, key: tuple[object, ...], busy: Iterable[tuple[int, int]], length: int
    ) -> BoolArray:
        """Grid starts whose call of ``length`` minutes touches none of ``busy``."""
        cum = self._cum_cache.get(key)
        if cum is None:
            size = self.p.horizon + 2 * DAY
            occupied = np.zeros(size, dtype=np.int64)
            for s, e in busy:
                s, e = max(0, s), min(size, e)
                if s < e:
                    occupied[s:e] = 1
            cum = np.concatenate(([0], np.cumsum(occupied)))
            self._cum_cache[key] = cum
        return np.asarray(cum[self.grid + length] - cum[self.grid] == 0, dtype=bool)

    def tod(self) -> IntArray:
        return np.asarray(self.grid % DAY, dtype=np.int64)

    def day_of_grid(self) -> IntArray:
        return np.asarray(self.grid // DAY, dtype=np.int64)

    def order_literal(self, a: int, b: int) -> tuple[cp_model.IntVar, bool]:
        """A literal meaning "part a before part b" (shared per pair); flag: negated form."""
        key = (min(a, b), max(a, b))
        lit = self.order.get(key)
        if lit is None:
            lit = self.m.new_bool_var(f"order_{key[0]}_{key[1]}")
            self.order[key] = lit
        return lit, a > b


def _merge(items: Sequence[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Merge sorted items whose gap is below ``gap`` (a break of ``gap`` separates blocks)."""
    out: list[tuple[int, int]] = []
    for s, e in items:
        if out and s - out[-1][1] < gap:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


# == static phase: rules that shrink the start domains ======================================


def add_working_hours(b: CallboardModel) -> None:
    """Calls lie in the company's working window of their day and, for each person called,
    between the earliest start and the latest end of their labour rules."""
    tod, day = b.tod(), b.day_of_grid()
    opens = np.array([d.open for d in b.p.days], dtype=np.int64)[day]
    closes = np.array([d.close for d in b.p.days], dtype=np.int64)[day]
    for i, part in enumerate(b.parts):
        ok = (tod >= opens) & (tod + part.length <= closes)
        for pid in part.people:
            rules = b.people[pid].rules
            if rules.earliest_start is not None:
                ok &= tod >= rules.earliest_start
            if rules.latest_end is not None:
                ok &= tod + part.length <= rules.latest_end
        b.mask[i] &= ok


def add_allowed_days_and_windows(b: CallboardModel) -> None:
    """Calls fall on a day the request allows, inside one of its time windows."""
    tod, day = b.tod(), b.day_of_grid()
    for i, part in enumerate(b.parts):
        r = part.request
        if r.days:
            b.mask[i] &= np.isin(day, np.array(r.days, dtype=np.int64))
        if r.windows:
            inside = np.zeros(len(b.grid), dtype=bool)
            for w in r.windows:
                inside |= (tod >= w.start) & (tod + part.length <= w.end)
            b.mask[i] &= inside


def add_longest_call(b: CallboardModel) -> None:
    """No call is longer than the longest call of anyone it calls."""
    for i, part in enumerate(b.parts):
        for pid in part.people:
            longest = b.people[pid].rules.longest_call
            if longest is not None and part.length > longest:
                b.mask[i][:] = False


def add_studio_fit(b: CallboardModel) -> None:
    """Only studios on the request's list (if any), large enough, with a piano if needed."""
    for i, part in enumerate(b.parts):
        r = part.request
        for studio in b.p.studios:
            if r.studios and studio.id not in r.studios:
                continue
            if studio.capacity < len(r.people) or (r.needs_piano and not studio.piano):
                continue
            b.studio_mask[i][studio.id] = np.ones(len(b.grid), dtype=bool)


def add_availability(b: CallboardModel) -> None:
    """Nobody is called while unavailable or during a fixed commitment."""
    for i, part in enumerate(b.parts):
        for pid in part.people:
            person = b.people[pid].person
            busy = [(u.start, u.end) for u in person.unavailable]
            busy += [(c.start, c.end) for c in person.commitments]
            b.mask[i] &= b.free_starts(("busy", pid), busy, part.length)


def add_studio_availability(b: CallboardModel) -> None:
    """No call in a studio while it is unavailable."""
    for i, part in enumerate(b.parts):
        for sid in b.studio_mask[i]:
            studio = b.p.studio_by_id[sid]
            busy = [(u.start, u.end) for u in studio.unavailable]
            b.studio_mask[i][sid] &= b.free_starts(("studio", sid), busy, part.length)


def add_travel_around_commitments(b: CallboardModel) -> None:
    """A call at one site and a fixed commitment at another leave the travel time between."""
    for i, part in enumerate(b.parts):
        for sid in b.studio_mask[i]:
            site = b.p.studio_by_id[sid].site
            if site in b.site_mask[i]:
                continue
            ok = np.ones(len(b.grid), dtype=bool)
            for pid in part.people:
                person = b.people[pid].person
                busy = [
                    (
                        c.start - b.p.travel_minutes(site, c.site),
                        c.end + b.p.travel_minutes(c.site, site),
                    )
                    for c in person.commitments
                    if c.site is not None and c.site != site
                ]
                if busy:
                    ok &= b.free_starts(("travel", pid, site), busy, part.length)
            b.site_mask[i][site] = ok


def add_breaks_around_commitments(b: CallboardModel) -> None:
    """A call may only run into a block of fixed work without a short break when both are
    short enough to stay within ``break_every`` together (else they need the break)."""
    for i, part in enumerate(b.parts):
        for pid in part.people:
            info = b.people[pid]
            if not info.rules.has_break_rule or not info.blocks:
                continue
            bm = info.rules.break_minutes
            short = i in info.short_parts
            busy = [
                (s - bm, e + bm)
                for k, (s, e) in enumerate(info.blocks)
                if not (short and k in info.short_blocks)
            ]
            b.mask[i] &= b.free_starts(("breaks", pid, short), busy, part.length)


STATIC_RULES: tuple[Callable[[CallboardModel], None], ...] = (
    add_working_hours,
    add_allowed_days_and_windows,
    add_longest_call,
    add_studio_fit,
    add_availability,
    add_studio_availability,
    add_travel_around_commitments,
    add_breaks_around_commitments,
)


# == variables ==================================================================================


def create_variables(b: CallboardModel) -> None:
    """Presence, start, studio, day and site of every part, and its intervals."""
    m, g = b.m, b.g
    for i, part in enumerate(b.parts):
        allowed: dict[str, IntArray] = {}
        for sid, studio_ok in b.studio_mask[i].items():
            site = b.p.studio_by_id[sid].site
            ok = b.mask[i] & studio_ok & b.site_mask[i].get(site, True)
            if ok.any():
                allowed[sid] = b.grid[ok]
        b.allowed.append(allowed)
        name = f"{part.request.id}_{part.part}"
        if not allowed:
            b.possible[i] = False
            x = m.new_bool_var(f"x_{name}")
            m.add(x == 0)
            b.x.append(x)
            b.u.append(m.new_constant(0))
            b.z.append({})
            b.y.append({})
            b.site.append({})
            b.interval.append(None)
            b.studio_interval.append({})
            continue
        union = np.unique(np.concatenate(list(allowed.values())))
        x = m.new_bool_var(f"x_{name}")
        u = m.new_int_var_from_domain(
            cp_model.Domain.from_values((union // g).tolist()), f"u_{name}"
        )
        b.x.append(x)
        b.u.append(u)
        m.add(u == int(union[0]) // g).only_enforce_if(x.Not())
        # studios
        z: dict[str, cp_model.IntVar] = {}
        if len(allowed) == 1:
            z[next(iter(allowed))] = x
        else:
            for sid in allowed:
                z[sid] = m.new_bool_var(f"z_{name}_{sid}")
            m.add(sum(z.values()) == x)
            for sid, starts in allowed.items():
                if len(starts) < len(union):
                    m.add_linear_expression_in_domain(
                        u, cp_model.Domain.from_values((starts // g).tolist())
                    ).only_enforce_if(z[sid])
        b.z.append(z)
        # days
        days = sorted({int(t) // DAY for t in union})
        y: dict[int, cp_model.IntVar] = {}
        if len(days) == 1:
            y[days[0]] = x
        else:
            for d in days:
                y[d] = m.new_bool_var(f"y_{name}_{d}")
                m.add(u >= d * DAY // g).only_enforce_if(y[d])
                m.add(u <= ((d + 1) * DAY - 1) // g).only_enforce_if(y[d])
            m.add(sum(y.values()) == x)
        b.y.append(y)
        # sites
        by_site: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for sid, lit in z.items():
            by_site[b.p.studio_by_id[sid].site].append(lit)
        sites: dict[str, cp_model.IntVar] = {}
        for site, lits in by_site.items():
            if len(by_site) == 1:
                sites[site] = x
            elif len(lits) == 1:
                sites[site] = lits[0]
            else:
                lit = m.new_bool_var(f"site_{name}_{site}")
                m.add(sum(lits) == lit)
                sites[site] = lit
        b.site.append(sites)
        # intervals
        iv = m.new_optional_fixed_size_interval_var(g * u, part.length, x, f"iv_{name}")
        b.interval.append(iv)
        b.studio_interval.append(
            {
                sid: iv
                if lit is x
                else m.new_optional_fixed_size_interval_var(
                    g * u, part.length, lit, f"iv_{name}_{sid}"
                )
                for sid, lit in z.items()
            }
        )


def build_person_days(b: CallboardModel) -> None:
    """Per person and day: candidate calls, fixed work, first start, last end, has-work."""
    m = b.m
    for pid, info in b.people.items():
        fixed_by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for s, e in info.fixed_work:
            fixed_by_day[s // DAY].append((s, e))
        for d in range(len(b.p.days)):
            cand = [i for i in info.parts if b.possible[i] and d in b.y[i]]
            fixed = fixed_by_day.get(d, [])
            if not cand and not fixed:
                continue
            pd = PersonDay(person=pid, day=d, cand=cand, fixed=fixed)
            if not cand:
                pd.first = min(s for s, _ in fixed)
                pd.last = max(e for _, e in fixed)
                pd.has_work = 1
            else:
                first = m.new_int_var(d * DAY, (d + 1) * DAY, f"first_{pid}_{d}")
                last = m.new_int_var(d * DAY, (d + 2) * DAY, f"last_{pid}_{d}")
                for i in cand:
                    m.add(first <= b.start(i)).only_enforce_if(b.y[i][d])
                    m.add(last >= b.end(i)).only_enforce_if(b.y[i][d])
                if fixed:
                    m.add(first <= min(s for s, _ in fixed))
                    m.add(last >= max(e for _, e in fixed))
                    pd.has_work = 1
                else:
                    hw = m.new_bool_var(f"works_{pid}_{d}")
                    for i in cand:
                        m.add_implication(b.y[i][d], hw)
                    pd.has_work = hw
                pd.first, pd.last = first, last
            b.person_days[(pid, d)] = pd


def day_work(b: CallboardModel, pd: PersonDay) -> Expr:
    """Minutes of calls of the person-day (fixed work excluded)."""
    return sum(
        (b.parts[i].length * b.y[i][pd.day] for i in pd.cand), start=cp_model.LinearExpr.constant(0)
    )


# == hard rules between variables ===============================================================


def add_no_overlap_per_studio(b: CallboardModel) -> None:
    """One call per studio at a time."""
    by_studio: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for ivs in b.studio_interval:
        for sid, iv in ivs.items():
            by_studio[sid].append(iv)
    for ivs_of_studio in by_studio.values():
        if len(ivs_of_studio) > 1:
            b.m.add_no_overlap(ivs_of_studio)


def add_no_overlap_per_person(b: CallboardModel) -> None:
    """Nobody in two places at once. Where a person has no call short enough to run into
    another without a break, each call's interval is stretched by the short break
    (``break_minutes``) so that consecutive calls are always a break apart."""
    extended: dict[tuple[int, int], cp_model.IntervalVar] = {}
    for info in b.people.values():
        parts = [i for i in info.parts if b.possible[i]]
        if len(parts) < 2:
            continue
        rules = info.rules
        if rules.has_break_rule and not info.short_parts:
            bm = rules.break_minutes
            ivs = []
            for i in parts:
                key = (i, bm)
                if key not in extended:
                    extended[key] = b.m.new_optional_fixed_size_interval_var(
                        b.start(i), b.parts[i].length + bm, b.x[i], f"ext_{i}_{bm}"
                    )
                ivs.append(extended[key])
            b.m.add_no_overlap(ivs)
        else:
            b.m.add_no_overlap([iv for i in parts if (iv := b.interval[i]) is not None])


def add_short_breaks(b: CallboardModel) -> None:
    """Back-to-back work (gaps shorter than ``break_minutes``) forms a stretch; a stretch of
    two or more items that includes a call may last at most ``break_every``.

    For people with calls short enough to share a stretch, each such call ``p`` gets a
    stretch start ``ss[p]``: ``ss[p] <= start[p]``; a call ``q`` ending less than a break
    before ``p`` starts forces ``ss[p] <= ss[q]``; and if ``ss[p] < start[p]`` (p is not
    alone) then ``end[p] - ss[p] <= break_every``. Every other pair needs a full break.
    (People without such calls are handled by :func:`add_no_overlap_per_person`.)"""
    m = b.m
    for pid, info in b.people.items():
        rules = info.rules
        if not rules.has_break_rule or rules.break_every is None or not info.short_parts:
            continue
        bm, be = rules.break_minutes, rules.break_every
        parts = [i for i in info.parts if b.possible[i]]
        ss: dict[object, cp_model.IntVar] = {}
        for i in parts:
            if i in info.short_parts:
                ss[("p", i)] = _stretch_start(b, f"{pid}_p{i}", b.start(i), b.end(i), be, b.x[i])
        for k, (s, e) in enumerate(info.blocks):
            if k in info.short_blocks:
                const = cp_model.LinearExpr.constant
                ss[("f", k)] = _stretch_start(b, f"{pid}_f{k}", const(s), const(e), be, None)
        # call-call pairs
        for a_idx, i in enumerate(parts):
            for j in parts[a_idx + 1 :]:
                if not _may_meet(b, i, j, bm):
                    continue
                before, neg = b.order_literal(i, j)
                i_first = before.Not() if neg else before
                both = [b.x[i], b.x[j]]
                if i in info.short_parts and j in info.short_parts:
                    join_ij = m.new_bool_var(f"join_{pid}_{i}_{j}")  # i then j, less than a break
                    join_ji = m.new_bool_var(f"join_{pid}_{j}_{i}")
                    m.add(b.start(j) >= b.end(i) + bm).only_enforce_if(
                        [i_first, join_ij.Not(), *both]
                    )
                    m.add(b.start(i) >= b.end(j) + bm).only_enforce_if(
                        [i_first.Not(), join_ji.Not(), *both]
                    )
                    m.add(b.start(j) >= b.end(i)).only_enforce_if([i_first, *both])
                    m.add(b.start(i) >= b.end(j)).only_enforce_if([i_first.Not(), *both])
                    m.add(ss[("p", j)] <= ss[("p", i)]).only_enforce_if(join_ij)
                    m.add(ss[("p", i)] <= ss[("p", j)]).only_enforce_if(join_ji)
                else:
                    m.add(b.start(j) >= b.end(i) + bm).only_enforce_if([i_first, *both])
                    m.add(b.start(i) >= b.end(j) + bm).only_enforce_if([i_first.Not(), *both])
        # call-fixed pairs (only both short may join; the others are kept a break apart by
        # add_breaks_around_commitments)
        for i in parts:
            if i not in info.short_parts:
                continue
            for k, (s, e) in enumerate(info.blocks):
                if k not in info.short_blocks:
                    continue
                call_first = m.new_bool_var(f"before_{pid}_{i}_{k}")
                join_after = m.new_bool_var(f"join_{pid}_{k}_{i}")
                join_before = m.new_bool_var(f"join_{pid}_{i}_{k}")
                x = b.x[i]
                m.add(b.end(i) <= s).only_enforce_if([call_first, x])
                m.add(b.start(i) >= e).only_enforce_if([call_first.Not(), x])
                m.add(b.end(i) <= s - bm).only_enforce_if([call_first, join_before.Not(), x])
                m.add(b.start(i) >= e + bm).only_enforce_if([call_first.Not(), join_after.Not(), x])
                m.add(ss[("f", k)] <= ss[("p", i)]).only_enforce_if(join_before)
                m.add(ss[("p", i)] <= ss[("f", k)]).only_enforce_if(join_after)


def _stretch_start(
    b: CallboardModel, name: str, start: Expr, end: Expr, break_every: int, present: Lit | None
) -> cp_model.IntVar:
    """The start of the stretch an item belongs to (see :func:`add_short_breaks`)."""
    m = b.m
    var = m.new_int_var(0, b.p.horizon + DAY, f"ss_{name}")
    multi = m.new_bool_var(f"multi_{name}")
    m.add(var <= start)
    m.add(var == start).only_enforce_if(multi.Not())
    m.add(end - var <= break_every).only_enforce_if(multi)
    if present is not None:
        m.add_implication(present.Not(), multi.Not())
    return var


def _may_meet(b: CallboardModel, i: int, j: int, distance: int) -> bool:
    """Whether calls i and j could come within ``distance`` minutes of each other."""
    for d_i in b.y[i]:
        for d_j in b.y[j]:
            if abs(d_i - d_j) > 1:
                continue
            si, sj = _starts_on(b, i, d_i), _starts_on(b, j, d_j)
            if (
                sj[0] - (si[-1] + b.parts[i].length) < distance
                and si[0] - (sj[-1] + b.parts[j].length) < distance
            ):
                return True
    return False


def _starts_on(b: CallboardModel, i: int, day: int) -> IntArray:
    starts = np.unique(np.concatenate(list(b.allowed[i].values())))
    return np.asarray(starts[(starts >= day * DAY) & (starts < (day + 1) * DAY)], dtype=np.int64)


def add_max_minutes_per_day(b: CallboardModel) -> None:
    """Most minutes of work a day (the agreement's and a person's own cap), fixed work
    included; never more than the fixed work alone already makes it."""
    for pd in b.person_days.values():
        cap = b.people[pd.person].day_cap
        if cap is None or not pd.cand:
            continue
        b.m.add(day_work(b, pd) <= max(0, cap - pd.fixed_minutes))


def add_max_minutes_per_week(b: CallboardModel) -> None:
    """Most minutes of work a week (7-day chunks of the horizon), fixed work included."""
    for pid, info in b.people.items():
        cap = info.rules.max_minutes_per_week
        if cap is None:
            continue
        for days in b.p.weeks():
            pds = [b.person_days[(pid, d)] for d in days if (pid, d) in b.person_days]
            if not any(pd.cand for pd in pds):
                continue
            fixed = sum(pd.fixed_minutes for pd in pds)
            b.m.add(sum(day_work(b, pd) for pd in pds) <= max(0, cap - fixed))


def add_max_span(b: CallboardModel) -> None:
    """Longest span of a working day (first start to last end of work)."""
    for pd in b.person_days.values():
        span = b.people[pd.person].rules.max_span
        if span is None or not pd.cand:
            continue
        assert isinstance(pd.first, cp_model.IntVar) and isinstance(pd.last, cp_model.IntVar)
        b.m.add(pd.last - pd.first <= max(span, pd.fixed_span))


def add_meal_break(b: CallboardModel) -> None:
    """On a day with a call whose work spans more than ``meal_within`` minutes from its
    first start, a rest of ``meal_minutes`` without work must begin by first start +
    ``meal_within``: an optional "meal" interval, kept clear of all work that day."""
    m = b.m
    for pd in b.person_days.values():
        rules = b.people[pd.person].rules
        if not rules.has_meal_rule or rules.meal_within is None or not pd.cand:
            continue
        within, meal = rules.meal_within, rules.meal_minutes
        d = pd.day
        lo = min([int(_starts_on(b, i, d)[0]) for i in pd.cand] + [s for s, _ in pd.fixed])
        hi = max(
            [int(_starts_on(b, i, d)[-1]) + b.parts[i].length for i in pd.cand]
            + [e for _, e in pd.fixed]
        )
        if hi - lo <= within:
            continue
        far = (d + 1) * DAY
        starts: list[Expr] = [_start_or(b, i, d, far) for i in pd.cand]
        starts += [cp_model.LinearExpr.constant(s) for s, _ in pd.fixed]
        first = m.new_int_var(d * DAY, far, f"first_exact_{pd.person}_{d}")
        m.add_min_equality(first, starts)
        has_call = m.new_bool_var(f"has_call_{pd.person}_{d}")
        for i in pd.cand:
            m.add_implication(b.y[i][d], has_call)
        taken = m.new_bool_var(f"meal_{pd.person}_{d}")
        at = m.new_int_var(d * DAY, far + within, f"meal_at_{pd.person}_{d}")
        m.add(at >= first).only_enforce_if(taken)
        m.add(at <= first + within).only_enforce_if(taken)
        assert pd.last is not None
        m.add(pd.last - first <= within).only_enforce_if([taken.Not(), has_call])
        ivs = [m.new_optional_fixed_size_interval_var(at, meal, taken, f"meal_iv_{pd.person}_{d}")]
        ivs += [iv for i in pd.cand if (iv := b.interval[i]) is not None]
        ivs += [
            m.new_fixed_size_interval_var(s, e - s, f"work_{pd.person}_{s}")
            for s, e in b.people[pd.person].fixed_work
            if e > d * DAY and s < far + within + meal
        ]
        m.add_no_overlap(ivs)


def _start_or(b: CallboardModel, i: int, day: int, far: int) -> cp_model.IntVar:
    """The start of call i if it falls on ``day``, else ``far`` (shared per part and day)."""
    var = b._start_after.get((i, day))
    if var is None:
        var = b.m.new_int_var(day * DAY, far, f"start_on_{i}_{day}")
        b.m.add(var == b.start(i)).only_enforce_if(b.y[i][day])
        b.m.add(var == far).only_enforce_if(b.y[i][day].Not())
        b._start_after[(i, day)] = var
    return var


def add_rest_between_days(b: CallboardModel) -> None:
    """Least rest from the last work of one day to the first work of the next."""
    m = b.m
    for pid, info in b.people.items():
        rest = info.rules.min_rest_between_days
        if rest is None:
            continue
        for d in range(len(b.p.days) - 1):
            today, tomorrow = b.person_days.get((pid, d)), b.person_days.get((pid, d + 1))
            if today is None or tomorrow is None or not (today.cand or tomorrow.cand):
                continue
            need = rest
            if today.fixed and tomorrow.fixed:
                given = min(s for s, _ in tomorrow.fixed) - max(e for _, e in today.fixed)
                need = min(rest, given)
            assert today.last is not None and tomorrow.first is not None
            enforce = [
                lit for lit in (today.has_work, tomorrow.has_work) if not isinstance(lit, int)
            ]
            m.add(tomorrow.first - today.last >= need).only_enforce_if(enforce)


def add_free_days(b: CallboardModel) -> None:
    """At least ``free_days_per_week`` days without work in each week (days of the week
    outside the horizon count as free); never fewer than the fixed work alone leaves."""
    for pid, info in b.people.items():
        free = info.rules.free_days_per_week
        if free <= 0:
            continue
        for days in b.p.weeks():
            pds = [b.person_days[(pid, d)] for d in days if (pid, d) in b.person_days]
            if not any(pd.cand for pd in pds):
                continue
            need = max(0, free - (7 - len(days)))
            given_free = len(days) - sum(1 for pd in pds if pd.fixed)
            need = min(need, given_free)
            if need:
                b.m.add(sum(pd.has_work for pd in pds) <= len(days) - need)


def add_travel_between_calls(b: CallboardModel) -> None:
    """A person with two calls at different sites has the travel time between them."""
    m = b.m
    pairs: dict[tuple[int, int], None] = {}
    for info in b.people.values():
        parts = [i for i in info.parts if b.possible[i]]
        for a_idx, i in enumerate(parts):
            for j in parts[a_idx + 1 :]:
                pairs[(min(i, j), max(i, j))] = None
    longest = max((t.minutes for t in b.p.travel), default=0)
    if longest <= 0:
        return
    for i, j in pairs:
        if len(set(b.site[i]) | set(b.site[j])) < 2 or not _may_meet(b, i, j, longest + 1):
            continue
        before, _ = b.order_literal(i, j)  # i < j here, so not negated
        for si, lit_i in b.site[i].items():
            for sj, lit_j in b.site[j].items():
                if si == sj:
                    continue
                go, back = b.p.travel_minutes(si, sj), b.p.travel_minutes(sj, si)
                m.add(b.start(j) >= b.end(i) + go).only_enforce_if([before, lit_i, lit_j])
                m.add(b.start(i) >= b.end(j) + back).only_enforce_if([before.Not(), lit_i, lit_j])


def add_precedence(b: CallboardModel) -> None:
    """Every call of request A ends before any call of request B starts."""
    for pr in b.p.precedences:
        firsts = [
            i for i, part in enumerate(b.parts) if part.request.id == pr.before and b.possible[i]
        ]
        thens = [
            i for i, part in enumerate(b.parts) if part.request.id == pr.after and b.possible[i]
        ]
        for i in firsts:
            for j in thens:
                b.m.add(b.end(i) <= b.start(j)).only_enforce_if([b.x[i], b.x[j]])


def _mandatory(b: CallboardModel, lits: list[Lit], kind: str, key: str) -> None:
    if b.mandatory_as_assumptions:
        flag = b.m.new_bool_var(f"must_{kind}_{key}")
        for lit in lits:
            b.m.add_implication(flag, lit)
        b.mandatory.append((flag, kind, key))
    else:
        for lit in lits:
            b.m.add(lit == 1)


def add_required(b: CallboardModel) -> None:
    """Required requests are placed in full."""
    for r in b.p.requests:
        if r.required:
            _mandatory(
                b, [b.x[b.index[(r.id, k)]] for k in range(len(r.part_lengths))], "request", r.id
            )


def add_published_calls(b: CallboardModel) -> None:
    """``kept[c]`` means published call c stays (same studio, same start); locked calls must."""
    m = b.m
    for pub in b.p.published:
        i = b.index[(pub.request, pub.part)]
        key = (pub.request, pub.part)
        starts = b.allowed[i].get(pub.studio)
        if not b.possible[i] or starts is None or pub.start not in set(starts.tolist()):
            b.kept[key] = 0
            lit = m.new_bool_var(f"kept_{pub.request}_{pub.part}")
            m.add(lit == 0)
        else:
            lit = m.new_bool_var(f"kept_{pub.request}_{pub.part}")
            m.add_implication(lit, b.z[i][pub.studio])
            m.add(b.u[i] == pub.start // b.g).only_enforce_if(lit)
            b.kept[key] = lit
        if pub.locked:
            _mandatory(b, [lit], "call", f"{pub.request}#{pub.part}")


def add_symmetry_breaking(b: CallboardModel) -> None:
    """Equal parts of one request are interchangeable: place them in order."""
    published = {pub.request for pub in b.p.published}
    for r in b.p.requests:
        if r.id in published:
            continue
        idx = [b.index[(r.id, k)] for k in range(len(r.part_lengths))]
        for i, j in itertools.pairwise(idx):
            if b.parts[i].length != b.parts[j].length or not (b.possible[i] and b.possible[j]):
                continue
            b.m.add_implication(b.x[j], b.x[i])
            b.m.add(b.u[i] < b.u[j]).only_enforce_if(b.x[j])


HARD_RULES: tuple[Callable[[CallboardModel], None], ...] = (
    add_no_overlap_per_studio,
    add_no_overlap_per_person,
    add_short_breaks,
    add_max_minutes_per_day,
    add_max_minutes_per_week,
    add_max_span,
    add_meal_break,
    add_rest_between_days,
    add_free_days,
    add_travel_between_calls,
    add_precedence,
    add_required,
    add_published_calls,
    add_symmetry_breaking,
)


# == goals ========================================================================================


def goal_unplaced(b: CallboardModel) -> None:
    """Requested minutes not placed, times the request's priority."""
    w = b.p.weights.unplaced
    for i, part in enumerate(b.parts):
        cost = w * part.request.priority * part.length
        b.goal_terms["unplaced"].append(cost - cost * b.x[i])


def goal_waiting(b: CallboardModel) -> None:
    """Minutes a person waits between work within a day, times their weight: (last end -
    first start) - minutes of work, less the waiting their fixed work alone already has.

    A valid cut tightens the bound: where every call must be a short break away from the
    next item, a day with ``k`` calls and one fixed block (class) has at least ``k`` gaps
    (``k - 1`` without fixed work), each at least the break rounded up to the grid."""
    w = b.p.weights.waiting
    if not w:
        return
    for pd in b.person_days.values():
        info = b.people[pd.person]
        weight = w * info.person.weight
        if not pd.cand or not weight:
            continue
        assert isinstance(pd.first, cp_model.IntVar) and isinstance(pd.last, cp_model.IntVar)
        wait = b.m.new_int_var(0, 2 * DAY, f"wait_{pd.person}_{pd.day}")
        b.m.add(wait >= pd.last - pd.first - day_work(b, pd) - pd.fixed_minutes - pd.fixed_idle)
        gap = least_gap(b, info)
        blocks = [blk for blk in info.blocks if blk[0] // DAY == pd.day]
        gaps: Expr = 0
        if gap and len(blocks) <= 1:
            calls = sum(b.y[i][pd.day] for i in pd.cand)
            gaps = gap * calls - (gap if not blocks else 0)
            b.m.add(wait >= gaps)
        _meal_cut(b, pd, info, wait, gaps, gap if gap and len(blocks) <= 1 else 0)
        if gap and len(blocks) <= 1:
            _meal_pair_cut(b, pd, info, wait, gaps, gap, blocks)
        b.goal_terms["waiting"].append(weight * wait)


def _meal_cut(
    b: CallboardModel, pd: PersonDay, info: PersonInfo, wait: cp_model.IntVar, gaps: Expr, gap: int
) -> None:
    """A valid cut from the meal break: on a day whose work (fixed included) exceeds
    ``meal_within`` minutes, the span exceeds it too, so the day holds a rest of
    ``meal_minutes`` without work inside its span, and the person waits at least that long
    (one of the ``gaps`` is then at least ``meal_minutes``, not ``gap``). Waiting is a step
    in the day's work minutes ``W``; the cut is the line under the step, through
    ``(meal_within, 0)`` and ``(C, meal_minutes - gap)``, where ``C`` is the day cap.

    Only for days with at most one item of fixed work (then the fixed work has no idle time
    of its own, which the waiting goal would subtract) and fixed work of at most
    ``meal_within`` minutes (so that work beyond it means a call: the rule only binds on
    days with a call)."""
    rules = info.rules
    cap = info.day_cap
    if not rules.has_meal_rule or rules.meal_within is None or cap is None:
        return
    within, meal = rules.meal_within, rules.meal_minutes
    if cap <= within or len(pd.fixed) > 1 or pd.fixed_minutes > within or meal <= gap:
        return
    work = day_work(b, pd) + pd.fixed_minutes
    b.m.add((cap - within) * wait >= (cap - within) * gaps + (meal - gap) * (work - within))


def _meal_pair_cut(
    b: CallboardModel,
    pd: PersonDay,
    info: PersonInfo,
    wait: cp_model.IntVar,
    gaps: Expr,
    gap: int,
    blocks: list[tuple[int, int]],
) -> None:
    """A valid cut from the meal break, by pairs of calls: if calls ``i`` and ``j`` both
    fall on the day, its work spans at least their minutes, the fixed block's, and a gap
    of ``gap`` between each two consecutive items; when that exceeds ``meal_within`` the
    day needs its meal rest, which is one of the gaps between items, so the person waits
    ``meal_minutes - gap`` more than ``gaps``. A boolean ``meal`` says the day has such a
    pair (implied by each pair); when every pair of the day's candidates forces the meal,
    ``meal`` is implied by two calls at all (one linear constraint instead of the pairs).

    Only where every call needs a short break on both sides and the day has at most one
    block of fixed work (the same conditions as the gap cut), so the waiting is at least
    the sum of the gaps between consecutive items."""
    rules = info.rules
    if not rules.has_meal_rule or rules.meal_within is None:
        return
    meal, within = rules.meal_minutes, rules.meal_within
    cand = pd.cand
    if meal <= gap or len(cand) < 2:
        return
    fixed = sum(e - s for s, e in blocks)
    items = 2 + len(blocks)
    forcing = [
        (i, j)
        for i, j in itertools.combinations(cand, 2)
        if b.parts[i].length + b.parts[j].length + fixed + gap * (items - 1) > within
    ]
    if not forcing:
        return
    d = pd.day
    lit = b.m.new_bool_var(f"meal_{pd.person}_{d}")
    if len(forcing) == len(cand) * (len(cand) - 1) // 2:
        calls = sum(b.y[i][d] for i in cand)
        b.m.add(calls - 1 <= (len(cand) - 1) * lit)
    else:
        for i, j in forcing[:200]:
            b.m.add_bool_or([b.y[i][d].Not(), b.y[j][d].Not(), lit])
    b.m.add(wait >= gaps + (meal - gap) * lit)


def least_gap(b: CallboardModel, info: PersonInfo) -> int:
    """The least gap between a call of this person and the next item, if every call needs
    a short break on both sides (0 if some may run straight into another)."""
    rules = info.rules
    if not rules.has_break_rule or info.short_parts:
        return 0
    bm, g = rules.break_minutes, b.g
    aligned = all(b.parts[i].length % g == 0 for i in info.parts) and all(
        s % g == 0 and e % g == 0 for s, e in info.fixed_work
    )
    return -(-bm // g) * g if aligned else bm


def goal_late_finish(b: CallboardModel) -> None:
    """Person-minutes of calls after ``late_after``."""
    w, after = b.p.weights.late_finish, b.p.weights.late_after
    if not w:
        return
    for i, part in enumerate(b.parts):
        if not b.possible[i]:
            continue
        latest = max(int(s) % DAY + part.length for st in b.allowed[i].values() for s in st)
        if latest <= after:
            continue
        late = b.m.new_int_var(0, latest - after, f"late_{i}")
        day_start = sum(d * DAY * lit for d, lit in b.y[i].items())
        b.m.add(late >= b.end(i) - day_start - after).only_enforce_if(b.x[i])
        b.goal_terms["late_finish"].append(w * len(part.people) * late)


def goal_long_day(b: CallboardModel) -> None:
    """Minutes of a person's working day beyond ``long_day_after`` (or beyond what their
    fixed work alone already makes it)."""
    w, after = b.p.weights.long_day, b.p.weights.long_day_after
    if not w:
        return
    for pd in b.person_days.values():
        if not pd.cand:
            continue
        assert isinstance(pd.first, cp_model.IntVar) and isinstance(pd.last, cp_model.IntVar)
        long = b.m.new_int_var(0, 2 * DAY, f"long_{pd.person}_{pd.day}")
        b.m.add(long >= pd.last - pd.first - max(after, pd.fixed_span))
        b.goal_terms["long_day"].append(w * long)


def goal_preference(b: CallboardModel) -> None:
    """Minutes of calls outside the request's preferred times, and outside each called
    person's preferred times."""
    w = b.p.weights.preference
    if not w:
        return
    tod = {}
    for i, part in enumerate(b.parts):
        if not b.possible[i]:
            continue
        wanted: dict[tuple[object, ...], int] = defaultdict(int)
        if part.request.preferred:
            wanted[tuple(part.request.preferred)] += 1
        for pid in part.people:
            person = b.people[pid].person
            if person.preferred:
                wanted[tuple(person.preferred)] += 1
        if not wanted:
            continue
        starts = np.unique(np.concatenate(list(b.allowed[i].values())))
        tod[i] = starts % DAY
        for windows, count in wanted.items():
            inside = np.zeros(len(starts), dtype=bool)
            for win in windows:
                assert hasattr(win, "start") and hasattr(win, "end")
                inside |= (tod[i] >= win.start) & (tod[i] + part.length <= win.end)
            cost = w * count * part.length
            if not inside.any():
                b.goal_terms["preference"].append(cost * b.x[i])
                continue
            ok = b.m.new_bool_var(f"pref_{i}_{len(b.goal_terms['preference'])}")
            b.m.add_implication(ok, b.x[i])
            if not inside.all():
                b.m.add_linear_expression_in_domain(
                    b.u[i], cp_model.Domain.from_values((starts[inside] // b.g).tolist())
                ).only_enforce_if(ok)
            b.goal_terms["preference"].append(cost * b.x[i] - cost * ok)


def goal_balance(b: CallboardModel) -> None:
    """Each dancer's busiest day (minutes of work), beyond what fixed work alone makes it."""
    w = b.p.weights.balance
    if not w:
        return
    for pid, info in b.people.items():
        if info.person.kind is not PersonKind.DANCER:
            continue
        pds = [pd for (p, _), pd in b.person_days.items() if p == pid]
        if not any(pd.cand for pd in pds):
            continue
        base = max((pd.fixed_minutes for pd in pds), default=0)
        peak = b.m.new_int_var(base, 2 * DAY, f"peak_{pid}")
        for pd in pds:
            if pd.cand:
                b.m.add(peak >= day_work(b, pd) + pd.fixed_minutes)
        b.goal_terms["balance"].append(w * peak - w * base)


def goal_spike(b: CallboardModel) -> None:
    """A week's load above ``spike_percent`` % of the week before (or the prior week)."""
    w = b.p.weights.spike
    if not w:
        return
    for pid, info in b.people.items():
        person = info.person
        if person.prior_week_minutes is None:
            continue
        previous: Expr = cp_model.LinearExpr.constant(person.prior_week_minutes)
        for k, days in enumerate(b.p.weeks()):
            pds = [b.person_days[(pid, d)] for d in days if (pid, d) in b.person_days]
            load = sum(
                (day_work(b, pd) + pd.fixed_minutes for pd in pds),
                start=cp_model.LinearExpr.constant(0),
            )
            excess = b.m.new_int_var(0, 7 * DAY, f"spike_{pid}_{k}")
            b.m.add(100 * excess >= 100 * load - person.spike_percent * previous)
            b.goal_terms["spike"].append(w * excess)
            previous = load


def goal_moved_call(b: CallboardModel) -> None:
    """Published calls moved or dropped."""
    w = b.p.weights.moved_call
    for kept in b.kept.values():
        b.goal_terms["moved_call"].append(w - w * kept)


def goal_touched_person(b: CallboardModel) -> None:
    """People whose calls change: a published call of theirs moves, or they get a new one."""
    w = b.p.weights.touched_person
    if not b.p.published or not w:
        return
    published = {(pub.request, pub.part): pub for pub in b.p.published}
    reasons: dict[str, list[Expr | int]] = defaultdict(list)
    for key, pub in published.items():
        before = set(
            pub.people if pub.people is not None else b.p.request_by_id[pub.request].people
        )
        now = set(b.p.request_by_id[pub.request].people)
        kept = b.kept[key]
        for pid in before | now:
            if pid in before ^ now:
                i = b.index[key]
                reasons[pid].append(1 if pid in before else b.x[i])
            else:
                reasons[pid].append(1 - kept)
        # a moved call touches its new people too: covered by 1 - kept for people in both
    for i, part in enumerate(b.parts):
        if part.key not in published and b.possible[i]:
            for pid in part.people:
                reasons[pid].append(b.x[i])
    for pid, why in reasons.items():
        constants = [r for r in why if isinstance(r, int)]
        if any(constants):
            b.goal_terms["touched_person"].append(cp_model.LinearExpr.constant(w))
            continue
        touched = b.m.new_bool_var(f"touched_{pid}")
        for r in why:
            b.m.add(touched >= r)
        b.goal_terms["touched_person"].append(w * touched)


GOAL_FUNCTIONS: tuple[Callable[[CallboardModel], None], ...] = (
    goal_unplaced,
    goal_waiting,
    goal_late_finish,
    goal_long_day,
    goal_preference,
    goal_balance,
    goal_spike,
    goal_moved_call,
    goal_touched_person,
)


# == hints and results =============================================================================


def add_hint(b: CallboardModel, calls: Sequence[Call], *, time_limit: float = 5.0) -> bool:
    """Start the search from a known schedule (the greedy one, or the published one).

    CP-SAT is given a value for every variable: the placements of ``calls``, completed by
    solving a copy of the model with those placements fixed. Returns whether the schedule
    was complete and valid in the model (else only the placements are hinted)."""
    placed = {c.key: c for c in calls}
    fixings: list[tuple[cp_model.IntVar, int]] = []
    for i, part in enumerate(b.parts):
        if not b.possible[i]:
            continue
        call = placed.get(part.key)
        starts = b.allowed[i].get(call.studio) if call is not None else None
        if call is None or starts is None or call.start not in set(starts.tolist()):
            fixings.append((b.x[i], 0))
            continue
        fixings.append((b.x[i], 1))
        fixings.append((b.u[i], call.start // b.g))
        fixings += [
            (lit, int(sid == call.studio)) for sid, lit in b.z[i].items() if lit is not b.x[i]
        ]
        fixings += [
            (lit, int(d == call.start // DAY)) for d, lit in b.y[i].items() if lit is not b.x[i]
        ]
    copy = b.m.clone()
    for var, value in fixings:
        copy.add(copy.get_int_var_from_proto_index(var.index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(copy)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index in range(len(b.m.proto.variables)):
            var = b.m.get_int_var_from_proto_index(index)
            b.m.add_hint(var, solver.value(copy.get_int_var_from_proto_index(index)))
        return True
    for var, value in fixings:
        b.m.add_hint(var, value)
    return False


def read_calls(b: CallboardModel, value: Callable[[cp_model.IntVar], int]) -> list[Call]:
    """The calls of a solution, given the value of each variable."""
    calls: list[Call] = []
    for i, part in enumerate(b.parts):
        if not b.possible[i] or not value(b.x[i]):
            continue
        start = b.g * value(b.u[i])
        studio = next(sid for sid, lit in b.z[i].items() if value(lit))
        calls.append(
            Call(part.request.id, part.part, studio, start, start + part.length, part.people)
        )
    calls.sort(key=lambda c: (c.start, c.studio))
    return calls
