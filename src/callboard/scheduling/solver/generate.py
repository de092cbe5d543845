"""Seeded generator of realistic company weeks (benchmarks and tests).

A week of a mid-sized ballet company: company class every morning 10:00–11:15 (each
dancer skips it on their rota day off, which is then their free day), evening
performances of the production in repertoire with its cast, a few dancers returning
from injury, répétiteurs and pianists, studios on two sites, and call requests for the
works in rehearsal (pas de deux, variations, ensembles, corps, run-throughs after
staging), under the US preset of the labour agreement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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
    Request,
    Studio,
    Travel,
    Weights,
    Window,
)

US_BALLET = LabourRules(
    max_minutes_per_day=360,
    max_minutes_per_week=1800,
    longest_call=180,
    max_span=540,
    break_every=60,
    break_minutes=5,
    meal_within=240,
    meal_minutes=60,
    min_rest_between_days=None,
    earliest_start=10 * 60,
    latest_end=23 * 60,
    free_days_per_week=2,
    class_counts_as_work=True,
    performance_counts_as_work=True,
)
"""The US ballet preset (company/presets.py ``us_ballet``) as solver rules."""

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKS = ("Swan Lake", "Giselle", "The Nutcracker", "Dance of the Seven Veils", "Études in Blue")
CLASS_START, CLASS_END = 10 * 60, 11 * 60 + 15
SHOW_START, SHOW_END = 19 * 60, 22 * 60


@dataclass(frozen=True)
class WeekSize:
    dancers: int = 60
    studios: int = 5
    requests: int = 120
    days: int = 6
    injured: int = 3
    performances: int = 2


QUICK_WEEK = WeekSize(dancers=24, studios=3, requests=40, days=4, injured=1, performances=1)


def company_week(
    seed: int = 1,
    size: WeekSize = WeekSize(),
    *,
    granularity: int = 15,
    weights: Weights | None = None,
) -> Problem:
    """A seeded company week of ``size``; same seed, same week."""
    rng = random.Random(seed)
    n_days = size.days
    days = tuple(
        Day(open=9 * 60 + 30, close=23 * 60, label=DAY_NAMES[d % 7]) for d in range(n_days)
    )

    # -- studios: about half in the theatre ("main"), the rest in the annex, 20 min apart.
    specs = [
        ("A", "Studio A (Grand)", 40, True, "main"),
        ("B", "Studio B", 24, True, "main"),
        ("C", "Studio C", 12, True, "annex"),
        ("D", "Studio D", 20, False, "annex"),
        ("E", "Studio E", 10, True, "main"),
        ("F", "Studio F", 16, True, "annex"),
        ("G", "Studio G", 8, True, "main"),
    ]
    studios = []
    for k in range(size.studios):
        sid, name, room, piano, site = specs[k % len(specs)]
        closed: tuple[Interval, ...] = ()
        if k == 0:  # company class is given in the big studio
            closed = tuple(
                Interval(d * DAY + CLASS_START, d * DAY + CLASS_END) for d in range(n_days)
            )
        studios.append(Studio(sid, name, room, piano, site, closed))

    # -- dancers: principals, soloists and corps groups. Soloists, principals and half the
    # corps have their rota day off on the first day, the other half on the second; the
    # shows are at the end of the week.
    n = size.dancers
    n_principals, n_soloists = max(2, n // 10), max(2, n // 6)
    ranks = ["principal"] * n_principals + ["soloist"] * n_soloists
    ranks += ["corps"] * (n - len(ranks))
    show_days = list(range(n_days - min(size.performances, max(0, n_days - 2)), n_days))
    corps_ids = [i for i, r in enumerate(ranks) if r == "corps"]
    groups = [corps_ids[g::4] for g in range(4)]
    rota = {i: (g % 2) % n_days for g, members in enumerate(groups) for i in members}
    rota |= {i: 0 for i, r in enumerate(ranks) if r != "corps"}
    cast = set(range(n_principals // 2 + 1)) | set(
        range(n_principals, n_principals + n_soloists // 2)
    )
    cast |= set(groups[0]) | set(groups[1])
    injured = set(rng.sample(range(n_principals, n), size.injured))

    dancers: list[Person] = []
    for i, rank in enumerate(ranks):
        commitments = [
            Commitment(
                CommitmentKind.CLASS,
                d * DAY + CLASS_START,
                d * DAY + CLASS_END,
                "Company class",
                site="main",
            )
            for d in range(n_days)
            if d != rota[i]
        ]
        if i in cast:
            commitments += [
                Commitment(
                    CommitmentKind.PERFORMANCE,
                    d * DAY + SHOW_START,
                    d * DAY + SHOW_END,
                    "Swan Lake (performance)",
                    site="main",
                )
                for d in show_days
            ]
        unavailable: list[Interval] = []
        cap: int | None = None
        if i in injured:
            cap = 240
            d = rng.randrange(n_days)
            commitments.append(
                Commitment(
                    CommitmentKind.MEDICAL,
                    d * DAY + 14 * 60,
                    d * DAY + 15 * 60,
                    "Physiotherapy",
                    site="main",
                )
            )
            if rng.random() < 0.5:
                d = rng.randrange(n_days)
                unavailable.append(Interval(d * DAY, d * DAY + 13 * 60))
        if rng.random() < 0.1:
            d = rng.randrange(n_days)
            at = d * DAY + rng.choice([12, 13, 15, 16]) * 60
            commitments.append(
                Commitment(CommitmentKind.FITTING, at, at + 30, "Costume fitting", site="main")
            )
        dancers.append(
            Person(
                id=f"d{i:02d}",
                name=f"{dancer_name(i)} ({rank})",
                kind=PersonKind.DANCER,
                weight=2 if rank == "principal" else 1,
                unavailable=tuple(unavailable),
                commitments=tuple(sorted(commitments, key=lambda c: c.start)),
                max_minutes_per_day=cap,
                prior_week_minutes=rng.randrange(900, 1500, 30),
            )
        )

    # -- staff: two répétiteurs per work in rehearsal, pianists shared.
    works = WORKS[: max(2, min(len(WORKS), size.requests // 25 + 1))]
    repetiteurs = [
        Person(f"r{k}", f"{_staff_name(_STAFF, k)} (répétiteur)", PersonKind.STAFF, weight=2)
        for k in range(2 * len(works))
    ]
    pianists = [
        Person(f"pn{k}", f"{_staff_name(_PIANISTS, k)} (pianist)", PersonKind.STAFF, weight=2)
        for k in range(max(2, size.requests // 20))
    ]

    # -- requests: people are drawn least-loaded first, so the week is full but fair.
    load = dict.fromkeys(range(n), 0)
    staff_load = {p.id: 0 for p in repetiteurs + pianists}

    def pick(pool: list[int], k: int) -> list[int]:
        chosen = sorted(pool, key=lambda i: (load[i], rng.random()))[:k]
        return chosen

    def least(people: list[Person]) -> str:
        return min(people, key=lambda p: (staff_load[p.id], rng.random())).id

    principals = [i for i, r in enumerate(ranks) if r == "principal"]
    soloists = [i for i, r in enumerate(ranks) if r == "soloist"]
    requests: list[Request] = []
    precedences: list[Precedence] = []
    kinds = ["pas de deux", "variation", "variation", "ensemble", "corps", "corps", "staging"]
    k = 0
    while len(requests) < size.requests:
        work = k % len(works)
        k += 1
        kind = rng.choice(kinds)
        rid = f"q{len(requests):03d}"
        ballet_master = least(repetiteurs[2 * work : 2 * work + 2])
        piano = kind != "staging" and rng.random() < 0.8
        group = groups[rng.randrange(4)]
        if kind == "pas de deux":
            who = pick(principals + soloists, 2)
            minutes = rng.choice([45, 60, 60, 90])
        elif kind == "variation":
            who = pick(principals + soloists, 1)
            minutes = rng.choice([30, 30, 45])
        elif kind == "ensemble":
            who = pick(soloists, 2) + pick(group, rng.randint(2, 4))
            minutes = rng.choice([45, 60])
        elif kind == "corps":
            who = pick(group, rng.randint(5, 9))
            minutes = rng.choice([60, 60, 90, 120])
        else:  # staging of a scene, then its run-through with more of the same half
            who = pick(principals, 1) + pick(soloists, 2) + pick(group, 6)
            minutes = rng.choice([60, 90])
        split = 2 if minutes >= 120 and rng.random() < 0.5 else 1
        for i in who:
            load[i] += minutes
        people = (*(f"d{i:02d}" for i in sorted(set(who))), ballet_master)
        staff_load[ballet_master] += minutes
        if piano:
            pianist = least(pianists)
            staff_load[pianist] += minutes
            people += (pianist,)
        windows: tuple[Window, ...] = ()
        if rng.random() < 0.1:
            windows = (Window(13 * 60, 18 * 60),)
        allowed_days: tuple[int, ...] = ()
        if rng.random() < 0.1:
            allowed_days = tuple(sorted(rng.sample(range(n_days), max(1, (n_days + 1) // 2))))
        requests.append(
            Request(
                id=rid,
                label=f"{works[work]} — {kind} {len(requests) + 1}",
                minutes=minutes,
                people=people,
                section=kind,
                needs_piano=piano,
                days=allowed_days,
                windows=windows,
                priority=rng.choice([1, 2, 2, 3, 3, 4, 5]),
                split=split,
                preferred=(Window(11 * 60 + 30, 17 * 60),) if rng.random() < 0.2 else (),
            )
        )
        if kind == "staging" and len(requests) < size.requests:
            partner = groups[(groups.index(group) + 2) % 4]  # same rota half
            extra = pick(partner, 4)
            run_minutes = rng.choice([60, 90])
            for i in (*who, *extra):
                load[i] += run_minutes
            pianist = least(pianists)
            staff_load[pianist] += run_minutes
            staff_load[ballet_master] += run_minutes
            run_people = tuple(f"d{i:02d}" for i in sorted(set(who) | set(extra)))
            run_id = f"q{len(requests):03d}"
            requests.append(
                Request(
                    id=run_id,
                    label=f"{works[work]} — run-through {len(requests) + 1}",
                    minutes=run_minutes,
                    people=(*run_people, ballet_master, pianist),
                    section="run-through",
                    needs_piano=True,
                    priority=rng.choice([3, 4, 5]),
                )
            )
            precedences.append(Precedence(rid, run_id))

    return Problem(
        days=days,
        people=tuple(dancers + repetiteurs + pianists),
        studios=tuple(studios),
        requests=tuple(requests),
        labour=US_BALLET,
        travel=(Travel("main", "annex", 20),),
        precedences=tuple(precedences),
        weights=weights or Weights(),
        granularity=granularity,
        name=f"Company week (seed {seed})",
    )


_GIVEN = (  # (name, feminine)
    ("Klára", True),
    ("Eleonora", True),
    ("Anya", True),
    ("Mikhail", False),
    ("Daria", True),
    ("Ivan", False),
    ("Olga", True),
    ("Pavel", False),
    ("Yulia", True),
    ("Artem", False),
    ("Nadia", True),
    ("Sasha", True),
    ("Timur", False),
    ("Vera", True),
    ("Gleb", False),
    ("Polina", True),
    ("Roman", False),
    ("Zarina", True),
    ("Kirill", False),
    ("Lena", True),
)
_FAMILY = (
    "Sokolov",
    "Orlov",
    "Belov",
    "Petrov",
    "Smirnov",
    "Kuznetsov",
    "Volkov",
    "Morozov",
    "Fedorov",
    "Lebedev",
    "Aliyev",
    "Kozlov",
    "Novikov",
    "Egorov",
    "Tagirov",
    "Vasiliev",
    "Zakharov",
    "Sorokin",
    "Popov",
    "Gusev",
)


def dancer_name(i: int) -> str:
    """A distinct name for each of the first 400 dancers (dancers 0 and 1 are the demo's
    Klára and Eleonora Kalmurzaev)."""
    n = len(_GIVEN)
    given, feminine = _GIVEN[i % n]
    if i < 2:
        return f"{given} Kalmurzaev"
    family = _FAMILY[(i * 7 + i // n) % n]
    return f"{given} {family}a" if feminine else f"{given} {family}"


_STAFF = (
    "Sergei Pavlov",
    "Galina Ivanova",
    "Viktor Semyonov",
    "Ludmila Orlova",
    "Nikolai Frolov",
    "Svetlana Titova",
    "Andrei Markov",
    "Elena Gromova",
    "Yuri Antonov",
    "Maria Kovaleva",
)
_PIANISTS = (
    "Anton Rubin",
    "Vera Lanskaya",
    "Grigory Sheller",
    "Inna Pesetskaya",
    "Fyodor Glinka",
    "Lidia Arkhipova",
    "Semyon Kogan",
    "Yelena Brodskaya",
)


def _staff_name(names: tuple[str, ...], k: int) -> str:
    """The k-th name of ``names``; past the end, the names again with a number, so that no
    two members of staff share a name (a week with many works has many répétiteurs)."""
    name = names[k % len(names)]
    return name if k < len(names) else f"{name} {k // len(names) + 1}"
