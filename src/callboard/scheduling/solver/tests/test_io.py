"""The problem JSON format: round trip, and errors that name the bad item."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from callboard.scheduling.solver.generate import QUICK_WEEK, company_week
from callboard.scheduling.solver.io import (
    ProblemError,
    problem_from_json,
    problem_to_json,
    solution_to_json,
)
from callboard.scheduling.solver.problem import DAY
from callboard.scheduling.solver.solution import Call, Solution, Status, Unplaced

MINIMAL: dict[str, Any] = {
    "days": [{"label": "Mon", "open": "10:00", "close": "18:00"}],
    "labour": {"max_minutes_per_day": 360, "earliest_start": "10:00"},
    "travel": [{"from": "main", "to": "annex", "minutes": 20}],
    "studios": [
        {"id": "A", "name": "Studio A", "capacity": 20, "piano": True, "site": "main"},
        {"id": "B", "name": "Studio B", "capacity": 4, "site": "annex"},
    ],
    "people": [
        {
            "id": "klara",
            "name": "Klára Kalmurzaev",
            "commitments": [{"kind": "class", "day": 0, "start": "10:00", "end": "11:15"}],
            "max_minutes_per_day": 240,
        },
        {"id": "pavlov", "name": "Sergei Pavlov", "kind": "staff", "weight": 2},
    ],
    "requests": [
        {
            "id": "veils",
            "label": "Dance of the Seven Veils — solo",
            "minutes": 90,
            "people": ["klara", "pavlov"],
            "needs_piano": True,
            "windows": [{"start": "12:00", "end": "18:00"}],
            "split": [60, 30],
            "priority": 5,
        }
    ],
}


def bad(change: Any) -> str:
    data = copy.deepcopy(MINIMAL)
    change(data)
    with pytest.raises(ProblemError) as error:
        problem_from_json(data)
    return str(error.value)


def test_minimal_problem_parses_with_times_of_day():
    p = problem_from_json(MINIMAL)
    assert p.people[0].commitments[0].start == 600
    assert p.requests[0].part_lengths == (60, 30)
    assert p.requests[0].windows[0].start == 12 * 60
    assert p.labour.earliest_start == 600


def test_generated_week_round_trips_through_json():
    p = company_week(2, QUICK_WEEK)
    text = json.dumps(problem_to_json(p))
    assert problem_from_json(json.loads(text)) == p


def test_absolute_minutes_are_accepted_for_intervals():
    p = problem_from_json(
        {
            **MINIMAL,
            "people": [
                {**MINIMAL["people"][0], "unavailable": [{"start": 700, "end": 760}]},
                MINIMAL["people"][1],
            ],
        }
    )
    assert (p.people[0].unavailable[0].start, p.people[0].unavailable[0].end) == (700, 760)


def test_unknown_person_is_named():
    message = bad(lambda d: d["requests"][0]["people"].append("nobody"))
    assert "'veils'" in message and "'nobody'" in message


def test_unknown_studio_is_named():
    message = bad(lambda d: d["requests"][0].update(studios=["Z"]))
    assert "'veils'" in message and "'Z'" in message


def test_negative_duration_is_named():
    message = bad(lambda d: d["people"][0]["commitments"][0].update(start="12:00", end="11:00"))
    assert "people[0] ('klara')" in message and "commitments[0]" in message


def test_negative_minutes_are_refused():
    message = bad(lambda d: d["requests"][0].update(minutes=-30, split=1))
    assert "'veils'" in message and "minutes" in message


def test_request_that_fits_no_studio_is_named():
    message = bad(lambda d: d["requests"][0].update(people=["klara", "pavlov"], studios=["B"]))
    assert "'veils'" in message and "fits no studio" in message


def test_time_window_outside_the_day_is_named():
    message = bad(lambda d: d["requests"][0].update(windows=[{"start": "20:00", "end": "26:00"}]))
    assert "requests[0] ('veils')" in message and "outside the day" in message


def test_time_window_outside_the_working_day_is_named():
    message = bad(lambda d: d["requests"][0].update(windows=[{"start": "06:00", "end": "08:00"}]))
    assert "'veils'" in message and "outside the working day" in message


def test_bad_time_string_is_named():
    message = bad(lambda d: d["days"][0].update(open="ten"))
    assert "days[0]" in message and "'open'" in message


def test_split_lengths_must_add_up():
    message = bad(lambda d: d["requests"][0].update(split=[60, 60]))
    assert "'veils'" in message and "add up" in message


def test_unknown_field_is_named():
    message = bad(lambda d: d["studios"][0].update(colour="blue"))
    assert "studios[0] ('A')" in message and "'colour'" in message


def test_missing_travel_between_sites_is_named():
    message = bad(lambda d: d.update(travel=[]))
    assert "travel" in message and "'annex'" in message


def test_published_call_of_unknown_request_is_named():
    message = bad(
        lambda d: d.update(
            published=[{"request": "gala", "studio": "A", "day": 0, "start": "12:00"}]
        )
    )
    assert "'gala'" in message


def test_not_an_object():
    with pytest.raises(ProblemError):
        problem_from_json([])  # type: ignore[arg-type]


def test_solution_to_json_names_calls_and_reasons():
    p = problem_from_json(MINIMAL)
    solution = Solution(
        status=Status.FEASIBLE,
        calls=(Call("veils", 0, "A", 12 * 60, 13 * 60, ("klara", "pavlov")),),
        unplaced=(Unplaced("veils", 1, 30, "No time works."),),
        objective=10,
        bound=5,
        gap=0.5,
        breakdown=(("unplaced", 10),),
    )
    data = solution_to_json(solution, p)
    assert data["status"] == "feasible"
    assert data["calls"][0] == {
        "request": "veils",
        "label": "Dance of the Seven Veils — solo",
        "part": 0,
        "studio": "A",
        "day": 0,
        "start": "12:00",
        "end": "13:00",
        "start_minute": 720,
        "end_minute": 780,
        "people": ["klara", "pavlov"],
    }
    assert data["unplaced"][0]["reason"] == "No time works."
    assert data["breakdown"]["unplaced"] == 10
    assert data["calls"][0]["start_minute"] < DAY
