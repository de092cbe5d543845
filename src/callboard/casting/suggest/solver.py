"""Casting suggestions with CP-SAT: fill the empty slots of a run of performances.

Pure Python and OR-Tools; no Django here (``adapter.py`` is the only bridge). The
problem lists, for each empty slot, the dancers who *may* fill it (qualified, available,
free of clashes with the casting already made); the model chooses among them.

Hard rules (one function each): a slot gets at most its free places; a dancer appears
once per role and performance; never on stage in two overlapping roles; never in two
performances at the same time; leading roles keep ``lead_rest_days`` apart and never two
full-length leads a day; covers are filled in rank order.

Soft goals (weights in :class:`Weights`, named in the explanation): fill every slot,
then every cover; dancers of the rank the role asks for; dancers who have learned the
role; performances shared fairly among a role's cast (the busiest dancer of each role as
little busy as possible); the better cover ranked first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Performance:
    id: int
    day: int  # ordinal of the local date
    starts: int  # minutes since the epoch
    ends: int


@dataclass(frozen=True)
class Role:
    id: int
    principal: bool
    full_length: bool
    overlaps: frozenset[int] = frozenset()  # roles on stage at the same time


@dataclass(frozen=True)
class Need:
    """Empty places to fill: ``count`` first-cast places, or one cover of ``rank``."""

    performance_id: int
    role_id: int
    kind: str  # "first" or "cover"
    rank: int = 1
    count: int = 1


@dataclass(frozen=True)
class Option:
    """``dancer_id`` may fill a ``kind`` place of the role at the performance."""

    performance_id: int
    role_id: int
    dancer_id: int
    kind: str
    rank_penalty: int = 0  # 1 when the dancer's rank does not suit the role
    learning: bool = False


@dataclass(frozen=True)
class Booked:
    """An existing first-cast place (kept; counts for fairness)."""

    performance_id: int
    role_id: int
    dancer_id: int


@dataclass(frozen=True)
class Weights:
    fill: int = 1000
    cover: int = 300
    rank: int = 60
    learning: int = 25
    fairness: int = 40


@dataclass(frozen=True)
class Problem:
    performances: tuple[Performance, ...]
    roles: tuple[Role, ...]
    needs: tuple[Need, ...]
    options: tuple[Option, ...]
    booked: tuple[Booked, ...] = ()
    lead_rest_days: int = 2
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Pick:
    performance_id: int
    role_id: int
    kind: str
    rank: int
    dancer_id: int


@dataclass(frozen=True)
class Solution:
    status: str
    picks: tuple[Pick, ...]
    objective: float | None
    explanation: dict[str, Any]


class _Model:
    """The CP-SAT model and its variables, built one rule at a time."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.m = cp_model.CpModel()
        self.perf = {x.id: x for x in problem.performances}
        self.role = {x.id: x for x in problem.roles}
        first_need = {
            (n.performance_id, n.role_id): n.count for n in problem.needs if n.kind == "first"
        }
        cover_ranks: dict[tuple[int, int], list[int]] = defaultdict(list)
        for n in problem.needs:
            if n.kind == "cover":
                cover_ranks[(n.performance_id, n.role_id)].append(n.rank)
        self.first_need = first_need
        self.cover_ranks = {k: sorted(v) for k, v in cover_ranks.items()}
        self.y: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.c: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
        self.option: dict[tuple[int, int, int, str], Option] = {}
        for o in problem.options:
            key = (o.performance_id, o.role_id, o.dancer_id)
            if o.kind == "first" and (o.performance_id, o.role_id) in first_need:
                self.y[key] = self.m.new_bool_var(f"y_{o.performance_id}_{o.role_id}_{o.dancer_id}")
                self.option[(*key, "first")] = o
            elif o.kind == "cover":
                for k in self.cover_ranks.get((o.performance_id, o.role_id), []):
                    self.c[(*key, k)] = self.m.new_bool_var(
                        f"c_{o.performance_id}_{o.role_id}_{k}_{o.dancer_id}"
                    )
                self.option[(*key, "cover")] = o
        self.terms: list[tuple[int, Any]] = []
        self.fair: dict[int, cp_model.IntVar] = {}

    # ---- hard rules

    def places_per_slot(self) -> None:
        by_slot: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for (p, r, _d), v in self.y.items():
            by_slot[(p, r)].append(v)
        for key, vs in by_slot.items():
            self.m.add(sum(vs) <= self.first_need[key])
        by_cover: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
        for (p, r, _d, k), v in self.c.items():
            by_cover[(p, r, k)].append(v)
        for vs in by_cover.values():
            self.m.add(sum(vs) <= 1)

    def once_per_role(self) -> None:
        by_dancer: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
        for key, v in self.y.items():
            by_dancer[key].append(v)
        for (p, r, d, _k), v in self.c.items():
            by_dancer[(p, r, d)].append(v)
        for vs in by_dancer.values():
            if len(vs) > 1:
                self.m.add(sum(vs) <= 1)

    def never_on_stage_twice(self) -> None:
        firsts: dict[tuple[int, int], dict[int, Any]] = defaultdict(dict)
        for (p, r, d), v in self.y.items():
            firsts[(p, d)][r] = v
        for by_role in firsts.values():
            for r1, r2 in combinations(sorted(by_role), 2):
                if r2 in self.role[r1].overlaps:
                    self.m.add(by_role[r1] + by_role[r2] <= 1)
        # A cover must be free to step in: not on stage in an overlapping role.
        for (p, r, d, _k), v in self.c.items():
            for r2 in self.role[r].overlaps:
                other = firsts.get((p, d), {}).get(r2)
                if other is not None:
                    self.m.add(v + other <= 1)

    def _on_stage(self) -> dict[tuple[int, int], Any]:
        on: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for (p, _r, d), v in self.y.items():
            on[(p, d)].append(v)
        result = {}
        for key, vs in on.items():
            if len(vs) == 1:
                result[key] = vs[0]
            else:
                b = self.m.new_bool_var(f"on_{key[0]}_{key[1]}")
                self.m.add_max_equality(b, vs)
                result[key] = b
        return result

    def one_performance_at_a_time(self) -> None:
        on = self._on_stage()
        dancers: dict[int, list[int]] = defaultdict(list)
        for p, d in on:
            dancers[d].append(p)
        for d, ps in dancers.items():
            for p, q in combinations(sorted(ps), 2):
                a, b = self.perf[p], self.perf[q]
                if a.starts < b.ends and b.starts < a.ends:
                    self.m.add(on[(p, d)] + on[(q, d)] <= 1)

    def rest_between_leads(self) -> None:
        lead: dict[tuple[int, int], list[Any]] = defaultdict(list)
        lead_full: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for (p, r, d), v in self.y.items():
            role = self.role[r]
            if role.principal:
                lead[(p, d)].append(v)
                if role.full_length:
                    lead_full[(p, d)].append(v)

        def indicator(vs: list[Any], name: str) -> Any:
            if len(vs) == 1:
                return vs[0]
            b = self.m.new_bool_var(name)
            self.m.add_max_equality(b, vs)
            return b

        leads = {k: indicator(vs, f"lead_{k[0]}_{k[1]}") for k, vs in lead.items()}
        fulls = {k: indicator(vs, f"full_{k[0]}_{k[1]}") for k, vs in lead_full.items()}
        by_dancer: dict[int, list[int]] = defaultdict(list)
        for p, d in leads:
            by_dancer[d].append(p)
        for d, ps in by_dancer.items():
            for p, q in combinations(sorted(ps), 2):
                gap = abs(self.perf[p].day - self.perf[q].day)
                if 0 < gap < self.p.lead_rest_days:
                    self.m.add(leads[(p, d)] + leads[(q, d)] <= 1)
                elif gap == 0 and (p, d) in fulls and (q, d) in fulls:
                    self.m.add(fulls[(p, d)] + fulls[(q, d)] <= 1)

    def covers_in_rank_order(self) -> None:
        by_rank: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
        for (p, r, _d, k), v in self.c.items():
            by_rank[(p, r, k)].append(v)
        for (p, r), ranks in self.cover_ranks.items():
            for lower, higher in pairwise(ranks):
                if higher == lower + 1 and by_rank.get((p, r, higher)):
                    self.m.add(sum(by_rank[(p, r, higher)]) <= sum(by_rank.get((p, r, lower), [])))

    # ---- soft goals

    def goals(self) -> None:
        w = self.p.weights
        for (p, r, d), v in self.y.items():
            o = self.option[(p, r, d, "first")]
            self.terms.append((w.fill - w.rank * o.rank_penalty - w.learning * int(o.learning), v))
        for (p, r, d, k), v in self.c.items():
            o = self.option[(p, r, d, "cover")]
            quality = w.rank * o.rank_penalty + w.learning * int(o.learning)
            # A worse cover costs more in a better rank, so the best one comes first.
            self.terms.append((w.cover - 5 * k - quality * (10 - k) // 5, v))
        # Fairness: the busiest dancer of each role as little busy as possible.
        counts: dict[tuple[int, int], list[Any]] = defaultdict(list)
        fixed: dict[tuple[int, int], int] = defaultdict(int)
        for (_p, r, d), v in self.y.items():
            counts[(r, d)].append(v)
        for b in self.p.booked:
            fixed[(b.role_id, b.dancer_id)] += 1
        roles = {r for r, _d in counts}
        horizon = len(self.p.performances) + 1
        for r in roles:
            busiest = self.m.new_int_var(0, horizon, f"max_{r}")
            for (rr, d), vs in counts.items():
                if rr == r:
                    self.m.add(busiest >= sum(vs) + fixed[(r, d)])
            self.fair[r] = busiest
            self.terms.append((-w.fairness, busiest))

    def build(self) -> None:
        self.places_per_slot()
        self.once_per_role()
        self.never_on_stage_twice()
        self.one_performance_at_a_time()
        self.rest_between_leads()
        self.covers_in_rank_order()
        self.goals()
        self.m.maximize(sum(coef * v for coef, v in self.terms))


def solve(
    problem: Problem, *, time_limit: float = 5.0, seed: int = 0, workers: int = 1
) -> Solution:
    """Fill what can be filled; never returns a pick outside ``problem.options``."""
    model = _Model(problem)
    model.build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.random_seed = int(seed)
    solver.parameters.num_workers = max(1, int(workers))
    status = solver.solve(model.m)
    name = solver.status_name(status)
    wanted_first = sum(n.count for n in problem.needs if n.kind == "first")
    wanted_covers = sum(1 for n in problem.needs if n.kind == "cover")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(
            status=name,
            picks=(),
            objective=None,
            explanation={
                "slots_to_fill": wanted_first,
                "covers_wanted": wanted_covers,
                "filled": 0,
            },
        )
    picks = [Pick(p, r, "first", 1, d) for (p, r, d), v in model.y.items() if solver.value(v)]
    picks += [Pick(p, r, "cover", k, d) for (p, r, d, k), v in model.c.items() if solver.value(v)]
    picks.sort(key=lambda x: (x.performance_id, x.role_id, x.kind, x.rank, x.dancer_id))
    firsts = [x for x in picks if x.kind == "first"]
    options = model.option
    explanation = {
        "slots_to_fill": wanted_first,
        "filled": len(firsts),
        "holes_left": wanted_first - len(firsts),
        "covers_wanted": wanted_covers,
        "covers_filled": len(picks) - len(firsts),
        "rank_mismatches": sum(
            options[(x.performance_id, x.role_id, x.dancer_id, x.kind)].rank_penalty for x in picks
        ),
        "learning": sum(
            int(options[(x.performance_id, x.role_id, x.dancer_id, x.kind)].learning) for x in picks
        ),
        "busiest_per_role": sum(int(solver.value(v)) for v in model.fair.values()),
        "proven_optimal": status == cp_model.OPTIMAL,
    }
    return Solution(
        status=name, picks=tuple(picks), objective=solver.objective_value, explanation=explanation
    )
