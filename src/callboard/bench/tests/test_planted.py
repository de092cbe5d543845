"""The planted-week benchmark in quick mode: one small week, one seed, a short limit."""

from __future__ import annotations

from callboard.bench import planted


def test_the_planted_table_gives_ratios_to_the_proved_optimum_and_the_over_subscribed_gap():
    rows = planted.run(quick=True, limits=(10.0,), seeds=(0,))
    greedy, callboard, over = rows
    assert greedy["method"] == "greedy" and callboard["method"] == "callboard"
    # The person bound proves the planted optimum on its own.
    assert callboard["bound_proves_optimum"] is True
    assert callboard["person_bound"] == callboard["optimum"] > 0
    # Every run keeps every rule; no run beats the optimum.
    assert callboard["runs_valid"] == callboard["runs"] == 1
    assert 1.0 <= callboard["median_ratio"] <= callboard["worst_ratio"]
    assert greedy["median_ratio"] >= 1.0
    assert callboard["load"] >= 0
    # The over-subscribed week: a gap against the reported bound, minutes proved unplaceable.
    assert over["week"].endswith("over-subscribed")
    assert over["unplaceable_min_proved"] is not None and over["unplaceable_min_proved"] > 0
    assert 0.0 <= over["median_gap_pct"] <= 100.0
