"""The lock and its audit: requirements/ pins what pyproject.toml asks for, and make audit
fails on a known vulnerability that has a fixed version (pip-audit against a local stub of
OSV's documented query API, never a mock object)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def test_the_installed_versions_are_what_pyproject_asks_for():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "requirements" / "check.py")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_every_lock_pins_exact_versions_with_hashes():
    for name in ("main.txt", "dev.txt", "build.txt"):
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        pins = [line for line in lines if line and not line.startswith((" ", "#"))]
        assert pins, name
        for pin in pins:
            assert "==" in pin, f"{name}: {pin} is not an exact version"
        assert sum("--hash=sha256:" in line for line in lines) >= len(pins), name


class _Osv(BaseHTTPRequestHandler):
    """OSV's POST /v1/query: {"package": {"name", "ecosystem"}, "version"} -> {"vulns": [...]}."""

    vulns: dict[str, list[dict]] = {}

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        found = self.vulns.get(query["package"]["name"], [])
        body = json.dumps({"vulns": found} if found else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _vuln(id_: str, package: str, fixed: str | None) -> dict:
    events: list[dict] = [{"introduced": "0"}]
    if fixed:
        events.append({"fixed": fixed})
    return {
        "id": id_,
        "summary": "a test advisory",
        "affected": [
            {
                "package": {"name": package, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
    }


def _audit(vulns: dict[str, list[dict]]) -> subprocess.CompletedProcess[str]:
    _Osv.vulns = vulns
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osv)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        return subprocess.run(
            [sys.executable, str(ROOT / "requirements" / "audit.py"), "--python-only"],
            env={
                **os.environ,
                "CALLBOARD_AUDIT_OSV_URL": f"http://127.0.0.1:{server.server_address[1]}/v1/query",
            },
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.shutdown()


@pytest.mark.slow
def test_the_audit_fails_on_a_vulnerability_with_a_fix_and_lists_one_without():
    proc = _audit(
        {
            "django": [_vuln("PYSEC-TEST-1", "django", "99.0")],
            "celery": [_vuln("PYSEC-TEST-2", "celery", None)],
        }
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "django" in proc.stdout and "PYSEC-TEST-1 fixed in 99.0" in proc.stdout
    assert "PYSEC-TEST-2 no fixed version yet" in proc.stdout
    assert "make lock-upgrade" in proc.stdout
    assert "NOT audited" not in proc.stdout


@pytest.mark.slow
def test_the_audit_passes_when_nothing_known_has_a_fix():
    proc = _audit({"celery": [_vuln("PYSEC-TEST-2", "celery", None)]})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 known vulnerabilities with a fixed version, 2 without one" in proc.stdout
