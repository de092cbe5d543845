"""Best available seats: a pure function over the house, no database.

A block is ``count`` free seats in one row of one section whose positions follow each other
(an aisle leaves a gap in positions, so a block never straddles it). Blocks are ranked by:

1. the best (lowest-ranked) price zone among the block's seats, then its worst one;
2. single seats it would strand: a free seat left alone between the block and a taken seat,
   an aisle or the row's end (avoided whenever another block of the same zone exists);
3. restricted-view seats in the block;
4. section order, then row (nearer the stage first);
5. distance of the block's middle from the centre line of the house.

Wheelchair spaces and their companion seats are kept for the people who need them: they are
chosen only when ``accessible`` is asked for, and then the block must contain a wheelchair
space.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, cast


@dataclass(frozen=True)
class SeatInfo:
    id: int
    section_order: int
    section_id: int
    row_index: int
    position: int
    x: float
    zone_rank: int
    zone_code: str = ""
    accessible: bool = False
    companion: bool = False
    restricted_view: bool = False
    free: bool = True


def _strands(
    row: dict[int, SeatInfo], first: int, last: int, taken: AbstractSet[int] = frozenset()
) -> int:
    """How many lone free seats the block [first, last] would leave on either side."""
    stranded = 0
    for neighbour, beyond in ((first - 1, first - 2), (last + 1, last + 2)):
        seat = row.get(neighbour)
        if seat is None or not seat.free or seat.id in taken:
            continue
        other = row.get(beyond)
        if other is None or not other.free or other.id in taken:
            stranded += 1
    return stranded


def best_block(
    seats: Iterable[SeatInfo],
    count: int,
    *,
    centre_x: float,
    zone_code: str | None = None,
    accessible: bool = False,
) -> list[int] | None:
    """Ids of the best block of ``count`` seats together, or ``None`` if there is none."""
    ranked = ranked_blocks(
        seats, count, centre_x=centre_x, zone_code=zone_code, accessible=accessible, limit=1
    )
    return ranked[0] if ranked else None


def ranked_blocks(
    seats: Iterable[SeatInfo],
    count: int,
    *,
    centre_x: float,
    zone_code: str | None = None,
    accessible: bool = False,
    limit: int = 12,
    taken: AbstractSet[int] = frozenset(),
) -> list[list[int]]:
    """The ``limit`` best blocks, best first (they may overlap).

    A seat is free when its ``free`` is true and its id is not in ``taken`` (so one tuple of
    seats, the geometry of a house, can be ranked again and again as it sells).
    """
    if count < 1:
        return []
    if isinstance(seats, tuple):
        groups = _block_index(seats, count, centre_x, zone_code, accessible)
        if groups is not None:
            return _ranked_from_index(groups, limit, taken)
    # First pass: every block with its cheap zone key; second pass: full scores for the best
    # zone groups only, until ``limit`` candidates are in hand. A seat no block may contain
    # (taken, another zone, kept for wheelchair users) ends the run of seats together.
    cheap: list[tuple[int, int, dict[int, SeatInfo], list[SeatInfo]]] = []
    for row, ordered in _rows(seats):
        run: list[SeatInfo] = []
        for seat in ordered:
            usable = (
                seat.free
                and seat.id not in taken
                and (not zone_code or seat.zone_code == zone_code)
                and (accessible or not (seat.accessible or seat.companion))
            )
            if not usable or (run and run[-1].position != seat.position - 1):
                run = []
            if not usable:
                continue
            run.append(seat)
            if len(run) >= count:
                block = run[-count:]
                if not accessible or _eligible(block, zone_code, accessible):
                    ranks = [s.zone_rank for s in block]
                    cheap.append((min(ranks), max(ranks), row, block))
    cheap.sort(key=lambda c: (c[0], c[1]))
    scored: list[tuple[tuple[float, ...], list[int]]] = []
    i = 0
    while i < len(cheap) and len(scored) < limit:
        group = (cheap[i][0], cheap[i][1])
        while i < len(cheap) and (cheap[i][0], cheap[i][1]) == group:
            _minr, _maxr, row, block = cheap[i]
            scored.append((_score(row, block, centre_x, taken), [s.id for s in block]))
            i += 1
    return [ids for _key, ids in heapq.nsmallest(limit, scored, key=lambda c: c[0])]


# A block of the geometry: its key without the stranded seats (see _score), its seat ids,
# its row and its first and last positions.
_Block = tuple[tuple[float, ...], tuple[int, ...], dict[int, SeatInfo], int, int]
_index_cache: dict[tuple[int, int, float, str | None, bool], tuple[tuple[SeatInfo, ...], Any]] = {}


def _block_index(
    seats: tuple[SeatInfo, ...],
    count: int,
    centre_x: float,
    zone_code: str | None,
    accessible: bool,
) -> list[list[_Block]] | None:
    """Every block a house's geometry has for one request, in groups of equal zone ranks and,
    within each, in order of everything in the ranking but the seats it would strand (which
    depends on what is taken). Built once per geometry tuple and request shape, so a rush
    ranks blocks by skipping the taken ones instead of rebuilding them. None when some seat
    of ``seats`` is not free (not a bare geometry)."""
    key = (id(seats), count, centre_x, zone_code or None, accessible)
    cached = _index_cache.get(key)
    if cached is not None and cached[0] is seats:
        return cast(list[list[_Block]], cached[1])
    if not all(s.free for s in seats):
        return None
    blocks: list[_Block] = []
    for row, ordered in _rows(seats):
        run: list[SeatInfo] = []
        for seat in ordered:
            usable = (not zone_code or seat.zone_code == zone_code) and (
                accessible or not (seat.accessible or seat.companion)
            )
            if not usable or (run and run[-1].position != seat.position - 1):
                run = []
            if not usable:
                continue
            run.append(seat)
            if len(run) >= count:
                block = run[-count:]
                if accessible and not _eligible(block, zone_code, accessible):
                    continue
                full = _score(row, block, centre_x)
                static = (*full[:2], *full[3:])
                blocks.append(
                    (static, tuple(s.id for s in block), row, block[0].position, block[-1].position)
                )
    blocks.sort(key=lambda b: b[0])
    groups: list[list[_Block]] = []
    for entry in blocks:
        if groups and groups[-1][0][0][:2] == entry[0][:2]:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    if len(_index_cache) > 256:
        _index_cache.clear()
    _index_cache[key] = (seats, groups)
    return groups


def _ranked_from_index(
    groups: list[list[_Block]], limit: int, taken: AbstractSet[int]
) -> list[list[int]]:
    """The same ranking as the full pass, from a block index: whole zone groups, best first,
    until ``limit`` blocks are in hand; within a group, once ``limit`` free blocks strand no
    seat, no later block of it can rank higher."""
    scored: list[tuple[tuple[float, ...], list[int]]] = []
    for group in groups:
        clean = 0
        for static, ids, row, first, last in group:
            if not taken.isdisjoint(ids):
                continue
            strands = _strands(row, first, last, taken)
            scored.append(((*static[:2], strands, *static[2:]), list(ids)))
            if strands == 0:
                clean += 1
                if clean >= limit:
                    break
        if len(scored) >= limit:
            break
    return [ids for _key, ids in heapq.nsmallest(limit, scored, key=lambda c: c[0])]


Rows = list[tuple[dict[int, SeatInfo], list[SeatInfo]]]
_rows_cache: dict[int, tuple[tuple[SeatInfo, ...], Rows]] = {}


def _rows(seats: Iterable[SeatInfo]) -> Rows:
    """The house by rows: each row's seats by position, and in order of position.

    A tuple of seats (a cached house geometry) is grouped once and remembered while it lives.
    """
    if isinstance(seats, tuple):
        cached = _rows_cache.get(id(seats))
        if cached is not None and cached[0] is seats:
            return cached[1]
    by_row: dict[tuple[int, int], dict[int, SeatInfo]] = defaultdict(dict)
    for seat in seats:
        by_row[(seat.section_id, seat.row_index)][seat.position] = seat
    rows = [(row, [row[p] for p in sorted(row)]) for row in by_row.values()]
    if isinstance(seats, tuple):
        if len(_rows_cache) > 64:
            _rows_cache.clear()
        _rows_cache[id(seats)] = (seats, rows)
    return rows


def _eligible(block: Sequence[SeatInfo], zone_code: str | None, accessible: bool) -> bool:
    if zone_code and any(s.zone_code != zone_code for s in block):
        return False
    if accessible:
        return any(s.accessible for s in block) and all(s.accessible or s.companion for s in block)
    return not any(s.accessible or s.companion for s in block)


def _score(
    row: dict[int, SeatInfo],
    block: Sequence[SeatInfo],
    centre_x: float,
    taken: AbstractSet[int] = frozenset(),
) -> tuple[float, ...]:
    middle = sum(s.x for s in block) / len(block)
    first = block[0]
    return (
        min(s.zone_rank for s in block),
        max(s.zone_rank for s in block),
        _strands(row, block[0].position, block[-1].position, taken),
        sum(1 for s in block if s.restricted_view),
        first.section_order,
        first.row_index,
        round(abs(middle - centre_x), 3),
        first.position,
    )
