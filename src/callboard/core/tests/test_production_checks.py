"""Production refuses unsafe settings at start, naming each setting and its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from callboard.core import checks

SAFE = {
    "CALLBOARD_ENV": "production",
    "CALLBOARD_JOBS": "celery",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHES": {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://r:6379/1"}
    },
    "DEBUG": False,
    "CALLBOARD_SITE_URL": "https://callboard.example-ballet.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example-ballet.org",
    "DEFAULT_FROM_EMAIL": "callboard@example-ballet.org",
    "ALLOWED_HOSTS": ["callboard.example-ballet.org"],
    "CALLBOARD_BACKUP_DIR": "",
}


def found(**changes):
    databases = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "callboard"}}
    with override_settings(**{**SAFE, **changes}):
        from django.conf import settings

        saved = settings.DATABASES["default"]["ENGINE"]
        engine = changes.get("ENGINE", databases["default"]["ENGINE"])
        settings.DATABASES["default"]["ENGINE"] = engine
        try:
            return {m.id: m for m in checks.production_settings(None)}
        finally:
            settings.DATABASES["default"]["ENGINE"] = saved


def test_a_safe_production_configuration_passes():
    assert found() == {}


@pytest.mark.parametrize(
    ("change", "check_id", "names"),
    [
        ({"CALLBOARD_JOBS": "thread"}, "callboard.E001", "CALLBOARD_JOBS=celery"),
        (
            {"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}},
            "callboard.E002",
            "CALLBOARD_CACHE=redis",
        ),
        ({"ENGINE": "django.db.backends.sqlite3"}, "callboard.E003", "DATABASE_URL=postgres://"),
        ({"DEBUG": True}, "callboard.E004", "DEBUG"),
        ({"CALLBOARD_SITE_URL": ""}, "callboard.E005", "CALLBOARD_SITE_URL=https://"),
        ({"CALLBOARD_SITE_URL": "callboard.example.org"}, "callboard.E005", "https://"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "callboard.E006",
            "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend",
        ),
        ({"EMAIL_HOST": ""}, "callboard.E006", "EMAIL_HOST"),
        ({"CELERY_BROKER_URL": "amqp://guest@rabbit//"}, "callboard.E007", "CALLBOARD_REDIS_URL"),
        ({"ALLOWED_HOSTS": []}, "callboard.E008", "ALLOWED_HOSTS="),
        ({"DEFAULT_FROM_EMAIL": "callboard@localhost"}, "callboard.E009", "DEFAULT_FROM_EMAIL="),
        ({"CALLBOARD_BACKUP_DIR": "/no/such/folder"}, "callboard.E011", "CALLBOARD_BACKUP_DIR"),
    ],
)
def test_each_unsafe_setting_is_an_error_that_says_how_to_fix_it(change, check_id, names):
    messages = found(**change)
    assert list(messages) == [check_id]
    assert messages[check_id].level == checks.checks.ERROR
    assert names in messages[check_id].hint
    assert "docs/deploy.md" in messages[check_id].hint


def test_a_plain_http_site_address_is_only_a_warning():
    messages = found(CALLBOARD_SITE_URL="http://callboard.internal")
    assert list(messages) == ["callboard.W005"]


def test_development_keeps_its_embedded_defaults():
    with override_settings(CALLBOARD_ENV="development", CALLBOARD_JOBS="thread", DEBUG=True):
        assert checks.production_settings(None) == []


def test_an_unknown_jobs_mode_is_refused_in_every_mode():
    with override_settings(CALLBOARD_JOBS="carrier-pigeon"):
        (message,) = checks.jobs_mode(None)
    assert message.id == "callboard.E010" and "thread, celery, inline" in message.hint


ROOT = Path(__file__).resolve().parents[4]
UNSAFE_ENV = {
    "CALLBOARD_ENV": "production",
    "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "callboard.example-ballet.org",
    "CALLBOARD_VAR": "",
}


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLBOARD_", "DATABASE_"))}
    env.update(UNSAFE_ENV, CALLBOARD_VAR=str(tmp_path), EMAIL_BACKEND="")
    env.pop("EMAIL_BACKEND")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_check_deploy_lists_every_refusal_with_its_fix(tmp_path):
    proc = _run("from callboard.cli import main; main(['check', '--deploy'])", tmp_path)
    assert proc.returncode == 1
    for expected in (
        "callboard.E001",
        "CALLBOARD_JOBS=celery",
        "callboard.E002",
        "callboard.E003",
        "callboard.E005",
        "callboard.E006",
        "callboard.E009",
    ):
        assert expected in proc.stderr, proc.stderr


@pytest.mark.slow
def test_the_web_server_refuses_to_start_and_says_why(tmp_path):
    proc = _run("import callboard.wsgi", tmp_path)
    assert proc.returncode != 0
    assert "Callboard's web server will not start with these settings" in proc.stderr
    assert "Set DATABASE_URL=postgres://" in proc.stderr


def _check_with(tmp_path, **settings: str) -> subprocess.CompletedProcess[str]:
    """``callboard check`` started with only these of Callboard's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    env.update(CALLBOARD_VAR=str(tmp_path), **settings)
    return subprocess.run(
        [sys.executable, "-c", "from callboard.cli import main; main(['check'])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_setting_that_is_not_a_number_is_named_at_start(tmp_path):
    proc = _check_with(tmp_path, CALLBOARD_EMAIL_MAX_ATTEMPTS="eight")
    assert proc.returncode != 0
    assert "CALLBOARD_EMAIL_MAX_ATTEMPTS='eight' is not a whole number" in proc.stderr


@pytest.mark.slow
def test_a_box_office_turnstile_out_of_range_is_named_at_start(tmp_path):
    proc = _check_with(tmp_path, CALLBOARD_SALES_AT_ONCE="-1")
    assert proc.returncode != 0
    assert "CALLBOARD_SALES_AT_ONCE=-1" in proc.stderr
    assert "must be 0 (no limit) or more" in proc.stderr
