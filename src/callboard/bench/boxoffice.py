"""Box-office on-sale rush: `make bench-boxoffice` (``python -m callboard.bench.boxoffice``).

1. creates a fresh PostgreSQL database ``callboard_bench_<pid>``, migrates it, builds the
   1,740-seat "Pavlov Theatre Main Stage" and puts one performance on sale;
2. starts the real server (gunicorn, gthread workers) on 127.0.0.1;
3. lets several hundred concurrent buyers (threads, one keep-alive HTTP connection each) buy
   1 to 4 seats through the public API, half choosing seats on the map (most of them racing
   for the front rows), half asking for the best available, until the house is sold out or
   the time limit is reached;
4. checks the database afterwards with SQL: seats sold twice (must be 0), orders lost (must
   be 0: every acknowledged order has its tickets, every order in the database was
   acknowledged to a buyer or belongs to a request whose answer the buyer never got);
5. runs ``pgbench`` (``-S`` select-only and the default TPC-B, 8 clients, 2 threads) on a
   scratch database on the same server, and reports orders per second as a ratio of both;
6. stops the server and drops both databases.

Loopback only; bounded in time. Prints a table and writes ``bench-results/boxoffice.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from callboard.bench.server import free_port, gunicorn, pg_args, scratch_database

VENUE = "Pavlov Theatre Main Stage"


def _first(cur: Any) -> Any:
    """The first column of a query's single row (the queries here always return one)."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError("the check query returned no row")
    return row[0]


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k] * 1000


# --- setup in this process (Django on the bench database) --------------------------------


