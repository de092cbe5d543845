"""Rehearsal order (the talent scheduling problem): pure Python + numba, no Django import.

A rehearsal has pieces, each with a duration and the people it needs. Everyone is called from
the start of their first piece to the end of their last one and is paid their rate for all of
that time, waiting included. ``solve_talent`` finds the order of the pieces with the smallest
total cost and proves it optimal.

The method is the dynamic program over sets of pieces of Garcia de la Banda, Stuckey & Chu
("Solving Talent Scheduling with Dynamic Programming", INFORMS J. Computing 23(1), 2011):

1. **Reduce** the instance (repeated until nothing changes): a person in one piece costs the
   same in every order (a constant); pieces that then need nobody go first for free; pieces
   that need exactly the same people are rehearsed back to back, so they merge into one;
   people needed by exactly the same pieces merge into one person with the summed rate.
2. **Search** the states "which pieces are already placed at the front", layer by layer
   (bounded breadth-first dynamic programming): the cost of placing piece ``s`` next depends
   only on that set, so equal sets merge and keep the cheaper way to reach them.
3. **Bound**: a state is dropped when its cost plus a lower bound on the rest reaches the best
   order known (first from a beam search with the same bound). The bound charges people not yet
   called for their own pieces, and people already waiting with a Smith's-rule relaxation.
4. **Dominance**: if a remaining piece needs exactly the people now on call, it goes next (no
   branching); a piece is never placed next when another piece of the same duration needs a
   superset of its people, all of them already called or in the piece.
5. **Fallback**: when the layered search has spent about what the plain dynamic program over
   every set of pieces would cost (dense random instances with many people, where the bound is
   weak), that plain DP finishes the proof, with the same dominance rules and the bound used
   only while timing shows it pays; this needs at most 27 pieces after reduction (a 2**27
   array of 32-bit costs, 512 MB). Larger instances stay with the layered search (memory
   guarded) and, past the time limit, return the best order found, unproven.
6. **Oversized** instances (more than 62 pieces or 64 distinct people after reduction) get a
   greedy order improved by moving single pieces, unproven.

``talent_cost`` recomputes total and idle of any order straight from the definition; every
result is checked against it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "TalentInstance",
    "TalentResult",
    "TalentTooLarge",
    "random_talent_instance",
    "solve_talent",
    "talent_cost",
    "warm_up",
]

MAX_PIECES = 62  # after reduction; a state is a uint64 bit mask and bit 63 marks empty slots
MAX_PEOPLE = 64  # after reduction
DENSE_MAX_PIECES = 27  # plain DP over 2**27 states: 512 MB with 32-bit costs (1 GB with 64-bit)
DENSE_BOUND_MAX_PEOPLE = 24  # plain DP starts with the bound on up to this many people
DEFAULT_BEAM = 256
_CHUNK = 50_000  # states expanded between two looks at the clock
# memory guards of the layered search: a layer's hash table has at most 2**25 slots of 21 bytes
# (700 MB, plus the half-size table while it grows) and at most 8 million states are kept
_MAX_TABLE_SLOTS = 1 << 25
_MAX_LAYER_STATES = 8_000_000


class TalentTooLarge(ValueError):
    """The instance is beyond what the exact solver represents (too many pieces or people)."""


@dataclass(frozen=True)
class TalentInstance:
    """Pieces with durations, people with rates, and who is in which piece.

    ``plays[person][piece]`` is true when the person is needed for the piece. Pieces and people
    are numbered from 0 here; files and commands number them from 1.
    """

    name: str
    durations: tuple[int, ...]
    rates: tuple[int, ...]
    plays: tuple[tuple[bool, ...], ...]

    def __post_init__(self) -> None:
        if len(self.plays) != len(self.rates):
            raise ValueError(f"{len(self.plays)} rows of flags for {len(self.rates)} rates")
        for i, row in enumerate(self.plays):
            if len(row) != len(self.durations):
                raise ValueError(f"person {i + 1} has {len(row)} flags for {self.n_pieces} pieces")
        if any(d < 0 for d in self.durations) or any(r < 0 for r in self.rates):
            raise ValueError("durations and rates must not be negative")

    @property
    def n_pieces(self) -> int:
        return len(self.durations)

    @property
    def n_people(self) -> int:
        return len(self.rates)


@dataclass(frozen=True)
class TalentResult:
    """The best order found; ``optimal`` says whether no cheaper order exists (proven)."""

    instance: str
    order: tuple[int, ...]  # 0-based piece numbers, first to last
    total: int
    idle: int
    optimal: bool
    bound: int  # proven lower bound on ``total`` (equal to it when optimal)
    seconds: float
    method: str  # how optimality was settled: reduced/layered/dense, or "timeout"
    states: int  # search states expanded


def talent_cost(instance: TalentInstance, order: tuple[int, ...] | list[int]) -> tuple[int, int]:
    """``(total, idle)`` of an order, straight from the definition.

    total = sum over people of rate x (end of last piece - start of first piece);
    idle = total - sum over people of rate x (durations of their own pieces).
    """
    n = instance.n_pieces
    if sorted(order) != list(range(n)):
        raise ValueError(f"an order must list each of the {n} pieces exactly once")
    start = [0] * n
    clock = 0
    for piece in order:
        start[piece] = clock
        clock += instance.durations[piece]
    total = busy = 0
    for rate, row in zip(instance.rates, instance.plays, strict=True):
        mine = [p for p in range(n) if row[p]]
        if not mine:
            continue
        first = min(start[p] for p in mine)
        last = max(start[p] + instance.durations[p] for p in mine)
        total += rate * (last - first)
        busy += rate * sum(instance.durations[p] for p in mine)
    return total, total - busy


def random_talent_instance(
    pieces: int,
    people: int,
    *,
    seed: int,
    density: float = 0.35,
    max_duration: int = 3,
    max_rate: int = 40,
    name: str | None = None,
) -> TalentInstance:
    """A reproducible random instance: each person is in each piece with ``density``.

    Every person is in at least two pieces and every piece has at least one person, as in the
    published instances (a person in one piece, or a piece with nobody, is trivial).
    """
    rng = random.Random(seed)
    rows = [[rng.random() < density for _ in range(pieces)] for _ in range(people)]
    for row in rows:
        while sum(row) < min(2, pieces):
            row[rng.randrange(pieces)] = True
    for p in range(pieces):
        if people and not any(row[p] for row in rows):
            rows[rng.randrange(people)][p] = True
    return TalentInstance(
        name=name or f"random-{pieces}x{people}-seed{seed}",
        durations=tuple(rng.randint(1, max_duration) for _ in range(pieces)),
        rates=tuple(rng.randint(1, max_rate) for _ in range(people)),
        plays=tuple(tuple(row) for row in rows),
    )


# --- reduction ---------------------------------------------------------------------------------


@dataclass
class _Reduced:
    groups: list[list[int]]  # original pieces behind each reduced piece, in rehearsal order
    free: list[int]  # original pieces nobody waits for; they go first
    acts: list[int]  # people of each reduced piece (bit mask over reduced people)
    dur: list[int]
    rates: list[int]
    constant: int  # cost that no order changes (people in a single piece)


def _reduce(instance: TalentInstance) -> _Reduced:
    n, m = instance.n_pieces, instance.n_people
    groups = [[p] for p in range(n)]
    dur = list(instance.durations)
    alive = {a for a in range(m) if instance.rates[a] > 0}  # unpaid people cost nothing
    cast = [{a for a in alive if instance.plays[a][p]} for p in range(n)]
    free: list[int] = []
    constant = 0
    changed = True
    while changed:
        changed = False
        for a in sorted(alive):
            where = [g for g in range(len(groups)) if a in cast[g]]
            if len(where) <= 1:
                if where:
                    constant += instance.rates[a] * dur[where[0]]
                    cast[where[0]].discard(a)
                alive.discard(a)
                changed = True
        keep = []
        for g in range(len(groups)):
            if cast[g]:
                keep.append(g)
            else:
                free.extend(groups[g])
        merged: dict[frozenset[int], int] = {}
        new_groups: list[list[int]] = []
        new_dur: list[int] = []
        new_cast: list[set[int]] = []
        for g in keep:
            key = frozenset(cast[g])
            if key in merged:
                k = merged[key]
                new_groups[k].extend(groups[g])
                new_dur[k] += dur[g]
                changed = True
            else:
                merged[key] = len(new_groups)
                new_groups.append(list(groups[g]))
                new_dur.append(dur[g])
                new_cast.append(set(cast[g]))
        if len(new_groups) != len(groups):
            changed = True
        groups, dur, cast = new_groups, new_dur, new_cast
    # people needed by exactly the same pieces act as one person with the summed rate
    by_pieces: dict[frozenset[int], int] = {}
    rates: list[int] = []
    person_index: dict[int, int] = {}
    for a in sorted(alive):
        key = frozenset(g for g in range(len(groups)) if a in cast[g])
        if key not in by_pieces:
            by_pieces[key] = len(rates)
            rates.append(0)
        person_index[a] = by_pieces[key]
        rates[by_pieces[key]] += instance.rates[a]
    acts = []
    for g in range(len(groups)):
        mask = 0
        for a in cast[g]:
            mask |= 1 << person_index[a]
        acts.append(mask)
    return _Reduced(groups, free, acts, dur, rates, constant)


# --- search --------------------------------------------------------------------------------------


class _Tables:
    """The numpy tables the compiled kernels read (see talent_kernels)."""

    def __init__(self, red: _Reduced) -> None:
        n, m = len(red.acts), len(red.rates)
        if n > MAX_PIECES:
            raise TalentTooLarge(
                f"{n} pieces remain after reduction; the exact solver handles at most {MAX_PIECES}"
            )
        if m > MAX_PEOPLE:
            raise TalentTooLarge(
                f"{m} distinct people remain after reduction; the solver handles at most "
                f"{MAX_PEOPLE}"
            )
        self.n, self.m = n, m
        self.full = np.uint64((1 << n) - 1)
        self.acts = np.array(red.acts, dtype=np.uint64)
        self.dur = np.array(red.dur, dtype=np.int64)
        self.rate = np.array(red.rates if m else [0], dtype=np.int64)
        nb = max(1, (n + 7) // 8)
        self.utab = np.zeros((nb, 256), dtype=np.uint64)
        self.btab = np.zeros((nb, 256), dtype=np.int64)
        base = [
            red.dur[s] * sum(red.rates[a] for a in range(m) if red.acts[s] >> a & 1)
            for s in range(n)
        ]
        for k in range(nb):
            for b in range(1, 256):
                low = (b & -b).bit_length() - 1
                prev = b & (b - 1)
                s = 8 * k + low
                self.utab[k, b] = self.utab[k, prev] | (red.acts[s] if s < n else 0)
                self.btab[k, b] = self.btab[k, prev] + (base[s] if s < n else 0)
        mb = max(1, (m + 7) // 8)
        self.ctab = np.zeros((mb, 256), dtype=np.int64)
        for k in range(mb):
            for b in range(1, 256):
                low = (b & -b).bit_length() - 1
                a = 8 * k + low
                self.ctab[k, b] = self.ctab[k, b & (b - 1)] + (red.rates[a] if a < m else 0)
        sub = [0] * n
        for i in range(n):
            for j in range(n):
                if i == j or red.dur[i] != red.dur[j] or red.acts[i] & ~red.acts[j]:
                    continue
                if red.acts[i] != red.acts[j] or j > i:  # equal sets: only one may dominate
                    sub[i] |= 1 << j
        self.sub = np.array(sub, dtype=np.uint64)
        width = max(1, max((bin(x).count("1") for x in red.acts), default=1))
        self.sact = np.zeros((max(n, 1), width), dtype=np.int64)
        self.nact = np.zeros(max(n, 1), dtype=np.int64)
        for s in range(n):
            people = [a for a in range(m) if red.acts[s] >> a & 1]
            self.nact[s] = len(people)
            self.sact[s, : len(people)] = people
        self.max_cost = sum(red.rates) * sum(red.dur)
        if self.max_cost >= 1 << 61:
            raise TalentTooLarge("rates x durations are too large for 64-bit costs")

    def step_cost(self, placed: int, s: int) -> int:
        """Cost of placing reduced piece ``s`` right after the set ``placed`` (plain Python)."""
        rest = int(self.full) & ~placed & ~(1 << s)
        arrived = 0
        needed = 0
        for p in range(self.n):
            if placed >> p & 1:
                arrived |= int(self.acts[p])
            elif rest >> p & 1:
                needed |= int(self.acts[p])
        on = int(self.acts[s]) | (arrived & (needed | int(self.acts[s])))
        return int(self.dur[s]) * sum(int(self.rate[a]) for a in range(self.m) if on >> a & 1)


@dataclass
class _Outcome:
    status: str  # "found": cost/order set; "none": nothing cheaper than ub; "timeout"; "big"
    cost: int = 0
    order: list[int] | None = None
    states: int = 0


class _Table:
    """Open-addressing hash table of one layer (arrays shared with the kernels)."""

    def __init__(self, capacity: int) -> None:
        from callboard.scheduling.solver.talent_kernels import EMPTY

        size = 1 << max(10, (capacity - 1).bit_length())
        self.keys = np.full(size, EMPTY, dtype=np.uint64)
        self.g = np.zeros(size, dtype=np.int64)
        self.par = np.zeros(size, dtype=np.int32)
        self.sc = np.zeros(size, dtype=np.int8)
        self.count = np.zeros(1, dtype=np.int64)

    @property
    def max_fill(self) -> int:
        return int(self.keys.shape[0] * 0.6)

    def grown(self) -> _Table:
        from callboard.scheduling.solver.talent_kernels import rehash

        bigger = _Table(self.keys.shape[0] * 2)
        rehash(self.keys, self.g, self.par, self.sc, bigger.keys, bigger.g, bigger.par, bigger.sc)
        bigger.count[0] = self.count[0]
        return bigger


def _layered(
    t: _Tables,
    ub: int,
    deadline: float,
    *,
    width: int | None = None,
    rules: bool = True,
    layer_cap: int = _MAX_LAYER_STATES,
    budget: int | None = None,
) -> _Outcome:
    """Bounded breadth-first DP (or, with ``width``, a beam search keeping the best states)."""
    from callboard.scheduling.solver import talent_kernels as k

    keys = np.zeros(1, dtype=np.uint64)
    gs = np.zeros(1, dtype=np.int64)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    states = 0
    ub64 = np.int64(ub)
    for _depth in range(t.n):
        table = _Table(min(4 * len(keys) + 1024, _MAX_TABLE_SLOTS // 2))
        i = 0
        while i < len(keys):
            stop = min(len(keys), i + _CHUNK)
            i = k.expand(
                keys, gs, i, stop, t.full, ub64, t.acts, t.dur, t.utab, t.btab, t.ctab, t.sub,
                rules, table.keys, table.g, table.par, table.sc, table.count, table.max_fill,
            )  # fmt: skip
            if table.count[0] >= table.max_fill:
                if table.keys.shape[0] >= _MAX_TABLE_SLOTS:
                    return _Outcome("big", states=states)
                table = table.grown()
            if time.perf_counter() > deadline:
                return _Outcome("timeout", states=states + i)
        states += len(keys)
        keys, gs, par, sc, fs = k.collect(
            table.keys, table.g, table.par, table.sc, int(table.count[0]), t.full, ub64,
            t.acts, t.dur, t.rate, t.utab, t.btab, t.ctab, t.sact, t.nact,
        )  # fmt: skip
        del table
        if width is not None and len(keys) > width:
            kept = np.argpartition(fs, width - 1)[:width]
            keys, gs, par, sc = keys[kept], gs[kept], par[kept], sc[kept]
        if len(keys) == 0:
            return _Outcome("none", states=states)
        if len(keys) > layer_cap or (budget is not None and states + len(keys) > budget):
            return _Outcome("big", states=states)
        history.append((par, sc))
    best = int(np.argmin(gs))
    cost = int(gs[best])
    order = []
    idx = best
    for par, sc in reversed(history):
        order.append(int(sc[idx]))
        idx = int(par[idx])
    order.reverse()
    return _Outcome("found", cost=cost, order=order, states=states)


def _dense(t: _Tables, ub: int, deadline: float, use_bound: bool | None = None) -> _Outcome:
    """The plain DP over all 2**n sets of placed pieces (n <= DENSE_MAX_PIECES).

    Whether the lower bound saves more pushes than it costs depends on the instance, so by
    default the sets are processed in chunks and, every 32 chunks, one chunk is timed with the
    bound and the next without it; the faster way is used until the next comparison.
    """
    from callboard.scheduling.solver import talent_kernels as k

    size = 1 << t.n
    dtype = np.int32 if t.max_cost < 2**31 - 1 else np.int64
    sentinel = np.iinfo(dtype).max
    values = np.full(size, sentinel, dtype=dtype)
    values[0] = 0
    step = 1 << 16
    ub64 = np.int64(ub)
    choice = t.m <= DENSE_BOUND_MAX_PEOPLE
    timed = [0.0, 0.0]
    for index, start in enumerate(range(0, size, step)):
        phase = index % 32
        flag = use_bound if use_bound is not None else phase == 0 or (phase > 1 and choice)
        clock = time.process_time()
        k.dense_dp(
            values, start, min(size, start + step), t.full, ub64, t.acts, t.dur, t.utab,
            t.btab, t.ctab, t.sub, np.int64(sentinel), t.rate, t.sact, t.nact, flag,
        )  # fmt: skip
        if phase < 2:
            timed[phase] = time.process_time() - clock
            if phase == 1:
                choice = timed[0] < timed[1]
        if time.perf_counter() > deadline:
            return _Outcome("timeout", states=start)
    best = int(values[size - 1])
    if best >= ub:
        return _Outcome("none", states=size)
    order: list[int] = []
    placed = size - 1
    while placed:
        for s in range(t.n):
            if placed >> s & 1:
                prev = placed & ~(1 << s)
                if values[prev] != sentinel and int(values[prev]) + t.step_cost(prev, s) == int(
                    values[placed]
                ):
                    order.append(s)
                    placed = prev
                    break
        else:  # pragma: no cover - would mean the table is inconsistent
            raise RuntimeError("dense DP: cannot retrace the optimal order")
    order.reverse()
    return _Outcome("found", cost=best, order=order, states=size)


def _reduced_cost(t: _Tables, order: list[int]) -> int:
    placed = 0
    cost = 0
    for s in order:
        cost += t.step_cost(placed, s)
        placed |= 1 << s
    return cost


def _improve(t: _Tables, order: list[int], cost: int, deadline: float) -> tuple[list[int], int]:
    """Cheap local search on the beam's order: move one piece elsewhere while it pays."""
    best, best_cost = list(order), cost
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for i in range(t.n):
            for j in range(t.n):
                if i == j:
                    continue
                cand = best[:i] + best[i + 1 :]
                cand.insert(j, best[i])
                c = _reduced_cost(t, cand)
                if c < best_cost:
                    best, best_cost, improved = cand, c, True
                    break
            if improved:
                break
    return best, best_cost


