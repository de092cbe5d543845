"""The Celery app: background work on Redis, for installations that scale out.

Start a worker next to the web server with ``celery -A callboard worker --loglevel=info``
(and set ``CALLBOARD_JOBS=celery`` for the web process). The broker is
``CALLBOARD_REDIS_URL``; results are written to the database by the jobs themselves, so no
result backend is needed.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")

app = Celery("callboard")
# The current app in every thread of the process, not only the one that made it: core.jobs
# sends work through ``celery.current_app`` (core may not import this module, which is above it).
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
# Task modules: every app's tasks.py, and the generic job runner.
app.autodiscover_tasks()
app.conf.imports = (*tuple(app.conf.imports or ()), "callboard.core.jobs")
