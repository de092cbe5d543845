"""Plan the week by days: choose each call's day first, then build each day on its own.

A ballet master plans a week the same way: first which day each rehearsal goes on, then
the hours of each day. On a week of many days the full CP-SAT model has to decide both at
once and its search spends most of its time moving calls between days; here:

1. **Days** (:func:`day_plan`): a small CP-SAT model chooses the day of every call (or
   leaves it out). It keeps every rule that is about whole days exactly (most minutes a
   day and a week, free days, allowed days, precedence between days) and, for the hours
   inside a day, necessary conditions only: the calls of one person, and of any group of
   calls that pairwise share a person, must fit one after the other, with their breaks,
   into the hours those calls may have on that day. Its costs are those of the full
   objective where whole days decide them (minutes left out, spikes) and lower estimates
   elsewhere (the least waiting that so many calls with breaks and a meal imply, the
   least late finish of each call on that day).
2. **Hours** (:func:`decompose`): each day's calls are then scheduled with the full model
   (every rule, every goal), one day at a time in order (:func:`day_problem`); the calls
   of the days already built are fixed work of their people on the days after, so the
   rules across days (rest between days, minutes a week, free days, travel) hold. A day
   whose calls do not all fit leaves the costliest-to-place ones out.
3. **Re-planning** (:func:`improve_by_days`): one day, or two together, is solved again
   with the full model, the rest of the week held and the calls left out offered again,
   for as long as the time allows; a schedule that costs less and keeps every rule is
   kept.

The schedule it returns keeps every hard rule (``check`` agrees); the solver then starts
its own search from it. It is a way to find good schedules fast, not a bound: the day
model's optimum may promise more than the days can hold.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from ortools.sat.python import cp_model

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.model import CallboardModel, least_gap
from callboard.scheduling.solver.problem import (
    DAY,
    Commitment,
    CommitmentKind,
    Part,
    Precedence,
    Problem,
)
from callboard.scheduling.solver.score import score
from callboard.scheduling.solver.solution import Call, Solution, Status
from callboard.scheduling.solver.stopping import Stop, solve_stoppable

# The engine's whole search (``solve.solve``), which plans each day: solve() passes itself in,
# since it calls this module and this module may not import it back.
Engine = Callable[..., Solution]

PartKey = tuple[str, int]

PLAN_SHARE = 0.3
"""Share of the time given to the day plan."""

BUILD_SHARE = 0.35
"""Share of the time given to building each day of the plan in turn."""

STEP_SECONDS = 3.0
"""Most seconds for re-planning one or two days."""

TWO_DAYS = 0.4
"""How often two days are re-planned together (so calls can move between them)."""

LP_SUBSOLVERS = ("max_lp", "reduced_costs")
"""CP-SAT's workers when there are two, for the day plan and for building and re-planning
days: the full LP relaxation and the search on its reduced costs. On planted weeks they
find the best day plan in a second or two (the default pair left calls out after 10 s)
and build a day from good days to the optimum in half the time."""

PLAN_FIRST = 1.0
"""Share of the day plan's time for its cost; when that cost is proved the best, the rest
balances the days at that cost."""

LP_FIRST = 0.2
"""Share of the day plan's time for the LP workers first (``LP_SUBSOLVERS``)."""

CLIQUES_PER_CALL = 4
"""How many groups of calls pairwise sharing a person are grown from each call."""


def can_decompose(problem: Problem) -> bool:
    """Whether the week can be planned day by day: calls may go on more than one day, and
    nothing ties the schedule together beyond what :func:`day_plan` keeps (no published
    calls to keep, no request that must be placed)."""
    if problem.published or any(r.required for r in problem.requests):
        return False
    if len(problem.days) < 2:
        return False
    return any(len(r.days) != 1 for r in problem.requests)


@dataclasses.dataclass
class _Static:
    """The fixed-data part of the full model: where each call may start on each day."""

    b: CallboardModel
    windows: dict[tuple[int, int], tuple[int, int]]  # (part, day) -> (first start, last end)


