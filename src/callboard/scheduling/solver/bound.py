"""A lower bound on the objective that splits by person (docs/solver.md, "The person bound").

Every goal but the re-planning ones is a sum over people, or can be shared out among them:

- *waiting*, *long day*, *balance* and *spike* are the person's own;
- a *late finish* costs per person called, so each person carries their own minutes;
- leaving a part out costs ``unplaced × priority × minutes``: that cost is split into whole
  shares, one per person the part calls, that add up to it exactly;
- a request's own *preference* is carried by its first person, a person's by them.

So the objective of any schedule is at least the sum, over people, of what that
schedule costs each person. Each person's part of a schedule is a schedule of a smaller
problem — that person alone, with their requests, fixed commitments, unavailability and
every labour rule of theirs (daily, weekly, free days, span, breaks, meal, travel), but
no other people, one studio per site that fits everything, no studio unavailability, no
precedences and no published calls — so it costs at least that problem's optimum. Each
person's problem is small and solved exactly with the full model (``model.py``); where a
solve runs out of time its proven bound is used instead. The sum is a valid lower bound.

For over-subscribed weeks two figures say how many requested minutes cannot be placed:
each person's least minutes left out (each part's minutes shared out the same way) and a
studio-capacity count (parts that fit only some studios against those studios' open
minutes); ``unplaceable_minutes`` is the larger of the two.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callboard.scheduling.solver.model import CallboardModel, read_calls
from callboard.scheduling.solver.problem import (
    DAY,
    Person,
    Problem,
    Request,
    Studio,
    Weights,
    studio_fits,
)
from callboard.scheduling.solver.solution import Call


@dataclass(frozen=True)
class PersonResult:
    """One person's problem: its proven lower bound, the best cost found, their calls."""

    person: str
    bound: int
    cost: int | None
    optimal: bool
    calls: tuple[Call, ...] = ()
    unplaced_minutes: float = 0.0
    seconds: float = 0.0