def _setup_database(db_url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": db_url}
    python = sys.executable
    subprocess.run(
        [python, "-m", "callboard.cli", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    script = r"""
import datetime as dt, json
import django
django.setup()
from django.utils import timezone
from callboard.boxoffice import services
from callboard.boxoffice.demo import build_main_stage
from callboard.season.models import Performance, Programme, Season, Venue
now = timezone.now()
venue = Venue.objects.create(
    name="Pavlov Theatre Main Stage", city="Moscow", time_zone="Europe/Moscow", capacity=1740
)
build_main_stage(venue, now=now)
season = Season.objects.create(
    name="Bench season", starts_on=now.date(), ends_on=now.date() + dt.timedelta(days=300)
)
programme = Programme.objects.create(season=season, title="Annual Gala")
start = now + dt.timedelta(days=30)
perf = Performance.objects.create(
    programme=programme, venue=venue, title="Annual Gala", starts_at=start,
    ends_at=start + dt.timedelta(hours=3),
)
n = services.performance_open_sales(performance=perf, now=now)
print(json.dumps({"performance_id": perf.pk, "capacity": n}))
"""
    out = subprocess.run(
        [python, "-c", script],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "callboard.settings"
            ),
        },
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the buyers ---------------------------------------------------------------------------------


class Shared:
    def __init__(self, deadline: float) -> None:
        self.lock = threading.Lock()
        self.deadline = deadline
        self.sold_out = threading.Event()
        self.free: list[dict[str, Any]] = []
        self.request_latency: list[float] = []
        self.purchase_latency: list[float] = []
        self.errors: Counter[str] = Counter()
        self.acked: dict[str, int] = {}  # order reference -> tickets acknowledged
        self.acked_carts: set[str] = set()
        self.unknown_carts: set[str] = set()  # carts whose order answer never arrived
        self.seats_bought = 0
        self.attempts = 0


def _request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any,
    shared: Shared,
    client: str = "",
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if client:
        # The server runs as behind one trusted proxy (bench/server.py), which names the
        # buyer's own address: each simulated buyer has one, as real buyers would.
        headers["X-Forwarded-For"] = client
    t0 = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    elapsed = time.perf_counter() - t0
    with shared.lock:
        shared.request_latency.append(elapsed)
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    return response.status, payload


def _refresher(port: int, perf: int, shared: Shared) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not shared.sold_out.is_set() and time.monotonic() < shared.deadline:
        try:
            conn.request("GET", f"/api/v1/boxoffice/performances/{perf}/availability")
            payload = json.loads(conn.getresponse().read())
            with shared.lock:
                shared.free = payload["seats"]
            if payload["available"] == 0:
                shared.sold_out.set()
        except (OSError, http.client.HTTPException, ValueError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        time.sleep(2.0)


def _choose(rng: random.Random, shared: Shared, count: int) -> list[int] | None:
    """Pick ``count`` adjacent seats from the (possibly stale) map, front rows preferred."""
    with shared.lock:
        free = shared.free
    if not free:
        return None
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for seat in free:
        rows.setdefault((seat["section"], seat["row"]), []).append(seat)
    keys = sorted(rows, key=lambda k: (k[0] != "Stalls", int(k[1]) if k[1].isdigit() else 99))
    key = keys[min(int(rng.expovariate(1 / 3)), len(keys) - 1)]  # most buyers want the front
    seats = sorted(rows[key], key=lambda s: s["x"])
    if len(seats) < count:
        return [s["id"] for s in seats[:1]]
    start = rng.randint(0, len(seats) - count)
    return [s["id"] for s in seats[start : start + count]]


def _buyer(i: int, port: int, perf: int, shared: Shared, seed: int) -> None:
    rng = random.Random(seed * 100_003 + i)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    count = rng.randint(1, 4)
    bought = 0
    while not shared.sold_out.is_set() and time.monotonic() < shared.deadline:
        best = rng.random() < 0.5
        body: dict[str, Any]
        if best:
            body = {"best_available": {"count": count}}
        else:
            chosen = _choose(rng, shared, count)
            body = {"seats": chosen} if chosen else {"best_available": {"count": count}}
        t0 = time.perf_counter()
        token = None
        try:
            with shared.lock:
                shared.attempts += 1
            status, payload = _request(
                conn, "POST", f"/api/v1/boxoffice/performances/{perf}/carts", body, shared
            )
            if status != 201:
                code = (payload or {}).get("detail", {}) if isinstance(payload, dict) else {}
                reason = code.get("code", "") if isinstance(code, dict) else ""
                kind = f"cart {status} {reason}".strip()
                with shared.lock:
                    shared.errors[kind] += 1
                if (
                    status == 409
                    and isinstance(code, dict)
                    and code.get("code") == "not_enough_together"
                ):
                    if count == 1:
                        shared.sold_out.set()
                    count = max(1, count - 1)
                elif status >= 500:
                    time.sleep(0.05)
                continue
            token = payload["token"]
            bought += 1
            status, order = _request(
                conn,
                "POST",
                f"/api/v1/boxoffice/carts/{token}/order",
                # A fresh e-mail per order: reservations are limited per e-mail, and each
                # order stands for another member of the public.
                {"buyer_name": f"Buyer {i}", "buyer_email": f"buyer{i}-{bought}@example.org"},
                shared,
                client=f"10.{i // 250}.{i % 250}.{bought % 250 + 1}",
            )
            if status == 201:
                with shared.lock:
                    shared.acked[order["reference"]] = len(order["tickets"])
                    shared.acked_carts.add(token)
                    shared.purchase_latency.append(time.perf_counter() - t0)
                    shared.seats_bought += len(order["tickets"])
                count = rng.randint(1, 4)
            else:
                with shared.lock:
                    shared.errors[f"order {status}"] += 1
        except (OSError, http.client.HTTPException) as exc:
            with shared.lock:
                shared.errors[f"transport {type(exc).__name__}"] += 1
                if token:
                    shared.unknown_carts.add(token)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


# --- checks and pgbench -----------------------------------------------------------------------


def _check(db_url: str, perf: int, shared: Shared) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM (SELECT seat_id FROM boxoffice_ticket WHERE performance_id=%s "
            "AND status='valid' GROUP BY seat_id HAVING count(*) > 1) d",
            [perf],
        )
        sold_twice = _first(cur)
        cur.execute(
            "SELECT count(*) FROM (SELECT seat_id FROM boxoffice_seatclaim WHERE performance_id=%s "
            "AND active GROUP BY seat_id HAVING count(*) > 1) d",
            [perf],
        )
        claimed_twice = _first(cur)
        cur.execute(
            "SELECT count(*) FROM boxoffice_ticket WHERE performance_id=%s AND status='valid'",
            [perf],
        )
        sold = _first(cur)
        cur.execute(
            "SELECT o.reference, c.token, count(t.id) FROM boxoffice_order o "
            "LEFT JOIN boxoffice_cart c ON c.id = o.cart_id "
            "LEFT JOIN boxoffice_ticket t ON t.order_id = o.id WHERE o.performance_id=%s "
            "GROUP BY o.reference, c.token",
            [perf],
        )
        db_orders = {ref: (token, n) for ref, token, n in cur.fetchall()}
        cur.execute(
            "SELECT count(*) FROM boxoffice_ticket t "
            "LEFT JOIN boxoffice_order o ON o.id=t.order_id WHERE o.id IS NULL"
        )
        orphan_tickets = _first(cur)
    missing = [
        ref
        for ref in shared.acked
        if ref not in db_orders or db_orders[ref][1] != shared.acked[ref]
    ]
    unacknowledged = [ref for ref, (token, _n) in db_orders.items() if ref not in shared.acked]
    unaccounted = [ref for ref in unacknowledged if db_orders[ref][0] not in shared.unknown_carts]
    empty = [ref for ref, (_t, n) in db_orders.items() if n == 0]
    return {
        "seats_sold": sold,
        "seats_sold_twice": sold_twice,
        "seats_claimed_twice": claimed_twice,
        "orders_in_db": len(db_orders),
        "orders_acknowledged": len(shared.acked),
        "orders_lost": len(missing) + len(unaccounted) + len(empty) + orphan_tickets,
        "orders_unanswered_but_accounted": len(unacknowledged) - len(unaccounted),
    }


def _pgbench(seconds: int) -> dict[str, float | None]:
    if not shutil.which("pgbench"):
        return {"pgbench_select_tps": None, "pgbench_tpcb_tps": None}
    db = f"callboard_pgbench_{os.getpid()}"
    out: dict[str, float | None] = {}
    with scratch_database(db):
        subprocess.run(["pgbench", *pg_args(), "-i", "-q", db], check=True, capture_output=True)
        for name, extra in (("pgbench_select_tps", ["-S"]), ("pgbench_tpcb_tps", [])):
            run = subprocess.run(
                ["pgbench", *pg_args(), "-c", "8", "-j", "2", "-T", str(seconds), *extra, db],
                check=True,
                capture_output=True,
                text=True,
            )
            found = re.search(
                r"tps = ([\d.]+) \((?:without initial connection time"
                r"|excluding connections establishing)\)",
                run.stdout,
            )
            found = found or re.search(r"tps = ([\d.]+)", run.stdout)
            out[name] = float(found.group(1)) if found else None
    return out


# --- main ---------------------------------------------------------------------------------------


def run(
    *,
    out_dir: str,
    buyers: int,
    seconds: int,
    workers: int,
    threads: int,
    pgbench_seconds: int,
    seed: int,
) -> dict[str, Any]:
    with scratch_database(f"callboard_bench_{os.getpid()}") as db_url:
        setup = _setup_database(db_url)
        perf = setup["performance_id"]
        port = free_port()
        with (
            open(Path(out_dir) / "boxoffice-server.log", "w") as server_log,
            gunicorn(db_url=db_url, port=port, workers=workers, threads=threads, log=server_log),
        ):
            shared = Shared(deadline=time.monotonic() + seconds)
            refresher = threading.Thread(target=_refresher, args=(port, perf, shared), daemon=True)
            refresher.start()
            while not shared.free and time.monotonic() < shared.deadline:
                time.sleep(0.05)
            started = time.perf_counter()
            pool = [
                threading.Thread(target=_buyer, args=(i, port, perf, shared, seed), daemon=True)
                for i in range(buyers)
            ]
            for t in pool:
                t.start()
            give_up = shared.deadline + 35
            for t in pool:
                t.join(max(0.1, give_up - time.monotonic()))
            wall = time.perf_counter() - started
            shared.sold_out.set()
            checks = _check(db_url, perf, shared)
    pg = _pgbench(pgbench_seconds)
    orders_per_second = len(shared.acked) / wall if wall else 0.0
    return {
        "venue": VENUE,
        "capacity": setup["capacity"],
        "buyers": buyers,
        "server": f"gunicorn {workers} workers x {threads} threads",
        **checks,
        "sold_out": checks["seats_sold"] == setup["capacity"],
        "purchase_attempts": shared.attempts,
        "errors_by_kind": dict(shared.errors),
        "wall_seconds": round(wall, 2),
        "orders_per_second": round(orders_per_second, 1),
        "seats_per_second": round(checks["seats_sold"] / wall, 1) if wall else 0.0,
        "request_p50_ms": _pct(shared.request_latency, 50),
        "request_p95_ms": _pct(shared.request_latency, 95),
        "request_p99_ms": _pct(shared.request_latency, 99),
        "purchase_p50_ms": _pct(shared.purchase_latency, 50),
        "purchase_p95_ms": _pct(shared.purchase_latency, 95),
        "purchase_p99_ms": _pct(shared.purchase_latency, 99),
        "requests": len(shared.request_latency),
        "mean_request_ms": statistics.fmean(shared.request_latency) * 1000
        if shared.request_latency
        else None,
        **pg,
        "ratio_to_pgbench_select": round(
            orders_per_second / float(pg["pgbench_select_tps"] or 1), 5
        )
        if pg.get("pgbench_select_tps")
        else None,
        "ratio_to_pgbench_tpcb": round(orders_per_second / float(pg["pgbench_tpcb_tps"] or 1), 4)
        if pg.get("pgbench_tpcb_tps")
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="callboard-bench-boxoffice", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--buyers", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=240, help="the rush stops itself after this")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1740)
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    result = run(
        out_dir=args.out,
        buyers=args.buyers,
        seconds=args.seconds,
        workers=args.workers,
        threads=args.threads,
        pgbench_seconds=args.pgbench_seconds,
        seed=args.seed,
    )
    from callboard.bench.__main__ import print_table

    print_table("boxoffice on-sale rush", [result])
    if result["errors_by_kind"]:
        print(
            "errors by kind: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(result["errors_by_kind"].items()))
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "boxoffice.json").write_text(json.dumps(result, indent=2, default=str))
    ok = result["seats_sold_twice"] == 0 and result["orders_lost"] == 0
    print(
        "OK: no seat sold twice, no order lost"
        if ok
        else "FAILED: see seats_sold_twice / orders_lost"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
