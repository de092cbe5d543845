"""The browser tests' server on the SQLite pass: one request at a time.

On an in-memory SQLite database the test server's request threads all share the test's one
connection (there is no other way to see the test's data). Two requests at once then run
their statements and transactions interleaved on that connection, and SQLite refuses one of
them ("database table is locked") where a real server, with a connection per thread, would
have waited. Chromium asks for a page's fragments side by side, so such a refusal came and
went with the machine's timing. This server still takes connections on threads (Chromium
keeps several open) but lets one request at a time into the site.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.core.servers.basehttp import ThreadedWSGIServer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


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


def serve_one_request_at_a_time_on_sqlite() -> None:
    """Use ``OneRequestAtATimeServer`` for the live server when the database is SQLite."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

    if connections["default"].vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATimeServer
