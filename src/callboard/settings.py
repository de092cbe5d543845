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
    "callboard.site",  # the assembly: API registry, home page, demo (see docs/architecture.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
        conn_max_age=int(os.environ.get("CALLBOARD_DB_CONN_MAX_AGE", 0)),
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
CALLBOARD_LOGIN_MAX_FAILURES = int(os.environ.get("CALLBOARD_LOGIN_MAX_FAILURES", 5))
CALLBOARD_LOGIN_LOCK_SECONDS = int(os.environ.get("CALLBOARD_LOGIN_LOCK_SECONDS", 15 * 60))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
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
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=False)

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
# A solve's worker writes a heartbeat twice a second; a run silent for this long lost its
# worker (killed, out of memory, machine gone) and is marked failed when next looked at.
CALLBOARD_RUN_LOST_SECONDS = float(os.environ.get("CALLBOARD_RUN_LOST_SECONDS", 30))

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

SESSION_COOKIE_AGE = int(os.environ.get("CALLBOARD_SESSION_SECONDS", 60 * 60 * 12))
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("CALLBOARD_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cache: rate limits of the public audience survey live here. The embedded default is a
# per-process memory cache; production (several processes) must share one:
# CALLBOARD_CACHE=redis uses CALLBOARD_REDIS_URL.
if os.environ.get("CALLBOARD_CACHE", "locmem") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CALLBOARD_REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Reception: the public audience survey (answers per browser session and per address,
# per performance, and a flood guard per performance; days it stays open after the end).
CALLBOARD_FEEDBACK_PER_SESSION = int(os.environ.get("CALLBOARD_FEEDBACK_PER_SESSION", 1))
CALLBOARD_FEEDBACK_PER_ADDRESS = int(os.environ.get("CALLBOARD_FEEDBACK_PER_ADDRESS", 5))
CALLBOARD_FEEDBACK_ADDRESS_WINDOW = int(os.environ.get("CALLBOARD_FEEDBACK_ADDRESS_WINDOW", 3600))
CALLBOARD_FEEDBACK_PER_MINUTE = int(os.environ.get("CALLBOARD_FEEDBACK_PER_MINUTE", 60))
CALLBOARD_FEEDBACK_OPEN_DAYS = int(os.environ.get("CALLBOARD_FEEDBACK_OPEN_DAYS", 14))

# The client's address behind reverse proxies: how many proxies of the company's own stand in
# front of Callboard (0: none, REMOTE_ADDR is the client; 1: nginx; 2: a load balancer and
# nginx). Every rate limit reads the address through core.clientaddr with this setting.
CALLBOARD_TRUSTED_PROXIES = int(os.environ.get("CALLBOARD_TRUSTED_PROXIES", 0))

# Box office: an unpaid reservation lapses and its seats go back on sale. Online reservations
# have this many minutes to be paid; those made at the box office (by telephone, say) until this
# many hours before curtain. Unpaid reservations per performance are limited per buyer e-mail
# and per client address (online only; the box office itself is not limited).
CALLBOARD_ONLINE_RESERVATION_MINUTES = int(
    os.environ.get("CALLBOARD_ONLINE_RESERVATION_MINUTES", 30)
)
CALLBOARD_BOX_OFFICE_RESERVATION_HOURS = float(
    os.environ.get("CALLBOARD_BOX_OFFICE_RESERVATION_HOURS", 1)
)
CALLBOARD_RESERVATIONS_PER_EMAIL = int(os.environ.get("CALLBOARD_RESERVATIONS_PER_EMAIL", 2))
CALLBOARD_RESERVATIONS_PER_ADDRESS = int(os.environ.get("CALLBOARD_RESERVATIONS_PER_ADDRESS", 4))

# Wellbeing: the weekly spike rule (this week vs the mean of the previous weeks; tiny
# baselines are ignored), ratings of exertion, and the smallest injury count shown to
# people outside the medical staff.
CALLBOARD_SPIKE_RATIO = float(os.environ.get("CALLBOARD_SPIKE_RATIO", 1.5))
CALLBOARD_SPIKE_BASELINE_WEEKS = int(os.environ.get("CALLBOARD_SPIKE_BASELINE_WEEKS", 4))
CALLBOARD_SPIKE_MIN_BASELINE_MINUTES = int(
    os.environ.get("CALLBOARD_SPIKE_MIN_BASELINE_MINUTES", 300)
)
CALLBOARD_SPIKE_MIN_BASELINE_LOAD = int(os.environ.get("CALLBOARD_SPIKE_MIN_BASELINE_LOAD", 1500))
CALLBOARD_SPIKE_MIN_RATED_SHARE = float(os.environ.get("CALLBOARD_SPIKE_MIN_RATED_SHARE", 0.5))
CALLBOARD_RPE_MAX_AGE_DAYS = int(os.environ.get("CALLBOARD_RPE_MAX_AGE_DAYS", 14))
CALLBOARD_INJURY_MIN_CELL = int(os.environ.get("CALLBOARD_INJURY_MIN_CELL", 3))

# Casting: the fewest days from one lead role to the next; covers suggested per role and
# coaching minutes a dancer learning a role needs (JSON objects, merged over the defaults
# {"principal": 2, "other": 1} and {"principal": 600, "announceable": 360, "ensemble": 180});
# the casting suggestion's default time limit in seconds and its solver threads.
CALLBOARD_CASTING_LEAD_REST_DAYS = int(os.environ.get("CALLBOARD_CASTING_LEAD_REST_DAYS", 2))
CALLBOARD_CASTING_COVERS = json.loads(os.environ.get("CALLBOARD_CASTING_COVERS", "{}"))
CALLBOARD_CASTING_COACHING_MINUTES = json.loads(
    os.environ.get("CALLBOARD_CASTING_COACHING_MINUTES", "{}")
)
CALLBOARD_CASTING_SOLVER_SECONDS = float(os.environ.get("CALLBOARD_CASTING_SOLVER_SECONDS", 5))
CALLBOARD_CASTING_SOLVER_WORKERS = int(os.environ.get("CALLBOARD_CASTING_SOLVER_WORKERS", 2))

# The call sheet's PDF: a TrueType font file with every alphabet the company's names use
# (empty: Debian's DejaVu Sans when installed, else the PDF core font in plain Latin).
CALLBOARD_PDF_FONT = os.environ.get("CALLBOARD_PDF_FONT", "")

# Not settings of the application: the benchmarks read CALLBOARD_BENCH_PG (a PostgreSQL
# server for scratch databases), CALLBOARD_LOAD_SESSIONS and CALLBOARD_TALENT_DIR from the
# environment, and the browser tests CALLBOARD_CHROMIUM.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