def _static(problem: Problem) -> _Static:
    b = CallboardModel(problem).build_variables()
    windows: dict[tuple[int, int], tuple[int, int]] = {}
    for i, part in enumerate(b.parts):
        if not b.possible[i]:
            continue
        starts = np.unique(np.concatenate(list(b.allowed[i].values())))
        for d in b.y[i]:
            s = starts[(starts >= d * DAY) & (starts < (d + 1) * DAY)]
            # the span of a working day from the person's fixed work that day
            for pid in part.people:
                pd = b.person_days.get((pid, d))
                span = b.people[pid].rules.max_span
                if pd is None or not pd.fixed or span is None:
                    continue
                span = max(span, pd.fixed_span)
                lo = max(e for _, e in pd.fixed) - span
                hi = min(s0 for s0, _ in pd.fixed) + span
                s = s[(s >= lo) & (s + part.length <= hi)]
            if len(s):
                windows[(i, d)] = (int(s.min()), int(s.max()) + part.length)
    return _Static(b, windows)


def _cliques(b: CallboardModel, rng: random.Random) -> set[tuple[int, ...]]:
    """Groups of calls that pairwise share a person, grown greedily from every call."""
    people = [set(part.people) for part in b.parts]
    out: set[tuple[int, ...]] = set()
    n = len(b.parts)
    for i in range(n):
        if not b.possible[i]:
            continue
        near = [j for j in range(n) if j != i and b.possible[j] and people[i] & people[j]]
        for rep in range(CLIQUES_PER_CALL):
            if rep == 0:
                near.sort(key=lambda j: -b.parts[j].length)
            else:
                rng.shuffle(near)
            group = [i]
            for j in near:
                if all(people[j] & people[k] for k in group):
                    group.append(j)
            if len(group) > 1:
                out.add(tuple(sorted(group)))
    return out


def _gap(b: CallboardModel, i: int, pids: Sequence[str]) -> int:
    """The least gap after call ``i`` before the next work of one of ``pids``: their short
    break, rounded up to the grid when that person's calls and fixed work all lie on it;
    0 when one of them may run a short call straight into the next item."""
    gap = 0
    for pid in pids:
        info = b.people[pid]
        rules = info.rules
        if not rules.has_break_rule or rules.break_every is None or i in info.short_parts:
            return 0
        gap = max(gap, least_gap(b, info))
    return gap


