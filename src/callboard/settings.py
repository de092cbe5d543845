"""Callboard settings, all driven by the environment.

Layering, in order of precedence:

1. Environment variables (``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DEBUG``,
   ``CALLBOARD_*``) always win.
2. The safe defaults below serve the embedded demo: SQLite under ``var/``, the console
   e-mail backend, background jobs in a thread of the web process.

Production is declared with ``CALLBOARD_ENV=production``; it refuses to start without a
real ``SECRET_KEY`` and never enables debug pages unless ``DEBUG`` is explicitly set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("CALLBOARD_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("CALLBOARD_VAR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_number(name: str, default: float, kind: type[int] | type[float]) -> Any:
    """A number from the environment; a value that is not one stops the start, naming it."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return kind(default)
    try:
        return kind(value)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(
            f"{name}={value!r} is not {what}: set it to {what} (the default is {default}), "
            "or remove it."
        ) from None


def _env_int(name: str, default: int) -> int:
    return int(_env_number(name, default, int))


def _env_float(name: str, default: float) -> float:
    return float(_env_number(name, default, float))


CALLBOARD_ENV = os.environ.get("CALLBOARD_ENV", "development")
PRODUCTION = CALLBOARD_ENV == "production"

_DEV_SECRET = "callboard-development-only-secret-key-not-for-production-use-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "Production needs SECRET_KEY: set it to a random string of at least 40 characters."
    )

DEBUG = _env_bool("DEBUG", default=False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # the API docs page serves Swagger UI from static files, not a CDN
    "callboard.core",
    "callboard.company",
    "callboard.repertoire",
    "callboard.season",
    "callboard.casting",
    "callboard.scheduling",
    "callboard.boxoffice",
    "callboard.reception",
    "callboard.wellbeing",
    "callboard.audit",
    "callboard.workload",  # the workload part of wellbeing, above scheduling
    "callboard.shop",  # the public shop: buying tickets online, beside reception
    "callboard.site",  # the assembly: API registry, home page, demo (see docs/architecture.md)
]

