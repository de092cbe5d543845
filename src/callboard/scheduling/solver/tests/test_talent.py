"""Rehearsal order (talent scheduling): parsing, optimality, the cost of the order, the command.

Plain pytest, no database. The published instances are read from ../shared/benchmarks/talent
(next to the repository); tests that need them are skipped, saying so, when it is absent.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callboard.scheduling.solver.talent import (
    TalentInstance,
    _dense,
    _layered,
    _reduce,
    _reduced_cost,
    _Tables,
    random_talent_instance,
    solve_talent,
    talent_cost,
)
from callboard.scheduling.solver.talent_io import (
    TalentFormatError,
    parse_talent,
    read_talent,
    to_dzn,
)
from callboard.scheduling.solver.talent_kernels import lower_bound

REPO = Path(__file__).resolve().parents[5]
BENCH = REPO.parent / "shared" / "benchmarks" / "talent"
needs_bench = pytest.mark.skipif(
    not BENCH.is_dir(), reason=f"benchmark instances not found at {BENCH}"
)

KNOWN = {  # file -> (optimal total, optimal idle), from the benchmark README
    "tiny": (29, 2),
    "small": (54, 12),
    "concert": (111, 17),
    "rehearsal_smith.dzn": (109, 17),
    "film105.dat": (849, 110),
    "film116.dat": (541, 110),
}


def brute_force(instance: TalentInstance) -> int:
    return min(
        talent_cost(instance, order)[0]
        for order in itertools.permutations(range(instance.n_pieces))
    )


def instances(max_pieces: int = 7, max_people: int = 5) -> st.SearchStrategy[TalentInstance]:
    @st.composite
    def build(draw: st.DrawFn) -> TalentInstance:
        n = draw(st.integers(1, max_pieces))
        m = draw(st.integers(0, max_people))
        plays = draw(
            st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=m, max_size=m)
        )
        durations = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
        rates = draw(st.lists(st.integers(0, 9), min_size=m, max_size=m))
        return TalentInstance(
            "drawn", tuple(durations), tuple(rates), tuple(tuple(row) for row in plays)
        )

    return build()


# --- parsing -------------------------------------------------------------------------------------


def test_stuckey_format_reads_name_sizes_flags_rates_and_durations() -> None:
    text = "tiny\n4\n3\n\n1 0 1 0    1\n1 1 0 1    2\n0 1 1 0    3\n\n\n1 2 3 1\n"
    inst = parse_talent(text, source="tiny")
    assert inst.name == "tiny"
    assert inst.durations == (1, 2, 3, 1)
    assert inst.rates == (1, 2, 3)
    assert inst.plays[1] == (True, True, False, True)


def test_stuckey_format_accepts_sizes_on_one_line_and_no_final_newline() -> None:
    inst = parse_talent("x\n2 1\n1 1 7\n3 4", source="x")
    assert (inst.n_pieces, inst.n_people, inst.rates, inst.durations) == (2, 1, (7,), (3, 4))


def test_stuckey_format_without_a_name_line_is_read_and_named_after_the_file() -> None:
    inst = parse_talent("2\n1\n1 1 7\n3 4\n", source="/somewhere/untitled.dat")
    assert inst.name == "untitled.dat"
    assert (inst.n_pieces, inst.rates, inst.durations) == (2, (7,), (3, 4))


def test_dzn_standard_names_are_read() -> None:
    text = "numScenes = 2; % two\nnumActors = 2;\nia = [|1,0|1,1|];\nc = [3,4];\nd = [5,6];\n"
    inst = parse_talent(text, source="x.dzn", fmt="dzn")
    assert inst.plays == ((True, False), (True, True))
    assert inst.rates == (3, 4) and inst.durations == (5, 6)


def test_dzn_csplib_names_with_array2d_give_rate_one_to_everyone() -> None:
    text = (
        "num_pieces = 3;\nnum_players = 2;\nduration = [2, 4, 1];\n"
        "rehearsal = array2d(1..num_players, 1..num_pieces, [1,1,0, 0,1,1]);\n"
    )
    inst = parse_talent(text, source="r.dzn")
    assert inst.rates == (1, 1)
    assert inst.plays == ((True, True, False), (False, True, True))


def test_to_dzn_round_trips() -> None:
    inst = random_talent_instance(7, 4, seed=3)
    again = parse_talent(to_dzn(inst), source="again.dzn", name=inst.name)
    assert again == inst


@needs_bench
def test_both_formats_of_each_published_instance_agree() -> None:
    for stem, dat in [("MobStory", "MobStory"), ("film103", "film103.dat"), ("tiny", "tiny")]:
        a = read_talent(BENCH / dat)
        b = read_talent(BENCH / f"{stem}.dzn")
        assert (a.durations, a.rates, a.plays) == (b.durations, b.rates, b.plays)


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("", "dat", "is empty"),
        ("x\n2 1\n1 1 7\n3", "dat", "ends early; expected the duration of piece 2"),
        ("x\n2 1\n1 2 7\n3 4", "dat", "person 1, piece 2: flag must be 0 or 1, not 2"),
        ("x\n2 1\n1 one 7\n3 4", "dat", "expected a 0/1 flag for person 1, piece 2, found 'one'"),
        ("x\n2 1\n1 1 7\n3 4 5", "dat", "unexpected text after the 2 durations"),
        ("x\n0 0\n", "dat", "number of pieces must be at least 1"),
        ("x\n1 1\n1 -3\n2", "dat", "person 1 has a negative rate"),
        ("numScenes = 2;\nnumActors = 1;\nia = [|1,0|];\nc = [1];\n", "dzn", "missing d"),
        ("numScenes = 2;\nnumActors = 1;\nia = [|1,0,1|];\nc=[1];\nd=[1,1];", "dzn", "row 1 has 3"),
        ("numScenes = 2;\nnumActors = 1;\nia = [|1,0|];\nc=[1];\nd=[1,x];", "dzn", "'x' is not"),
        ("numScenes = 2 numActors = 1;", "dzn", "expected a number or an array"),
    ],
)
def test_malformed_text_is_refused_with_a_message_that_says_what_is_wrong(
    text: str, fmt: str, message: str
) -> None:
    with pytest.raises(TalentFormatError, match="^bad: .*" + re.escape(message)):
        parse_talent(text, source="bad", fmt=fmt)


def test_a_missing_file_is_a_format_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TalentFormatError, match=r"nothing\.dat: no such file"):
        read_talent(tmp_path / "nothing.dat")


# --- cost of an order ---------------------------------------------------------------------------


def test_cost_of_an_order_follows_the_definition_by_hand() -> None:
    # pieces 0,1,2 of durations 1,2,3; person A (rate 2) in 0 and 2, person B (rate 5) in 1
    inst = TalentInstance("hand", (1, 2, 3), (2, 5), ((True, False, True), (False, True, False)))
    # order 0,1,2: A from 0 to 6 -> 12 (idle 2*2=4); B from 1 to 3 -> 10
    assert talent_cost(inst, (0, 1, 2)) == (22, 4)
    assert talent_cost(inst, (1, 0, 2)) == (18, 0)


def test_cost_refuses_an_order_that_is_not_a_permutation() -> None:
    inst = random_talent_instance(4, 2, seed=1)
    with pytest.raises(ValueError, match="each of the 4 pieces exactly once"):
        talent_cost(inst, (0, 1, 1, 3))


# --- optimality ---------------------------------------------------------------------------------


@needs_bench
@pytest.mark.parametrize("name", sorted(KNOWN))
def test_published_instances_reach_their_known_optimum(name: str) -> None:
    inst = read_talent(BENCH / name)
    result = solve_talent(inst, time_limit=30)
    assert result.optimal
    assert (result.total, result.idle) == KNOWN[name]
    assert talent_cost(inst, result.order) == (result.total, result.idle)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_matches_brute_force_over_all_orders(inst: TalentInstance) -> None:
    result = solve_talent(inst)
    assert result.optimal
    assert result.total == brute_force(inst)
    assert sorted(result.order) == list(range(inst.n_pieces))
    assert talent_cost(inst, result.order) == (result.total, result.idle)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_pieces=11, max_people=7))
def test_dominance_rules_and_plain_dp_agree_with_the_search(inst: TalentInstance) -> None:
    t = _Tables(_reduce(inst))
    if t.n < 2:
        return
    with_rules = _layered(t, 1 << 60, float("inf"))
    without = _layered(t, 1 << 60, float("inf"), rules=False)
    dense = _dense(t, 1 << 60, float("inf"))
    assert with_rules.cost == without.cost == dense.cost
    assert with_rules.order is not None and dense.order is not None
    assert _reduced_cost(t, with_rules.order) == with_rules.cost
    assert _reduced_cost(t, dense.order) == dense.cost


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_pieces=9, max_people=6))
def test_lower_bound_never_exceeds_the_cheapest_completion_of_any_state(
    inst: TalentInstance,
) -> None:
    t = _Tables(_reduce(inst))
    full = (1 << t.n) - 1
    rest_cost = [0] * (1 << t.n)  # cheapest cost of ordering what is not yet placed
    for placed in range(full - 1, -1, -1):
        rest_cost[placed] = min(
            t.step_cost(placed, s) + rest_cost[placed | 1 << s]
            for s in range(t.n)
            if not placed >> s & 1
        )
    ratio, order = np.zeros(max(t.m, 1)), np.zeros(max(t.m, 1), dtype=np.int64)
    for placed in range(1 << t.n):
        bound = lower_bound(
            np.uint64(placed), t.full, t.acts, t.dur, t.rate, t.utab, t.btab, t.ctab,
            t.sact, t.nact, ratio, order,
        )  # fmt: skip
        assert bound <= rest_cost[placed]


@needs_bench
def test_dominance_rules_cut_the_search_on_a_film() -> None:
    t = _Tables(_reduce(read_talent(BENCH / "film105.dat")))
    with_rules = _layered(t, 850, float("inf"))
    without = _layered(t, 850, float("inf"), rules=False)
    assert with_rules.cost == without.cost == 849
    assert with_rules.states < without.states


def test_beam_search_alone_gives_a_valid_order_no_cheaper_than_the_optimum() -> None:
    inst = random_talent_instance(12, 6, seed=9)
    t = _Tables(_reduce(inst))
    beam = _layered(t, 1 << 60, float("inf"), width=2)
    exact = _dense(t, 1 << 60, float("inf"))
    assert beam.order is not None and sorted(beam.order) == list(range(t.n))
    assert _reduced_cost(t, beam.order) == beam.cost >= exact.cost


def test_reduction_merges_identical_pieces_and_fixes_single_piece_people() -> None:
    # casts: 0 {A,B}, 1 {D}, 2 {A,B}, 3 {B,C}, 4 {A,C}; D is in piece 1 only
    plays = (
        (True, False, True, False, True),  # A, rate 4
        (True, False, True, True, False),  # B, rate 5
        (False, False, False, True, True),  # C, rate 3
        (False, True, False, False, False),  # D, rate 7
    )
    inst = TalentInstance("r", (1, 2, 3, 4, 5), (4, 5, 3, 7), plays)
    red = _reduce(inst)
    assert red.constant == 7 * 2  # D costs rate x duration of their one piece in every order
    assert red.free == [1]  # piece 1 then needs nobody who can wait: it goes first
    assert red.groups == [[0, 2], [3], [4]]  # same cast: rehearsed back to back
    result = solve_talent(inst)
    assert result.total == brute_force(inst)


def test_a_hard_instance_falls_back_to_the_plain_dp_and_still_proves_it() -> None:
    inst = random_talent_instance(14, 12, seed=5, density=0.3)
    t = _Tables(_reduce(inst))
    layered = _layered(t, 1 << 60, float("inf"), budget=50)
    assert layered.status == "big"
    result = solve_talent(inst)
    assert result.optimal
    assert result.total == _dense(t, 1 << 60, float("inf")).cost + _reduce(inst).constant


def test_time_limit_returns_the_best_order_found_unproven() -> None:
    inst = random_talent_instance(30, 14, seed=2, density=0.3)
    result = solve_talent(inst, time_limit=0.05)
    assert not result.optimal
    assert result.bound <= result.total
    assert talent_cost(inst, result.order) == (result.total, result.idle)


def test_an_instance_beyond_the_exact_solver_still_gets_a_costed_order() -> None:
    inst = random_talent_instance(70, 9, seed=4)  # more than 62 pieces remain after reduction
    result = solve_talent(inst, time_limit=0.5)
    assert result.method == "heuristic" and not result.optimal
    assert sorted(result.order) == list(range(70))
    assert talent_cost(inst, result.order) == (result.total, result.idle)
    assert result.bound <= result.total


# --- the command --------------------------------------------------------------------------------


def test_console_script_exits_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken"
    bad.write_text("broken\n3\n")
    script = Path(sys.executable).with_name("callboard")
    proc = subprocess.run(
        [str(script), "talent", str(bad), str(tmp_path / "missing.dat")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "broken: ends early; expected the number of people" in proc.stderr
    assert "Traceback" not in proc.stderr