def day_plan(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    hint: Sequence[Call] = (),
    stop: Stop | None = None,
    poll_seconds: float = 0.5,
    prefer: dict[PartKey, int] | None = None,
) -> dict[PartKey, int]:
    """The day of every call the day model places (see the module's docstring); when
    stopped or out of time before it finds a plan, the days of the calls of ``hint``.
    ``prefer`` (a day per call, e.g. from the person bound's schedules) is a CP-SAT hint
    for the plan's days."""
    st = _static(problem)
    b, windows = st.b, st.windows
    w = problem.weights
    n_days = len(problem.days)
    m = cp_model.CpModel()
    y = {key: m.new_bool_var(f"y_{key[0]}_{key[1]}") for key in windows}
    x: list[cp_model.IntVar | int] = []
    for i in range(len(b.parts)):
        lits = [y[(i, d)] for d in range(n_days) if (i, d) in y]
        if lits:
            xi = m.new_bool_var(f"x_{i}")
            m.add(sum(lits) == xi)
            x.append(xi)
        else:
            x.append(0)
    cost: list[cp_model.LinearExprT] = []
    for i, part in enumerate(b.parts):
        c = w.unplaced * part.request.priority * part.length
        cost.append(c - c * x[i])
    has_work: dict[tuple[str, int], cp_model.IntVar | int] = {}
    for pid, info in b.people.items():
        rules = info.rules
        for d in range(n_days):
            pd = b.person_days.get((pid, d))
            cand = [i for i in info.parts if (i, d) in y]
            fixed_minutes = pd.fixed_minutes if pd is not None else 0
            if pd is not None and pd.fixed:
                has_work[(pid, d)] = 1
            if not cand:
                continue
            work = sum(b.parts[i].length * y[(i, d)] for i in cand)
            if info.day_cap is not None:
                m.add(work <= max(0, info.day_cap - fixed_minutes))
            if (pid, d) not in has_work:
                hw = m.new_bool_var(f"works_{pid}_{d}")
                for i in cand:
                    m.add_implication(y[(i, d)], hw)
                has_work[(pid, d)] = hw
            _person_day_hours(m, b, windows, y, pid, d, cand)
            cost += _waiting_estimate(m, b, y, pid, d, cand, work, fixed_minutes)
        for days in problem.weeks():
            pds = [b.person_days[(pid, d)] for d in days if (pid, d) in b.person_days]
            week = sum(
                b.parts[i].length * y[(i, d)] for d in days for i in info.parts if (i, d) in y
            )
            if isinstance(week, int):
                continue
            fixed = sum(pd.fixed_minutes for pd in pds)
            if rules.max_minutes_per_week is not None:
                m.add(week <= max(0, rules.max_minutes_per_week - fixed))
            if rules.free_days_per_week > 0:
                need = max(0, rules.free_days_per_week - (7 - len(days)))
                need = min(need, len(days) - sum(1 for pd in pds if pd.fixed))
                if need:
                    m.add(sum(has_work.get((pid, d), 0) for d in days) <= len(days) - need)
        cost += _spike_estimate(m, problem, b, y, pid)
    # the least late finish of each call on each of its days
    if w.late_finish:
        for (i, d), (_, last_end) in windows.items():
            part = b.parts[i]
            starts = np.unique(np.concatenate(list(b.allowed[i].values())))
            s = starts[(starts >= d * DAY) & (starts + part.length <= last_end)]
            late = int(np.maximum(0, s % DAY + part.length - w.late_after).min()) if len(s) else 0
            if late:
                cost.append(w.late_finish * late * len(part.people) * y[(i, d)])
    # precedence between days
    by_request: dict[str, list[int]] = defaultdict(list)
    for i, part in enumerate(b.parts):
        by_request[part.request.id].append(i)
    for pr in problem.precedences:
        for i in by_request[pr.before]:
            for j in by_request[pr.after]:
                if isinstance(x[i], int) or isinstance(x[j], int):
                    continue
                day_i = sum(d * y[(i, d)] for d in range(n_days) if (i, d) in y)
                day_j = sum(d * y[(j, d)] for d in range(n_days) if (j, d) in y)
                m.add(day_i <= day_j).only_enforce_if([x[i], x[j]])
    # studios: minutes a day against the minutes the studios are open
    for d in range(n_days):
        cand = [i for i in range(len(b.parts)) if (i, d) in y]
        if cand:
            m.add(sum(b.parts[i].length * y[(i, d)] for i in cand) <= _studio_minutes(problem, d))
    # groups of calls pairwise sharing a person follow one another
    for group in _cliques(b, random.Random(seed)):
        for d in range(n_days):
            on_day = [i for i in group if (i, d) in y]
            if len(on_day) < 2:
                continue
            lo = min(windows[(i, d)][0] for i in on_day)
            hi = max(windows[(i, d)][1] for i in on_day)
            gaps = {i: _shared_gap(b, i, on_day) for i in on_day}
            if sum(b.parts[i].length for i in on_day) + min(gaps.values()) > hi - lo:
                m.add(
                    sum((b.parts[i].length + gaps[i]) * y[(i, d)] for i in on_day)
                    <= hi - lo + max(gaps.values())
                )
    cost += _openings(m, b, y)
    total = sum(cost)
    m.minimize(total)
    # Not hinted with ``hint``: on the company week CP-SAT found better plans from scratch
    # (6525 and 6660 minutes placed in 12 s, against 6450 and 6150 from the greedy days).
    days_of = {c.key: c.start // DAY for c in hint}
    if prefer:
        for (i, d), lit in y.items():
            day = prefer.get(b.parts[i].key)
            if day is not None:
                m.add_hint(lit, int(day == d))
    started = time.perf_counter()
    # First the LP workers, briefly: they prove the best plan of a planted week in a second
    # or two. Unless they prove it, CP-SAT's own workers search again from scratch (on the
    # company week, whose LP is weak, they place far more calls in the same time).
    solver = _plan_solver(time_limit * LP_FIRST, seed, workers, lp=True)
    status = solve_stoppable(solver, m, stop=stop, poll=poll_seconds)
    if status != cp_model.OPTIMAL and not (stop and stop()):
        left = time_limit * PLAN_FIRST - (time.perf_counter() - started)
        solver = _plan_solver(max(0.1, left), seed, workers, lp=False)
        status = solve_stoppable(solver, m, stop=stop, poll=poll_seconds)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dict(days_of)
    plan = {(i, d): solver.value(lit) for (i, d), lit in y.items()}
    left = time_limit - (time.perf_counter() - started)
    if status == cp_model.OPTIMAL and left > 0.5 and not (stop and stop()):
        # Then, among plans that cost no more, the one whose busiest day holds the fewest
        # minutes of calls: the estimate misses how the afternoons of a crowded day queue
        # for the studios (on planted weeks, days built from a balanced plan cost 6 % over
        # the optimum, against 13–29 % from the first plan found).
        m.add(total <= round(solver.objective_value))
        peak = m.new_int_var(0, sum(part.length for part in b.parts), "peak")
        for d in range(n_days):
            held: list[cp_model.LinearExprT] = [
                b.parts[i].length * y[(i, d)] for i in range(len(b.parts)) if (i, d) in y
            ]
            if held:
                m.add(peak >= sum(held))
        m.minimize(peak)
        m.clear_hints()
        for key, lit in y.items():
            m.add_hint(lit, plan[key])
        second = _plan_solver(left, seed, workers, lp=True)
        if solve_stoppable(second, m, stop=stop, poll=poll_seconds) in (
            cp_model.OPTIMAL,
            cp_model.FEASIBLE,
        ):
            plan = {key: second.value(lit) for key, lit in y.items()}
    return {b.parts[i].key: d for (i, d), placed in plan.items() if placed}


def _plan_solver(seconds: float, seed: int, workers: int, *, lp: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    if not lp:
        pass
    elif workers == 1:
        solver.parameters.linearization_level = 2
    elif workers == 2:
        # The plan's costs are tied together by linear sums: the full LP relaxation and
        # the search on its reduced costs find and prove the best plan of a planted week
        # in a second or two, where the default pair of workers left calls out after 10 s.
        solver.parameters.subsolvers.extend(LP_SUBSOLVERS)
    return solver


def _openings(
    m: cp_model.CpModel, b: CallboardModel, y: dict[tuple[int, int], cp_model.IntVar]
) -> list[cp_model.LinearExprT]:
    """Who can start their day straight after their fixed work (e.g. class).

    The waiting estimate counts one break before a person's first call on a day with
    fixed work; that needs a call starting at that moment (the first start on the grid
    after the break), on the site of the fixed work. At one moment a site starts at most
    as many calls as it has studios, and a person is in at most one of them. A call that
    *opens* the day of its people at that moment is chosen in the plan; a person whose
    calls that day open nothing waits about a call longer (its shortest call's minutes,
    an estimate: the studios are busy with the calls that did open). Without this, the
    plan puts more calls on a day than can start after class, and the days built from it
    cost far more than it promised."""
    p = b.p
    site_of = {s.id: s.site for s in p.studios}
    studios_at: dict[str, int] = defaultdict(int)
    for studio in p.studios:
        studios_at[studio.site] += 1
    opens: dict[tuple[int, int, str], cp_model.IntVar] = {}  # (part, start, site)
    wanted: list[tuple[str, int, int, str, list[int]]] = []  # pid, day, start, site, cand
    for pid, info in b.people.items():
        weight = p.weights.waiting * info.person.weight
        if not weight:
            continue
        for d in range(len(p.days)):
            pd = b.person_days.get((pid, d))
            cand = [i for i in info.parts if (i, d) in y]
            if pd is None or len(pd.fixed) != 1 or not cand:
                continue
            gap = min(_gap(b, i, [pid]) for i in cand)
            if not gap:
                continue
            end = pd.fixed[0][1]
            start = -(-(end + gap) // b.g) * b.g
            site = next(
                (c.site for c in info.person.commitments if c.end == end and c.site is not None),
                None,
            )
            if site is None:
                continue
            wanted.append((pid, d, start, site, cand))
    lates: list[cp_model.LinearExprT] = []
    by_moment: dict[tuple[int, str], set[int]] = defaultdict(set)
    for pid, d, start, site, cand in wanted:
        openers = []
        for i in cand:
            if not any(
                site_of[z] == site and bool(np.any(starts == start))
                for z, starts in b.allowed[i].items()
            ):
                continue
            key = (i, start, site)
            if key not in opens:
                opens[key] = m.new_bool_var(f"opens_{i}_{start}_{site}")
                m.add_implication(opens[key], y[(i, d)])
                by_moment[(start, site)].add(i)
            openers.append(opens[key])
        if len(openers) > 1:
            m.add(sum(openers) <= 1)
        late = m.new_bool_var(f"late_{pid}_{d}")
        for i in cand:
            m.add(sum(openers) + late >= y[(i, d)])
        info = b.people[pid]
        shortest = min(b.parts[i].length for i in cand)
        lates.append(p.weights.waiting * info.person.weight * shortest * late)
    for (start, site), calls in by_moment.items():
        if len(calls) > studios_at[site]:
            m.add(sum(opens[(i, start, site)] for i in calls) <= studios_at[site])
    per_call: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (i, _, _), lit in opens.items():
        per_call[i].append(lit)
    for lits in per_call.values():
        if len(lits) > 1:
            m.add(sum(lits) <= 1)
    return lates


def _shared_gap(b: CallboardModel, i: int, group: Sequence[int]) -> int:
    """The least break after call ``i`` before any other call of ``group`` (they all share
    a person with it)."""
    mine = set(b.parts[i].people)
    return min(_gap(b, i, sorted(mine & set(b.parts[j].people))) for j in group if j != i)


def _person_day_hours(
    m: cp_model.CpModel,
    b: CallboardModel,
    windows: dict[tuple[int, int], tuple[int, int]],
    y: dict[tuple[int, int], cp_model.IntVar],
    pid: str,
    d: int,
    cand: list[int],
) -> None:
    """A person's calls of a day follow one another, with their breaks, inside the hours
    they may have that day (fixed work inside those hours taken out)."""
    lo = min(windows[(i, d)][0] for i in cand)
    hi = max(windows[(i, d)][1] for i in cand)
    busy = sum(
        max(0, min(e, hi) - max(s, lo)) for s, e in b.people[pid].fixed_work if s < hi and lo < e
    )
    gaps = {i: _gap(b, i, [pid]) for i in cand}
    room = hi - lo - busy + max(gaps.values())
    if sum(b.parts[i].length + gaps[i] for i in cand) > room:
        m.add(sum((b.parts[i].length + gaps[i]) * y[(i, d)] for i in cand) <= room)


def _waiting_estimate(
    m: cp_model.CpModel,
    b: CallboardModel,
    y: dict[tuple[int, int], cp_model.IntVar],
    pid: str,
    d: int,
    cand: list[int],
    work: cp_model.LinearExprT,
    fixed_minutes: int,
) -> list[cp_model.LinearExprT]:
    """The least waiting a person-day's calls imply: a break between each two items, and
    a meal break on a day whose work and breaks between items exceed ``meal_within``."""
    info = b.people[pid]
    rules = info.rules
    weight = b.p.weights.waiting * info.person.weight
    gap = int(min(_gap(b, i, [pid]) for i in cand))
    blocks = [blk for blk in info.blocks if blk[0] // DAY == d]
    if not weight or not gap or len(blocks) > 1:
        return []
    calls = sum(y[(i, d)] for i in cand)
    least = gap * calls - (0 if blocks else gap)
    wait = m.new_int_var(0, 2 * DAY, f"wait_{pid}_{d}")
    m.add(wait >= least)
    if (
        rules.has_meal_rule
        and rules.meal_within is not None
        and rules.meal_minutes > gap
        and fixed_minutes <= rules.meal_within
    ):
        long_day = m.new_bool_var(f"meal_{pid}_{d}")
        # The day spans at least its work and the breaks between its items (``least``).
        span = cp_model.LinearExpr.sum([work, least]) + int(fixed_minutes)
        m.add(span <= rules.meal_within).only_enforce_if(long_day.Not())
        m.add(wait >= least + (rules.meal_minutes - gap) * long_day)
    return [weight * wait]


def _spike_estimate(
    m: cp_model.CpModel,
    problem: Problem,
    b: CallboardModel,
    y: dict[tuple[int, int], cp_model.IntVar],
    pid: str,
) -> list[cp_model.LinearExprT]:
    """The spike goal, exactly: it depends only on minutes of work a week."""
    person = b.people[pid].person
    weight = problem.weights.spike
    if not weight or person.prior_week_minutes is None:
        return []
    out: list[cp_model.LinearExprT] = []
    previous = cp_model.LinearExpr.constant(person.prior_week_minutes)
    for k, days in enumerate(problem.weeks()):
        fixed = sum(
            b.person_days[(pid, d)].fixed_minutes for d in days if (pid, d) in b.person_days
        )
        load = sum(
            (
                b.parts[i].length * y[(i, d)]
                for d in days
                for i in b.people[pid].parts
                if (i, d) in y
            ),
            start=cp_model.LinearExpr.constant(fixed),
        )
        excess = m.new_int_var(0, 7 * DAY, f"spike_{pid}_{k}")
        m.add(100 * excess >= 100 * load - person.spike_percent * previous)
        out.append(weight * excess)
        previous = load
    return out


def _studio_minutes(problem: Problem, d: int) -> int:
    day = problem.days[d]
    total = 0
    for studio in problem.studios:
        lo, hi = d * DAY + day.open, d * DAY + day.close
        closed = sum(max(0, min(u.end, hi) - max(u.start, lo)) for u in studio.unavailable)
        total += hi - lo - closed
    return total


def day_problem(
    problem: Problem, parts: Sequence[Part], days: Sequence[int], fixed: Sequence[Call] = ()
) -> tuple[Problem, dict[str, PartKey]]:
    """The problem of some days of the week with the rest of the schedule held: each of
    ``parts`` becomes its own request, allowed on those of ``days`` its request allows and
    its precedences leave open; the calls ``fixed`` (on other days) are fixed work of the
    people they call, so every rule over a whole week (minutes, free days, rest, spikes)
    sees them. A schedule of it, with ``fixed``, keeps every hard rule of ``problem``.
    Returns the problem and, for each of its request ids, the part it stands for."""
    fixed_days: dict[str, list[int]] = defaultdict(list)
    for call in fixed:
        fixed_days[call.request].append(call.start // DAY)
    back: dict[str, PartKey] = {}
    requests = []
    for part in parts:
        r = part.request
        allowed = [d for d in days if not r.days or d in r.days]
        for pr in problem.precedences:
            if pr.before == r.id and fixed_days.get(pr.after):
                allowed = [d for d in allowed if d < min(fixed_days[pr.after])]
            if pr.after == r.id and fixed_days.get(pr.before):
                allowed = [d for d in allowed if d > max(fixed_days[pr.before])]
        if not allowed:
            continue
        rid = f"{r.id}#{part.part}"
        back[rid] = part.key
        requests.append(
            dataclasses.replace(
                r,
                id=rid,
                minutes=part.length,
                split=1,
                split_lengths=(part.length,),
                days=tuple(allowed),
            )
        )
    by_request: dict[str, list[str]] = defaultdict(list)
    for rid, (request_id, _) in back.items():
        by_request[request_id].append(rid)
    precedences = tuple(
        Precedence(a, z)
        for pr in problem.precedences
        for a in by_request.get(pr.before, [])
        for z in by_request.get(pr.after, [])
    )
    sites = {s.id: s.site for s in problem.studios}
    held: dict[str, list[Commitment]] = defaultdict(list)
    for call in fixed:
        for pid in call.people:
            held[pid].append(
                Commitment(
                    CommitmentKind.OTHER,
                    call.start,
                    call.end,
                    problem.request_label(call.request),
                    site=sites[call.studio],
                    counts_as_work=True,
                )
            )
    people = tuple(
        dataclasses.replace(
            person,
            commitments=tuple(
                sorted((*person.commitments, *held[person.id]), key=lambda c: c.start)
            ),
        )
        if held[person.id]
        else person
        for person in problem.people
    )
    label = ", ".join(problem.day_label(d) for d in days)
    return (
        dataclasses.replace(
            problem,
            requests=tuple(requests),
            precedences=precedences,
            people=people,
            name=f"{problem.name}, {label}",
        ),
        back,
    )


def decompose(
    problem: Problem,
    *,
    engine: Engine,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    hint: Sequence[Call] = (),
    stop: Stop | None = None,
    poll_seconds: float = 0.5,
    plan_share: float = PLAN_SHARE,
    build_share: float = BUILD_SHARE,
    on_improve: Callable[[int], None] | None = None,
    plan: dict[PartKey, int] | None = None,
    prefer: dict[PartKey, int] | None = None,
) -> list[Call]:
    """A schedule built day by day (see the module's docstring) within ``time_limit``:
    the day plan (``plan_share`` of the time), each day built in order (``build_share``),
    then days re-planned with the rest held (:func:`improve_by_days`) until the time is up.
    ``on_improve(cost)`` is told of every better schedule. A ``plan`` given (each call's
    day, e.g. the days the person bound's schedules agree on) replaces the day plan."""
    started = time.perf_counter()
    deadline = started + time_limit
    should_stop = stop or (lambda: False)
    if plan is None:
        plan = day_plan(
            problem,
            time_limit=time_limit * plan_share,
            seed=seed,
            workers=workers,
            hint=hint,
            stop=stop,
            poll_seconds=poll_seconds,
            prefer=prefer,
        )
    else:
        plan_share = 0.0
    parts = {part.key: part for part in problem.parts}
    by_day: dict[int, list[Part]] = defaultdict(list)
    for key, d in plan.items():
        by_day[d].append(parts[key])
    calls: list[Call] = []
    days = sorted(by_day)
    weights = {d: sum(p.length * max(1, len(p.people)) for p in by_day[d]) for d in days}
    build_until = started + time_limit * (plan_share + build_share)
    ordered = {pr.before for pr in problem.precedences} | {pr.after for pr in problem.precedences}
    left_out: list[Part] = []
    for k, d in enumerate(days):
        if should_stop():
            break
        left = build_until - time.perf_counter()
        share = weights[d] / max(1, sum(weights[e] for e in days[k:]))
        # The calls an earlier day could not hold are offered again on this one (those
        # without precedences: the days after are not built yet).
        offered = by_day[d] + [
            part
            for part in left_out
            if (not part.request.days or d in part.request.days) and part.request.id not in ordered
        ]
        sub, back = day_problem(problem, offered, [d], calls)
        solution = engine(
            sub,
            time_limit=max(0.5, left * share),
            seed=seed,
            workers=workers,
            by_days=False,
            bound_share=0.0,
            explain_unplaced=False,
            lp_search=True,
            stop=stop,
            poll_seconds=poll_seconds,
        )
        built = [Call(*back[c.request], c.studio, c.start, c.end, c.people) for c in solution.calls]
        placed = {c.key for c in built}
        left_out = [part for part in [*left_out, *by_day[d]] if part.key not in placed]
        calls += built
    calls = in_part_order(problem, calls)
    if check(problem, calls):  # pragma: no cover - each day keeps every rule by construction
        return list(hint)
    if on_improve is not None:
        on_improve(score(problem, calls).total)
    return improve_by_days(
        problem,
        calls,
        engine=engine,
        deadline=deadline,
        seed=seed,
        workers=workers,
        stop=stop,
        poll_seconds=poll_seconds,
        on_improve=on_improve,
    )


def improve_by_days(
    problem: Problem,
    calls: Sequence[Call],
    *,
    engine: Engine,
    deadline: float,
    seed: int = 0,
    workers: int = 2,
    stop: Stop | None = None,
    poll_seconds: float = 0.5,
    step_seconds: float = STEP_SECONDS,
    on_improve: Callable[[int], None] | None = None,
) -> list[Call]:
    """Re-plan one day, or two, at a time with the rest of the schedule held, the calls
    left out offered again, until ``deadline``; keeps a new schedule only when it costs
    less and keeps every hard rule. Ends early when the days drawn have all been
    re-planned to optimality (or have nothing to re-plan) since the last change."""
    rng = random.Random(seed)
    should_stop = stop or (lambda: False)
    best = list(calls)
    cost = score(problem, best).total
    n_days = len(problem.days)
    idle = 0  # days drawn in a row with nothing to re-plan
    settled: set[tuple[int, ...]] = set()  # days re-planned to optimality since the last change
    while not should_stop() and idle < 10 * n_days:
        left = deadline - time.perf_counter()
        if left < 0.5:
            break
        if n_days > 1 and rng.random() < TWO_DAYS:
            days = sorted(rng.sample(range(n_days), 2))
        else:
            days = [rng.randrange(n_days)]
        if tuple(days) in settled:
            idle += 1
            continue
        held = [c for c in best if c.start // DAY not in days]
        placed = {c.key for c in held}
        free = [part for part in problem.parts if part.key not in placed]
        sub, back = day_problem(problem, free, days, held)
        if not sub.requests:
            settled.add(tuple(days))
            idle += 1
            continue
        idle = 0
        forth = {key: rid for rid, key in back.items()}
        start_from = [
            Call(forth[c.key], 0, c.studio, c.start, c.end, c.people)
            for c in best
            if c.start // DAY in days and c.key in forth
        ]
        solution = engine(
            sub,
            time_limit=min(step_seconds, left),
            seed=rng.randrange(1 << 30),
            workers=workers,
            hint=start_from,
            by_days=False,
            bound_share=0.0,
            lns=False,
            explain_unplaced=False,
            lp_search=True,
            stop=stop,
            poll_seconds=poll_seconds,
        )
        if not solution.has_schedule:
            continue
        moved = [Call(*back[c.request], c.studio, c.start, c.end, c.people) for c in solution.calls]
        found = in_part_order(problem, held + moved)
        found_cost = score(problem, found).total
        if found_cost < cost and not check(problem, found):
            best, cost = found, found_cost
            settled.clear()
            if on_improve is not None:
                on_improve(cost)
        elif solution.status is Status.OPTIMAL:
            settled.add(tuple(days))
    return best


def in_part_order(problem: Problem, calls: Sequence[Call]) -> list[Call]:
    """``calls`` with the equal parts of each request numbered in order of time (the
    solver places interchangeable parts in order), sorted by start."""
    by_request: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_request[call.request].append(call)
    out: list[Call] = []
    for rid, placed in by_request.items():
        lengths = problem.request_by_id[rid].part_lengths
        free: dict[int, list[int]] = defaultdict(list)
        for k, length in enumerate(lengths):
            free[length].append(k)
        for call in sorted(placed, key=lambda c: c.start):
            part = free[lengths[call.part]].pop(0)
            out.append(dataclasses.replace(call, part=part))
    out.sort(key=lambda c: (c.start, c.studio))
    return out