def solve_talent(
    instance: TalentInstance,
    *,
    time_limit: float | None = 60.0,
    rules: bool = True,
    beam_width: int = DEFAULT_BEAM,
) -> TalentResult:
    """The cheapest order of the pieces, proven optimal unless ``time_limit`` runs out first.

    Instances beyond the exact solver (more than 62 pieces or 64 distinct people after the
    reduction) get the best order a greedy start and local search find, unproven.
    ``rules=False`` switches the dominance rules off (for tests that compare both ways).
    """
    started = time.perf_counter()
    deadline = started + (time_limit if time_limit is not None else float("inf"))
    red = _reduce(instance)
    try:
        t = _Tables(red)
    except TalentTooLarge:
        answer = _heuristic(red, deadline)
    else:
        answer = _search(t, deadline, rules=rules, beam_width=beam_width)
    full_order = tuple(red.free + [p for s in answer.order for p in red.groups[s]])
    total, idle = talent_cost(instance, full_order)
    if total != answer.cost + red.constant:  # pragma: no cover - a bug, never a user error
        raise RuntimeError(f"solver cost {answer.cost + red.constant} != recomputed {total}")
    return TalentResult(
        instance=instance.name,
        order=full_order,
        total=total,
        idle=idle,
        optimal=answer.optimal,
        bound=total if answer.optimal else answer.bound + red.constant,
        seconds=time.perf_counter() - started,
        method=answer.method,
        states=answer.states,
    )


