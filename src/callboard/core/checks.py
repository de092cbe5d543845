"""Production refuses unsafe settings at start, each refusal naming the setting and its fix.

These are Django system checks (``callboard.E0xx``), so ``callboard check --deploy`` (and
every management command, ``migrate`` included) shows them; gunicorn (``callboard.wsgi``),
the Celery worker and beat run them before serving anything and stop with the same messages
(``refuse_unsafe_start``). They apply when ``CALLBOARD_ENV=production``; the embedded
defaults (SQLite, jobs in a thread, a per-process cache, e-mail on the console) stay what
``make run`` needs. A setting that no mode can work with (an unknown ``CALLBOARD_JOBS``)
is refused in every mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from callboard.core.headers import ORIGIN

DOCS = "docs/deploy.md"

# E-mail backends that keep mail on this machine (development) rather than send it.
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
DEV_FROM_EMAIL = "callboard@localhost"


def production() -> bool:
    return getattr(settings, "CALLBOARD_ENV", "development") == "production"


def _error(id_: str, msg: str, hint: str) -> checks.Error:
    return checks.Error(
        msg, hint=_("%(hint)s (see %(docs)s)") % {"hint": hint, "docs": DOCS}, id=f"callboard.{id_}"
    )


def jobs_mode(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[checks.CheckMessage]:
    from callboard.core.jobs import MODES

    value = getattr(settings, "CALLBOARD_JOBS", "thread")
    if value not in MODES:
        return [
            _error(
                "E010",
                _("CALLBOARD_JOBS is %(value)r, which Callboard does not know.") % {"value": value},
                _("Set CALLBOARD_JOBS to one of: %(modes)s (celery in production).")
                % {"modes": ", ".join(MODES)},
            )
        ]
    return []


def production_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not production():
        return []
    found: list[checks.CheckMessage] = []
    jobs = getattr(settings, "CALLBOARD_JOBS", "thread")
    if jobs != "celery":
        found.append(
            _error(
                "E001",
                _(
                    "CALLBOARD_JOBS=%(jobs)s: background jobs (solves, e-mail, chores) would run "
                    "inside the web process, die with it, and never be retried."
                )
                % {"jobs": jobs},
                _(
                    "Set CALLBOARD_JOBS=celery and start a Celery worker and beat "
                    "(deploy/systemd/callboard-worker.service and callboard-beat.service)."
                ),
            )
        )
    broker = str(getattr(settings, "CELERY_BROKER_URL", ""))
    if jobs == "celery" and urlparse(broker).scheme not in ("redis", "rediss"):
        found.append(
            _error(
                "E007",
                _("The Celery broker is not a Redis address."),
                _("Set CALLBOARD_REDIS_URL=redis://HOST:6379/0."),
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in LOCAL_CACHES:
        found.append(
            _error(
                "E002",
                _(
                    "The cache is %(backend)s, private to each process: the sign-in lockout "
                    "and rate limits would not hold across web processes."
                )
                % {"backend": backend.rsplit(".", 1)[-1]},
                _(
                    "Set CALLBOARD_CACHE=redis (it uses CALLBOARD_CACHE_URL, or "
                    "CALLBOARD_REDIS_URL when that is unset)."
                ),
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            _error(
                "E003",
                _(
                    "The database is SQLite (DATABASE_URL is unset or sqlite://): one file on "
                    "one machine, one writer at a time."
                ),
                _("Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME."),
            )
        )
    if settings.DEBUG:
        found.append(
            _error(
                "E004",
                _("DEBUG is on: error pages would show settings and code to anyone."),
                _("Remove DEBUG from the environment (or set DEBUG=0)."),
            )
        )
    found += _site_url()
    found += _email()
    if not settings.ALLOWED_HOSTS:
        found.append(
            _error(
                "E008",
                _("ALLOWED_HOSTS is empty: every request would be refused."),
                _(
                    "Set ALLOWED_HOSTS to the host name people use, e.g. "
                    "ALLOWED_HOSTS=callboard.example-ballet.org."
                ),
            )
        )
    found += _backup_dir()
    return found


def _site_url() -> list[checks.CheckMessage]:
    value = str(getattr(settings, "CALLBOARD_SITE_URL", "") or "")
    if not value:
        return [
            _error(
                "E005",
                _("CALLBOARD_SITE_URL is not set: links in e-mails would lead nowhere."),
                _(
                    "Set CALLBOARD_SITE_URL to the address people open, e.g. "
                    "CALLBOARD_SITE_URL=https://callboard.example-ballet.org."
                ),
            )
        ]
    url = urlparse(value)
    if url.scheme not in ("http", "https") or not url.netloc or url.path.strip("/"):
        return [
            _error(
                "E005",
                _("CALLBOARD_SITE_URL=%(value)r is not the address of a site.") % {"value": value},
                _("Give scheme and host only, e.g. https://callboard.example-ballet.org."),
            )
        ]
    if url.scheme == "http":
        return [
            checks.Warning(
                _("CALLBOARD_SITE_URL=%(value)s is not HTTPS: links in e-mails will not be secure.")
                % {"value": value},
                hint=_("Serve Callboard over HTTPS and give the https:// address."),
                id="callboard.W005",
            )
        ]
    return []


def _email() -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        found.append(
            _error(
                "E006",
                _(
                    "EMAIL_BACKEND is %(backend)s: notices, password resets and tickets would "
                    "never leave this machine."
                )
                % {"backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]},
                _(
                    "Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with "
                    "EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                    "EMAIL_USE_TLS as your mail server needs)."
                ),
            )
        )
    elif settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not (
        settings.EMAIL_HOST
    ):
        found.append(
            _error("E006", _("EMAIL_HOST is empty."), _("Set EMAIL_HOST to your mail server."))
        )
    sender = settings.DEFAULT_FROM_EMAIL
    if not sender or sender == DEV_FROM_EMAIL or "." not in sender.rpartition("@")[2]:
        found.append(
            _error(
                "E009",
                _("DEFAULT_FROM_EMAIL is %(sender)r: mail servers refuse or bin mail from it.")
                % {"sender": sender},
                _(
                    "Set DEFAULT_FROM_EMAIL to an address of the company's domain, e.g. "
                    "DEFAULT_FROM_EMAIL=callboard@example-ballet.org."
                ),
            )
        )
    return found


def _backup_dir() -> list[checks.CheckMessage]:
    value = str(getattr(settings, "CALLBOARD_BACKUP_DIR", "") or "")
    if not value:
        return []
    folder = Path(value)
    if not folder.is_dir():
        return [
            _error(
                "E011",
                _("CALLBOARD_BACKUP_DIR=%(value)s is not a folder.") % {"value": value},
                _(
                    "Create it (owned by the user the worker runs as, mode 700) or unset "
                    "CALLBOARD_BACKUP_DIR to make no scheduled backups."
                ),
            )
        ]
    return []


def embedding(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``CALLBOARD_EMBED_ORIGINS`` names origins (``https://host[:port]``), https in
    production; a path, a wildcard or a typo would frame the seat picker for the wrong site
    or for none."""
    found: list[checks.CheckMessage] = []
    for origin in getattr(settings, "CALLBOARD_EMBED_ORIGINS", []):
        if not ORIGIN.match(origin) or (production() and not origin.startswith("https://")):
            found.append(
                _error(
                    "E020",
                    _("CALLBOARD_EMBED_ORIGINS names %(origin)r, which is not an origin.")
                    % {"origin": origin},
                    _(
                        "Give the company's website as https://HOST (no path, no wildcard), "
                        "several separated by spaces, e.g. "
                        "CALLBOARD_EMBED_ORIGINS=https://www.example-ballet.org."
                    ),
                )
            )
    if production() and int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0) < 60 * 60 * 24 * 180:
        found.append(
            _error(
                "E021",
                _("HSTS is off or shorter than half a year (SECURE_HSTS_SECONDS)."),
                _("Leave SECURE_HSTS_SECONDS at the production default of one year."),
            )
        )
    return found


def register() -> None:
    checks.register(jobs_mode, "callboard")
    checks.register(production_settings, "callboard")
    checks.register(embedding, "callboard")


def refuse_unsafe_start(process: str) -> None:
    """Raise ``ImproperlyConfigured`` listing every error (gunicorn, worker and beat call
    this before they serve anything; commands get the same from Django's checks).
    ``process`` is ``web``, ``worker`` or ``beat``."""
    names = {"web": _("web server"), "worker": _("worker"), "beat": _("beat")}
    errors = [
        m
        for m in checks.run_checks(tags=["callboard"])
        if m.level >= checks.ERROR and not m.is_silenced()
    ]
    if errors:
        lines = [
            _("Callboard's %(process)s will not start with these settings:")
            % {"process": names.get(process, process)}
        ]
        lines += [f"  {m.id}: {m.msg}\n      {m.hint}" for m in errors]
        raise ImproperlyConfigured("\n".join(lines))
