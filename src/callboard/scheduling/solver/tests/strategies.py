"""Hypothesis strategies: small random problems that exercise every rule and goal."""

from __future__ import annotations

from hypothesis import strategies as st

from callboard.scheduling.solver.problem import (
    DAY,
    Commitment,
    CommitmentKind,
    Day,
    Interval,
    LabourRules,
    Person,
    PersonKind,
    Precedence,
    Problem,
    ProblemError,
    PublishedCall,
    Request,
    Studio,
    Travel,
    Weights,
    Window,
    validate,
)

OPEN = 600  # every tiny day opens at 10:00


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[int]) -> int | None:
    return draw(st.one_of(st.none(), strategy))


@st.composite
def labour_rules(draw: st.DrawFn, width: int) -> LabourRules:
    has_break = draw(st.booleans())
    has_meal = draw(st.booleans())
    return LabourRules(
        max_minutes_per_day=_maybe(draw, st.sampled_from([30, 60, 90, 120, 150])),
        max_minutes_per_week=_maybe(draw, st.sampled_from([60, 120, 180])),
        longest_call=_maybe(draw, st.sampled_from([30, 45, 60, 90])),
        max_span=_maybe(draw, st.sampled_from([60, 90, 120, 150])),
        break_every=draw(st.sampled_from([30, 45, 60, 90])) if has_break else None,
        break_minutes=draw(st.sampled_from([5, 15, 30])) if has_break else 0,
        meal_within=draw(st.sampled_from([45, 60, 90, 120])) if has_meal else None,
        meal_minutes=draw(st.sampled_from([15, 30, 45])) if has_meal else 0,
        min_rest_between_days=_maybe(
            draw, st.sampled_from([DAY - 2 * width, DAY - width, DAY - 30])
        ),
        earliest_start=_maybe(draw, st.sampled_from([OPEN, OPEN + 15, OPEN + 30])),
        latest_end=_maybe(draw, st.sampled_from([OPEN + width - 30, OPEN + width])),
        free_days_per_week=draw(st.sampled_from([0, 0, 5, 6, 7])),
        class_counts_as_work=draw(st.booleans()),
        performance_counts_as_work=draw(st.booleans()),
    )


@st.composite
def tiny_problems(draw: st.DrawFn, max_parts: int = 3, published: bool = True) -> Problem:
    """At most ``max_parts`` calls to place, one or two short days, two or three people."""
    n_days = draw(st.integers(1, 2))
    width = draw(st.sampled_from([90, 120] if n_days == 2 else [90, 120, 150]))
    days = tuple(Day(OPEN, OPEN + width, f"D{d}") for d in range(n_days))
    rules = labour_rules(width)
    labour = draw(rules)
    n_people = draw(st.integers(2, 3))
    people = []
    for k in range(n_people):
        day = draw(st.integers(0, n_days - 1))
        commitments: list[Commitment] = []
        if draw(st.booleans()):
            at = day * DAY + OPEN + draw(st.sampled_from([0, 15, 30, 45, 60]))
            kind = draw(st.sampled_from(list(CommitmentKind)))
            commitments.append(
                Commitment(
                    kind,
                    at,
                    at + draw(st.sampled_from([15, 30, 45])),
                    kind.value,
                    site=draw(st.sampled_from([None, "main", "annex"])),
                )
            )
        unavailable: list[Interval] = []
        if draw(st.integers(0, 3)) == 0:
            at = day * DAY + OPEN + draw(st.sampled_from([0, 30, 60]))
            unavailable.append(Interval(at, at + 30))
        people.append(
            Person(
                id=f"p{k}",
                name=f"Person {k}",
                kind=draw(st.sampled_from(list(PersonKind))),
                weight=draw(st.integers(0, 3)),
                unavailable=tuple(unavailable),
                commitments=tuple(commitments),
                max_minutes_per_day=_maybe(draw, st.sampled_from([30, 60, 90])),
                labour=draw(st.one_of(st.none(), rules)) if k == 0 else None,
                preferred=draw(st.sampled_from([(), (Window(OPEN, OPEN + 60),)])),
                prior_week_minutes=_maybe(draw, st.sampled_from([0, 30, 60])),
                spike_percent=draw(st.sampled_from([100, 150])),
            )
        )
    two_sites = draw(st.booleans())
    n_studios = draw(st.integers(1, 2))
    studios = tuple(
        Studio(
            f"s{k}",
            f"Studio {k}",
            capacity=draw(st.integers(1, 3)),
            piano=draw(st.booleans()),
            site="annex" if two_sites and k == 1 else "main",
            unavailable=(Interval(OPEN + 30, OPEN + 60),) if draw(st.integers(0, 3)) == 0 else (),
        )
        for k in range(n_studios)
    )
    requests: list[Request] = []
    parts = 0
    for k in range(draw(st.integers(1, max_parts))):
        if parts >= max_parts:
            break
        minutes = draw(st.sampled_from([15, 30, 45, 60, 90]))
        split = draw(st.sampled_from([1, 1, 2])) if parts + 2 <= max_parts and minutes >= 30 else 1
        who = draw(
            st.lists(
                st.sampled_from([p.id for p in people]), min_size=1, max_size=n_people, unique=True
            )
        )
        requests.append(
            Request(
                id=f"r{k}",
                label=f"Request {k}",
                minutes=minutes,
                people=tuple(who),
                needs_piano=draw(st.booleans()),
                days=draw(st.sampled_from([(), (0,)])),
                windows=draw(st.sampled_from([(), (), (Window(OPEN, OPEN + 90),)])),
                priority=draw(st.integers(1, 3)),
                split=split,
                required=draw(st.integers(0, 5)) == 0,
                preferred=draw(st.sampled_from([(), (Window(OPEN + 30, OPEN + width),)])),
            )
        )
        parts += split
    precedences: tuple[Precedence, ...] = ()
    if len(requests) >= 2 and draw(st.booleans()):
        precedences = (Precedence(requests[0].id, requests[1].id),)
    pub: list[PublishedCall] = []
    if published and draw(st.booleans()):
        for r in requests:
            if draw(st.booleans()):
                start = OPEN + draw(st.sampled_from([0, 15, 30]))
                pub.append(
                    PublishedCall(
                        r.id,
                        0,
                        studios[0].id,
                        start,
                        locked=draw(st.integers(0, 4)) == 0,
                        people=draw(st.sampled_from([None, r.people[:1]])),
                    )
                )
    weights = Weights(
        unplaced=draw(st.integers(1, 20)),
        waiting=draw(st.integers(0, 3)),
        late_finish=draw(st.integers(0, 3)),
        late_after=OPEN + draw(st.sampled_from([30, 60, 90])),
        long_day=draw(st.integers(0, 3)),
        long_day_after=draw(st.sampled_from([30, 60, 90])),
        preference=draw(st.integers(0, 3)),
        balance=draw(st.integers(0, 3)),
        spike=draw(st.integers(0, 3)),
        moved_call=draw(st.integers(0, 50)),
        touched_person=draw(st.integers(0, 50)),
    )
    problem = Problem(
        days=days,
        people=tuple(people),
        studios=studios,
        requests=tuple(requests),
        labour=labour,
        travel=(Travel("main", "annex", draw(st.sampled_from([15, 30]))),),
        precedences=precedences,
        published=tuple(pub),
        weights=weights,
        granularity=draw(st.sampled_from([15, 15, 30])),
    )
    try:
        validate(problem)
    except ProblemError:
        from hypothesis import assume

        assume(False)
    return problem
