"""Talent scheduling benchmark: `python -m callboard.bench talent [--quick]`.

For each published rehearsal-order instance in ``../shared/benchmarks/talent`` (next to the
repository; ``CALLBOARD_TALENT_DIR`` overrides it) and for a few seeded random instances of 26
pieces, in the same run:

1. Callboard's solver (``scheduling/solver/talent.py``): total, whether proven optimal, seconds
   (kernels compiled or loaded from numba's cache before the first timed solve);
2. the MiniZinc model ``bench/minizinc/talent.mzn`` on Gecode
   (``minizinc -G std --solver gecode --time-limit MS``), given the same data written in the
   standard names (``numScenes``, ``numActors``, ``ia``, ``c``, ``d``) so that
   ``rehearsal_smith.dzn`` (CSPLib names) and ``tiny.dzn`` (an extra ``s``) load as well:
   best total, whether it proved optimality, wall seconds (flattening included), 60 s per
   instance, 5 s with ``--quick``;
3. the known optimum and the published reference times from the instances' README.

``ratio`` is MiniZinc's seconds over Callboard's; when MiniZinc stopped at its time limit
(``mzn_optimal`` false) it is a lower bound on the true ratio. Every order either solver
returns is re-costed independently (``talent_cost``); a disagreement is reported in ``note``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from callboard.scheduling.solver.talent import (
    TalentInstance,
    random_talent_instance,
    solve_talent,
    talent_cost,
    warm_up,
)
from callboard.scheduling.solver.talent_io import read_talent, to_dzn

MODEL = Path(__file__).with_name("minizinc") / "talent.mzn"
DEFAULT_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "talent"

# instance file -> (known optimal total, published reference) from the benchmark README
PUBLISHED: dict[str, tuple[int, str | None]] = {
    "tiny": (29, None),
    "small": (54, None),
    "concert": (111, None),
    "rehearsal_smith.dzn": (109, None),
    "film105.dat": (849, "MiniZinc 2.6/Gecode: not proven in 60 s"),
    "film103.dat": (1031, "C plain DP: 0.05 s; MiniZinc 2.6/Gecode: 1126 after 60 s, unproven"),
    "film114.dat": (867, "MiniZinc 2.6/Gecode: not proven in 60 s"),
    "film116.dat": (541, "MiniZinc 2.6/Gecode: 1098 after 60 s, unproven"),
    "MobStory": (871, "C plain DP: about 54 s and 2 GB"),
}

# (pieces, people, density, seed): film-like casts, then larger and sparser casts
RANDOM = [
    (26, 8, 0.35, 0),
    (26, 8, 0.35, 1),
    (26, 12, 0.3, 0),
    (26, 12, 0.3, 1),
    (26, 16, 0.25, 0),
    (26, 20, 0.2, 0),
]
RANDOM_QUICK = [(26, 8, 0.35, 0), (26, 12, 0.3, 0)]


def run(quick: bool = False) -> list[dict[str, Any]]:
    folder = Path(os.environ.get("CALLBOARD_TALENT_DIR", DEFAULT_DIR))
    mzn_limit = 5.0 if quick else 60.0
    cb_limit = 60.0 if quick else 120.0
    warm_up()
    rows: list[dict[str, Any]] = []
    if folder.is_dir():
        for name, (known, published) in PUBLISHED.items():
            path = folder / name
            if not path.exists():
                rows.append({"instance": name, "note": f"missing from {folder}"})
                continue
            instance = read_talent(path)
            rows.append(_row(instance, cb_limit, mzn_limit, known=known, published=published))
    else:
        rows.append({"instance": "(published)", "note": f"no benchmark folder at {folder}"})
    for pieces, people, density, seed in RANDOM_QUICK if quick else RANDOM:
        instance = random_talent_instance(pieces, people, seed=seed, density=density)
        rows.append(_row(instance, cb_limit, mzn_limit, known=None, published=None))
    return rows


def _row(
    instance: TalentInstance,
    cb_limit: float,
    mzn_limit: float,
    *,
    known: int | None,
    published: str | None,
) -> dict[str, Any]:
    result = solve_talent(instance, time_limit=cb_limit)
    notes = []
    if talent_cost(instance, result.order)[0] != result.total:  # pragma: no cover - a bug
        notes.append("callboard order does not cost its total")
    mzn = run_minizinc(instance, mzn_limit)
    if mzn.get("note"):
        notes.append(str(mzn["note"]))
    row: dict[str, Any] = {
        "instance": instance.name,
        "pieces": instance.n_pieces,
        "people": instance.n_people,
        "total": result.total,
        "idle": result.idle,
        "optimal": result.optimal,
        "seconds": round(result.seconds, 4),
        "method": result.method,
        "known": known,
        "matches": None if known is None else result.total == known,
        "mzn_total": mzn["total"],
        "mzn_optimal": mzn["optimal"],
        "mzn_seconds": mzn["seconds"],
        "ratio": (
            round(mzn["seconds"] / max(result.seconds, 1e-4), 1)
            if mzn["seconds"] is not None
            else None
        ),
        "published": published,
        "note": "; ".join(notes) or None,
        "order": [p + 1 for p in result.order],
        "mzn_order": mzn["order"],
    }
    return row


def run_minizinc(instance: TalentInstance, time_limit: float) -> dict[str, Any]:
    """Best total, proof and wall seconds of MiniZinc/Gecode on the instance (None if absent)."""
    result: dict[str, Any] = {"total": None, "optimal": None, "seconds": None, "order": None}
    exe = shutil.which("minizinc")
    if exe is None:
        result["note"] = "minizinc not installed"
        return result
    with tempfile.TemporaryDirectory(prefix="callboard-talent-") as tmp:
        data = Path(tmp) / "data.dzn"
        data.write_text(to_dzn(instance))
        cmd = [exe, "-G", "std", "--solver", "gecode"]
        cmd += ["--time-limit", str(int(time_limit * 1000)), str(MODEL), str(data)]
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=time_limit + 60, check=False
            )
        except subprocess.TimeoutExpired:
            result["seconds"] = round(time.perf_counter() - started, 3)
            result["note"] = "minizinc did not stop at its time limit"
            return result
        result["seconds"] = round(time.perf_counter() - started, 3)
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        result["note"] = f"minizinc failed: {first}"
        return result
    totals = re.findall(r"^total=(\d+)$", proc.stdout, flags=re.MULTILINE)
    orders = re.findall(r"^order=\[([\d, ]*)\]$", proc.stdout, flags=re.MULTILINE)
    if totals:
        result["total"] = int(totals[-1])
    result["optimal"] = "==========" in proc.stdout
    if orders:
        order = [int(x) for x in orders[-1].split(",") if x.strip()]
        result["order"] = order
        if talent_cost(instance, tuple(p - 1 for p in order))[0] != result["total"]:
            result["note"] = "minizinc's order does not cost its reported total"
    return result
