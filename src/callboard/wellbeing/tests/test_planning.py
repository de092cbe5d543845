"""The planning rules of injuries, on plain data (no database)."""

from __future__ import annotations

import datetime as dt

from callboard.wellbeing.planning import (
    LIMITED,
    OUT,
    DayLimit,
    InjuryData,
    StageData,
    combine,
    injury_limit_on,
    periods,
    restriction_window,
)

D = dt.date(2026, 11, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def sprain(*stages: StageData, lost: int | None = None) -> InjuryData:
    return InjuryData(1, 7, D, lost, tuple(stages))


PLAN = sprain(
    StageData(day(0), "out"),
    StageData(day(10), "limited", 90, ("no_pointe", "no_jumps")),
    StageData(day(20), "full", may_perform=True),
)


def test_each_stage_holds_until_the_next_begins():
    assert injury_limit_on(PLAN, day(-1)) is None
    assert injury_limit_on(PLAN, day(0)) == DayLimit(OUT)
    assert injury_limit_on(PLAN, day(9)) == DayLimit(OUT)
    limited = injury_limit_on(PLAN, day(10))
    assert limited == DayLimit(LIMITED, 90, ("no_jumps", "no_pointe"), False)
    assert injury_limit_on(PLAN, day(19)) == limited
    assert injury_limit_on(PLAN, day(20)) is None


def test_time_lost_counts_as_unavailable_until_a_plan_exists():
    injury = sprain(lost=5)
    assert injury_limit_on(injury, day(4)) == DayLimit(OUT)
    assert injury_limit_on(injury, day(5)) is None


def test_a_plan_overrides_the_time_lost_from_its_first_stage():
    injury = sprain(StageData(day(2), "limited", 120), lost=30)
    assert injury_limit_on(injury, day(1)).unavailable
    assert injury_limit_on(injury, day(2)).cap == 120
    assert injury_limit_on(injury, day(25)).cap == 120


def test_the_last_limited_stage_stays_until_the_physiotherapist_says_otherwise():
    injury = sprain(StageData(day(0), "limited", 60))
    assert injury_limit_on(injury, day(3650)).cap == 60
    assert restriction_window(injury) == (day(0), None)


def test_injuries_combine_to_the_strictest_limit():
    a = DayLimit(LIMITED, 120, ("no_jumps",), True)
    b = DayLimit(LIMITED, 90, ("no_partnering",), False)
    assert combine([a, b]) == DayLimit(LIMITED, 90, ("no_jumps", "no_partnering"), False)
    assert combine([a, DayLimit(OUT)]).unavailable
    assert combine([None, None]) is None


def test_restriction_window_covers_exactly_the_limited_days():
    assert restriction_window(PLAN) == (day(0), day(19))
    assert restriction_window(sprain(lost=3)) == (day(0), day(2))
    assert restriction_window(sprain(StageData(day(0), "full"))) is None
    assert restriction_window(sprain()) is None


def test_periods_merge_days_and_run_on_to_their_real_end():
    found = periods([PLAN], day(5), day(12))
    assert [(p.first, p.last, p.limit.status) for p in found] == [
        (day(5), day(9), OUT),
        (day(10), day(19), LIMITED),
    ]


def test_an_open_ended_period_has_no_last_day():
    found = periods([sprain(StageData(day(0), "limited", 60))], day(3), day(4))
    assert found[0].last is None


def test_the_planning_text_names_the_limits_and_nothing_medical():
    text = DayLimit(LIMITED, 90, ("no_jumps",), False).describe()
    assert text == "limited to 90 minutes a day, no jumps, not performing"
    assert DayLimit(OUT).describe() == "unavailable"
