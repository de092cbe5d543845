"""``/health/``: database, migrations, cache, broker and worker, as JSON with 200 or 503.

The Redis checks run against a redis-server of the test's own, which the test stops."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from callboard.core import health
from callboard.core.models import WorkerHeartbeat
from callboard.core.testing.redis_server import RedisServer
from conftest import missing_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server():
    if not RedisServer.available():
        missing_requirement("redis-server is not installed (Debian: redis-server)")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def on_redis(settings, redis_server):
    settings.CALLBOARD_JOBS = "celery"
    settings.CELERY_BROKER_URL = f"{redis_server.url}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"{redis_server.url}/1",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    return redis_server


def test_embedded_mode_is_healthy_without_broker_or_worker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "CALLBOARD_JOBS" in body["checks"]["worker"]["reason"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_all_green_on_redis_with_a_fresh_worker_heartbeat(client, on_redis):
    WorkerHeartbeat.objects.create(hostname="worker@a", beat_at=timezone.now())
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_no_heartbeat_means_the_worker_is_reported_gone(client, on_redis):
    WorkerHeartbeat.objects.create(
        hostname="worker@a", beat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert not body["checks"]["worker"]["ok"]
    assert "no heartbeat for" in body["checks"]["worker"]["reason"]
    assert body["checks"]["cache"]["ok"] and body["checks"]["broker"]["ok"]


def test_redis_away_is_degraded_while_pages_and_sign_in_still_work(client, on_redis, make_user):
    WorkerHeartbeat.objects.create(hostname="worker@a", beat_at=timezone.now())
    user = make_user(username="svetlana")
    on_redis.stop()
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert not body["checks"]["cache"]["ok"] and not body["checks"]["broker"]["ok"]
    assert body["checks"]["database"]["ok"]
    assert "127.0.0.1" not in response.content.decode()  # reasons name no address
    # The sign-in lockout lives in the cache; without it, signing in still works.
    from callboard.core.testing.factories import PASSWORD

    signed_in = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200
    on_redis.start()
    assert client.get("/health/").status_code == 200


def test_unapplied_migrations_are_reported(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    (leaf,) = [n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "core"]
    MigrationRecorder.Migration.objects.filter(app="core", name=leaf[1]).delete()
    response = client.get("/health/")
    assert response.status_code == 503
    check = response.json()["checks"]["migrations"]
    assert not check["ok"] and "callboard migrate" in check["reason"]


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
