"""The Celery app: background jobs and the chores, on Redis.

Start a worker (``celery -A callboard worker``) and beat (``celery -A callboard beat``) next
to the web server, with ``CALLBOARD_JOBS=celery`` for every process. The broker is
``CALLBOARD_REDIS_URL``; results are written to the database by the jobs themselves, so no
result backend is needed. The chores beat sends are ``CELERY_BEAT_SCHEDULE`` in settings.py.
In production, the worker and beat refuse to start with unsafe settings, as the web server
does (``core/checks.py``).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")

app = Celery("callboard")
# The current app in every thread of the process, not only the one that made it: core.jobs
# sends work through ``celery.current_app`` (core may not import this module, which is above it).
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
# Task modules: every app's tasks.py, and the generic job runner.
app.autodiscover_tasks()
app.conf.imports = (*tuple(app.conf.imports or ()), "callboard.core.jobs", "callboard.core.tasks")


def _refuse(process: str) -> None:
    import django

    django.setup()
    from callboard.core.checks import production, refuse_unsafe_start

    if production():
        refuse_unsafe_start(process)


@signals.worker_init.connect(weak=False)
def _check_worker(**_: Any) -> None:
    _refuse("worker")


@signals.beat_init.connect(weak=False)
def _check_beat(**_: Any) -> None:
    _refuse("beat")
