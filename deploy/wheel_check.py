"""Does a built wheel hold everything a running Callboard reads besides code? (``make dist``)

Every template, static file, compiled translation and font under ``src/callboard`` must be
in the wheel, and every ``.po`` catalogue must have its ``.mo`` beside it (run the i18n
compile step first); exits 1 naming what is missing.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
KINDS = ("templates", "static", "locale", "fonts")


def wanted() -> set[str]:
    files = set()
    for path in (SRC / "callboard").rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(SRC).as_posix()
        if any(f"/{kind}/" in f"/{rel}" for kind in KINDS) and path.suffix != ".pyc":
            files.add(rel)
    return files


def main(wheel: str) -> int:
    names = set(zipfile.ZipFile(wheel).namelist())
    problems = sorted(f"missing from the wheel: {name}" for name in wanted() - names)
    for po in sorted(n for n in wanted() if n.endswith(".po")):
        if po[:-3] + ".mo" not in names:
            problems.append(f"not compiled: {po} has no .mo in the wheel")
    counts = {kind: sum(1 for n in names if f"/{kind}/" in n) for kind in KINDS}
    print(
        f"{Path(wheel).name}: {len(names)} files; "
        + ", ".join(f"{count} under {kind}/" for kind, count in counts.items())
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
