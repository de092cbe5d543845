"""``callboard solve``: run as a subprocess (the solver package never imports Django)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from callboard.scheduling.solver.tests.test_io import MINIMAL


def run(tmp_path: Path, data: object | str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "problem.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "callboard.cli", "solve", str(path), "--time-limit", "5", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return run(
        tmp_path_factory.mktemp("cli"), MINIMAL, "--explain", "--seed", "3", "--workers", "1"
    )


def test_prints_the_schedule_as_a_table(table: subprocess.CompletedProcess[str]):
    assert table.returncode == 0, table.stderr
    out = table.stdout
    assert "Status: optimal" in out and "bound" in out and "gap" in out
    assert "Mon" in out and "Studio A" in out
    assert "Dance of the Seven Veils — solo (1/2)" in out
    assert "Klára Kalmurzaev" in out
    assert "Placed 90 of 90 requested minutes" in out


def test_explain_says_why_each_penalty_was_paid(table: subprocess.CompletedProcess[str]):
    assert "Why each penalty was paid:" in table.stdout
    assert "(waiting)" in table.stdout


def test_progress_goes_to_stderr(table: subprocess.CompletedProcess[str]):
    assert "objective" in table.stderr and "bound" in table.stderr


def test_json_output(tmp_path: Path):
    result = run(tmp_path, MINIMAL, "--json", "--explain")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "optimal"
    assert {c["request"] for c in data["calls"]} == {"veils"}
    assert "explanation" in data
    assert result.stderr == ""


def test_unplaced_requests_are_listed_with_their_reason(tmp_path: Path):
    data = copy.deepcopy(MINIMAL)
    data["requests"].append(
        {"id": "gala", "label": "Gala rehearsal", "minutes": 600, "people": ["klara"]}
    )
    result = run(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert "Not placed:" in result.stdout and "Gala rehearsal (600 min)" in result.stdout


def test_bad_input_names_the_item_and_exits_2(tmp_path: Path):
    data = copy.deepcopy(MINIMAL)
    data["requests"][0]["people"].append("ghost")
    result = run(tmp_path, data)
    assert result.returncode == 2
    assert "'ghost'" in result.stderr and "'veils'" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_json_exits_2(tmp_path: Path):
    result = run(tmp_path, "{not json")
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "callboard.cli", "solve", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_greedy_method_prints_the_baseline(tmp_path: Path):
    result = run(tmp_path, MINIMAL, "--method", "greedy", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "greedy" and data["bound"] is None
    assert {(c["request"], c["part"]) for c in data["calls"]} == {("veils", 0), ("veils", 1)}


def check_run(
    tmp_path: Path, schedule: object | str, *args: str
) -> subprocess.CompletedProcess[str]:
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(MINIMAL), encoding="utf-8")
    path = tmp_path / "schedule.json"
    path.write_text(
        schedule if isinstance(schedule, str) else json.dumps(schedule), encoding="utf-8"
    )
    return subprocess.run(
        [sys.executable, "-m", "callboard.cli", "check", str(problem), str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_accepts_a_solution_and_scores_it(tmp_path: Path):
    solved = run(tmp_path, MINIMAL, "--json", "--workers", "1")
    solution = json.loads(solved.stdout)
    result = check_run(tmp_path, solution, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["valid"] is True and data["violations"] == []
    assert data["objective"] == solution["objective"]
    assert data["placed_minutes"] == data["requested_minutes"] == 90
    text = check_run(tmp_path, solution)
    assert text.returncode == 0 and "keeps every rule" in text.stdout


def test_check_names_each_broken_rule_and_exits_1(tmp_path: Path):
    calls = [
        {"request": "veils", "part": 0, "studio": "A", "day": 0, "start": "14:05"},
        {"request": "veils", "part": 1, "studio": "B", "day": 0, "start": "14:30"},
    ]
    result = check_run(tmp_path, calls)
    assert result.returncode == 1, result.stderr
    assert "calls start on the time grid" in result.stdout
    assert "off the 15-minute grid" in result.stdout
    assert "Studio B" in result.stdout  # no piano, and too far to travel in time
    data = json.loads(check_run(tmp_path, calls, "--json").stdout)
    assert {"time_grid", "studio_fit", "person_clash"} <= {v["rule"] for v in data["violations"]}


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("[{", "not valid JSON"),
        ({"calls": [{"request": "veils", "studio": "A"}]}, "calls[0] ('veils')"),
        ([{"request": "veils", "studio": "A", "day": 5, "start": "12:00"}], "outside the horizon"),
        ([{"request": "veils", "studio": "A", "start_minute": "noon"}], "'start_minute'"),
        ({"schedule": []}, "no 'calls'"),
    ],
)
def test_check_malformed_schedule_names_the_item_and_exits_2(
    tmp_path: Path, schedule: object, expected: str
):
    result = check_run(tmp_path, schedule)
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr and "Traceback" not in result.stderr
