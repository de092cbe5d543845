"""Errors to Sentry (sentry-sdk) when ``CALLBOARD_SENTRY_DSN`` is set; nothing otherwise.

Called at the end of settings.py, so the web processes, the workers, beat and every command
report alike: unhandled exceptions in views and jobs, and every record logged at ERROR (a
job whose record was deleted, an e-mail given up). The environment is ``CALLBOARD_ENV``,
the release ``callboard@<version>``; performance tracing is off unless
``CALLBOARD_SENTRY_TRACES_SAMPLE_RATE`` is above 0. Personal data is not sent beyond what
sentry-sdk's defaults send.
"""

from __future__ import annotations

import logging
from importlib import metadata


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    """Start sentry-sdk; returns whether it was started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    try:
        version = metadata.version("callboard")
    except metadata.PackageNotFoundError:
        version = "unknown"
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=f"callboard@{version}",
        traces_sample_rate=traces_sample_rate,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
    )
    return True
