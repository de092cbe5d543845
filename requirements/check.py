"""Is every dependency ``pyproject.toml`` asks for pinned by the lock? (run by ``make install``)

A dependency added to ``pyproject.toml`` without ``make lock`` would otherwise be missing from
the venv (the lock is installed with ``--no-deps``) or, worse, installed unpinned. This reads
the project's requirements (the ``dev`` extra included) and checks each one is installed at a
version it accepts; it exits 1 naming what is missing and how to fix it.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project.get("optional-dependencies", {}).get("dev", [])]
    problems = []
    for req in wanted:
        if req.marker is not None and not req.marker.evaluate({"extra": "dev"}):
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{req} is not in the lock")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req} is locked at {version}")
    if problems:
        print("pyproject.toml and requirements/*.txt disagree:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Run `make lock` and commit requirements/ with pyproject.toml.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
