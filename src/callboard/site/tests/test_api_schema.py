"""The API's schema says what the API really accepts, and each router stands on its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ROUTERS = [
    "company",
    "repertoire",
    "season",
    "casting",
    "scheduling",
    "boxoffice",
    "reception",
    "wellbeing",
]


@pytest.mark.parametrize("app", ROUTERS)
def test_each_router_imports_first_without_a_cycle(app):
    """A router imported before the API itself (a script, a worker, a test) must not loop
    back into the half-built API module."""
    code = (
        "import django; django.setup(); "
        f"import callboard.{app}.api as m; assert m.router is not None"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "callboard.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_wall_clock_times_are_declared_without_an_offset(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("PerformanceIn", "PerformancePatch"):
        for field in ("local_start", "local_end"):
            declared = schema[name]["properties"][field]
            text = str(declared)
            assert "date-time" not in text, (name, field)
            pattern = next(v["pattern"] for v in declared["anyOf"] if "pattern" in v)
            assert re.match(pattern, "2026-12-01T19:00")
            assert re.match(pattern, "2026-12-01T19:00:30")
            assert not re.match(pattern, "2026-12-01T19:00:00+03:00")
            assert not re.match(pattern, "tomorrow evening")