MIDDLEWARE = [
    # First: every log line of a request carries its id; one access line per request.
    "callboard.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language (their choice, the company's, the browser's) and the company's
    # time zone, per request: see callboard.company.locale.
    "callboard.company.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An htmx form refused with a 4xx keeps the browser's address (callboard.core.htmx).
    "callboard.core.htmx.HtmxFormErrorMiddleware",
    "callboard.core.headers.CSPMiddleware",  # django-csp's, its site policy built once
    # Last, so its process_exception sees a view's database error first (a 503, not a 500).
    "callboard.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "callboard.urls"
WSGI_APPLICATION = "callboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "callboard.core.context_processors.callboard",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL is set (PostgreSQL in production).
_default_sqlite = f"sqlite:///{VAR_DIR / 'callboard.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=_env_int("CALLBOARD_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
# Sign-in lockout: this many failures for one user name locks it for this many seconds.
CALLBOARD_LOGIN_MAX_FAILURES = _env_int("CALLBOARD_LOGIN_MAX_FAILURES", 5)
CALLBOARD_LOGIN_LOCK_SECONDS = _env_int("CALLBOARD_LOGIN_LOCK_SECONDS", 15 * 60)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# Languages with a complete catalogue under LOCALE_PATHS (docs/translating.md adds one),
# each named in its own language for the chooser.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CALLBOARD_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# The embedded server serves static files itself (no collectstatic needed in development).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "callboard@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = _env_int("EMAIL_TIMEOUT", 20)  # seconds; a hung server is a failure
# Every e-mail goes through the outbox (core/outbox.py) and is sent by a worker; a failed one
# is tried again after 1, 2, 4, ... minutes (at most an hour apart), this many times in all.
CALLBOARD_EMAIL_MAX_ATTEMPTS = _env_int("CALLBOARD_EMAIL_MAX_ATTEMPTS", 8)
# Where people reach Callboard: links in e-mails are this plus the page's path. Production
# refuses to start without it.
CALLBOARD_SITE_URL = os.environ.get(
    "CALLBOARD_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000"
)

# Background jobs: "thread" runs them inside the web process (embedded default, nothing
# else to start); "celery" sends them to Celery workers through CALLBOARD_REDIS_URL.
CALLBOARD_JOBS = os.environ.get("CALLBOARD_JOBS", "thread")
CALLBOARD_REDIS_URL = os.environ.get("CALLBOARD_REDIS_URL", "redis://127.0.0.1:6379/0")
# Celery (used when CALLBOARD_JOBS=celery; workers: `celery -A callboard worker`).
CELERY_BROKER_URL = CALLBOARD_REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CALLBOARD_CELERY_QUEUE", "callboard")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # jobs write their outcome to the database
CELERY_TASK_ACKS_LATE = True  # a solve lost with its worker is delivered again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # one long solve at a time per worker process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is away must not hang a web request: publishing gives up after about 2 s and
# the job waits in the database for the redispatch chore (core/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below (JSON)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(
    os.environ.get("CALLBOARD_BEAT_SCHEDULE_FILE", VAR_DIR / "celerybeat-schedule")
)
# The chores beat sends to the workers (`callboard chores` runs them once, by hand or cron).
# Each chore does nothing when there is nothing to do, so a short interval costs little.
CALLBOARD_CHORE_SECONDS = _env_float("CALLBOARD_CHORE_SECONDS", 30)
CALLBOARD_HEARTBEAT_SECONDS = _env_float("CALLBOARD_HEARTBEAT_SECONDS", 15)
# /health/ says the worker is gone when no heartbeat chore ran for this long.
CALLBOARD_WORKER_STALE_SECONDS = _env_float("CALLBOARD_WORKER_STALE_SECONDS", 60)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Lapsed carts and seat holds, holds past their release time (boxoffice.sweep_expired).
    "boxoffice-sweep": {"task": "callboard.boxoffice.sweep", "schedule": CALLBOARD_CHORE_SECONDS},
    # Solve runs and casting suggestions whose worker was lost: marked failed, with the reason.
    "lost-solve-runs": {
        "task": "callboard.scheduling.reap_lost_runs",
        "schedule": CALLBOARD_CHORE_SECONDS,
    },
    "lost-casting-suggestions": {
        "task": "callboard.casting.reap_lost_suggestions",
        "schedule": CALLBOARD_CHORE_SECONDS,
    },
    # E-mails whose next try is due (core/outbox.py).
    "email-retries": {
        "task": "callboard.core.emails_send_due",
        "schedule": CALLBOARD_CHORE_SECONDS,
    },
    # Jobs asked for while the broker was away (core/jobs.py).
    "jobs-redispatch": {
        "task": "callboard.core.jobs_redispatch",
        "schedule": CALLBOARD_CHORE_SECONDS,
    },
    # Beat -> broker -> worker -> database works (read by /health/).
    "worker-heartbeat": {
        "task": "callboard.core.heartbeat",
        "schedule": CALLBOARD_HEARTBEAT_SECONDS,
    },
    # Further chores are added beside the settings they read: "availability-reminders"
    # (availability) and "waiting-list-offers" (shop extras).
}
# A scheduled backup (core/tasks.py): every day at CALLBOARD_BACKUP_AT (the company's time),
# into CALLBOARD_BACKUP_DIR, keeping the newest CALLBOARD_BACKUP_KEEP. Off while unset.
CALLBOARD_BACKUP_DIR = os.environ.get("CALLBOARD_BACKUP_DIR", "")
CALLBOARD_BACKUP_AT = os.environ.get("CALLBOARD_BACKUP_AT", "03:30")
CALLBOARD_BACKUP_KEEP = _env_int("CALLBOARD_BACKUP_KEEP", 14)
if CALLBOARD_BACKUP_DIR:
    from celery.schedules import crontab

    try:
        _hour, _minute = (int(part) for part in CALLBOARD_BACKUP_AT.split(":"))
        _backup_at = crontab(hour=_hour, minute=_minute)
    except ValueError:
        raise ImproperlyConfigured(
            f"CALLBOARD_BACKUP_AT={CALLBOARD_BACKUP_AT!r}: give the time of day as HH:MM, "
            "e.g. CALLBOARD_BACKUP_AT=03:30."
        ) from None
    CELERY_BEAT_SCHEDULE["backup"] = {"task": "callboard.core.backup", "schedule": _backup_at}
