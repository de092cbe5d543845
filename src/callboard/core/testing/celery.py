"""Pointing the process's one Celery app at a test's own broker, and back.

The app is shared by the whole test run, and kombu keeps its connection and producer pools
process-wide, keyed by the broker's address. Closing only the app's own references leaves a
closed pool in kombu's registry that the next test on the same address is handed ("Acquire
on closed pool"): every pool is closed and forgotten instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery
from kombu import pools


def forget_broker_pools(app: Celery) -> None:
    """Close every broker connection of this process and forget the pools that held them."""
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def broker(app: Celery, url: str, queue: str) -> Iterator[Celery]:
    """``app`` sends to and reads from ``queue`` on ``url`` inside the block."""
    saved = {k: app.conf.get(k) for k in ("broker_url", "task_default_queue")}
    app.conf.update(broker_url=url, task_default_queue=queue)
    forget_broker_pools(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        forget_broker_pools(app)
