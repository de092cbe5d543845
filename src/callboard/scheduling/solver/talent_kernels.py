"""Compiled inner loops of the rehearsal-order search (numba, no Django, no I/O).

Everything here works on a *reduced* instance (see ``talent.py``): at most 62 pieces and 64
people, pieces and people as bit masks (``uint64``). A search state is the set ``Q`` of pieces
already placed at the front of the order; the cost of placing piece ``s`` next is
``d[s] * rate(a[s] | on(Q))`` where ``on(Q)`` is the set of people who have arrived (appear in
``Q``) and are still needed (appear in a remaining piece).

Tables passed in (built once by ``Tables`` in ``talent.py``):

- ``acts[s]``       people of piece ``s`` (bit mask)
- ``dur[s]``        duration of piece ``s``
- ``rate[a]``       rate of person ``a``
- ``utab[k, b]``    union of the people of the pieces whose bits are ``b`` in byte ``k`` of a
                    piece mask
- ``btab[k, b]``    sum of ``dur[s] * rate(acts[s])`` over the same pieces (the "base" cost)
- ``ctab[k, b]``    sum of the rates of the people whose bits are ``b`` in byte ``k`` of a
                    people mask
- ``sub[s]``        pieces that dominate ``s`` when their extra people have all arrived (same
                    duration)
- ``sact[s, :]``    indices of the people of piece ``s``, ``nact[s]`` of them
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros as _cttz

# LLVM's cttz: the index of the lowest set bit (the cast only tells mypy how it is called)
trailing_zeros = cast(Callable[[np.uint64], int], _cttz)

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # no valid state uses bit 63
INF = np.int64(1) << np.int64(62)


@njit(cache=True, inline="always")
def union_of(mask: np.uint64, utab: np.ndarray) -> np.uint64:
    out = np.uint64(0)
    for k in range(utab.shape[0]):
        out |= utab[k, (mask >> np.uint64(8 * k)) & np.uint64(255)]
    return out


@njit(cache=True, inline="always")
def sum_of(mask: np.uint64, tab: np.ndarray) -> np.int64:
    out = np.int64(0)
    for k in range(tab.shape[0]):
        out += tab[k, (mask >> np.uint64(8 * k)) & np.uint64(255)]
    return out


@njit(cache=True)
def lower_bound(
    placed: np.uint64,
    full: np.uint64,
    acts: np.ndarray,
    dur: np.ndarray,
    rate: np.ndarray,
    utab: np.ndarray,
    btab: np.ndarray,
    ctab: np.ndarray,
    sact: np.ndarray,
    nact: np.ndarray,
    ratio: np.ndarray,
    order: np.ndarray,
) -> np.int64:
    """A lower bound on the cost of ordering the pieces not in ``placed``.

    People who have not arrived yet are counted for their own pieces only. People already
    on location (arrived, still needed) stay until their last remaining piece: split every
    remaining piece among its on-location people in proportion to their rates, treat each
    such person as one job made of their shares, order the jobs by Smith's rule (share/rate)
    and add back what the splitting removed (Garcia de la Banda, Stuckey & Chu 2011).
    ``ratio`` and ``order`` are scratch arrays of length = number of people.
    """
    rest = full & ~placed
    if rest == 0:
        return np.int64(0)
    arrived = union_of(placed, utab)
    on = arrived & union_of(rest, utab)
    value = float(sum_of(rest, btab))
    if on == 0:
        return np.int64(value + 0.5)
    people = 0
    bits = on
    while bits:
        a = trailing_zeros(bits)
        bits &= bits - np.uint64(1)
        ratio[a] = 0.0
        order[people] = a
        people += 1
    correction = 0.0
    r = rest
    while r:
        s = trailing_zeros(r)
        r &= r - np.uint64(1)
        ps = acts[s] & on
        if ps:
            total = float(sum_of(ps, ctab))
            squares = 0.0
            share = dur[s] / total
            while ps:
                a = trailing_zeros(ps)
                ps &= ps - np.uint64(1)
                ratio[a] += share
                squares += float(rate[a]) * float(rate[a])
            correction += dur[s] * (total + squares / total) * 0.5
    # insertion sort of the on-location people by ratio (few people)
    for i in range(1, people):
        a = order[i]
        j = i - 1
        while j >= 0 and ratio[order[j]] > ratio[a]:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = a
    elapsed = 0.0
    smith = 0.0
    for i in range(people):
        a = order[i]
        elapsed += ratio[a] * rate[a]
        smith += rate[a] * elapsed
    value += smith - correction
    # never round a float error up past the true bound
    return np.int64(math.ceil(value - 1e-9 * abs(value) - 1e-6))


@njit(cache=True, inline="always")
def _hash(key: np.uint64) -> np.uint64:
    key ^= key >> np.uint64(33)
    key *= np.uint64(0xFF51AFD7ED558CCD)
    key ^= key >> np.uint64(33)
    key *= np.uint64(0xC4CEB9FE1A85EC53)
    key ^= key >> np.uint64(33)
    return key


@njit(cache=True)
def expand(
    keys: np.ndarray,
    gs: np.ndarray,
    start: int,
    stop: int,
    full: np.uint64,
    ub: np.int64,
    acts: np.ndarray,
    dur: np.ndarray,
    utab: np.ndarray,
    btab: np.ndarray,
    ctab: np.ndarray,
    sub: np.ndarray,
    use_rules: bool,
    hkeys: np.ndarray,
    hg: np.ndarray,
    hpar: np.ndarray,
    hsc: np.ndarray,
    counter: np.ndarray,
    max_fill: int,
) -> int:
    """Expand layer states ``keys[start:stop]`` into the hash table of the next layer.

    A child is kept only if its cost so far plus the base cost of what remains is below
    ``ub``; duplicates keep the cheapest cost and its parent. Returns the index of the first
    state not expanded (``stop`` when done; earlier when the table reached ``max_fill`` and
    must grow before the rest is expanded).
    """
    mask_bits = np.uint64(hkeys.shape[0] - 1)
    for i in range(start, stop):
        if counter[0] >= max_fill:
            return i
        placed = keys[i]
        g = gs[i]
        rest = full & ~placed
        arrived = union_of(placed, utab)
        on = arrived & union_of(rest, utab)
        todo = rest
        if use_rules and on != 0:
            r = rest
            while r:
                s = trailing_zeros(r)
                r &= r - np.uint64(1)
                if acts[s] == on:
                    todo = np.uint64(1) << np.uint64(s)
                    break
        forced = todo != rest
        while todo:
            s = trailing_zeros(todo)
            bit = todo & (~todo + np.uint64(1))
            todo ^= bit
            if use_rules and not forced:
                rivals = sub[s] & rest
                if rivals:
                    cover = arrived | acts[s]
                    dominated = False
                    while rivals:
                        j = trailing_zeros(rivals)
                        rivals &= rivals - np.uint64(1)
                        if (acts[j] & ~cover) == 0:
                            dominated = True
                            break
                    if dominated:
                        continue
            child = placed | bit
            g2 = g + dur[s] * sum_of(acts[s] | on, ctab)
            if g2 + sum_of(full & ~child, btab) >= ub:
                continue
            h = _hash(child) & mask_bits
            while True:
                k = hkeys[h]
                if k == child:
                    if g2 < hg[h]:
                        hg[h] = g2
                        hpar[h] = i
                        hsc[h] = s
                    break
                if k == EMPTY:
                    hkeys[h] = child
                    hg[h] = g2
                    hpar[h] = i
                    hsc[h] = s
                    counter[0] += 1
                    break
                h = (h + np.uint64(1)) & mask_bits
    return stop


@njit(cache=True)
def rehash(
    hkeys: np.ndarray,
    hg: np.ndarray,
    hpar: np.ndarray,
    hsc: np.ndarray,
    nkeys: np.ndarray,
    ng: np.ndarray,
    npar: np.ndarray,
    nsc: np.ndarray,
) -> None:
    mask_bits = np.uint64(nkeys.shape[0] - 1)
    for i in range(hkeys.shape[0]):
        k = hkeys[i]
        if k == EMPTY:
            continue
        h = _hash(k) & mask_bits
        while nkeys[h] != EMPTY:
            h = (h + np.uint64(1)) & mask_bits
        nkeys[h] = k
        ng[h] = hg[i]
        npar[h] = hpar[i]
        nsc[h] = hsc[i]


@njit(cache=True)
def collect(
    hkeys: np.ndarray,
    hg: np.ndarray,
    hpar: np.ndarray,
    hsc: np.ndarray,
    count: int,
    full: np.uint64,
    ub: np.int64,
    acts: np.ndarray,
    dur: np.ndarray,
    rate: np.ndarray,
    utab: np.ndarray,
    btab: np.ndarray,
    ctab: np.ndarray,
    sact: np.ndarray,
    nact: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The states of a finished layer whose cost plus lower bound is below ``ub``.

    Returns (keys, costs so far, parents, last pieces, cost + bound), in table order.
    """
    m = rate.shape[0]
    ratio = np.zeros(max(m, 1), dtype=np.float64)
    order = np.zeros(max(m, 1), dtype=np.int64)
    keys = np.empty(count, dtype=np.uint64)
    gs = np.empty(count, dtype=np.int64)
    par = np.empty(count, dtype=np.int32)
    sc = np.empty(count, dtype=np.int8)
    fs = np.empty(count, dtype=np.int64)
    n = 0
    for i in range(hkeys.shape[0]):
        k = hkeys[i]
        if k == EMPTY:
            continue
        f = hg[i] + lower_bound(
            k, full, acts, dur, rate, utab, btab, ctab, sact, nact, ratio, order
        )
        if f >= ub:
            continue
        keys[n] = k
        gs[n] = hg[i]
        par[n] = hpar[i]
        sc[n] = hsc[i]
        fs[n] = f
        n += 1
    return keys[:n], gs[:n], par[:n], sc[:n], fs[:n]


