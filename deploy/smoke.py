"""``make smoke``: Callboard installed from its wheel, run as in production, and hurt on purpose.

From the wheel in ``dist/`` (``make dist``) in a fresh venv, with the locked versions
(``requirements/main.txt``), production settings against PostgreSQL and a redis-server of its
own: migrate, collectstatic, demo, then gunicorn (2 workers), a Celery worker and beat as
separate processes, and a local SMTP server (aiosmtpd). Then, as a person would, over HTTP:

1. the production checks refuse unsafe settings (``check --deploy``, gunicorn's start);
2. sign in; ``/health/`` all green;
3. start a solve, which the worker runs, and watch it finish;
4. receive e-mails through the worker and the outbox: a password reset, and the notices of
   a schedule change (publishing the solve), each link absolute and followed;
5. buy a ticket: a reservation through the public API, then two seats in the public shop
   paid through YooKassa's API (played by the local stub, ``callboard payment_stub``'s), whose
   notification pays the order; the tickets' e-mail arrives with a PDF per seat;
6. kill the worker in the middle of a solve and start it again: the run is marked lost and
   the published schedule is exactly as it was;
7. scale out: a second gunicorn and a second worker; a session of one is valid on the other,
   a solve started on one shows live progress on the other, the sign-in lockout counts
   across both;
8. stop Redis for a few seconds: pages still serve, ``/health/`` says degraded, a solve and
   an e-mail asked for meanwhile run once Redis is back.

Every step is timed; the table is printed at the end, with the processes' memory. Exit 0
when every step held. ``--keep`` leaves the venv, the database and the logs
(``var/smoke/``) for a look.

Runs in the development venv (it needs aiosmtpd and Callboard's test helpers); everything
it tests runs from the fresh venv.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from callboard.boxoffice.payments.stub import PaymentStub, StubConfig
from callboard.core.testing.redis_server import RedisServer
from callboard.core.testing.smtp import Mailbox, free_port, text_of

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "callboard-demo"
SECRET = "smoke-" + "s3cr3t-" * 8


# --------------------------------------------------------------------------- timing


@dataclass
class Step:
    name: str
    seconds: float
    outcome: str


@dataclass
class Report:
    steps: list[Step] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    sizes: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[list[str]]:
        """Time a step; what it appends to the yielded list is its outcome."""
        notes: list[str] = []
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            yield notes
        except BaseException:
            self.steps.append(Step(name, time.perf_counter() - started, "FAILED"))
            raise
        seconds = time.perf_counter() - started
        self.steps.append(Step(name, seconds, "; ".join(notes) or "ok"))
        print(f"   {seconds:6.1f} s  {'; '.join(notes) or 'ok'}", flush=True)

    def print(self) -> None:
        width = max(len(s.name) for s in self.steps) if self.steps else 10
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\n== make smoke: timings (load average {load})")
        for s in self.steps:
            print(f"  {s.name:<{width}}  {s.seconds:7.1f} s  {s.outcome}")
        print(f"  {'total':<{width}}  {sum(s.seconds for s in self.steps):7.1f} s")
        if self.memory:
            print("== resident memory (MB; a process with its children)")
            for name, mb in self.memory.items():
                print(f"  {name:<{width}}  {mb:7.0f}")
        for line in self.sizes:
            print(f"== {line}")


def wait_until(what: str, check: Callable[[], Any], timeout: float, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (OSError, http.client.HTTPException) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


# --------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Browser:
    """A person's browser behind the TLS proxy: keeps cookies (secure ones too; the proxy
    speaks HTTPS to the person), sends ``X-Forwarded-Proto: https`` as nginx does, and the
    CSRF token and origin with every POST."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        body: Any = None,
        timeout: float = 30,
    ) -> Answer:
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data: bytes | None = None
        if method != "GET":
            headers["Origin"] = f"https://127.0.0.1:{port}"
            headers["Referer"] = f"https://127.0.0.1:{port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, dict(response.headers.items()), payload)
        finally:
            conn.close()

    def get(self, port: int, path: str, **kw: Any) -> Answer:
        return self.request(port, "GET", path, **kw)

    def post(self, port: int, path: str, **kw: Any) -> Answer:
        return self.request(port, "POST", path, **kw)

    def sign_in(self, port: int, username: str, password: str = PASSWORD) -> Answer:
        self.get(port, "/login/")
        return self.post(port, "/login/", form={"username": username, "password": password})


