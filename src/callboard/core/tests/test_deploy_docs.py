"""docs/deploy.md lists every CALLBOARD_* setting settings.py reads from the environment, and
the deploy/ files it describes exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SETTINGS = ROOT / "src" / "callboard" / "settings.py"
DOC = ROOT / "docs" / "deploy.md"


def test_every_callboard_setting_is_documented_with_its_default():
    read = set(
        re.findall(
            r"""(?:environ(?:\.get\(|\[)|_env_\w+\()\s*["'](CALLBOARD_[A-Z0-9_]+)["']""",
            SETTINGS.read_text(),
        )
    )
    assert len(read) > 20  # the pattern still finds them
    documented = set(re.findall(r"^\| `(CALLBOARD_[A-Z0-9_]+)` \|", DOC.read_text(), re.M))
    missing = sorted(read - documented)
    assert not missing, (
        f"docs/deploy.md, section 2, has no row for {', '.join(missing)}: add one with its "
        "default and what it does"
    )


def test_the_files_the_guide_names_exist():
    text = DOC.read_text()
    for path in set(re.findall(r"\bdeploy/[\w./-]*\w(?![\w*-])", text)) | {"requirements/main.txt"}:
        assert (ROOT / path).exists(), f"docs/deploy.md names {path}, which does not exist"
