"""Pages under load: `make bench-load` (``python -m callboard.bench load``).

1. creates a fresh PostgreSQL database ``callboard_load_<pid>`` (with the helpers of
   :mod:`callboard.bench.server`, shared with the box-office rush), migrates it and builds a
   company of 150 dancers with a published, firm week of calls from today
   (:func:`company_week`: groups of ten dancers, two calls a day each, six studios), ten
   ballet-master accounts, and one signed-in session per account (made beforehand, passed to
   locust as cookies), then ANALYZEs it;
2. starts the real server (gunicorn, gthread workers, as :mod:`callboard.bench.server` starts
   it) on 127.0.0.1 and opens each page a few times, one request at a time ("solo_p50_ms":
   the latency with no crowd);
3. runs locust headless in a subprocess (it uses gevent, which must never be imported into a
   Django process): 200 users spawned at once, half of them dancers opening "my calls"
   (``/schedule/me/``) each as a dancer of their own, half the management opening the day's
   call sheet (``/schedule/board/<day>/``) and the plans (``/schedule/``), each user waiting
   1-3 s between pages, for 40 s counted from the moment every user runs;
4. reports per page: requests, failures (any answer but a 200 showing the calls counts),
   p50/p95/p99 latency and requests per second, with the machine's load average before and
   after, and the CPU the server got (``server_cores_used``: 2.0 is both cores; less means
   the machine was busy with other work);
5. stops the server and drops the database.

Loopback only; bounded in time. ``make bench`` prints a table and writes
``bench-results/load.json``. Without PostgreSQL it says so and returns no rows.

:func:`company_week` is also what the query-count tests of the company and scheduling apps
build their 15- and 150-dancer companies with.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callboard.bench.server import (
    PG_BASE,
    cpu_seconds,
    free_port,
    gunicorn,
    psql,
    scratch_database,
)

DANCERS = 150
USERS = 200
SPAWN_RATE = 200
SECONDS = 40
GROUP = 10  # dancers per rehearsal group
STUDIOS = 6
DAYS = 5
CALL_MINUTES = 90
SLOT_MINUTES = 105  # a call and a quarter of an hour to change studios
FIRST_CALL = dt.time(10, 0)
GIVEN = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ilya", "Katya", "Lev"]
RANKS = ["principal", "first_soloist", "soloist", "coryphee", "corps", "corps", "corps", "corps"]


# --- the company and its week (also used by the query-count tests) --------------------------


@dataclass
class CompanyWeek:
    """What :func:`company_week` built: the plan, its planner and the dancers with accounts."""

    period: Any
    version: Any
    master: Any
    dancers: list[Any]  # Person, each with a Dancer record and a user of role dancer
    studios: list[Any]
    days: list[dt.date]
    groups: list[list[Any]] = field(default_factory=list)


def company_week(
    *, dancers: int, first_day: dt.date, now: dt.datetime, days: int = DAYS
) -> CompanyWeek:
    """A company of ``dancers`` dancers with a published, firm plan from ``first_day``.

    Dancers go in groups of ten; each group has two calls of 90 minutes a day (a first and a
    second, never at once), studios are shared out so that no studio holds two calls at a
    time. The draft is written directly, then published through ``schedule_publish``, whose
    checker proves that every rule of the company's agreement holds.
    """
    # Django is set up only in the process that seeds the company, so its models load here.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from callboard.company import services as company_services
    from callboard.company.models import Company, LabourProfile, Site, Studio
    from callboard.core import zones
    from callboard.core.actors import CALLBOARD
    from callboard.core.roles import Role, ensure_groups
    from callboard.scheduling import services
    from callboard.scheduling.models import Call, CallPerson

    ensure_groups()
    user_model = get_user_model()
    profile = LabourProfile.objects.create(
        name=f"Company agreement {dancers}",
        max_minutes_per_day=360,
        max_minutes_per_week=1800,
        longest_call_minutes=180,
        max_span_minutes=600,
        earliest_start=dt.time(9, 0),
        latest_end=dt.time(22, 0),
        free_days_per_week=0,
    )
    company = Company.objects.order_by("pk").first()
    if company is None:
        company = Company.objects.create(name="Pavlov Ballet", time_zone="Europe/Moscow")
    company.labour_profile = profile
    company.save()
    site, _ = Site.objects.get_or_create(name="Pavlov Theatre")
    groups_count = -(-dancers // GROUP)
    studios = [
        Studio.objects.get_or_create(
            name=f"Studio {k + 1}",
            defaults={"site": site, "capacity": GROUP + 10, "has_piano": True},
        )[0]
        for k in range(max(1, min(STUDIOS, groups_count)))
    ]
    master = user_model.objects.create_user(
        username=f"master{dancers}", email=f"master{dancers}@example.org"
    )
    master.groups.add(Group.objects.get(name=Role.BALLET_MASTER.value))
    dancer_group = Group.objects.get(name=Role.DANCER.value)
    people = []
    for k in range(dancers):
        dancer = company_services.dancer_create(
            given_name=GIVEN[k % len(GIVEN)],
            family_name=f"Dancer {dancers}-{k:03d}",
            rank=RANKS[k % len(RANKS)],
            email=f"dancer{dancers}-{k}@example.org",
            now=now,
            by=CALLBOARD,
        )
        user = user_model.objects.create_user(username=f"dancer{dancers}-{k:03d}")
        user.groups.add(dancer_group)
        person = dancer.person
        person.user = user
        person.save(update_fields=["user"])
        people.append(person)
    week = [first_day + dt.timedelta(days=d) for d in range(days)]
    period = services.period_open(first_day=week[0], last_day=week[-1], by=master, now=now)
    draft = services.draft_of(period)
    groups = [people[g * GROUP : (g + 1) * GROUP] for g in range(groups_count)]
    requests = [
        services.call_request_create(
            period=period,
            values={
                "label": f"Rehearsal group {g + 1}",
                "minutes": 2 * CALL_MINUTES * days,
                "call_minutes": CALL_MINUTES,
            },
            people=group,
            by=master,
            now=now,
        )
        for g, group in enumerate(groups)
    ]
    zone = zones.company_zone()
    calls: list[Call] = []
    members: list[list[int]] = []
    for d, day in enumerate(week):
        opening = dt.datetime.combine(day, FIRST_CALL, tzinfo=zone)
        # Cells are (slot, studio) in order; first calls take the first cells, second calls
        # the next ones, so a group's two calls never fall in the same slot.
        for second in (0, 1):
            for g, request in enumerate(requests):
                cell = second * len(requests) + g
                slot, studio = divmod(cell, len(studios))
                starts = opening + dt.timedelta(minutes=slot * SLOT_MINUTES)
                calls.append(
                    Call(
                        schedule=draft,
                        request=request,
                        part=2 * d + second,
                        studio=studios[studio],
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=CALL_MINUTES),
                        label=request.label,
                        created_at=now,
                    )
                )
                members.append([p.pk for p in groups[g]])
    created = Call.objects.bulk_create(calls)
    CallPerson.objects.bulk_create(
        [
            CallPerson(call=call, person_id=pk)
            for call, pks in zip(created, members, strict=True)
            for pk in pks
        ]
    )
    version = services.schedule_publish(
        period=period, by=master, now=now, firm=True, send_email=False
    ).version
    return CompanyWeek(
        period=period,
        version=version,
        master=master,
        dancers=people,
        studios=studios,
        days=week,
        groups=groups,
    )


# --- setup in a child process (Django on the bench database) ----------------------------------

_SEED = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from callboard.bench.load import company_week
from callboard.core import zones
from callboard.core.roles import Role

dancers, managers = int(sys.argv[1]), int(sys.argv[2])
now = timezone.now()
today = now.astimezone(zones.company_zone()).date()
week = company_week(dancers=dancers, first_day=today, now=now)
staff = [week.master]
for k in range(1, managers):
    user = get_user_model().objects.create_user(username=f"manager{k}")
    user.groups.add(Group.objects.get(name=Role.BALLET_MASTER.value))
    staff.append(user)

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

print(json.dumps({
    "day": today.isoformat(),
    "calls": week.version.calls.count(),
    "dancers": [
        {"session": session(p.user), "name": p.full_name} for p in week.dancers
    ],
    "managers": [session(u) for u in staff],
}))
"""