@dataclass
class _Answer:
    order: list[int]  # reduced pieces
    cost: int  # reduced cost (without the reduction's constant)
    optimal: bool
    bound: int
    method: str
    states: int


def _search(t: _Tables, deadline: float, *, rules: bool, beam_width: int) -> _Answer:
    if t.n <= 1:
        return _Answer(list(range(t.n)), 0, True, 0, "reduced", 0)
    beam = _layered(t, 1 << 62, float("inf"), width=beam_width, rules=rules)
    assert beam.order is not None
    order, cost = _improve(t, beam.order, beam.cost, min(deadline, time.perf_counter() + 0.25))
    # A set of pieces costs the plain DP 20-300 ns, a layered state 2-4 us: once the layered
    # search has spent about what the plain DP would, the plain DP finishes the proof.
    budget = max((1 << t.n) // 50, 20_000) if t.n <= DENSE_MAX_PIECES else None
    exact = _layered(t, cost, deadline, rules=rules, budget=budget)
    method = "layered"
    if exact.status == "big" and t.n <= DENSE_MAX_PIECES:
        states = exact.states
        exact = _dense(t, cost, deadline)
        exact.states += states
        method = "dense"
    states = beam.states + exact.states
    if exact.status == "found":
        assert exact.order is not None
        return _Answer(exact.order, exact.cost, True, exact.cost, method, states)
    if exact.status == "none":
        return _Answer(order, cost, True, cost, method, states)
    method = "timeout" if exact.status == "timeout" else "too large"
    return _Answer(order, cost, False, _root_bound(t), method, states)


def _heuristic(red: _Reduced, deadline: float) -> _Answer:
    """Greedy order then first-improvement moves of one piece, on Python integers (any size)."""
    n = len(red.acts)

    def paid(mask: int) -> int:
        total = 0
        while mask:
            low = mask & -mask
            total += red.rates[low.bit_length() - 1]
            mask ^= low
        return total

    def cost_of(order: list[int]) -> int:
        after = [0] * (len(order) + 1)
        for k in range(len(order) - 1, -1, -1):
            after[k] = after[k + 1] | red.acts[order[k]]
        arrived = cost = 0
        for k, s in enumerate(order):
            cost += red.dur[s] * paid(red.acts[s] | (arrived & after[k + 1]))
            arrived |= red.acts[s]
        return cost

    left = set(range(n))
    order: list[int] = []
    arrived = 0
    count = [0] * len(red.rates)  # remaining pieces of each person
    for s in range(n):
        for a in range(len(red.rates)):
            count[a] += red.acts[s] >> a & 1
    while left:  # next: the piece that costs least now, then the one calling fewest new people
        needed = last = 0
        for a, k in enumerate(count):
            needed |= (k > 0) << a
            last |= (k == 1) << a
        best: tuple[int, int, int] | None = None
        for s in sorted(left):
            after = needed & ~(last & red.acts[s])  # still needed once s is done
            key = (
                red.dur[s] * paid(red.acts[s] | (arrived & after)),
                paid(red.acts[s] & ~arrived),
                s,
            )
            if best is None or key < best:
                best = key
        assert best is not None
        s = best[2]
        order.append(s)
        left.discard(s)
        arrived |= red.acts[s]
        for a in range(len(red.rates)):
            count[a] -= red.acts[s] >> a & 1
    cost = cost_of(order)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                cand = order[:i] + order[i + 1 :]
                cand.insert(j, order[i])
                c = cost_of(cand)
                if c < cost:
                    order, cost, improved = cand, c, True
                    break
                if j % 64 == 63 and time.perf_counter() >= deadline:
                    break
            if improved or time.perf_counter() >= deadline:
                break
    base = sum(red.dur[s] * paid(red.acts[s]) for s in range(n))
    return _Answer(order, cost, cost == base, base, "heuristic", 0)


def _root_bound(t: _Tables) -> int:
    from callboard.scheduling.solver import talent_kernels as k

    ratio = np.zeros(max(t.m, 1))
    order = np.zeros(max(t.m, 1), dtype=np.int64)
    return int(
        k.lower_bound(
            np.uint64(0),
            t.full,
            t.acts,
            t.dur,
            t.rate,
            t.utab,
            t.btab,
            t.ctab,
            t.sact,
            t.nact,
            ratio,
            order,
        )
    )


def warm_up() -> None:
    """Compile (or load from numba's cache) every search kernel, so timings measure solving.

    The first run on a machine compiles for a few seconds and caches the result next to the
    module; later runs load it in a fraction of a second.
    """
    t = _Tables(_reduce(random_talent_instance(9, 5, seed=0)))
    beam = _layered(t, 1 << 62, float("inf"), width=4)
    _layered(t, beam.cost + 1, float("inf"))
    _dense(t, beam.cost + 1, float("inf"))
    _root_bound(t)
    _Table(16).grown()
