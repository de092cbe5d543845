"""Production logs are JSON lines with a request id; errors reach Sentry when a DSN is set.

Both run Callboard in a process of its own (its logging and sentry-sdk are set up once, at
start, from the environment, as in production). Sentry is a local stub of its documented
HTTP API (envelopes POSTed to ``/api/<project>/envelope/``), never a mock object.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SCRIPT_REQUEST = """
import django
django.setup()
from django.test import Client
client = Client()
client.get("/health/live/", HTTP_X_REQUEST_ID="req-from-proxy-0001")
client.get("/no-such-page/")
"""

SCRIPT_ERROR = """
import logging
import django
django.setup()
import sentry_sdk
logging.getLogger("callboard.core.outbox").error("e-mail 7 to klara@example.org given up")
sentry_sdk.flush(timeout=10)
"""


def _run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_json_logs_carry_the_request_id_and_one_access_line_per_request(tmp_path):
    proc = _run(
        SCRIPT_REQUEST, CALLBOARD_LOG_FORMAT="json", LOG_LEVEL="INFO", CALLBOARD_VAR=str(tmp_path)
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "callboard.request"]
    assert len(access) == 2, proc.stderr
    first, second = access
    assert first["request_id"] == "req-from-proxy-0001"
    assert first["path"] == "/health/live/" and first["status"] == 200
    assert first["level"] == "INFO" and first["duration_ms"] >= 0 and first["time"]
    assert second["status"] == 404 and len(second["request_id"]) == 32  # one of its own
    # Nothing else on standard error is a plain line.
    assert all(line.startswith("{") for line in proc.stderr.splitlines() if line.strip())


class _Sentry(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "0"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
def test_an_error_goes_to_sentry_when_a_dsn_is_set(tmp_path):
    _Sentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/42"
        proc = _run(
            SCRIPT_ERROR,
            CALLBOARD_SENTRY_DSN=dsn,
            CALLBOARD_ENV="staging",
            CALLBOARD_VAR=str(tmp_path),
        )
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr
    envelopes = [body for path, body in _Sentry.received if path == "/api/42/envelope/"]
    events = [
        json.loads(line)
        for body in envelopes
        for line in body.decode().splitlines()
        if '"e-mail 7 to klara@example.org given up"' in line
    ]
    assert events, _Sentry.received
    event = events[0]
    assert event["environment"] == "staging"
    assert event["release"].startswith("callboard@")
    assert event["level"] == "error" and event["logger"] == "callboard.core.outbox"


@pytest.mark.slow
def test_no_dsn_sends_nothing(tmp_path):
    proc = _run(SCRIPT_ERROR, CALLBOARD_VAR=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "given up" in proc.stderr  # logged, and nowhere else