def _seed(db_url: str, dancers: int, managers: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "callboard.settings"),
    }
    python = sys.executable
    subprocess.run(
        [python, "-m", "callboard.cli", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    out = subprocess.run(
        [python, "-c", _SEED, str(dancers), str(managers)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- the run -------------------------------------------------------------------------------------


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rows_of(stats_csv: Path) -> list[dict[str, Any]]:
    """Locust's ``*_stats.csv``: one row per page, then the aggregate."""
    rows = []
    with stats_csv.open(newline="") as fh:
        for rec in csv.DictReader(fh):
            requests = int(rec["Request Count"])
            rows.append(
                {
                    "page": rec["Name"] if rec["Name"] != "Aggregated" else "all pages",
                    "requests": requests,
                    "failures": int(rec["Failure Count"]),
                    "p50_ms": _number(rec["50%"]),
                    "p95_ms": _number(rec["95%"]),
                    "p99_ms": _number(rec["99%"]),
                    "max_ms": _number(rec["Max Response Time"]),
                    "mean_ms": round(float(rec["Average Response Time"]), 1),
                    "rps": round(float(rec["Requests/s"]), 1),
                }
            )
    return rows


PAGES = {  # locust's names of the pages, and who opens them
    "my calls": ("/schedule/me/", "dancers"),
    "call sheet (board/<day>)": ("/schedule/board/{day}/", "managers"),
    "callboard plans (/schedule/)": ("/schedule/", "managers"),
}


def _warm_up(port: int, seeded: dict[str, Any], rounds: int = 6) -> dict[str, float]:
    """Open each page a few times, one at a time, before the crowd comes.

    The server's first answers compile templates and fill caches; the median of the later
    rounds is the page's latency with no one else on the server ("solo_p50_ms").
    """
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for k in range(rounds):
        for name, (path, who) in PAGES.items():
            session = seeded["dancers"][0]["session"] if who == "dancers" else seeded["managers"][0]
            t0 = time.perf_counter()
            conn.request(
                "GET", path.format(day=seeded["day"]), headers={"Cookie": f"sessionid={session}"}
            )
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status} before the load started")
            if k >= 2:
                times[name].append(time.perf_counter() - t0)
    conn.close()
    return {name: round(statistics.median(t) * 1000, 1) for name, t in times.items()}


def _pg_available() -> str | None:
    """None when the bench can use PostgreSQL, else why not."""
    try:
        psql("SELECT 1")
    except FileNotFoundError:
        return "psql is not installed"
    except subprocess.CalledProcessError as exc:
        return (exc.stderr or b"").decode(errors="replace").strip() or "psql failed"
    return None


def measure(
    *,
    dancers: int = DANCERS,
    users: int = USERS,
    seconds: int = SECONDS,
    workers: int = 2,
    threads: int = 8,
    managers: int = 10,
) -> list[dict[str, Any]]:
    """Seed, serve, load, report: one row per page and one for all pages together."""
    why_not = _pg_available()
    if why_not:
        print(
            f"load: skipped, PostgreSQL is not reachable at {PG_BASE} ({why_not}). Start it on "
            "127.0.0.1:5432 or set CALLBOARD_BENCH_PG=postgres://user@host:port"
        )
        return []
    db = f"callboard_load_{os.getpid()}"
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="callboard-load-") as tmp:
        work = Path(tmp)
        with scratch_database(db) as db_url, (work / "server.log").open("w") as log:
            started = time.perf_counter()
            seeded = _seed(db_url, dancers, managers)
            psql("ANALYZE", db)  # as autovacuum would have done on a live database
            seed_seconds = time.perf_counter() - started
            (work / "sessions.json").write_text(json.dumps(seeded))
            port = free_port()
            with gunicorn(
                db_url=db_url, port=port, workers=workers, threads=threads, log=log
            ) as server:
                solo = _warm_up(port, seeded)
                load_before = os.getloadavg()
                cpu_before = cpu_seconds(server.pid)
                locust = str(Path(sys.executable).with_name("locust"))
                run = subprocess.run(
                    [
                        locust,
                        "-f",
                        str(Path(__file__).with_name("locustfile.py")),
                        "--headless",
                        "--host",
                        f"http://127.0.0.1:{port}",
                        "--users",
                        str(users),
                        "--spawn-rate",
                        str(min(users, SPAWN_RATE)),
                        "--run-time",
                        f"{seconds + 2}s",  # every user is up within a second or two
                        "--reset-stats",  # count from the moment every user is running
                        "--stop-timeout",
                        "10",
                        "--csv",
                        str(work / "load"),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    env={**os.environ, "CALLBOARD_LOAD_SESSIONS": str(work / "sessions.json")},
                    capture_output=True,
                    text=True,
                    timeout=seconds + 120,
                    check=False,
                )
                load_after = os.getloadavg()
                cpu_after = cpu_seconds(server.pid)
                locust_warnings = [line for line in run.stderr.splitlines() if "CPU usage" in line]
                stats = work / "load_stats.csv"
                if not stats.exists():
                    raise RuntimeError(f"locust wrote no statistics:\n{run.stdout}\n{run.stderr}")
                rows = _rows_of(stats)
                failures = work / "load_failures.csv"
                failed = failures.read_text().strip().splitlines()[1:] if failures.exists() else []
        server_errors = [
            line for line in (work / "server.log").read_text().splitlines() if "Error" in line
        ]
    common = {
        "dancers": dancers,
        "calls_in_week": seeded["calls"],
        "users": users,
        "seconds": seconds,
        "server": f"gunicorn {workers} workers x {threads} threads, PostgreSQL",
        "cpus": os.cpu_count(),
        "load_1m_at_start": round(load_at_start[0], 2),
        "load_1m_before_run": round(load_before[0], 2),
        "load_1m_after_run": round(load_after[0], 2),
        "seed_seconds": round(seed_seconds, 1),
    }
    server_cpu = (
        cpu_after - cpu_before if cpu_after is not None and cpu_before is not None else None
    )
    total = next((r["requests"] for r in rows if r["page"] == "all pages"), 0)
    # Seconds of CPU the server got per second of the run: 2.0 would be both cores. Locust's
    # run includes its ramp-up and stop, so this is a slight overestimate.
    common["server_cores_used"] = round(server_cpu / (seconds + 2), 2) if server_cpu else None
    common["server_cpu_ms_per_request"] = (
        round(server_cpu * 1000 / total, 1) if server_cpu and total else None
    )
    for row in rows:
        row["solo_p50_ms"] = solo.get(row["page"])
        row.update(common)
    if locust_warnings:
        print("load: locust warned about its own CPU:\n  " + "\n  ".join(locust_warnings[:5]))
    if failed:
        print("load: failures reported by locust:\n  " + "\n  ".join(failed[:20]))
    if server_errors:
        print("load: the server logged errors:\n  " + "\n  ".join(server_errors[:20]))
    return rows


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    """``make bench`` entry point; ``--quick`` is a smoke run (40 users for 10 s)."""
    if quick:
        return measure(users=40, seconds=10)
    return measure()


if __name__ == "__main__":
    from callboard.bench.__main__ import main

    sys.exit(main(["load", *sys.argv[1:]]))