# --------------------------------------------------------------------------- processes


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo += [int(c) for c in children]
    return total


class Stack:
    """The fresh venv's processes, each in its own process group, logging to a file."""

    def __init__(self, work: Path, venv: Path, env: dict[str, str]) -> None:
        self.work, self.venv, self.env = work, venv, env
        self.logs = work / "logs"
        shutil.rmtree(self.logs, ignore_errors=True)  # this run's logs only
        self.logs.mkdir(parents=True)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None, timeout: int = 600
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.bin("callboard"), *args],
            env=env or self.env,
            cwd=self.work,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"callboard {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        return proc

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> int:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open by the process)
        self.procs[name] = subprocess.Popen(
            [self.bin(args[0]), *args[1:]],
            env=env or self.env,
            cwd=self.work,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.procs[name].pid

    def gunicorn(self, name: str, port: int) -> int:
        pid = self.start(
            name,
            "gunicorn",
            "callboard.wsgi",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        )
        wait_until(
            f"{name} answers",
            lambda: self.alive(name) and Browser().get(port, "/health/live/").status == 200,
            60,
        )
        return pid

    def worker(self, name: str) -> int:
        return self.start(
            name,
            "celery",
            "-A",
            "callboard",
            "worker",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}@smoke",
            "--loglevel",
            "INFO",
        )

    def beat(self) -> int:
        return self.start(
            "beat",
            "celery",
            "-A",
            "callboard",
            "beat",
            "--schedule",
            str(self.work / "celerybeat-schedule"),
            "--loglevel",
            "INFO",
        )

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            raise AssertionError(f"{name} has stopped: see {self.logs / name}.log")
        return True

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the process and everything it started (its process group)."""
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)

    def tail(self, lines: int = 12) -> str:
        out = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {log.name} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(out)


def psql(sql: str) -> None:
    url = urllib.parse.urlparse(PG_BASE)
    subprocess.run(
        [
            "psql",
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "-d",
            "postgres",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
    )


# --------------------------------------------------------------------------- the journey


class Smoke:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.report = Report()
        self.work = ROOT / "var" / "smoke"
        self.venv = self.work / "venv"
        self.db = args.database
        self.port_a, self.port_b = free_port(), free_port()
        self.redis = RedisServer(directory=self.work / "redis")
        self.mailbox = Mailbox()
        # YooKassa's API for the shop; its notifications reach the first web server.
        self.payments = PaymentStub(
            StubConfig(
                yookassa_notify_url=f"http://127.0.0.1:{self.port_a}/shop/webhooks/yookassa/"
            )
        )
        self.stack: Stack | None = None
        self.site = f"https://127.0.0.1:{self.port_a}"

    # -- setting up

    def environment(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "OPENBLAS_CORETYPE")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            CALLBOARD_ENV="production",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"{PG_BASE}/{self.db}",
            CALLBOARD_DB_CONN_MAX_AGE="60",
            CALLBOARD_REDIS_URL=f"{self.redis.url}/0",
            CALLBOARD_CACHE="redis",
            CALLBOARD_CACHE_URL=f"{self.redis.url}/1",
            CALLBOARD_JOBS="celery",
            CALLBOARD_SITE_URL=self.site,
            CALLBOARD_VAR=str(self.work / "var"),
            CALLBOARD_SSL_REDIRECT="0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.mailbox.port),
            EMAIL_TIMEOUT="5",
            DEFAULT_FROM_EMAIL="callboard@pavlovballet.example",
            CALLBOARD_PAYMENT_PROVIDER="yookassa",
            CALLBOARD_YOOKASSA_SHOP_ID=self.payments.config.yookassa_shop_id,
            CALLBOARD_YOOKASSA_SECRET_KEY=self.payments.config.yookassa_secret_key,
            CALLBOARD_YOOKASSA_API_URL=self.payments.yookassa_api_url,
            # The smoke's patience: chores and heartbeats every 2 s, a silent run lost after 6 s.
            CALLBOARD_CHORE_SECONDS="2",
            CALLBOARD_HEARTBEAT_SECONDS="2",
            CALLBOARD_WORKER_STALE_SECONDS="20",
            CALLBOARD_RUN_LOST_SECONDS="6",
            LOG_LEVEL="INFO",
        )
        return env

    def install(self) -> None:
        wheel = self.args.wheel or max(
            (ROOT / "dist").glob("callboard-*.whl"), key=lambda p: p.stat().st_mtime
        )
        with self.report.step("fresh venv from the wheel and the lock") as notes:
            shutil.rmtree(self.venv, ignore_errors=True)
            py, uv = str(self.venv / "bin" / "python"), str(self.venv / "bin" / "uv")
            steps = [
                [_base_python(), "-m", "venv", str(self.venv)],
                [
                    py,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--require-hashes",
                    "--no-deps",
                    "-r",
                    str(ROOT / "requirements" / "build.txt"),
                ],
                [
                    uv,
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    py,
                    "--require-hashes",
                    "--no-deps",
                    "-r",
                    str(ROOT / "requirements" / "main.txt"),
                ],
                [uv, "pip", "install", "--quiet", "--python", py, "--no-deps", str(wheel)],
            ]
            for command in steps:
                subprocess.run(command, check=True, cwd=self.work)
            where = subprocess.run(
                [py, "-c", "import callboard; print(callboard.__file__)"],
                check=True,
                capture_output=True,
                text=True,
                cwd=self.work,
            ).stdout.strip()
            assert where.startswith(str(self.venv)), f"callboard imported from {where}"
            notes.append(f"{wheel.name} into {self.venv.relative_to(ROOT)}")

    def services(self) -> None:
        with self.report.step("PostgreSQL database, redis-server, SMTP server") as notes:
            psql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            psql(f'CREATE DATABASE "{self.db}"')
            shutil.rmtree(self.work / "redis", ignore_errors=True)
            self.redis.start()
            self.mailbox.start()
            self.payments.start()
            notes.append(
                f"db {self.db}, redis :{self.redis.port} (append-only), smtp :{self.mailbox.port}, "
                f"payments {self.payments.base_url}"
            )

    # -- the steps

    def refusals(self, stack: Stack) -> None:
        with self.report.step("production refuses unsafe settings") as notes:
            unsafe = {**stack.env, "CALLBOARD_JOBS": "thread", "CALLBOARD_SITE_URL": ""}
            proc = stack.run("check", "--deploy", env=unsafe, check=False)
            assert proc.returncode == 1, proc.stderr
            for expected in ("callboard.E001", "CALLBOARD_JOBS=celery", "callboard.E005"):
                assert expected in proc.stderr, proc.stderr
            port = free_port()
            gunicorn = subprocess.run(
                [stack.bin("gunicorn"), "callboard.wsgi", "--bind", f"127.0.0.1:{port}"],
                env=unsafe,
                cwd=self.work,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert gunicorn.returncode != 0
            assert "will not start with these settings" in gunicorn.stderr, gunicorn.stderr[-2000:]
            assert "CALLBOARD_JOBS=celery" in gunicorn.stderr
            notes.append("check --deploy exit 1 and gunicorn refused, naming CALLBOARD_JOBS")
            notes.append("and CALLBOARD_SITE_URL with their fixes")

    def prepare(self, stack: Stack) -> None:
        with self.report.step("callboard migrate") as notes:
            stack.run("migrate", "--noinput")
            notes.append("from the wheel's migrations")
        with self.report.step("callboard collectstatic") as notes:
            out = stack.run("collectstatic", "--noinput").stdout.strip().splitlines()[-1]
            notes.append(out)
        with self.report.step("callboard demo") as notes:
            stack.run("demo")
            notes.append("Pavlov Ballet Theatre")
        with self.report.step("callboard check --deploy (safe settings)") as notes:
            proc = stack.run("check", "--deploy")
            said = (proc.stdout + proc.stderr).strip().splitlines()
            assert not any("ERROR" in line for line in said), said
            notes.append(said[-1] if said else "no issues")

    def start(self, stack: Stack) -> None:
        with self.report.step("start gunicorn (2 workers), a Celery worker and beat") as notes:
            stack.worker("worker1")
            stack.beat()
            stack.gunicorn("web1", self.port_a)
            notes.append(f"web1 :{self.port_a}")

    def deploy_files(self, stack: Stack) -> None:
        """The units and the nginx site of deploy/, as shipped, against this install."""
        with self.report.step("deploy/: systemd units verified, nginx in front") as notes:
            units = self.work / "units"
            shutil.rmtree(units, ignore_errors=True)
            units.mkdir()
            (units / "env").write_text("")
            for unit in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
                text = (
                    unit.read_text()
                    .replace("/opt/callboard/venv", str(self.venv))
                    .replace(
                        "/opt/callboard/gunicorn.conf.py", str(ROOT / "deploy/gunicorn.conf.py")
                    )
                    .replace("/etc/callboard/env", str(units / "env"))
                )
                (units / unit.name).write_text(text)
            if shutil.which("systemd-analyze"):
                found = subprocess.run(
                    ["systemd-analyze", "verify", *sorted(str(p) for p in units.glob("*.service"))],
                    capture_output=True,
                    text=True,
                )
                problems = [
                    line
                    for line in (found.stdout + found.stderr).splitlines()
                    if ".service" in line
                ]
                assert found.returncode == 0 and not problems, problems
                notes.append("3 units verified by systemd-analyze")
            else:
                notes.append("systemd-analyze not installed: units not verified")
            if shutil.which("nginx"):
                notes.append(self.through_nginx())
            else:
                notes.append("nginx not installed: the site file was not tried")

    def through_nginx(self) -> str:
        """nginx with deploy/nginx/callboard.conf (a self-signed certificate, free ports,
        web1 as the upstream); one HTTPS request through it."""
        import ssl

        place = self.work / "nginx"
        shutil.rmtree(place, ignore_errors=True)
        (place / "logs").mkdir(parents=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=callboard.example-ballet.org",
                "-keyout",
                str(place / "key.pem"),
                "-out",
                str(place / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        http_port, https_port = free_port(), free_port()
        site = (
            (ROOT / "deploy" / "nginx" / "callboard.conf")
            .read_text()
            .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.port_a};")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen [::]:80;", "")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("listen [::]:443 ssl http2;", "")
            .replace(
                "/etc/letsencrypt/live/callboard.example-ballet.org/fullchain.pem",
                str(place / "cert.pem"),
            )
            .replace(
                "/etc/letsencrypt/live/callboard.example-ballet.org/privkey.pem",
                str(place / "key.pem"),
            )
            .replace("/var/log/nginx/callboard.access.log", str(place / "logs" / "access.log"))
        )
        (place / "site.conf").write_text(site)
        (place / "nginx.conf").write_text(
            "daemon off; worker_processes 1; pid nginx.pid; error_log logs/error.log;\n"
            "events { worker_connections 64; }\n"
            "http { client_body_temp_path tmp; proxy_temp_path tmp; include site.conf; }\n"
        )
        (place / "tmp").mkdir()
        test = subprocess.run(
            ["nginx", "-t", "-p", str(place), "-c", str(place / "nginx.conf")],
            capture_output=True,
            text=True,
        )
        assert test.returncode == 0, test.stderr
        nginx = subprocess.Popen(
            ["nginx", "-p", str(place), "-c", str(place / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE

            def through() -> Answer | None:
                conn = http.client.HTTPSConnection(
                    "127.0.0.1", https_port, timeout=10, context=context
                )
                conn.request("GET", "/health/", headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                answer = Answer(response.status, dict(response.headers.items()), response.read())
                conn.close()
                return answer

            answer = wait_until("nginx answers", through, 20)
            assert answer.status in (200, 503), answer.status
            assert re.fullmatch(r"[0-9a-f]{32}", answer.headers.get("X-Request-ID", ""))
            assert answer.headers.get("Strict-Transport-Security"), answer.headers
            return (
                f"nginx {answer.status} over TLS with its request id "
                f"{answer.headers['X-Request-ID'][:8]}…"
            )
        finally:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(10)

    def health(self, port: int, want: str, timeout: float = 60) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            answer = Browser().get(port, "/health/")
            body = answer.json()
            expected = 200 if want == "ok" else 503
            return body if body["status"] == want and answer.status == expected else None

        result: dict[str, Any] = wait_until(f"/health/ says {want}", check, timeout)
        return result

    def sign_in_and_health(self, browser: Browser) -> None:
        with self.report.step("sign in") as notes:
            answer = browser.sign_in(self.port_a, "balletmaster")
            assert answer.status == 302, answer.text[:500]
            home = browser.get(self.port_a, "/")
            assert home.status == 200 and "Tatiana" in home.text, home.text[:300]
            assert home.headers.get("X-Request-ID"), home.headers
            notes.append("balletmaster; the home page greets Tatiana Reshetnikova")
        with self.report.step("/health/ all green") as notes:
            body = self.health(self.port_a, "ok")
            notes.append(
                ", ".join(f"{name} {c['ms']:.0f} ms" for name, c in body["checks"].items())
            )

    def plan_id(self, browser: Browser) -> int:
        plans = browser.get(self.port_a, "/api/v1/schedule/plans").json()
        assert plans, "the demo has no plan"
        return int(plans[0]["id"])

    def start_run(self, browser: Browser, port: int, plan: int, **payload: Any) -> dict[str, Any]:
        answer = browser.post(port, f"/api/v1/schedule/plans/{plan}/runs", body=payload)
        assert answer.status == 202, (answer.status, answer.text[:500])
        run: dict[str, Any] = answer.json()
        return run

    def poll_run(self, browser: Browser, port: int, run_id: int) -> dict[str, Any]:
        run: dict[str, Any] = browser.get(port, f"/api/v1/schedule/runs/{run_id}").json()
        return run

    def solve(self, stack: Stack, browser: Browser, plan: int) -> None:
        with self.report.step("a solve the worker runs, watched to the end") as notes:
            run = self.start_run(browser, self.port_a, plan, time_limit=8, workers=1)
            seen: list[float] = []
            worker = stack.procs["worker1"].pid
            peak = 0.0

            def finished() -> dict[str, Any] | None:
                nonlocal peak
                now = self.poll_run(browser, self.port_a, run["id"])
                seen.append(now["elapsed"])
                peak = max(peak, rss_mb(worker))
                return now if now["status"] in ("done", "stopped", "failed") else None

            end = wait_until("the solve finishes", finished, 120, every=0.5)
            assert end["status"] == "done", end
            assert end["objective"] is not None
            notes.append(
                f"run {end['id']} done in {end['elapsed']:.1f} s, objective {end['objective']}, "
                f"{len(set(seen))} progress readings"
            )
            self.last_run = end
            self.report.memory["worker1, peak while solving"] = peak

    def published(self, browser: Browser, plan: int) -> str:
        """Every published version of the plan with its calls, as one string."""
        versions = browser.get(self.port_a, f"/api/v1/schedule/plans/{plan}/versions").json()
        snapshot = []
        for version in sorted(versions, key=lambda v: v["id"]):
            if version["status"] != "published":
                continue
            calls = browser.get(self.port_a, f"/api/v1/schedule/versions/{version['id']}/calls")
            snapshot.append({"version": version, "calls": calls.json()})
        return json.dumps(snapshot, sort_keys=True)

    def emails(self, stack: Stack, browser: Browser, plan: int) -> None:
        with self.report.step("password-reset e-mail through the worker and the outbox") as notes:
            address = (
                stack.run(
                    "shell",
                    "-c",
                    "from django.contrib.auth.models import User; "
                    "print(User.objects.get(username='manager').email)",
                )
                .stdout.strip()
                .splitlines()[-1]
            )  # after the shell's own "objects imported" line
            self.manager_email = address
            anonymous = Browser()
            anonymous.get(self.port_a, "/password-reset/")
            sent = anonymous.post(self.port_a, "/password-reset/", form={"email": address})
            assert sent.status == 302, sent.text[:500]
            message = self.mailbox.wait_for(
                lambda m: m["To"] == address and "password" in str(m["Subject"]).lower(), 60
            )
            link = re.search(r"https?://\S+/password-reset/\S+/", text_of(message))
            assert link and link.group(0).startswith(self.site), text_of(message)
            page = anonymous.get(self.port_a, urllib.parse.urlparse(link.group(0)).path)
            assert page.status == 302 and "set-password" in page.headers.get("Location", "")
            notes.append(f"to {address}; its link {self.site}/password-reset/… opens the form")
        with self.report.step("schedule-change notices by e-mail (publish the solve)") as notes:
            before = len(self.mailbox.received())
            versions = browser.get(self.port_a, f"/api/v1/schedule/plans/{plan}/versions").json()
            (draft,) = [v["id"] for v in versions if v["status"] == "draft"]
            published = stack.run("schedule", "publish", "--schedule", str(draft), "--firm")
            notes.append(published.stdout.strip().splitlines()[-1])
            queued = int(
                stack.run(
                    "shell",
                    "-c",
                    "from callboard.core.models import OutboundEmail as E; "
                    "print(E.objects.filter(kind='scheduling.notice').count())",
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            assert queued > 0, published.stdout

            def notices_received() -> list[Any]:
                return [
                    m
                    for m in self.mailbox.received()[before:]
                    if m["X-Callboard-Kind"] == "scheduling.notice"
                ]

            wait_until(f"{queued} notice e-mails", lambda: len(notices_received()) >= queued, 120)
            notices = notices_received()
            assert len(notices) == queued, (len(notices), queued)  # each once
            for message in notices:
                body = text_of(message)
                assert f"{self.site}/schedule/me/" in body, body
            notes.append(
                f"{len(notices)} notices e-mailed (every notice to a person with an address), "
                f"each linking {self.site}/schedule/me/"
            )

    def ticket(self) -> None:
        with self.report.step("buy a ticket") as notes:
            buyer = Browser()
            shows = buyer.get(self.port_a, "/api/v1/boxoffice/performances").json()
            assert shows, "nothing on sale in the demo"
            cart = buyer.post(
                self.port_a,
                f"/api/v1/boxoffice/performances/{shows[0]['id']}/carts",
                body={"best_available": {"count": 1}},
            )
            assert cart.status == 201, cart.text[:500]
            order = buyer.post(
                self.port_a,
                f"/api/v1/boxoffice/carts/{cart.json()['token']}/order",
                body={"buyer_name": "Nina Petrova", "buyer_email": "nina@example.org"},
            )
            assert order.status == 201, order.text[:500]
            notes.append(f"order for {shows[0]['title']}: {len(order.json()['tickets'])} ticket")
            notes.append(self.step_ticket_email(order.json()))

    def step_ticket_email(self, order: dict[str, Any]) -> str:
        """Two seats bought in the public shop and paid through the provider's page: the
        provider's notification pays the order, and the worker sends the tickets' e-mail
        through the outbox (a PDF per seat, the order's absolute link)."""
        buyer = Browser()
        listing = buyer.get(self.port_a, "/shop/")
        assert listing.status == 200, listing.text[:500]
        pk = int(re.findall(r'href="/shop/p/(\d+)/"', listing.text)[0])
        page = f"/shop/p/{pk}/"
        assert buyer.get(self.port_a, page).status == 200
        held = buyer.request(self.port_a, "POST", page, form={"action": "best", "count": "2"})
        assert held.status == 302, held.text[:500]
        paying = buyer.request(
            self.port_a,
            "POST",
            page,
            form={
                "action": "checkout",
                "buyer_name": "Анна Павлова",
                "buyer_email": "anna@example.org",
            },
        )
        assert paying.status == 302, paying.text[:500]
        where = paying.headers.get("Location", "")
        assert where.startswith(f"{self.payments.base_url}/yookassa/pay/"), where
        back = self.payments.complete("yookassa", where.rsplit("/", 1)[1])  # the buyer pays
        message = self.mailbox.wait_for(lambda m: m["To"] == "anna@example.org", timeout=60)
        pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert len(pdfs) == 2, [p.get_filename() for p in message.iter_attachments()]
        link = back.split("127.0.0.1", 1)[1].split("/", 1)[1]
        assert f"{self.site}/{link}" in text_of(message), text_of(message)
        mine = buyer.get(self.port_a, "/" + link)
        assert mine.status == 200 and ".pdf" in mine.text, mine.text[:500]
        return (
            f"the shop's order paid by YooKassa's notification (stub); its e-mail arrived with "
            f"{len(pdfs)} PDF tickets and the order's link {self.site}/{link}"
        )

    def kill_worker(self, stack: Stack, browser: Browser, plan: int) -> None:
        with self.report.step("kill the worker mid-solve, start it again") as notes:
            before = self.published(browser, plan)
            run = self.start_run(browser, self.port_a, plan, time_limit=60, workers=1)
            wait_until(
                "the run is under way",
                lambda: self.poll_run(browser, self.port_a, run["id"])["elapsed"] > 1.5,
                60,
            )
            stack.kill("worker1")  # SIGKILL to the worker and its pool process
            killed = time.perf_counter()
            stack.worker("worker1")
            end = wait_until(
                "the run is marked lost",
                lambda: (
                    (r := self.poll_run(browser, self.port_a, run["id"]))["status"] == "failed"
                    and r
                ),
                60,
            )
            assert "worker stopped" in end["error"], end["error"]
            assert self.published(browser, plan) == before
            notes.append(
                f"run {run['id']} marked failed {time.perf_counter() - killed:.1f} s after "
                "the kill; published schedule unchanged"
            )

    def scale_out(self, stack: Stack, browser: Browser, plan: int) -> None:
        with self.report.step("scale out: a second gunicorn and a second worker") as notes:
            stack.worker("worker2")
            stack.gunicorn("web2", self.port_b)
            notes.append(f"web2 :{self.port_b}, worker2")
        with self.report.step("a session of one server is valid on the other") as notes:
            home = browser.get(self.port_b, "/")
            assert home.status == 200 and "Tatiana" in home.text, (home.status, home.text[:200])
            notes.append("signed in on web1, home page on web2")
        with self.report.step("a solve started on one shows live progress on the other") as notes:
            run = self.start_run(browser, self.port_a, plan, time_limit=6, workers=1)
            readings: list[tuple[str, float]] = []

            def done() -> dict[str, Any] | None:
                now = self.poll_run(browser, self.port_b, run["id"])
                readings.append((now["status"], now["elapsed"]))
                return now if now["status"] in ("done", "stopped", "failed") else None

            end = wait_until("the solve finishes, seen on web2", done, 120, every=0.3)
            assert end["status"] == "done", end
            live = sorted({e for s, e in readings if s == "running"})
            assert len(live) >= 2, readings
            notes.append(f"web2 saw {len(live)} readings while running, then done")
        with self.report.step("the sign-in lockout counts across both") as notes:
            person = Browser()
            for port in (self.port_a, self.port_b, self.port_a, self.port_b, self.port_a):
                failed = person.sign_in(port, "press", "not-the-password")
                assert failed.status == 200, failed.status
            for port in (self.port_b, self.port_a):
                right = person.sign_in(port, "press")  # the right password, now refused
                assert right.status != 302, f"web on :{port} let a locked name in"
                home = person.get(port, "/")
                assert home.status == 302 and "/login/" in home.headers["Location"], home.status
            notes.append("5 failures, alternately on web1 and web2, lock 'press' on both")

    def redis_outage(self, stack: Stack, browser: Browser, plan: int) -> None:
        with self.report.step("Redis away: pages serve, health degraded, jobs wait") as notes:
            self.redis.stop()
            down = time.perf_counter()
            for port in (self.port_a, self.port_b):
                page = browser.get(port, "/schedule/")
                assert page.status == 200, (port, page.status)
            body = self.health(self.port_a, "degraded", timeout=20)
            assert not body["checks"]["cache"]["ok"] and not body["checks"]["broker"]["ok"]
            assert body["checks"]["database"]["ok"]
            run = self.start_run(browser, self.port_a, plan, time_limit=4, workers=1)
            anonymous = Browser()
            anonymous.get(self.port_b, "/password-reset/")
            before = len(self.mailbox.received())
            reset = anonymous.post(
                self.port_b, "/password-reset/", form={"email": self.manager_email}
            )
            assert reset.status == 302, reset.status
            time.sleep(max(0.0, 4 - (time.perf_counter() - down)))
            assert self.poll_run(browser, self.port_a, run["id"])["status"] == "queued"
            notes.append(f"away {time.perf_counter() - down:.1f} s: 2 pages 200, health")
            notes.append("degraded (cache, broker), a solve and an e-mail asked for")
            self.outage_run, self.outage_mails = run, before
        with self.report.step("Redis back: the waiting jobs run") as notes:
            self.redis.start()
            back = time.perf_counter()
            when: dict[str, float] = {}
            last: dict[str, Any] = {}

            def both() -> bool:
                if "solve" not in when:
                    last.update(self.poll_run(browser, self.port_a, self.outage_run["id"]))
                    if last["status"] in ("done", "failed", "stopped"):
                        when["solve"] = time.perf_counter() - back
                mails = self.mailbox.received()[self.outage_mails :]
                if "mail" not in when and any(m["To"] == self.manager_email for m in mails):
                    when["mail"] = time.perf_counter() - back
                return len(when) == 2

            wait_until("the solve and the e-mail asked for during the outage", both, 120, 0.3)
            assert last["status"] == "done", last
            ran, mailed = when["solve"], when["mail"]
            self.health(self.port_a, "ok", timeout=60)
            notes.append(
                f"solve done {ran:.1f} s and e-mail received {mailed:.1f} s after Redis came "
                f"back; health green after {time.perf_counter() - back:.1f} s"
            )

    def memory(self, stack: Stack) -> None:
        for name, proc in stack.procs.items():
            self.report.memory[name] = rss_mb(proc.pid)
        url = urllib.parse.urlparse(PG_BASE)
        size = subprocess.run(
            [
                "psql",
                "-h",
                url.hostname or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                "-d",
                "postgres",
                "-Atc",
                f"SELECT pg_database_size('{self.db}')",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.report.sizes.append(f"database after the demo and the smoke: {int(size) / 1e6:.0f} MB")
        durations = []
        for log in stack.logs.glob("web*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if '"callboard.request"' in line:
                    with contextlib.suppress(ValueError, KeyError):
                        durations.append(float(json.loads(line)["duration_ms"]))
        if durations:
            durations.sort()
            p50 = durations[len(durations) // 2]
            p95 = durations[int(len(durations) * 0.95)]
            self.report.sizes.append(
                f"{len(durations)} requests served: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
                f"max {durations[-1]:.0f} ms (Callboard's own timing, from the JSON access lines)"
            )

    # -- all of it

    def run(self) -> int:
        self.work.mkdir(parents=True, exist_ok=True)
        ok = False
        try:
            self.install()
            self.services()
            stack = self.stack = Stack(self.work, self.venv, self.environment())
            self.refusals(stack)
            self.prepare(stack)
            self.start(stack)
            browser = Browser()
            self.sign_in_and_health(browser)
            self.deploy_files(stack)
            plan = self.plan_id(browser)
            self.solve(stack, browser, plan)
            self.emails(stack, browser, plan)
            self.ticket()
            self.kill_worker(stack, browser, plan)
            self.scale_out(stack, browser, plan)
            self.memory(stack)
            self.redis_outage(stack, browser, plan)
            ok = True
        except BaseException:
            traceback.print_exc()
            if self.stack is not None:
                print(self.stack.tail(), file=sys.stderr)
        finally:
            if self.stack is not None:
                self.stack.stop_all()
            self.redis.stop()
            self.mailbox.stop()
            self.payments.stop()
            if not self.args.keep:
                with contextlib.suppress(Exception):
                    psql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
                shutil.rmtree(self.venv, ignore_errors=True)
            self.report.print()
        print("make smoke: " + ("every step held" if ok else "FAILED"))
        return 0 if ok else 1


def _base_python() -> str:
    """The interpreter the development venv was made from (a venv of a venv is not fresh)."""
    return str(Path(getattr(sys, "_base_executable", sys.executable)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="the wheel to test (default: newest in dist/)")
    parser.add_argument(
        "--database",
        default=os.environ.get("SMOKE_DATABASE", f"callboard_smoke_{os.getpid()}"),
        help="scratch PostgreSQL database (dropped first and after)",
    )
    parser.add_argument("--keep", action="store_true", help="keep venv, database and logs")
    return Smoke(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
