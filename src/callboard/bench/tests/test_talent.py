"""The talent benchmark's MiniZinc runner: results when MiniZinc is present, None when not."""

from __future__ import annotations

import shutil

import pytest

from callboard.bench import talent as bench
from callboard.scheduling.solver.talent import TalentInstance

TINY = TalentInstance(
    "tiny",
    (1, 2, 3, 1),
    (1, 2, 3),
    ((True, False, True, False), (True, True, False, True), (False, True, True, False)),
)


def test_without_minizinc_the_row_says_so_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    result = bench.run_minizinc(TINY, 5)
    assert result["total"] is None and result["optimal"] is None and result["seconds"] is None
    assert result["note"] == "minizinc not installed"


@pytest.mark.skipif(shutil.which("minizinc") is None, reason="minizinc is not installed")
def test_minizinc_model_proves_the_tiny_instance() -> None:
    result = bench.run_minizinc(TINY, 20)
    assert result["total"] == 29
    assert result["optimal"] is True
    assert "note" not in result  # its order was re-costed and agrees
