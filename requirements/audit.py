"""``make audit``: known vulnerabilities in the locked Python packages and the JavaScript tools.

- Python: ``pip-audit`` reads ``requirements/main.txt`` and ``dev.txt`` (exact versions and
  hashes, nothing resolved or installed) and asks PyPI's vulnerability records about each
  pinned version.
- JavaScript: ``npm audit`` on ``package-lock.json`` (the test tools only; nothing of them is
  served to a browser).

Every vulnerability found is listed. The audit fails (exit 1) on one that has a fixed
version, since that is one ``make lock-upgrade`` (or ``npm update``) can remove; one with no
fix yet is listed and does not fail. A service that cannot be reached is said so plainly:
packages the vulnerability records did not answer for, and an npm advisory service that
refuses the request, are reported as NOT audited, loudly, without failing (some networks
reach PyPI's package files through a mirror that serves no vulnerability records);
``CALLBOARD_AUDIT_REQUIRED=1`` makes them fail too, for networks that do reach them.
``CALLBOARD_AUDIT_OSV_URL`` asks an OSV server instead of PyPI; ``--python-only`` skips npm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def service() -> list[str]:
    """PyPI's vulnerability records, or an OSV server (``CALLBOARD_AUDIT_OSV_URL``: OSV's
    ``/v1/query`` API, a mirror of osv.dev for example)."""
    osv = os.environ.get("CALLBOARD_AUDIT_OSV_URL", "")
    if osv:
        return ["--vulnerability-service", "osv", "--osv-url", osv]
    return ["--vulnerability-service", "pypi"]


def python_audit() -> tuple[int, int, int]:
    """(vulnerabilities with a fix, without one, packages the service had no record of);
    raises SystemExit if pip-audit cannot run at all."""
    fixable = unfixed = unreached = 0
    for lock in ("main.txt", "dev.txt"):
        proc = subprocess.run(
            [
                str(BIN / "pip-audit"),
                "--requirement",
                str(ROOT / "requirements" / lock),
                "--require-hashes",
                "--disable-pip",
                *service(),
                "--progress-spinner",
                "off",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
        )
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            print(f"pip-audit could not audit requirements/{lock}:", proc.stderr.strip()[-2000:])
            print("The Python packages were NOT audited (is PyPI reachable from here?).")
            raise SystemExit(2) from None
        packages = report.get("dependencies", [])
        for dep in packages:
            for vuln in dep.get("vulns", []):
                fixes = vuln.get("fix_versions") or []
                if fixes:
                    fixable += 1
                else:
                    unfixed += 1
                print(
                    f"  {dep['name']} {dep['version']}: {vuln['id']} "
                    + (f"fixed in {', '.join(fixes)}" if fixes else "no fixed version yet")
                )
        skipped = [d for d in packages if d.get("skip_reason")]
        audited = len(packages) - len(skipped)
        print(
            f"pip-audit: requirements/{lock}: {audited} of {len(packages)} pinned packages audited."
        )
        if skipped:
            reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
            print(f"  {len(skipped)} NOT audited: {'; '.join(reasons)}")
            unreached += len(skipped)
    return fixable, unfixed, unreached


def npm_audit() -> tuple[int, int] | None:
    """(advisories with a fix, without one), or None when npm or its service is unavailable."""
    npm = shutil.which("npm")
    if npm is None:
        print("npm audit: npm is not installed here; the JavaScript test tools were NOT audited.")
        return None
    proc = subprocess.run(
        [npm, "audit", "--json", "--package-lock-only"], capture_output=True, text=True, cwd=ROOT
    )
    try:
        report = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if "vulnerabilities" not in report:
        reason = report.get("message") or report.get("error", {}).get("summary") or proc.stderr
        print(
            "npm audit: the npm registry's advisory service could not be reached from this "
            f"machine ({str(reason).strip()[:200]}); the JavaScript test tools were NOT audited."
        )
        return None
    fixable = unfixed = 0
    for name, vuln in sorted(report["vulnerabilities"].items()):
        fix = vuln.get("fixAvailable")
        if fix:
            fixable += 1
        else:
            unfixed += 1
        print(
            f"  {name} ({vuln.get('severity')}): {vuln.get('range', '')} "
            + ("fix available" if fix else "no fix yet")
        )
    total = report.get("metadata", {}).get("dependencies", {}).get("total", "?")
    print(f"npm audit: {total} JavaScript packages audited.")
    return fixable, unfixed


def main() -> int:
    fixable, unfixed, unreached = python_audit()
    js = None if "--python-only" in sys.argv else npm_audit()
    if js is not None:
        fixable, unfixed = fixable + js[0], unfixed + js[1]
    print(f"Audit: {fixable} known vulnerabilities with a fixed version, {unfixed} without one.")
    if unreached:
        print(
            f"Audit: {unreached} pinned Python packages were NOT audited: the vulnerability "
            "records did not answer for them (PyPI serves them at /pypi/NAME/VERSION/json; a "
            "mirror or proxy that does not, or no route to it, leaves them unchecked)."
        )
    if fixable:
        print("Upgrade them: `make lock-upgrade` (or npm update), then `make test`.")
        return 1
    if unreached and os.environ.get("CALLBOARD_AUDIT_REQUIRED") == "1":
        print("CALLBOARD_AUDIT_REQUIRED=1: an audit that could not run counts as failed.")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