CELERY_TIMEZONE = os.environ.get("CALLBOARD_TIME_ZONE", "Europe/Moscow")
# A solve's worker writes a heartbeat twice a second; a run silent for this long lost its
# worker (killed, out of memory, machine gone) and is marked failed when next looked at.
CALLBOARD_RUN_LOST_SECONDS = _env_float("CALLBOARD_RUN_LOST_SECONDS", 30)

# Content security policy (django-csp): scripts and styles only from Callboard's own static
# files, no inline script, no eval, no framing, forms post only here. Style attributes stay
# allowed (the rehearsal grid and the seat-map legends place and colour boxes with them; they
# cannot run code). Browsers report violations to the console.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_AGE = _env_int("CALLBOARD_SESSION_SECONDS", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("CALLBOARD_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer probes the nodes over plain HTTP: no redirect for the health checks.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]

# Cache: the sign-in lockout and the rate limits of the public audience survey live here.
# The embedded default is a per-process memory cache; production (several processes) must
# share one: CALLBOARD_CACHE=redis uses CALLBOARD_CACHE_URL (default: CALLBOARD_REDIS_URL;
# a database number of its own, e.g. redis://host:6379/1, keeps a cache flush off the job
# queue). While Redis is away the cache answers "not there" instead of failing the page
# (django-redis's IGNORE_EXCEPTIONS, logged); /health/ says so.
CALLBOARD_CACHE = os.environ.get("CALLBOARD_CACHE", "locmem")
CALLBOARD_CACHE_URL = os.environ.get("CALLBOARD_CACHE_URL", CALLBOARD_REDIS_URL)
if CALLBOARD_CACHE == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CALLBOARD_CACHE_URL,
            "KEY_PREFIX": "callboard",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "callboard.cache"
