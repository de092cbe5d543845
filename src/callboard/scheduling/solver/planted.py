"""Planted company weeks: realistic weeks whose best schedule is known exactly.

A planted week is built the other way round. First a schedule is laid down that keeps
every hard rule with the least waiting the rules allow for every person; then the
requests are written that this schedule satisfies, with wide time windows, several
allowed days and a choice of studios, so that the answer is not pinned.

The shape (US preset, default weights): 60 dancers in two groups, one taking company class
10:00–11:15 in the theatre ("main": studios A, B, C), the other in the annex (studios D,
E; 20 minutes away); each dancer has a rota day off; the cast of the evening performance
(18:30–22:15) is not called on show days (class and the show leave less than the shortest
call under the daily maximum); a few dancers are back from injury (240 minutes a day) or
away for a few days; répétiteurs and a pianist take at most one call a day; a few guest
artists take their own class, not the company's, and have one call on the days they are
called, at any free hour of a studio (which makes a week of 90–130 calls).

What the rules force, person by person (every call lasts 75 minutes or more):

- a call after class needs a short break: on the 15-minute grid the first call of a day
  starts at 11:30 at the earliest (15 minutes of waiting), and each further call of the day
  waits 15 minutes more;
- two calls after class end past 14:00, so such a day needs the meal hour: 45 minutes more;
- four calls do not fit the 360 minutes of a day with class.

So a dancer with ``c`` calls over ``D`` days they can be called on waits at least
``15 c + 45 ⌈(c − D)⁺ / 2⌉`` minutes, and staff and guest artists with at most one call a
day wait nothing.
The planted schedule meets this for everyone: a *light day* is one call at 11:30; a
*full day* (at most one a week, only for dancers called on every day they can be) is a
call at 11:30, the meal hour, then one or two calls 15 minutes apart. Nobody works past
18:00 (no late finishes, no long days); nothing is left out. Its objective is therefore
the optimum, which the person bound (``bound.py``) proves independently.

``over=True`` adds requests that cannot all be placed: extra calls for the dancers back
from injury, who have no room left for them. Then the optimum is not known; the person
bound says how many minutes cannot be placed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from callboard.scheduling.solver.generate import DAY_NAMES, US_BALLET, WORKS, dancer_name
from callboard.scheduling.solver.problem import (
    DAY,
    Commitment,
    CommitmentKind,
    Day,
    Interval,
    Person,
    PersonKind,
    Problem,
    Request,
    Studio,
    Travel,
    Weights,
    Window,
)
from callboard.scheduling.solver.solution import Call

CLASS_START, CLASS_END = 10 * 60, 11 * 60 + 15
FIRST_CALL = 11 * 60 + 30
LATEST_END = 18 * 60
SHOW_START, SHOW_END = 18 * 60 + 30, 22 * 60 + 15
LENGTHS = (75, 75, 90, 90, 105, 120)
AFTERNOON_LENGTHS = (75, 75, 75, 90, 90, 105)
"""Afternoon calls are shorter, so the studios hold two or three each after the meal hour
(a week of 90–130 calls)."""
STUDIOS = (
    ("A", "Studio A (Grand)", 40, True, "main"),
    ("B", "Studio B", 24, True, "main"),
    ("C", "Studio C", 16, False, "main"),
    ("D", "Studio D", 24, True, "annex"),
    ("E", "Studio E", 12, False, "annex"),
)
SECTIONS = ("corps", "ensemble", "pas de deux", "variations", "staging", "coda", "finale")


@dataclass(frozen=True)
class PlantedSize:
    dancers: int = 60
    days: int = 6
    show_days: tuple[int, ...] = (3, 5)
    cast: int = 14
    injured: int = 3
    away: int = 2
    staff: int = 4
    full_day_share: float = 0.9
    """Share of the dancers who have one full day (with the meal hour) in the week."""
    light_share: float = 0.8
    """Chance that a dancer with no full day is called on a day they may be."""
    guests: int = 7
    """Guest artists: dancers who take their own class, not the company's, and have one
    call on a day they are called, at any hour the studios are free (no waiting)."""
    guest_share: float = 0.85
    """Chance that a guest artist is called on a day they may be."""


QUICK_PLANTED = PlantedSize(
    dancers=24, show_days=(3,), cast=6, injured=1, away=1, staff=2, guests=2
)


@dataclass(frozen=True)
class PlantedWeek:
    problem: Problem
    calls: tuple[Call, ...]
    """The planted schedule (keeps every rule)."""
    optimum: int | None
    """Its objective, the optimum (``None`` for an over-subscribed week)."""
    people_waiting: dict[str, int] = field(default_factory=dict)
    """The least waiting the rules force on each person (what the schedule gives them)."""


def planted_week(
    seed: int = 1, size: PlantedSize = PlantedSize(), *, over: bool = False
) -> PlantedWeek:
    """A seeded planted week (same seed, same week); ``over``: over-subscribed."""
    rng = random.Random(seed * 7919 + (1 if over else 0))
    n_days = size.days
    days = tuple(Day(9 * 60 + 30, 23 * 60, DAY_NAMES[d % 7]) for d in range(n_days))
    show_days = tuple(d for d in size.show_days if d < n_days)
    class_studio = {"main": "A", "annex": "D"}
    studios = tuple(
        Studio(
            sid,
            name,
            room,
            piano,
            site,
            tuple(Interval(d * DAY + CLASS_START, d * DAY + CLASS_END) for d in range(n_days))
            if sid in class_studio.values()
            else (),
        )
        for sid, name, room, piano, site in STUDIOS
    )
    by_site: dict[str, list[Studio]] = defaultdict(list)
    for s in studios:
        by_site[s.site].append(s)

    # -- dancers: the theatre group and the annex group, rota days, cast, injured, away.
    n = size.dancers
    site_of = {i: ("main" if i < round(n * 0.62) else "annex") for i in range(n)}
    rota = {i: rng.randrange(n_days) for i in range(n)}
    main_ids = [i for i in range(n) if site_of[i] == "main"]
    cast = set(rng.sample(main_ids, min(size.cast, len(main_ids)))) if show_days else set()
    others = [i for i in range(n) if i not in cast]
    injured = set(rng.sample(others, size.injured))
    away_days: dict[int, set[int]] = {}
    for i in rng.sample([i for i in others if i not in injured], size.away):
        start = rng.randrange(n_days - 1)
        away_days[i] = {rota[i], start, start + 1}
    guests = set(
        rng.sample([i for i in others if i not in injured and i not in away_days], size.guests)
    )
    people: list[Person] = []
    can_call: dict[int, list[int]] = {}
    for i in range(n):
        away = away_days.get(i, set())
        class_days = [d for d in range(n_days) if d != rota[i] and d not in away]
        commitments = [
            Commitment(
                CommitmentKind.CLASS,
                d * DAY + CLASS_START,
                d * DAY + CLASS_END,
                "Company class",
                site=site_of[i],
            )
            for d in class_days
            if i not in guests
        ]
        if i in cast:
            commitments += [
                Commitment(
                    CommitmentKind.PERFORMANCE,
                    d * DAY + SHOW_START,
                    d * DAY + SHOW_END,
                    "Giselle (performance)",
                    site="main",
                )
                for d in show_days
                if d in class_days
            ]
        can_call[i] = [d for d in class_days if not (i in cast and d in show_days)]
        rank = (
            "guest artist"
            if i in guests
            else "principal"
            if i < n // 12
            else "soloist"
            if i < n // 4
            else "corps"
        )
        people.append(
            Person(
                id=f"d{i:02d}",
                name=f"{dancer_name(i)} ({rank})",
                unavailable=tuple(Interval(d * DAY, (d + 1) * DAY) for d in sorted(away)),
                commitments=tuple(sorted(commitments, key=lambda c: c.start)),
                max_minutes_per_day=240 if i in injured else None,
            )
        )
    staff_site = ["main", "main", "annex", "main"] + ["main", "annex"] * size.staff
    staff = [
        Person(
            f"s{k}",
            f"{_STAFF[k % len(_STAFF)]} ({'pianist' if k == 3 else 'répétiteur'})",
            PersonKind.STAFF,
        )
        for k in range(size.staff)
    ]
    staff_days: dict[str, set[int]] = {s.id: set() for s in staff}

    # -- each dancer's week: one full day or none; called on every day they can be if so.
    full_day: dict[int, int] = {}
    on: dict[int, set[int]] = {}
    for i in range(n):
        days_ok = can_call[i]
        if not days_ok:
            on[i] = set()
            continue
        if i in guests:
            on[i] = {d for d in days_ok if rng.random() < size.guest_share}
        elif i in injured:  # back from injury: one call on every day they can be called
            on[i] = set(days_ok)
        elif rng.random() < size.full_day_share:
            full_day[i] = rng.choice(days_ok)
            on[i] = set(days_ok)
        else:
            on[i] = {d for d in days_ok if rng.random() < size.light_share}

    calls: list[Call] = []
    labels: dict[str, str] = {}
    sections: dict[str, str] = {}
    works = rng.sample(WORKS, len(WORKS))
    counter = [0]

    def new_call(studio: Studio, start: int, length: int, cast_ids: list[int], day: int) -> None:
        who = [f"d{i:02d}" for i in sorted(cast_ids)]
        free = [
            s
            for s in staff
            if staff_site[int(s.id[1:])] == studio.site
            and day not in staff_days[s.id]
            and len(staff_days[s.id]) < n_days - 1
        ]
        if free and rng.random() < 0.5:
            member = rng.choice(free)
            staff_days[member.id].add(day)
            who.append(member.id)
        rid = f"p{counter[0]:03d}"
        counter[0] += 1
        work = works[counter[0] % len(works)]
        section = rng.choice(SECTIONS)
        labels[rid] = f"{work} — {section}"
        sections[rid] = section
        calls.append(Call(rid, 0, studio.id, start, start + length, tuple(who)))
        busy[(studio.id, day)].append((start % DAY, start % DAY + length))

    # What each studio holds on each day (time of day): class, then the calls laid down.
    busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for s in studios:
        for iv in s.unavailable:
            busy[(s.id, iv.start // DAY)].append((iv.start % DAY, iv.end % DAY))

    for d in range(n_days):
        day_chains: list[tuple[str, int, list[int], int, int]] = []
        day_free: dict[str, int] = {}
        for site, site_studios in by_site.items():
            dancers_today = [
                i for i in range(n) if site_of[i] == site and d in on[i] and i not in guests
            ]
            rng.shuffle(dancers_today)
            full_today = [i for i in dancers_today if full_day.get(i) == d]
            light_today = [i for i in dancers_today if full_day.get(i) != d]
            # The 11:30 calls: every dancer of the day is in exactly one of them.
            k = len(site_studios)
            groups: list[list[int]] = [[] for _ in range(k)]
            caps = [s.capacity for s in site_studios]
            for i in light_today + full_today:
                options = [g for g in range(k) if len(groups[g]) < caps[g]]
                if not options:  # never with these studios; kept simple if it happens
                    raise ValueError("a planted week needs more studio room")
                g = min(options, key=lambda g: (len(groups[g]) / caps[g], rng.random()))
                groups[g].append(i)
            free_at = {s.id: FIRST_CALL for s in site_studios}
            chains: list[tuple[int, list[int], int, int]] = []  # ready, group, left, worked
            for g, studio in enumerate(site_studios):
                if not groups[g]:
                    continue
                length = rng.choice(LENGTHS)
                start = d * DAY + FIRST_CALL
                new_call(studio, start, length, groups[g], d)
                free_at[studio.id] = FIRST_CALL + length
                full = [i for i in groups[g] if full_day.get(i) == d]
                # Full-day dancers of this call split into one or two groups for the
                # afternoon; each has its meal hour straight after the 11:30 call.
                rng.shuffle(full)
                size_of = rng.choice([1, 1, 2, 2, 3])
                for at in range(0, len(full), size_of):
                    chains.append((FIRST_CALL + length + 60, full[at : at + size_of], 2, length))
            day_chains += [(site, *c) for c in chains]
            day_free |= free_at
        # The afternoon: each group's calls start exactly when it is ready; after the meal
        # hour it may go to the other site, then stays there (15 minutes is no journey).
        pending = list(day_chains)
        rng.shuffle(pending)
        while pending:
            pending.sort(key=lambda c: c[1])
            site, ready, group, left, worked = pending.pop(0)
            budget = 285 - worked
            lengths = [ln for ln in AFTERNOON_LENGTHS if ln <= budget and ready + ln <= LATEST_END]
            fits = [
                s
                for s in studios
                if day_free[s.id] <= ready
                and s.capacity >= len(group)
                and (left == 2 or s.site == site)
            ]
            if not lengths or not fits:
                if left == 2:  # no second call: not a full day after all
                    for i in group:
                        del full_day[i]
                continue
            studio = rng.choice(fits)
            length = rng.choice(lengths)
            new_call(studio, d * DAY + ready, length, group, d)
            day_free[studio.id] = ready + length
            if left == 2 and rng.random() < 0.95:
                pending.append((studio.site, ready + length + 15, group, 1, worked + length))
        # The guest artists: one call each (a pas de deux of two now and then), wherever a
        # studio is free between 10:00 and 18:00; a guest not fitted in is not called.
        today = [i for i in sorted(guests) if d in on[i]]
        rng.shuffle(today)
        while today:
            group = [today.pop()]
            if today and rng.random() < 0.35:
                group.append(today.pop())
            length = rng.choice(AFTERNOON_LENGTHS)
            slots = [
                (s, t)
                for s in studios
                if s.capacity >= len(group)
                for t in range(10 * 60, LATEST_END - length + 1, 15)
                if all(t + length <= a or b <= t for a, b in busy[(s.id, d)])
            ]
            if not slots:
                for i in group:
                    on[i].discard(d)
                continue
            studio, t = rng.choice(slots)
            new_call(studio, d * DAY + t, length, group, d)

    # -- the requests this schedule satisfies, with room to move.
    requests: list[Request] = []
    for c in calls:
        day, tod = divmod(c.start, DAY)
        length = c.end - c.start
        studio = next(s for s in studios if s.id == c.studio)
        fitting = [s.id for s in studios if s.capacity >= len(c.people)]
        piano = studio.piano and rng.random() < 0.4
        if piano:
            fitting = [s for s in fitting if next(x for x in studios if x.id == s).piano]
        choice = sorted(set(rng.sample(fitting, min(len(fitting), rng.randint(2, 4)))) | {c.studio})
        allowed = {day} | set(rng.sample(range(n_days), rng.randint(2, n_days)))
        allowed_days = () if len(allowed) == n_days else tuple(sorted(allowed))
        lo = rng.choice([10 * 60, 11 * 60, 11 * 60 + 30])
        hi = rng.choice([18 * 60, 19 * 60, 20 * 60])
        window = (Window(min(lo, tod), max(hi, tod + length)),) if rng.random() < 0.6 else ()
        requests.append(
            Request(
                id=c.request,
                label=labels[c.request],
                minutes=length,
                people=c.people,
                section=sections[c.request],
                studios=tuple(choice),
                needs_piano=piano,
                days=allowed_days,
                windows=window,
                priority=rng.choice([1, 1, 2, 2, 3]),
            )
        )
    if over:
        for i in sorted(injured):
            for k in range(2):
                rid = f"x{i:02d}{k}"
                requests.append(
                    Request(
                        id=rid,
                        label=f"{works[k % len(works)]} — coaching after injury {k + 1}",
                        minutes=120,
                        people=(f"d{i:02d}",),
                        section="coaching",
                        priority=1,
                    )
                )

    # What the rules force on each dancer: 15 a call, 45 for the full day.
    waiting: dict[str, int] = {}
    count: dict[str, int] = defaultdict(int)
    for c in calls:
        for pid in c.people:
            count[pid] += 1
    for i in range(n):
        pid = f"d{i:02d}"
        if count[pid]:
            waiting[pid] = 0 if i in guests else 15 * count[pid] + (45 if i in full_day else 0)
    problem = Problem(
        days=days,
        people=tuple(people + staff),
        studios=studios,
        requests=tuple(requests),
        labour=US_BALLET,
        travel=(Travel("main", "annex", 20),),
        weights=Weights(),
        granularity=15,
        name=f"Planted week (seed {seed}){' — over-subscribed' if over else ''}",
    )
    optimum = None if over else sum(waiting.values())
    return PlantedWeek(
        problem, tuple(sorted(calls, key=lambda c: (c.start, c.studio))), optimum, waiting
    )


_STAFF = ("Irina Kolpakova", "Tom Whitfield", "Marguerite Laval", "Dmitri Ossipov", "Ana Lúcia")
