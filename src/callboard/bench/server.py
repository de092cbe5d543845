"""The real server for the benches that send it HTTP: a scratch database and gunicorn.

Shared by the box-office rush (:mod:`callboard.bench.boxoffice`) and the pages under load
(:mod:`callboard.bench.load`), so both measure the same server: gunicorn with gthread
workers on 127.0.0.1, one kept database connection per server thread, on a fresh
PostgreSQL database that is dropped afterwards. ``CALLBOARD_BENCH_PG`` names the
PostgreSQL server (``postgres://user@host:port``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

PG_BASE = os.environ.get("CALLBOARD_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_args() -> list[str]:
    """Host, port and user of :data:`PG_BASE`, as psql and pgbench take them."""
    url = urlparse(PG_BASE)
    return [
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
    ]


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(
        ["psql", *pg_args(), "-d", db, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A fresh database ``name`` (one a previous run left is dropped first); yields its URL.

    Dropped at the end even if connections to it are still open.
    """
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE}/{name}"
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def gunicorn(
    *,
    db_url: str,
    port: int,
    workers: int,
    threads: int,
    log: IO[Any],
    extra_env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving Callboard on ``db_url`` at 127.0.0.1:``port``, its output in ``log``.

    Yields once the port answers; raises if gunicorn stops at start or does not answer within
    30 s. Stopped at the end: terminated, killed if it has not gone within 15 s.
    """
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "callboard.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env={
            **os.environ,
            "DATABASE_URL": db_url,
            "CALLBOARD_DB_CONN_MAX_AGE": "60",  # one connection per server thread, kept
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            # As behind one reverse proxy: the rush's buyers name their own addresses in
            # X-Forwarded-For (reservations are limited per client address).
            "CALLBOARD_TRUSTED_PROXIES": "1",
            **(extra_env or {}),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_answering(server, port)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def _process_ticks(pid: int) -> tuple[int, int] | None:
    """(parent pid, CPU ticks user + system) of a process, None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def cpu_seconds(root: int) -> float | None:
    """CPU seconds (user + system) used so far by a process and its children (Linux /proc)."""
    total = 0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            found = _process_ticks(int(entry.name))
            if found is not None and (int(entry.name) == root or found[0] == root):
                total += found[1]
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


def pids_cpu_seconds(pids: list[int]) -> float | None:
    """CPU seconds used so far by these processes (those still running), None without /proc."""
    if not Path("/proc/self/stat").exists():
        return None
    ticks = [found[1] for pid in pids if (found := _process_ticks(pid)) is not None]
    return sum(ticks) / os.sysconf("SC_CLK_TCK")


def _wait_until_answering(server: subprocess.Popen[bytes], port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped at start: see its log") from None
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer on 127.0.0.1 within 30 s")
