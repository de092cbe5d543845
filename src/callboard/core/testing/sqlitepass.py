"""The SQLite pass of the suite, made to wait where a real server would.

The SQLite pass runs on an in-memory database that every connection of the test process
shares (SQLite's shared cache). Two things there differ from a real server on a database
file, and both made browser tests fail now and then with "database table is locked":

- The test server's request threads all use the test's one connection (there is no other
  way to see the test's data). Two requests at once then run their statements and
  transactions interleaved on it. ``OneRequestAtATimeServer`` still takes connections on
  threads (Chromium keeps several open) but lets one request at a time into the site.
- A background job's thread has a connection of its own, and on a shared cache a statement
  that meets another connection's lock fails at once: SQLite's busy timeout, which makes a
  real server wait for the lock, does not apply there. ``wait_for_table_locks`` tries such
  a statement again until the lock is gone, for as long as the busy timeout would wait.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import OperationalError
from django.db.backends.signals import connection_created

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# As long as the settings' busy timeout (``OPTIONS["timeout"]``) makes a real server wait.
TABLE_LOCK_WAIT_SECONDS = 20.0


class OneRequestAtATimeServer(ThreadedWSGIServer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = threading.Lock()

    def set_app(self, application: WSGIApplication | None) -> None:
        if application is None:
            super().set_app(None)
            return
        app = application

        def one_at_a_time(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
            with self._turn:
                return list(app(environ, start_response))

        super().set_app(one_at_a_time)


def _waiting_for_table_locks(
    execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    deadline = time.monotonic() + TABLE_LOCK_WAIT_SECONDS
    pause = 0.002
    while True:
        try:
            return execute(sql, params, many, context)
        except OperationalError as exc:
            if "table is locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _wait_on(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    if _waiting_for_table_locks not in connection.execute_wrappers:
        # First: a test's own ``execute_wrapper`` block pops the last one when it ends.
        connection.execute_wrappers.insert(0, _waiting_for_table_locks)


def wait_for_table_locks() -> None:
    """Every connection to the in-memory database (those open now and those opened later)
    waits for another connection's table lock instead of failing at once."""
    from django.db import connections

    connection_created.connect(_wait_on, dispatch_uid="callboard-wait-for-table-locks")
    for connection in connections.all(initialized_only=True):
        _wait_on(None, connection)


def prepare_the_sqlite_pass() -> None:
    """Both of the above, when the database is SQLite (the PostgreSQL pass is left as is)."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

    if connections["default"].vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATimeServer
        wait_for_table_locks()
