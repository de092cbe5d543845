"""The talent command: the rehearsal-order search on instance files, as JSON or a table."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO = Path(__file__).resolve().parents[4]


BENCH = REPO.parent / "shared" / "benchmarks" / "talent"


needs_bench = pytest.mark.skipif(
    not BENCH.is_dir(), reason=f"benchmark instances not found at {BENCH}"
)


@needs_bench
def test_command_prints_one_json_object_per_file() -> None:
    out = StringIO()
    call_command("talent", str(BENCH / "tiny"), str(BENCH / "concert.dzn"), "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["instance"] for r in rows] == ["tiny", "concert.dzn"]
    assert rows[0]["total"] == 29 and rows[0]["idle"] == 2 and rows[0]["optimal"] is True
    assert sorted(rows[1]["order"]) == list(range(1, 10))  # pieces numbered from 1
    assert set(rows[0]) == {"instance", "total", "idle", "optimal", "seconds", "order"}


def test_command_table_names_each_instance(tmp_path: Path) -> None:
    path = tmp_path / "two.dat"
    path.write_text("two\n2 2\n1 1 3\n1 0 2\n4 5\n")
    out = StringIO()
    call_command("talent", str(path), stdout=out)
    assert "two.dat" in out.getvalue()
    assert "two.dat order:" in out.getvalue()


def test_command_refuses_a_malformed_file_with_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.dzn"
    bad.write_text("numScenes = 3;\nnumActors = 1;\nia = [|1,0|];\nc=[1];\nd=[1,2,3];\n")
    with pytest.raises(CommandError, match=r"broken.dzn: ia row 1 has 2 values") as info:
        call_command("talent", str(bad))
    assert info.value.returncode == 2
