"""Re-planning a published week after a dancer falls ill for two days.

The week's CP-SAT schedule is published; then the dancer with the most calls on days 2–3
falls ill for those two days. Callboard's minimal-change re-plan (the published calls in
the problem, goals ``moved_call`` and ``touched_person``) is compared with a re-plan from
scratch on calls moved (or dropped) and people touched. ``quick``: a smaller week, 10 s.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from callboard.scheduling.solver.check import check
from callboard.scheduling.solver.generate import QUICK_WEEK, WeekSize, company_week
from callboard.scheduling.solver.problem import DAY, PersonKind
from callboard.scheduling.solver.replan import (
    compare,
    person_unavailable,
    replan,
    replan_from_scratch,
    with_published,
)
from callboard.scheduling.solver.solve import solve

SEED = 2
WORKERS = 2
ILL_FROM, ILL_DAYS = 1, 2


def run(quick: bool) -> list[dict[str, Any]]:
    size = QUICK_WEEK if quick else WeekSize()
    time_limit = 10.0 if quick else 60.0
    week = company_week(SEED, size)
    first = solve(week, time_limit=time_limit, seed=0, workers=WORKERS, explain_unplaced=False)
    dancers = {p.id for p in week.people if p.kind is PersonKind.DANCER}
    in_window = Counter(
        pid
        for c in first.calls
        if ILL_FROM * DAY <= c.start < (ILL_FROM + ILL_DAYS) * DAY
        for pid in c.people
        if pid in dancers
    )
    ill_id, forced = in_window.most_common(1)[0]
    ill = person_unavailable(with_published(week, first.calls), ill_id, ILL_FROM, ILL_DAYS)
    rows = []
    for method, plan in (
        ("minimal change", replan),
        ("from scratch", replan_from_scratch),
    ):
        solution = plan(ill, time_limit=time_limit, seed=0, workers=WORKERS, explain_unplaced=False)
        changed = compare(ill, solution.calls)
        rows.append(
            {
                "method": method,
                "ill_dancer": week.person_name(ill_id),
                "published_calls": len(first.calls),
                "calls_forced_to_move": forced,
                "calls_moved": changed.calls_moved,
                "people_touched": changed.people_touched,
                "placed_min": changed.placed_minutes,
                "published_placed_min": first.placed_minutes,
                "violations": len(check(ill, solution.calls)),
                "status": solution.status.value,
                "gap_pct": round(100 * solution.gap, 2) if solution.gap is not None else None,
                "seconds": round(solution.seconds, 2),
            }
        )
    return rows