@dataclass(frozen=True)
class PersonBound:
    """The person bound of a problem (see the module's docstring)."""

    bound: int
    """The sum over people of their proven bounds, or the least cost of the minutes proved
    unplaceable (the cheapest minute's cost each) when that is higher."""
    people: tuple[PersonResult, ...] = ()
    complete: bool = True
    """Every person's problem was solved (to optimality or with a proven bound)."""
    unplaced_cost: int = 0
    """A lower bound on the cost of the minutes left out (the *unplaced* goal)."""
    person_unplaceable: int = 0
    """Requested minutes that cannot be placed, proved person by person: the larger of
    the sum of everyone's shares and the most any one person alone cannot have."""
    studio_unplaceable: int = 0
    """Requested minutes that cannot be placed, proved by studio capacity."""
    seconds: float = 0.0
    guidance: dict[tuple[str, int], int] = field(default_factory=dict)
    """The day each call has in the best schedule of the first (most loaded) of its
    people; the people after them are steered towards the same days (a hint), so the
    days agree where their own optimum allows."""

    @property
    def unplaceable_minutes(self) -> int:
        return max(self.person_unplaceable, self.studio_unplaceable)

    def days_of(self, person: str) -> dict[tuple[str, int], int]:
        """The day each call of ``person`` has in their own best schedule."""
        for result in self.people:
            if result.person == person:
                return {c.key: c.start // DAY for c in result.calls}
        return {}


def split_evenly(total: int, n: int) -> list[int]:
    """``total`` as ``n`` whole shares that add up to it (the first ones one larger)."""
    base, extra = divmod(total, n)
    return [base + (1 if k < extra else 0) for k in range(n)]


def person_problem(
    problem: Problem,
    person: Person,
    *,
    weights: Weights | None = None,
    minutes: bool = False,
    owned: set[str] | None = None,
) -> tuple[Problem, dict[str, int]]:
    """The problem of ``person`` alone (see the module's docstring), and each request's
    share of the cost of leaving it out (per minute). With ``minutes``, the only goal is
    the minutes left out of the requests in ``owned`` (every other request may be left
    out for free; ``None``: all of them)."""
    w = problem.weights
    sites = sorted({s.site for s in problem.studios})
    studios = tuple(Studio(id=site, name=site, capacity=1, piano=True, site=site) for site in sites)
    requests: list[Request] = []
    share: dict[str, int] = {}
    for r in problem.requests:
        if person.id not in r.people:
            continue
        k = r.people.index(person.id)
        if minutes:
            share[r.id] = 1 if owned is None or r.id in owned else 0
        else:
            share[r.id] = split_evenly(w.unplaced * r.priority, len(r.people))[k]
        fitting = sorted({s.site for s in problem.studios if studio_fits(s, r)})
        requests.append(
            dataclasses.replace(
                r,
                people=(person.id,),
                studios=tuple(fitting),
                needs_piano=False,
                priority=share[r.id],
                preferred=r.preferred if k == 0 and not minutes else (),
            )
        )
    if minutes:
        own_weights = Weights(
            unplaced=1,
            waiting=0,
            late_finish=0,
            long_day=0,
            preference=0,
            balance=0,
            spike=0,
            moved_call=0,
            touched_person=0,
        )
    else:
        own_weights = dataclasses.replace(weights or w, unplaced=1, moved_call=0, touched_person=0)
    sub = Problem(
        days=problem.days,
        people=(person,),
        studios=studios,
        requests=tuple(requests),
        labour=problem.labour,
        travel=problem.travel,
        weights=own_weights,
        granularity=problem.granularity,
        name=f"{problem.name} — {person.name}",
    )
    return sub, share


Solved = tuple[int, int | None, bool, list[Call]]


def _solve_exactly(
    sub: Problem,
    time_limit: float,
    workers: int,
    hint: Sequence[Call] = (),
    days: dict[tuple[str, int], int] | None = None,
) -> tuple[int, int | None, bool, list[Call]]:
    """(proven bound, best cost, optimal?, best calls) of a person's problem; ``hint``
    suggests which calls to place, ``days`` on which day."""
    if not sub.requests:
        return 0, 0, True, []
    model = CallboardModel(sub).build()
    if hint:
        placed = {c.key: c for c in hint}
        for i, part in enumerate(model.parts):
            if model.possible[i]:
                model.m.add_hint(model.x[i], int(part.key in placed))
    scale = 1
    if days and not hint:
        # Among the person's best schedules, prefer the days already chosen for their calls
        # (a second goal, scaled below the first so it never changes the person's cost).
        away = []
        for i, part in enumerate(model.parts):
            day = days.get(part.key)
            if model.possible[i] and day is not None and day in model.y[i]:
                away.append(1 - model.y[i][day])
        if away:
            scale = len(away) + 1
            model.m.minimize(scale * sum(model.objective_terms()) + sum(away))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = max(1, workers)
    # A person's problem is small: probing costs more than it saves (twice as fast
    # without it on planted weeks, the same optimum).
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model.m)
    if status == cp_model.INFEASIBLE:
        # Only required requests make a person's problem infeasible: then so is the whole.
        return 0, None, False, []
    # With the second goal, the scaled objective is ``scale * cost + away`` with
    # ``0 <= away < scale``: a proven bound ``B`` gives ``cost >= ceil((B - away) / scale)``.
    proven = math.ceil(solver.best_objective_bound - 1e-6)
    bound = -(-(proven - (scale - 1)) // scale) if scale > 1 else proven
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return max(0, bound), None, False, []
    calls = read_calls(model, solver.value)
    cost = round(solver.objective_value) // scale
    if status == cp_model.OPTIMAL:
        bound = cost
    return max(0, bound), cost, status == cp_model.OPTIMAL, calls


def person_bound(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 1,
    person_seconds: float = 10.0,
    stop: Callable[[], bool] | None = None,
    threads: int = 2,
) -> PersonBound:
    """The person bound of ``problem`` within ``time_limit`` seconds (people who are not
    reached count 0, which keeps the bound valid; ``complete`` then says so).

    Then, for the people whose own best schedule leaves calls out, how many minutes must
    be left out: each part is *owned* by one of its people (the most loaded of those who
    cannot have all their calls), each such person's problem is solved for the fewest
    owned minutes left out, and these add up (every part counts once); the most any one
    person alone cannot have is a bound too, and the larger is kept."""
    started = time.perf_counter()
    deadline = started + time_limit
    should_stop = stop or (lambda: False)
    busy: dict[str, int] = defaultdict(int)
    for part in problem.parts:
        for pid in part.people:
            busy[pid] += part.length
    people = sorted(
        (p for p in problem.people if busy[p.id]),
        key=lambda p: (-busy[p.id] / _capacity(problem, p), -busy[p.id], p.id),
    )
    results: list[PersonResult] = []
    complete = True
    unplaced_cost = 0
    owner: dict[str, str] = {}
    owned_sum, alone = 0, 0
    lost_by: dict[str, float] = {}
    guidance: dict[tuple[str, int], int] = {}

    def one(person: Person, per: float) -> tuple[Person, Problem, dict[str, int], Solved, float]:
        t0 = time.perf_counter()
        sub, share = person_problem(problem, person)
        solved = _solve_exactly(sub, per, workers, days=dict(guidance))
        return person, sub, share, solved, time.perf_counter() - t0

    # People are solved ``threads`` at a time (CP-SAT runs outside Python's lock), the
    # most loaded first; each is steered to the days already chosen for their calls.
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        queue = list(people)
        running: list[Future[tuple[Person, Problem, dict[str, int], Solved, float]]] = []
        while queue or running:
            while queue and len(running) < max(1, threads):
                left = deadline - time.perf_counter()
                if left <= 0.05 or should_stop():
                    queue.clear()
                    complete = False
                    break
                per = min(person_seconds, max(0.05, threads * left / max(1, len(queue) / 2)))
                running.append(pool.submit(one, queue.pop(0), per))
            if not running:
                break
            done = running.pop(0).result()
            person, sub, share, (bound, cost, optimal, calls), seconds = done
            for c in calls:
                guidance.setdefault(c.key, c.start // DAY)
            placed = {c.key for c in calls}
            lost_cost = sum(
                share[part.request.id] * part.length for part in sub.parts if part.key not in placed
            )
            if (cost is None or lost_cost) and deadline - time.perf_counter() > 0.05:
                # How many of their minutes cannot be placed, at the least: they own the
                # parts of theirs no one found short before them owns (each part counts
                # once in the sum); and alone, every minute of theirs counts.
                mine = {r.id for r in sub.requests if r.id not in owner}
                owner.update(dict.fromkeys(mine, person.id))
                per = min(person_seconds, max(0.05, (deadline - time.perf_counter()) / 2))
                osub, _ = person_problem(problem, person, minutes=True, owned=mine)
                obound, _, _, _ = _solve_exactly(osub, per, workers, calls)
                owned_sum += obound
                lost_by[person.id] = obound
                wsub, _ = person_problem(problem, person, minutes=True)
                wbound, _, _, _ = _solve_exactly(wsub, per, workers, calls)
                alone = max(alone, wbound)
            if optimal:
                unplaced_cost += lost_cost
            results.append(
                PersonResult(person.id, bound, cost, optimal, tuple(calls), 0.0, seconds)
            )
            complete = complete and optimal
    results = [dataclasses.replace(r, unplaced_minutes=lost_by.get(r.person, 0.0)) for r in results]
    studio_lost = studio_unplaceable_minutes(problem)
    # Minutes that cannot be placed cost at least the cheapest minute each: a floor under
    # the objective that can be above the sum (when the sum is not complete).
    cheapest = min((r.priority for r in problem.requests), default=1) * problem.weights.unplaced
    floor = cheapest * max(owned_sum, alone, studio_lost)
    return PersonBound(
        bound=max(sum(r.bound for r in results), floor),
        people=tuple(results),
        complete=complete and len(results) == len(people),
        unplaced_cost=unplaced_cost,
        person_unplaceable=max(owned_sum, alone),
        studio_unplaceable=studio_lost,
        seconds=time.perf_counter() - started,
        guidance=guidance,
    )


def _capacity(problem: Problem, person: Person) -> float:
    """Minutes of calls the person could have at most in the horizon, roughly: their daily
    cap less their fixed work, over the days they are not away all day (for ordering)."""
    rules = problem.labour_for(person)
    caps = [c for c in (rules.max_minutes_per_day, person.max_minutes_per_day) if c is not None]
    cap = min(caps) if caps else DAY
    total = 0
    for d in range(len(problem.days)):
        start, end = d * DAY, (d + 1) * DAY
        if any(iv.start <= start and end <= iv.end for iv in person.unavailable):
            continue
        fixed = sum(
            c.end - c.start
            for c in person.commitments
            if start <= c.start < end and rules.counts_as_work(c)
        )
        total += max(0, cap - fixed)
    return max(1.0, float(total))


def studio_unplaceable_minutes(problem: Problem) -> int:
    """Requested minutes that cannot be placed for want of studio time.

    For every set of studios that is exactly the fitting studios of some request, the
    parts that fit only studios of that set need at least their minutes of those studios'
    time, which is at most the studios' open minutes (working windows of the days the
    parts allow, less unavailability): the excess cannot be placed. The largest excess
    over the sets is returned (excesses of different sets may overlap, so they are not
    added)."""
    fitting: dict[str, frozenset[str]] = {
        r.id: frozenset(s.id for s in problem.studios if studio_fits(s, r))
        for r in problem.requests
    }
    best = 0
    for group in set(fitting.values()):
        inside = [r for r in problem.requests if fitting[r.id] <= group]
        days = sorted({d for r in inside for d in (r.days or range(len(problem.days)))})
        need = sum(r.minutes for r in inside)
        have = 0
        for sid in group:
            studio = problem.studio_by_id[sid]
            for d in days:
                open_, close = d * DAY + problem.days[d].open, d * DAY + problem.days[d].close
                cut = sorted(
                    (max(open_, iv.start), min(close, iv.end))
                    for iv in studio.unavailable
                    if iv.start < close and open_ < iv.end
                )
                free, at = 0, open_
                for s, e in cut:
                    free += max(0, s - at)
                    at = max(at, e)
                have += free + max(0, close - at)
        best = max(best, need - have)
    return best
