"""Cutting the database off mid-request (real PostgreSQL): the server ends a connection from a
second one, between two writes of a service's transaction. Used by the fault tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from django.db.models.signals import post_save


def _second_connection() -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        autocommit=True,
    )


def terminate(pid: int) -> None:
    """End backend ``pid`` from another connection and wait until it is gone."""
    with _second_connection() as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend would not end"
            time.sleep(0.05)


@dataclass
class Fault:
    """Where the connection was ended: the backend's pid and the row saved just before."""

    pid: int | None = None
    saved_pk: Any = None


@contextmanager
def database_lost_after_first_save(model: type[Any]) -> Iterator[Fault]:
    """After the first row of ``model`` is saved (inside the service's transaction, not yet
    committed), the server ends this connection."""
    fault = Fault()

    def kill(sender: Any, instance: Any, **kwargs: Any) -> None:
        if fault.pid is not None:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            fault.pid = cursor.fetchone()[0]
        # The row is really in the database (for this transaction) when the connection ends.
        assert model.objects.filter(pk=instance.pk).exists()
        fault.saved_pk = instance.pk
        terminate(fault.pid)

    post_save.connect(kill, sender=model, weak=False, dispatch_uid="test-faults-kill")
    try:
        yield fault
    finally:
        post_save.disconnect(sender=model, dispatch_uid="test-faults-kill")


@contextmanager
def database_lost_after_first_insert(model: type[Any]) -> Iterator[Fault]:
    """After the first ``INSERT`` into ``model``'s table has run (inside the service's
    transaction, not yet committed), the server ends this connection. For rows written
    without the ORM's ``save`` (no ``post_save``): watches the statements themselves."""
    fault = Fault()
    table = connection.ops.quote_name(model._meta.db_table)

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if fault.pid is None and sql.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            # The row is really in the database (for this transaction); its id, if returned,
            # is left for the caller to read.
            assert context["cursor"].rowcount >= 1
            fault.pid = -1  # the statement below passes through
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                fault.pid = cursor.fetchone()[0]
            terminate(fault.pid)
        return result

    with connection.execute_wrapper(watch):
        yield fault
