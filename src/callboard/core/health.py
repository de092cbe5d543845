"""``GET /health/``: is this installation well? For monitoring and for people on call.

Five checks, each timed, each with a short reason when it fails (never a host name or a
password):

- ``database``: a query answers;
- ``migrations``: every migration of this version is applied (an upgrade that forgot
  ``callboard migrate`` shows here);
- ``cache``: a value written to the shared cache reads back;
- ``broker``: the Celery broker (Redis) answers a ping;
- ``worker``: a worker ran the heartbeat chore that beat sends every
  ``CALLBOARD_HEARTBEAT_SECONDS``, within ``CALLBOARD_WORKER_STALE_SECONDS``: beat, broker,
  worker and database all work.

With embedded jobs (``CALLBOARD_JOBS=thread``) there is no broker or worker to check; they
report ``ok`` with that reason. The answer is ``ok`` (200) when every check passes,
``degraded`` (503) when the database answers but something else does not (pages still
serve; jobs wait), and ``down`` (503) when the database does not.

``GET /health/live/`` answers 200 while the process serves requests, touching nothing: for a
load balancer, which should not take every web node out because Redis is restarting.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from callboard.core.models import WorkerHeartbeat

Result = dict[str, Any]

_migrated = False  # once every migration was seen applied, this process stops looking


def _failed(exc: BaseException) -> str:
    """A reason that names the kind of failure, without addresses or secrets."""
    return type(exc).__name__


def check_database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_migrations() -> Result:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {
                "ok": False,
                "reason": f"{len(plan)} migrations not applied: run `callboard migrate`",
            }
        _migrated = True
    return {"ok": True}


def check_cache() -> Result:
    key = f"callboard:health:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, 10)
    found = cache.get(key)
    cache.delete(key)
    if found != value:
        return {"ok": False, "reason": "a value written to the cache did not read back"}
    return {"ok": True}


def _celery() -> bool:
    return getattr(settings, "CALLBOARD_JOBS", "thread") == "celery"


def check_broker() -> Result:
    if not _celery():
        return {"ok": True, "reason": "jobs run in the web process (CALLBOARD_JOBS)"}
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def check_worker() -> Result:
    if not _celery():
        return {"ok": True, "reason": "jobs run in the web process (CALLBOARD_JOBS)"}
    latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    stale = float(getattr(settings, "CALLBOARD_WORKER_STALE_SECONDS", 60))
    if latest is None:
        return {"ok": False, "reason": "no worker has run the heartbeat chore yet"}
    age = (timezone.now() - latest.beat_at).total_seconds()
    result: Result = {"ok": age <= stale, "last_beat_seconds_ago": round(age, 1)}
    if age > stale:
        result["reason"] = (
            f"no heartbeat for {age:.0f} s: are the worker and beat running, "
            "and is the broker reachable?"
        )
    return result


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}


def report() -> tuple[str, dict[str, Result]]:
    """(``ok`` | ``degraded`` | ``down``, each check's result with the time it took)."""
    results: dict[str, Result] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # a failing dependency is what this reports, not a 500
            result = {"ok": False, "reason": _failed(exc)}
            if name in ("database", "migrations", "worker"):
                connection.close()  # a broken connection is not reused by the next check
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    if not results["database"]["ok"]:
        status = "down"
    elif all(r["ok"] for r in results.values()):
        status = "ok"
    else:
        status = "degraded"
    return status, results


def checked_at() -> str:
    return timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
