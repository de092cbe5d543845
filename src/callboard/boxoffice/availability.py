"""The public availability document of a performance (which seats are taken, compactly) and
the version that says when it must be read again.

Every performance has a *version*: a random token in the shared cache (``CACHES["default"]``;
Redis in production, so every server process sees the same one). A write that changes which
seats are taken (a cart, a hold, a sale made from a hold, a refund, an exchange, a lapse, a
sweep) calls :func:`house_changed`, which sets a new token at once, inside the write's
transaction, and once more when the transaction commits: a reader that rebuilt the document
between the first token and the commit stored it under a token that is already gone.

The availability document (:func:`availability_document`) is
kept in the cache under its performance and version; a reader that finds the version
unchanged and the document still fresh (no cart or unpaid order in it has run out since)
serves it without asking the database. A stale document can only show a seat as free
that has just gone, or taken that has just come back: every cart re-checks its seats under
their locks, so it never sells a seat twice. If the cache is away, every read is built afresh.

A token is random, not a counter, so two databases sharing one cache (a bench beside a test)
never mistake one another's documents; keys also carry the database's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from callboard.boxoffice.models import PerformanceSeat

# How long a cached document lives at most, whatever happens (a token lost with a process
# that died between its commit and the second token, say).
DOCUMENT_SECONDS = 30


def _scope() -> str:
    return str(settings.DATABASES["default"].get("NAME", ""))[-40:]


def version_key(performance_id: int) -> str:
    return f"bo:house-v:{_scope()}:{performance_id}"


def document_key(performance_id: int, version: str) -> str:
    return f"bo:house-doc:{_scope()}:{performance_id}:{version}"


def _bump(performance_ids: Iterable[int]) -> None:
    cache.set_many(
        {version_key(pk): secrets.token_hex(8) for pk in set(performance_ids)},
        timeout=24 * 3600,
    )


def house_changed(performance_ids: Iterable[int], *, only_taking: bool = False) -> None:
    """Which seats are taken changes for these performances in the running transaction.

    ``only_taking``: the change only takes seats (a new claim); any other may give seats back,
    so what this process read a moment ago is no longer good for refusing seats at once."""
    ids = sorted(set(performance_ids))
    if not ids:
        return
    if not only_taking:
        for pk in ids:
            _recent.pop(pk, None)
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def version(performance_id: int) -> str:
    """The current version of a performance's house (a new one if the cache had none)."""
    key = version_key(performance_id)
    found = cache.get(key)
    if found is None:
        found = secrets.token_hex(8)
        if not cache.add(key, found, timeout=24 * 3600):
            found = cache.get(key) or found
    return str(found)


@dataclass(frozen=True)
class Document:
    """A JSON document ready to send: its body and its ETag (a hash of the body)."""

    etag: str
    body: bytes
    # When it goes stale on its own (a cart or an unpaid order in it runs out), as a POSIX
    # timestamp; None: only a write makes it stale.
    until: float | None = None


def make_document(payload: dict[str, Any], until: float | None = None) -> Document:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Document(f'"{hashlib.blake2b(body, digest_size=8).hexdigest()}"', body, until)


class _Read:
    """A document this process read, with its taken seat ids worked out only when asked for
    (serving ``/taken`` needs the body alone; refusing and ranking seats need the ids)."""

    __slots__ = ("_taken", "document", "version")

    def __init__(self, version: str, document: Document, taken: frozenset[int] | None) -> None:
        self.version = version
        self.document = document
        self._taken = taken

    @property
    def taken(self) -> frozenset[int]:
        if self._taken is None:
            runs = json.loads(self.document.body)["taken"]
            self._taken = frozenset(pk for first, last in runs for pk in range(first, last + 1))
        return self._taken


# performance id -> the last document this process read (with its version)
_availability_memo: dict[int, _Read] = {}