@njit(cache=True)
def dense_dp(
    values: np.ndarray,
    start: int,
    stop: int,
    full: np.uint64,
    ub: np.int64,
    acts: np.ndarray,
    dur: np.ndarray,
    utab: np.ndarray,
    btab: np.ndarray,
    ctab: np.ndarray,
    sub: np.ndarray,
    sentinel: np.int64,
    rate: np.ndarray,
    sact: np.ndarray,
    nact: np.ndarray,
    use_bound: bool,
) -> None:
    """Plain dynamic program over every set of placed pieces, for ``start <= Q < stop``.

    ``values[Q]`` is the cheapest cost of placing exactly the pieces of ``Q`` first (a large
    sentinel when unreached or pruned). States are visited in increasing numeric order, so
    every predecessor of ``Q`` (``Q`` minus one piece) is final before ``Q`` pushes to its
    successors. The same two dominance rules as the layered search apply, and a state is
    dropped when its cost plus the base cost of the rest reaches ``ub``.
    """
    m = rate.shape[0]
    ratio = np.zeros(max(m, 1), dtype=np.float64)
    order = np.zeros(max(m, 1), dtype=np.int64)
    for q in range(start, stop):
        placed = np.uint64(q)
        g = np.int64(values[q])
        if g >= sentinel:
            continue
        rest = full & ~placed
        if g + sum_of(rest, btab) >= ub:
            continue
        if (
            use_bound
            and g
            + lower_bound(placed, full, acts, dur, rate, utab, btab, ctab, sact, nact, ratio, order)
            >= ub
        ):
            continue
        arrived = union_of(placed, utab)
        on = arrived & union_of(rest, utab)
        todo = rest
        if on != 0:
            r = rest
            while r:
                s = trailing_zeros(r)
                r &= r - np.uint64(1)
                if acts[s] == on:
                    todo = np.uint64(1) << np.uint64(s)
                    break
        forced = todo != rest
        while todo:
            s = trailing_zeros(todo)
            bit = todo & (~todo + np.uint64(1))
            todo ^= bit
            if not forced:
                rivals = sub[s] & rest
                if rivals:
                    cover = arrived | acts[s]
                    dominated = False
                    while rivals:
                        j = trailing_zeros(rivals)
                        rivals &= rivals - np.uint64(1)
                        if (acts[j] & ~cover) == 0:
                            dominated = True
                            break
                    if dominated:
                        continue
            g2 = g + dur[s] * sum_of(acts[s] | on, ctab)
            child = placed | bit
            if g2 < values[child]:
                values[child] = g2
