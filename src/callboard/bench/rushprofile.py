"""What each request of the on-sale rush costs the server, measured in one process.

``make bench-rush-profile`` (``python -m callboard.bench.rushprofile``): on a PostgreSQL
database (``DATABASE_URL``, else a scratch database that is dropped afterwards), builds the
1,740-seat house and puts a performance on sale, then plays buyers one after another through
Django's test client (the whole middleware stack, the public API and the shop's payment page,
no network), and prints for each kind of request the CPU milliseconds (this thread's only:
the payment provider's stub runs on another), the wall milliseconds and the number of
database statements, as the median and the mean:

- ``house``: the seat geometry (once per buyer), and ``house 304`` with its ETag;
- ``taken``: the availability document right after a sale (rebuilt), ``taken again`` (read
  from the cache), ``taken 304`` (the buyer has it);
- ``cart``: a cart of chosen seats, half of the time, else the best available;
- ``order``: the cart confirmed as a reservation (e-mail, limits, tickets, history);
- ``payment start``: the buyer goes to pay an online order (the stub of YooKassa's API).

``--profile KIND`` adds cProfile's 30 costliest functions for that kind (``order``, say).
Where the rush bench (:mod:`callboard.bench.boxoffice`) measures the whole server under
load, this says which request and which function the CPU goes to.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from callboard.bench.server import scratch_database


def _configure(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callboard.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    # As the rush's server: behind one trusted proxy naming each buyer's own address.
    os.environ.setdefault("CALLBOARD_TRUSTED_PROXIES", "1")
    import django

    django.setup()


def _house() -> int:
    """A fresh venue with the main stage's 1,740 seats and one performance on sale."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", "--noinput", verbosity=0)
    from callboard.boxoffice import services
    from callboard.boxoffice.demo import build_main_stage
    from callboard.season.models import Performance, Programme, Season, Venue

    now = timezone.now()
    run = f"{os.getpid()}-{int(time.time())}"  # the database may be kept between runs
    venue = Venue.objects.create(
        name=f"Pavlov Theatre Main Stage {run}",
        city="Moscow",
        time_zone="Europe/Moscow",
        capacity=1740,
    )
    build_main_stage(venue, now=now)
    season = Season.objects.create(
        name=f"Profile season {run}",
        starts_on=now.date(),
        ends_on=now.date() + dt.timedelta(days=300),
    )
    programme = Programme.objects.create(season=season, title="Annual Gala")
    start = now + dt.timedelta(days=30)
    perf = Performance.objects.create(
        programme=programme,
        venue=venue,
        title="Annual Gala",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    services.performance_open_sales(performance=perf, now=now)
    return int(perf.pk)


class Meter:
    """CPU, wall time and statements per kind of request."""

    def __init__(self, profile: str) -> None:
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.last_sql: dict[str, list[str]] = {}
        self.profile_kind = profile
        # CPU time of this thread, not the wall clock (waiting for the database is not CPU).
        self.profiler = cProfile.Profile(time.thread_time) if profile else None

    @contextmanager
    def measure(self, kind: str) -> Iterator[None]:
        from django.db import connection

        count = [0]
        statements: list[str] = []

        def counting(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any):
            count[0] += 1
            statements.append(sql)
            return execute(sql, params, many, ctx)

        profiling = self.profiler is not None and kind == self.profile_kind
        with connection.execute_wrapper(counting):
            c0, w0 = time.thread_time(), time.perf_counter()
            if profiling:
                assert self.profiler is not None
                self.profiler.enable()
            try:
                yield
            finally:
                if profiling:
                    assert self.profiler is not None
                    self.profiler.disable()
                self.cpu[kind].append((time.thread_time() - c0) * 1000)
                self.wall[kind].append((time.perf_counter() - w0) * 1000)
                self.queries[kind].append(count[0])
                self.last_sql[kind] = statements

    def table(self) -> str:
        lines = [
            f"{'request':<16}{'n':>5}{'cpu p50':>10}{'cpu mean':>10}{'wall p50':>10}{'queries':>9}",
        ]
        for kind in self.cpu:
            cpu, wall, q = self.cpu[kind], self.wall[kind], self.queries[kind]
            lines.append(
                f"{kind:<16}{len(cpu):>5}{statistics.median(cpu):>10.2f}"
                f"{statistics.fmean(cpu):>10.2f}{statistics.median(wall):>10.2f}"
                f"{statistics.median(q):>9g}"
            )
        return "\n".join(lines)

    def statements(self) -> str:
        return "\n".join(
            f"-- {kind}\n" + "\n".join(f"  {sql[:160]}" for sql in sqls)
            for kind, sqls in self.last_sql.items()
        )

    def hot_spots(self, top: int = 30) -> str:
        if self.profiler is None:
            return ""
        out = io.StringIO()
        stats = pstats.Stats(self.profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(top * 2)
        stats.sort_stats("tottime").print_stats(top)
        return out.getvalue()


def _rows(house: dict[str, Any]) -> list[list[int]]:
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for seat in house["seats"]:
        rows.setdefault((seat["section"], seat["row"]), []).append(seat)
    return [[s["id"] for s in sorted(seats, key=lambda s: s["x"])] for seats in rows.values()]


def play(perf: int, buyers: int, meter: Meter, seed: int, payments: int) -> dict[str, int]:
    """``buyers`` buyers one after another: house, taken, a cart, an order; the first
    ``payments`` of them order online and go to pay."""
    from django.test import Client

    from callboard.boxoffice.payments.stub import PaymentStub, StubConfig

    rng = random.Random(seed)
    client = Client()
    base = f"/api/v1/boxoffice/performances/{perf}"
    outcome: dict[str, int] = defaultdict(int)
    rows: list[list[int]] = []
    with PaymentStub(StubConfig()) as stub, _yookassa(stub):
        for i in range(buyers):
            with meter.measure("house"):
                response = client.get(f"{base}/house")
            assert response.status_code == 200, response.content[:300]
            etag = response["ETag"]
            if not rows:
                rows = _rows(response.json())
            with meter.measure("house 304"):
                response = client.get(f"{base}/house", HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 304
            with meter.measure("taken"):
                response = client.get(f"{base}/taken")
            assert response.status_code == 200
            document = response.json()
            with meter.measure("taken again"):
                response = client.get(f"{base}/taken")
            with meter.measure("taken 304"):
                response = client.get(f"{base}/taken", HTTP_IF_NONE_MATCH=response["ETag"])
            assert response.status_code == 304
            taken = {pk for a, b in document["taken"] for pk in range(a, b + 1)}
            count = rng.randint(1, 4)
            chosen: list[int] = []
            if rng.random() < 0.5:
                for row in rows:
                    free = [pk for pk in row if pk not in taken]
                    if len(free) >= count:
                        chosen = free[:count]
                        break
            body = {"seats": chosen} if chosen else {"best_available": {"count": count}}
            with meter.measure("cart"):
                response = client.post(f"{base}/carts", body, content_type="application/json")
            if response.status_code != 201:
                outcome[f"cart {response.status_code}"] += 1
                continue
            token = response.json()["token"]
            online = i < payments
            with meter.measure("order online" if online else "order"):
                response = client.post(
                    f"/api/v1/boxoffice/carts/{token}/order",
                    {
                        "buyer_name": f"Buyer {i}",
                        "buyer_email": f"buyer{i}@example.org",
                        **({"provider": "yookassa"} if online else {}),
                    },
                    content_type="application/json",
                    HTTP_X_FORWARDED_FOR=f"10.1.{i // 250}.{i % 250 + 1}",
                )
            if response.status_code != 201:
                outcome[f"order {response.status_code}"] += 1
                continue
            outcome["orders"] += 1
            if online:
                from callboard.boxoffice.models import Order

                reference = response.json()["reference"]
                order_token = Order.objects.get(reference=reference).token
                with meter.measure("payment start"):
                    response = client.post(f"/shop/o/{order_token}/", {"action": "pay"})
                outcome[f"payment start {response.status_code}"] += 1
    return dict(outcome)


@contextmanager
def _yookassa(stub: Any) -> Iterator[None]:
    from django.test import override_settings

    with override_settings(
        CALLBOARD_YOOKASSA_SHOP_ID=stub.config.yookassa_shop_id,
        CALLBOARD_YOOKASSA_SECRET_KEY=stub.config.yookassa_secret_key,
        CALLBOARD_YOOKASSA_API_URL=stub.yookassa_api_url,
        CALLBOARD_YOOKASSA_TRUSTED_NETWORKS=["127.0.0.0/8"],
    ):
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="callboard-bench-rush-profile", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--buyers", type=int, default=150)
    parser.add_argument("--payments", type=int, default=20, help="buyers who order online")
    parser.add_argument("--warm", type=int, default=10, help="buyers not counted (warming up)")
    parser.add_argument("--seed", type=int, default=1740)
    parser.add_argument("--profile", default="", help="cProfile one kind, e.g. order")
    parser.add_argument(
        "--sql", action="store_true", help="show the statements of each kind's last request"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL database to use (kept); default: a scratch one, dropped after",
    )
    args = parser.parse_args(argv)
    scratch = (
        nullcontext(args.database_url)
        if args.database_url
        else scratch_database(f"callboard_rushprofile_{os.getpid()}")
    )
    with scratch as db_url:
        _configure(db_url)
        perf = _house()
        play(perf, args.warm, Meter(""), args.seed + 1, 0)
        meter = Meter(args.profile)
        outcome = play(perf, args.buyers, meter, args.seed, args.payments)
        from django.db import connections

        connections.close_all()
    print(meter.table())
    print("outcome: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcome.items())))
    if args.sql:
        print(meter.statements())
    if args.profile:
        print(meter.hot_spots())
    return 0


if __name__ == "__main__":
    sys.exit(main())