elif CALLBOARD_CACHE != "locmem":
    raise ImproperlyConfigured(
        f"CALLBOARD_CACHE={CALLBOARD_CACHE!r}: set it to redis (production) or locmem."
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Reception: the public audience survey (answers per browser session and per address,
# per performance, and a flood guard per performance; days it stays open after the end).
CALLBOARD_FEEDBACK_PER_SESSION = _env_int("CALLBOARD_FEEDBACK_PER_SESSION", 1)
CALLBOARD_FEEDBACK_PER_ADDRESS = _env_int("CALLBOARD_FEEDBACK_PER_ADDRESS", 5)
CALLBOARD_FEEDBACK_ADDRESS_WINDOW = _env_int("CALLBOARD_FEEDBACK_ADDRESS_WINDOW", 3600)
CALLBOARD_FEEDBACK_PER_MINUTE = _env_int("CALLBOARD_FEEDBACK_PER_MINUTE", 60)
CALLBOARD_FEEDBACK_OPEN_DAYS = _env_int("CALLBOARD_FEEDBACK_OPEN_DAYS", 14)

# The client's address behind reverse proxies: how many proxies of the company's own stand in
# front of Callboard (0: none, REMOTE_ADDR is the client; 1: nginx; 2: a load balancer and
# nginx). Every rate limit reads the address through core.clientaddr with this setting.
CALLBOARD_TRUSTED_PROXIES = _env_int("CALLBOARD_TRUSTED_PROXIES", 0)

# Box office: an unpaid reservation lapses and its seats go back on sale. Online reservations
# have this many minutes to be paid; those made at the box office (by telephone, say) until this
# many hours before curtain. Unpaid reservations per performance are limited per buyer e-mail
# and per client address (online only; the box office itself is not limited).
CALLBOARD_ONLINE_RESERVATION_MINUTES = _env_int("CALLBOARD_ONLINE_RESERVATION_MINUTES", 30)
CALLBOARD_BOX_OFFICE_RESERVATION_HOURS = _env_float("CALLBOARD_BOX_OFFICE_RESERVATION_HOURS", 1)
CALLBOARD_RESERVATIONS_PER_EMAIL = _env_int("CALLBOARD_RESERVATIONS_PER_EMAIL", 2)
CALLBOARD_RESERVATIONS_PER_ADDRESS = _env_int("CALLBOARD_RESERVATIONS_PER_ADDRESS", 4)
# How many of the box office's transactions that take or give back seats (a cart, an order, a
# hold, a refund...) one server process runs at once (0: no limit); the others wait their turn
# for at most CALLBOARD_SALES_WAIT_SECONDS, then answer "very busy, try again". One per
# process keeps an on-sale rush from queueing in the database behind the same seat rows.
CALLBOARD_SALES_AT_ONCE = _env_int("CALLBOARD_SALES_AT_ONCE", 1)
CALLBOARD_SALES_WAIT_SECONDS = _env_float("CALLBOARD_SALES_WAIT_SECONDS", 15)
if CALLBOARD_SALES_AT_ONCE < 0 or CALLBOARD_SALES_WAIT_SECONDS <= 0:
    raise ImproperlyConfigured(
        f"CALLBOARD_SALES_AT_ONCE={CALLBOARD_SALES_AT_ONCE} and CALLBOARD_SALES_WAIT_SECONDS="
        f"{CALLBOARD_SALES_WAIT_SECONDS:g}: the first must be 0 (no limit) or more, the second "
        "more than 0 (the defaults are 1 and 15)."
    )

# Wellbeing: the weekly spike rule (this week vs the mean of the previous weeks; tiny
# baselines are ignored), ratings of exertion, and the smallest injury count shown to
# people outside the medical staff.
CALLBOARD_SPIKE_RATIO = _env_float("CALLBOARD_SPIKE_RATIO", 1.5)
CALLBOARD_SPIKE_BASELINE_WEEKS = _env_int("CALLBOARD_SPIKE_BASELINE_WEEKS", 4)
CALLBOARD_SPIKE_MIN_BASELINE_MINUTES = _env_int("CALLBOARD_SPIKE_MIN_BASELINE_MINUTES", 300)
CALLBOARD_SPIKE_MIN_BASELINE_LOAD = _env_int("CALLBOARD_SPIKE_MIN_BASELINE_LOAD", 1500)
CALLBOARD_SPIKE_MIN_RATED_SHARE = _env_float("CALLBOARD_SPIKE_MIN_RATED_SHARE", 0.5)
CALLBOARD_RPE_MAX_AGE_DAYS = _env_int("CALLBOARD_RPE_MAX_AGE_DAYS", 14)
CALLBOARD_INJURY_MIN_CELL = _env_int("CALLBOARD_INJURY_MIN_CELL", 3)

# Casting: the fewest days from one lead role to the next; covers suggested per role and
# coaching minutes a dancer learning a role needs (JSON objects, merged over the defaults
# {"principal": 2, "other": 1} and {"principal": 600, "announceable": 360, "ensemble": 180});
# the casting suggestion's default time limit in seconds and its solver threads.
CALLBOARD_CASTING_LEAD_REST_DAYS = _env_int("CALLBOARD_CASTING_LEAD_REST_DAYS", 2)
CALLBOARD_CASTING_COVERS = json.loads(os.environ.get("CALLBOARD_CASTING_COVERS", "{}"))
CALLBOARD_CASTING_COACHING_MINUTES = json.loads(
    os.environ.get("CALLBOARD_CASTING_COACHING_MINUTES", "{}")
)
CALLBOARD_CASTING_SOLVER_SECONDS = _env_float("CALLBOARD_CASTING_SOLVER_SECONDS", 5)
CALLBOARD_CASTING_SOLVER_WORKERS = _env_int("CALLBOARD_CASTING_SOLVER_WORKERS", 2)

# The call sheet's PDF: a TrueType font file with every alphabet the company's names use
# (empty: Debian's DejaVu Sans when installed, else the PDF core font in plain Latin).
CALLBOARD_PDF_FONT = os.environ.get("CALLBOARD_PDF_FONT", "")

# Not settings of the application: the benchmarks read CALLBOARD_BENCH_PG (a PostgreSQL
# server for scratch databases), CALLBOARD_LOAD_SESSIONS and CALLBOARD_TALENT_DIR from the
# environment, and the browser tests CALLBOARD_CHROMIUM.

# Logs: one line per record on standard error, each with the request's id (core/logs.py).
# CALLBOARD_LOG_FORMAT=json (the production default) writes JSON lines; text, plain ones.
CALLBOARD_LOG_FORMAT = os.environ.get("CALLBOARD_LOG_FORMAT", "json" if PRODUCTION else "text")
if CALLBOARD_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(
        f"CALLBOARD_LOG_FORMAT={CALLBOARD_LOG_FORMAT!r}: set it to json or text."
    )
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "callboard.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": CALLBOARD_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django logs 4xx/5xx here too; the access line (callboard.request) already has them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

# Errors to Sentry when a DSN is set (core/sentry.py); nothing is sent otherwise.
CALLBOARD_SENTRY_DSN = os.environ.get("CALLBOARD_SENTRY_DSN", "")
CALLBOARD_SENTRY_TRACES_SAMPLE_RATE = _env_float("CALLBOARD_SENTRY_TRACES_SAMPLE_RATE", 0)
if CALLBOARD_SENTRY_DSN:
    from callboard.core.sentry import init_sentry

    init_sentry(
        dsn=CALLBOARD_SENTRY_DSN,
        environment=CALLBOARD_ENV,
        traces_sample_rate=CALLBOARD_SENTRY_TRACES_SAMPLE_RATE,
    )

# Shop
# The public shop (/shop/): the most seats one order may hold, and how it takes payment.
CALLBOARD_MAX_TICKETS_PER_ORDER = _env_int("CALLBOARD_MAX_TICKETS_PER_ORDER", 10)
# Which provider the shop sells through: box_office (the default: the shop makes
# reservations paid at the box office), yookassa or stripe. A provider whose keys are not
# set falls back to box_office. The README ("Taking payment online") says where the keys
# come from.
CALLBOARD_PAYMENT_PROVIDER = os.environ.get("CALLBOARD_PAYMENT_PROVIDER", "box_office")
if CALLBOARD_PAYMENT_PROVIDER not in ("box_office", "yookassa", "stripe"):
    raise ImproperlyConfigured(
        f"CALLBOARD_PAYMENT_PROVIDER={CALLBOARD_PAYMENT_PROVIDER!r}: set it to box_office, "
        "yookassa or stripe."
    )
# YooKassa: the shop's shopId and secret key; the API's address only for the local stub
# (`callboard payment_stub`), whose notifications come from loopback addresses, trusted then
# besides YooKassa's own networks.
CALLBOARD_YOOKASSA_SHOP_ID = os.environ.get("CALLBOARD_YOOKASSA_SHOP_ID", "")
CALLBOARD_YOOKASSA_SECRET_KEY = os.environ.get("CALLBOARD_YOOKASSA_SECRET_KEY", "")
CALLBOARD_YOOKASSA_API_URL = os.environ.get("CALLBOARD_YOOKASSA_API_URL", "")
CALLBOARD_YOOKASSA_TRUSTED_NETWORKS = _env_list(
    "CALLBOARD_YOOKASSA_TRUSTED_NETWORKS",
    "127.0.0.0/8,::1/128" if "://127.0.0.1" in CALLBOARD_YOOKASSA_API_URL else "",
)
# Stripe: the secret key, the webhook endpoint's signing secret, and the API's address only
# for the local stub.
CALLBOARD_STRIPE_SECRET_KEY = os.environ.get("CALLBOARD_STRIPE_SECRET_KEY", "")
CALLBOARD_STRIPE_WEBHOOK_SECRET = os.environ.get("CALLBOARD_STRIPE_WEBHOOK_SECRET", "")
CALLBOARD_STRIPE_API_BASE = os.environ.get("CALLBOARD_STRIPE_API_BASE", "")

# Sign-in and personal data.
# The lockout (django-axes, in the database, so every process and machine sees the same
# count): CALLBOARD_LOGIN_MAX_FAILURES failed passwords for one user name from one client
# address lock that pair for CALLBOARD_LOGIN_LOCK_SECONDS; a stranger elsewhere cannot lock
# the user out. The address is read through CALLBOARD_TRUSTED_PROXIES (core/clientaddr.py).
# A success clears the pair's count. The sign-in form shows the lockout itself, so axes's
# middleware (which would answer with a page of its own) is not installed.
INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
AUTHENTICATION_BACKENDS = [
    "callboard.core.signin.LockoutBackend",  # axes's check, also where no request is at hand
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "callboard.core.clientaddr.client_address"
AXES_FAILURE_LIMIT = "callboard.core.signin.failure_limit"
AXES_COOLOFF_TIME = "callboard.core.signin.lock_time"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the history already (audit)
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W002"]  # no AxesMiddleware: see above
# Two-factor sign-in (django-otp, core/twofactor.py): a code from an authenticator app (TOTP)
# or one of ten single-use recovery codes, after the password. Required for the roles that
# see medical or money data (core.twofactor.REQUIRED_ROLES); anyone else may turn it on at
# /account/two-factor/. API tokens are not affected.
_auth_at = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth_at + 1 : _auth_at + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "callboard.core.twofactor.TwoFactorMiddleware",
]
OTP_TOTP_ISSUER = os.environ.get("CALLBOARD_TOTP_ISSUER", "Callboard")

# Availability and stage
# The longest availability period the ballet master may open, in days (a season's block).
CALLBOARD_AVAILABILITY_MAX_DAYS = _env_int("CALLBOARD_AVAILABILITY_MAX_DAYS", 120)
# Those who have not answered an availability period are reminded by e-mail once, this many
# hours before its deadline (the "availability-reminders" chore); 0 turns the reminder off.
CALLBOARD_AVAILABILITY_REMIND_HOURS = _env_float("CALLBOARD_AVAILABILITY_REMIND_HOURS", 48)
CELERY_BEAT_SCHEDULE["availability-reminders"] = {
    "task": "callboard.scheduling.availability_reminders",
    "schedule": CALLBOARD_CHORE_SECONDS,
}
# A performance takes its venue's stage this many minutes before the curtain (the get-in)
# and after it comes down (the get-out), unless the performance or its venue says otherwise.
CALLBOARD_STAGE_GET_IN_MINUTES = _env_int("CALLBOARD_STAGE_GET_IN_MINUTES", 240)
CALLBOARD_STAGE_GET_OUT_MINUTES = _env_int("CALLBOARD_STAGE_GET_OUT_MINUTES", 90)
# The journey between two cities, when nothing better is known: a person booked in two cities
# with less time than this between the two is flagged (season.clashes).
CALLBOARD_TRAVEL_BETWEEN_CITIES_MINUTES = _env_int("CALLBOARD_TRAVEL_BETWEEN_CITIES_MINUTES", 180)

# The dancer's phone: My calls can go on the home screen (a web-app manifest) and be read
# offline (a service worker that keeps only that person's My calls pages). Push notifications
# when a person's calls are published or change are optional: without both VAPID keys nothing
# is offered. `callboard push_keys` prints a new pair; the subject is the contact a push
# service may write to about the messages (a mailto: or https: address).
CALLBOARD_VAPID_PUBLIC_KEY = os.environ.get("CALLBOARD_VAPID_PUBLIC_KEY", "")
CALLBOARD_VAPID_PRIVATE_KEY = os.environ.get("CALLBOARD_VAPID_PRIVATE_KEY", "")
CALLBOARD_VAPID_SUBJECT = os.environ.get("CALLBOARD_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")

# Shop extras
# The waiting list of a sold-out performance: seats that come back are offered to the first
# in line and held for them this many minutes; the offer's link turns them into a cart, and
# the buyer completes it at this address ({token}: the cart's token; {performance}: its id).
CALLBOARD_WAITLIST_OFFER_MINUTES = _env_int("CALLBOARD_WAITLIST_OFFER_MINUTES", 60)
CALLBOARD_WAITLIST_CART_URL = os.environ.get(
    "CALLBOARD_WAITLIST_CART_URL", "/shop/p/{performance}/#cart"
)
CELERY_BEAT_SCHEDULE["waiting-list-offers"] = {
    "task": "callboard.boxoffice.waiting_list_offers",
    "schedule": CALLBOARD_CHORE_SECONDS,
}

# Hostile input and headers.
# Refused before any view (core/limits.py), with a message (JSON on the API): an address
# (path and query) longer than this many characters (414; gunicorn's own limit stands above
# it, see deploy/gunicorn.conf.py), a body larger than this many bytes (413; nginx's
# client_max_body_size is the same 5 MB), and a NUL character in the address, a form or a
# cookie (400). The unread body of a refused request is read and dropped, up to
# CALLBOARD_MAX_DISCARD_BYTES, so a kept-alive connection stays usable.
CALLBOARD_MAX_URL_LENGTH = _env_int("CALLBOARD_MAX_URL_LENGTH", 8192)
CALLBOARD_MAX_BODY_BYTES = _env_int("CALLBOARD_MAX_BODY_BYTES", 5 * 1024 * 1024)
CALLBOARD_MAX_DISCARD_BYTES = _env_int("CALLBOARD_MAX_DISCARD_BYTES", 16 * 1024 * 1024)
# The origins (space-separated, e.g. "https://www.example-ballet.org") whose pages may show
# Callboard's embeddable pages (a performance's seat picker, core.headers.frameable) in an
# iframe; every other page, and every page when this is empty, refuses to be framed.
CALLBOARD_EMBED_ORIGINS = os.environ.get("CALLBOARD_EMBED_ORIGINS", "").split()
# Paths whose requests keep the company's zone, language and currency for a few seconds
# instead of reading them at each request (company.locale): the public box-office API that
# an on-sale rush calls hundreds of times a second. Space-separated path prefixes.
CALLBOARD_LOCALE_KEPT_PATHS = os.environ.get(
    "CALLBOARD_LOCALE_KEPT_PATHS", "/api/v1/boxoffice/"
).split()
# Security headers on every answer (core/headers.py adds what an answer lacks): no framing,
# no content-type sniffing, the referrer only to this site; HSTS in production (above).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Outermost (after the request id): every answer leaves with the headers, a static file's or
# a refusal's too. The limits come after the language (refusals in the reader's language)
# and before anything reads the session, the form or the body.
MIDDLEWARE.insert(1, "callboard.core.headers.SecurityHeadersMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("callboard.company.locale.LanguageMiddleware") + 1,
    "callboard.core.limits.RequestLimitsMiddleware",
)
