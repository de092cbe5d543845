"""`make bench`: run every benchmark, print one table per benchmark, write JSON.

``python -m callboard.bench [NAME ...] [--out DIR] [--quick]``; results go to
``bench-results/<name>.json`` (and a combined ``bench-results/all.json``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

BENCHMARKS = ["talent", "week", "planted", "gap", "replan", "load"]


def print_table(name: str, rows: list[dict]) -> None:
    if not rows:
        print(f"\n{name}: no results")
        return
    cols: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key not in cols and not isinstance(value, list | dict):
                cols.append(key)
    cells = [[_fmt(row.get(c)) for c in cols] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    print(f"\n== {name} ==")
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="callboard-bench", description=__doc__)
    parser.add_argument("names", nargs="*", default=BENCHMARKS, help=f"any of {BENCHMARKS}")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--limits",
        default=None,
        help="planted: time limits in seconds, comma-separated (default 60,300)",
    )
    parser.add_argument(
        "--seeds", default=None, help="planted: solver seeds, comma-separated (default 0-4)"
    )
    parser.add_argument(
        "--weeks", default=None, help="planted: week seeds, comma-separated (default 1,2,3)"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    combined: dict[str, object] = {}
    for name in args.names:
        if name not in BENCHMARKS:
            parser.error(f"unknown benchmark {name!r}; choose from {BENCHMARKS}")
        module = importlib.import_module(f"callboard.bench.{name}")
        started = time.perf_counter()
        extra: dict[str, object] = {}
        if name == "planted":
            if args.limits:
                extra["limits"] = tuple(float(x) for x in args.limits.split(","))
            if args.seeds:
                extra["seeds"] = tuple(int(x) for x in args.seeds.split(","))
            if args.weeks:
                extra["weeks"] = tuple(int(x) for x in args.weeks.split(","))
        rows = module.run(quick=args.quick, **extra)
        print_table(name, rows)
        result = {"rows": rows, "wall_seconds": round(time.perf_counter() - started, 3)}
        (out / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
        combined[name] = result
    (out / "all.json").write_text(json.dumps(combined, indent=2, default=str))
    print(f"\nJSON written to {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
