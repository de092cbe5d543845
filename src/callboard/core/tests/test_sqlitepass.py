"""The SQLite pass waits for another connection's table lock as a real server would."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from callboard.core.models import PendingJob
from callboard.core.testing.sqlitepass import _waiting_for_table_locks


def _hold_a_write(locked: threading.Event, seconds: float) -> None:
    try:
        with transaction.atomic():
            PendingJob.objects.create(fn_path="held", created_at=timezone.now())
            locked.set()
            time.sleep(seconds)
    finally:
        connections.close_all()


@pytest.fixture
def in_memory_sqlite(transactional_db: None) -> None:
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("runs only on the SQLite pass of the suite (its in-memory database)")


def test_a_write_waits_for_another_connections_transaction(in_memory_sqlite: None) -> None:
    connection.ensure_connection()
    assert _waiting_for_table_locks in connection.execute_wrappers
    locked = threading.Event()
    holder = threading.Thread(target=_hold_a_write, args=(locked, 0.5))
    holder.start()
    assert locked.wait(10)
    started = time.monotonic()
    PendingJob.objects.create(fn_path="waited", created_at=timezone.now())
    waited = time.monotonic() - started
    holder.join()
    assert waited > 0.2  # it waited for the other transaction's commit, and then went on
    assert set(PendingJob.objects.values_list("fn_path", flat=True)) == {"held", "waited"}


def test_without_waiting_the_write_is_refused_at_once(in_memory_sqlite: None) -> None:
    connection.ensure_connection()
    connection.execute_wrappers.remove(_waiting_for_table_locks)
    locked = threading.Event()
    holder = threading.Thread(target=_hold_a_write, args=(locked, 0.5))
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError, match="table is locked"):
            PendingJob.objects.create(fn_path="refused", created_at=timezone.now())
    finally:
        holder.join()
        connection.execute_wrappers.insert(0, _waiting_for_table_locks)
    assert list(PendingJob.objects.values_list("fn_path", flat=True)) == ["held"]