def _ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as [first, last] runs of consecutive ids."""
    out: list[list[int]] = []
    for seat_id in ids:
        if out and out[-1][1] == seat_id - 1:
            out[-1][1] = seat_id
        else:
            out.append([seat_id, seat_id])
    return out


def _fresh(document: Document, stamp: float) -> bool:
    return document.until is None or stamp < document.until


def availability_document(*, performance_id: int, now: dt.datetime) -> Document | None:
    """Which seats of a performance are taken now, compactly: ``taken`` lists runs of seat
    ids ``[first, last]`` (held, sold, or in someone's cart); every other seat of the house
    document is free. None if the performance has no house on sale.

    Read from this process's memory or the shared cache while the house's version is
    unchanged and nothing in it has run out: no query then. Otherwise two queries, and the
    document is cached for the next reader.
    """
    found = _read(performance_id, now)
    return found.document if found is not None else None


# A chosen seat the document showed taken this recently is refused without a lock (see
# recently_taken); a seat that came back since is offered again on the next read.
RECENT_SECONDS = 2.0
# performance id -> (when this process last read a document, that document)
_recent: dict[int, tuple[float, _Read]] = {}


def recently_taken(*, performance_id: int, now: dt.datetime) -> frozenset[int]:
    """The seats taken in the current document if one is at hand, else in the last one this
    process read if it is under ``RECENT_SECONDS`` old, else none (no query either way).

    Seats only come back on sale by running out or by being released, so a seat taken a
    moment ago is almost always taken still; refusing it at once spares a transaction."""
    current = taken_seat_ids(performance_id=performance_id, now=now, build=False)
    if current is not None:
        return current
    recent = _recent.get(performance_id)
    if recent is not None and time.monotonic() - recent[0] < RECENT_SECONDS:
        return recent[1].taken
    return frozenset()


def taken_seat_ids(
    *, performance_id: int, now: dt.datetime, build: bool = True
) -> frozenset[int] | None:
    """The seats the availability document says are taken (see there for how fresh); None
    if there is no such document, or (``build=False``) no current one is cached."""
    found = _read(performance_id, now, build=build)
    return found.taken if found is not None else None


CAPACITY_SECONDS = 30.0
# performance id -> (when counted, seats in its house)
_capacities: dict[int, tuple[float, int]] = {}


def _capacity(performance_id: int) -> int:
    """How many seats the house has (counted again every ``CAPACITY_SECONDS``: only putting
    a performance on sale again changes it)."""
    clock = time.monotonic()
    cached = _capacities.get(performance_id)
    if cached is not None and clock - cached[0] < CAPACITY_SECONDS:
        return cached[1]
    count = PerformanceSeat.objects.filter(performance_id=performance_id).count()
    if count:  # a house not on sale yet may be opened any moment: never remember "none"
        if len(_capacities) > 256:
            _capacities.clear()
        _capacities[performance_id] = (clock, count)
    return count


def capacity_forget(performance_id: int) -> None:
    _capacities.pop(performance_id, None)


# The seats of a performance's live claims, in order, and each claim's expiry (None: it
# does not run out). Written out: it runs after every change of an on-sale rush, over up to
# every seat of the house, where the ORM's per-row work cost more than the database did.
_LIVE_WHERE = (
    " FROM boxoffice_seatclaim"
    " WHERE performance_id = %s AND active AND (expires_at IS NULL OR expires_at > %s)"
)
# The taken seats, then one row (its seat NULL) with the first moment a claim runs out: the
# database finds that moment, so a full house's thousands of reservation deadlines are never
# turned into Python datetimes (that was a third of the server's CPU in an on-sale rush).
_LIVE_SQL = (
    f"SELECT seat_id, NULL{_LIVE_WHERE}"
    f" UNION ALL SELECT NULL, MIN(expires_at){_LIVE_WHERE}"
    " ORDER BY 1"
)


def _live_claims(performance_id: int, now: dt.datetime) -> tuple[list[int], dt.datetime | None]:
    """The taken seat ids, in order, and when the first of their claims runs out."""
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_SQL, [performance_id, moment, performance_id, moment])
        rows = cursor.fetchall()
    seats = [seat for seat, _end in rows if seat is not None]
    first = next((end for seat, end in rows if seat is None), None)
    # SQLite keeps moments naive, in the connection's zone (as text, or parsed by its driver).
    if isinstance(first, str):
        first = parse_datetime(first)
    if first is not None and timezone.is_naive(first):
        first = timezone.make_aware(first, connection.timezone)
    return seats, first


def _read(performance_id: int, now: dt.datetime, *, build: bool = True) -> _Read | None:
    stamp = now.timestamp()
    current = version(performance_id)
    memo = _availability_memo.get(performance_id)
    if memo is not None and memo.version == current and _fresh(memo.document, stamp):
        return memo
    key = document_key(performance_id, current)
    cached = cache.get(key)
    if isinstance(cached, Document) and _fresh(cached, stamp):
        found = _Read(current, cached, None)
        _availability_memo[performance_id] = found
        _recent[performance_id] = (time.monotonic(), found)
        return found
    if not build:
        return None
    # Built inside a sale's transaction too (best available ranks with it): that is before
    # the sale writes any claim, so the document never holds one that may be rolled back.
    capacity = _capacity(performance_id)
    if not capacity:
        return None
    ids, first_end = _live_claims(performance_id, now)
    document = make_document(
        {
            "performance_id": performance_id,
            "capacity": capacity,
            "available": capacity - len(ids),
            "taken": _ranges(ids),
        },
        until=first_end.timestamp() if first_end is not None else None,
    )
    cache.set(key, document, timeout=DOCUMENT_SECONDS)
    found = _Read(current, document, frozenset(ids))
    _availability_memo[performance_id] = found
    _recent[performance_id] = (time.monotonic(), found)
    return found


# performance id -> (when read, house document, seat id -> (label, zone code, price)): kept
# here, below the services, so that putting a house on sale again forgets it
# (callboard.boxoffice.selectors.house_document fills it).
house_documents: dict[int, tuple[float, Document, dict[int, tuple[str, str, Any]]]] = {}


def forget(performance_id: int | None = None) -> None:
    """Forget this process's copies of one performance's documents, or of all (tests: each
    builds its own houses)."""
    for kept in (_availability_memo, _capacities, _recent, house_documents):
        if performance_id is None:
            kept.clear()
        else:
            kept.pop(performance_id, None)
