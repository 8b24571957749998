"""Load: simulated learners post attempts and journal entries to a server on loopback.

Starts the app on 127.0.0.1 with a fresh SQLite database (or drives --database-url), signs up the
learners, then for --seconds each learner posts Runs and Checks (and every few, a journal
entry; now and then it resends an attempt, as the offline queue does). It prints throughput,
p50/p99 latency and errors, then checks the database: every attempt the server acknowledged
is stored exactly once, and nothing else was stored.

The learner is a closed loop: post, wait for the reply, think, post again. --think is the mean
think time (exponentially distributed, so learners do not march in step). With the default 0
every learner posts again as soon as it has its reply: that measures capacity (the most the
server can do), and by Little's law the mean latency is then learners / throughput (200 learners
at 1,500/s wait 133 ms on average), whatever the server. A real learner thinks for seconds
between Checks (200 learners at 10 s offer 20 attempts/s), so a latency target is read at a
stated offered load: N learners thinking Z seconds offer at most N / Z requests per second.

CPU is measured from /proc for the server's processes, the PostgreSQL server's (when it listens
on this machine) and this script's, over the timed part only. CPU milliseconds per attempt in
the server is the figure that depends least on how busy the machine is; the script prints what
it allows on this machine's cores, with the load generator moved elsewhere.

    .venv/bin/python scripts/load.py                    # 200 learners, 60 s, `flask run`
    .venv/bin/python scripts/load.py --server gunicorn --workers 4
    .venv/bin/python scripts/load.py --database-url postgresql://... --server gunicorn
    .venv/bin/python scripts/load.py --server gunicorn --think 0.1   # latency at an offered load

Everything stays on this machine (127.0.0.1); the loops are bounded in time and stop by
themselves. Standard library only on the client side (asyncio, one keep-alive connection per
learner), so the client costs little of the CPU it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "load test horse battery staple"
CODE = "def add(a, b):\n    return a - b  # attempt {n}\n"


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Connection:
    """One learner's keep-alive HTTP/1.1 connection, with its cookies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Send one request and read the whole response (reconnecting if the server closed)."""
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                    f"Content-Length: {len(body)}"]
            if content_type:
                head.append(f"Content-Type: {content_type}")
            head += [f"{name}: {value}" for name, value in (headers or {}).items()]
            if self.cookies:
                head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            try:
                self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await self.writer.drain()
                return await self.read_response()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def read_response(self) -> tuple[int, bytes]:
        """Parse a status line, headers and a Content-Length (or chunked) body."""
        assert self.reader is not None
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = (await self.reader.readuntil(b"\r\n")).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        """Close the connection (a new one opens on the next request)."""
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


@dataclass
class Results:
    """What the learners saw."""

    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    journal_acknowledged: int = 0

    def took(self, kind: str, ms: float) -> None:
        """Record one request's time."""
        self.latencies_ms.setdefault(kind, []).append(ms)

    def error(self, what: str) -> None:
        """Count one error by kind."""
        self.errors[what] = self.errors.get(what, 0) + 1


async def sign_up(conn: Connection, n: int) -> None:
    """Create the learner's account through the real form (with its CSRF token)."""
    status, html = await conn.request("GET", "/auth/signup")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
    form = {"display_name": f"Load {n}", "email": f"load{n}@example.org",
            "password": PASSWORD, "confirm": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1).decode()
    status, _ = await conn.request("POST", "/auth/signup", urlencode(form).encode(),
                                   "application/x-www-form-urlencoded")
    if status != 302:
        raise SystemExit(f"sign-up {n} failed with {status}")


async def csrf_token(conn: Connection, exercise_id: str) -> str:
    """The API's CSRF token, from the exercise page's meta tag."""
    status, html = await conn.request("GET", f"/exercises/{exercise_id}")
    found = re.search(rb'name="csrf-token" content="([^"]+)"', html)
    return found.group(1).decode() if found else ""


async def learner(
    n: int, conn: Connection, exercise, deadline: float, results: Results, think_s: float,
    token: str,
) -> None:
    """Post attempts (and journal entries) until the deadline, thinking between them."""
    file_name = exercise.editable_files[0]
    rng = random.Random(n)
    sent = 0
    last_body = None
    while True:
        if think_s:  # never past the deadline: the run lasts --seconds
            await asyncio.sleep(min(rng.expovariate(1 / think_s),
                                    max(0.0, deadline - time.monotonic())))
        if time.monotonic() >= deadline:
            break
        sent += 1
        if last_body is not None and sent % 7 == 0:
            body, kind = last_body, "attempt (resent)"  # the offline queue resends: same id
        else:
            body = json.dumps({
                "id": str(uuid.uuid4()), "exercise_id": exercise.id,
                "exercise_version": exercise.version,
                "kind": "check" if sent % 3 else "run",
                "files": {file_name: CODE.format(n=sent)},
                "verdict": {"status": "failed", "kind": "check", "tests": [
                    {"name": "test_example", "outcome": "failed",
                     "message": "assert -1 == 5"}]},
                "duration_ms": 40, "client_time": datetime.now(UTC).isoformat(),
            }).encode()
            kind = "attempt"
        if sent % 5 == 0:
            body, kind = json.dumps({"kind": "free", "text": f"note {sent} from {n}"}).encode(), \
                "journal"
        path = "/api/journal" if kind == "journal" else "/api/attempts"
        started = time.perf_counter()
        try:
            status, reply = await conn.request(
                "POST", path, body, "application/json", {"X-CSRFToken": token} if token else None
            )
        except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
            results.error(f"{kind}: {type(exc).__name__}")
            await conn.close()
            continue
        results.took(kind, (time.perf_counter() - started) * 1000)
        if kind == "journal":
            if status == 201:
                results.journal_acknowledged += 1
            else:
                results.error(f"journal: HTTP {status}")
            continue
        if status in (200, 201):
            results.acknowledged.add(json.loads(reply)["attempt"]["id"])
            last_body = body
        else:
            results.error(f"{kind}: HTTP {status} {reply[:120]!r}")


def server_command(args, port: int, app_spec: str) -> list[str]:
    """The command line of the chosen server, listening on 127.0.0.1:port."""
    py = sys.executable
    if args.server == "gunicorn":
        gunicorn = shutil.which("gunicorn", path=str(Path(py).parent)) or "gunicorn"
        command = [gunicorn, "--config", str(ROOT / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{port}", "--worker-class", args.worker_class,
                   "--backlog", "2048"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        return [*command, "--pythonpath", str(ROOT / "scripts"), app_spec]
    module, _, factory = app_spec.partition(":")
    if args.server == "granian":
        granian = shutil.which("granian", path=str(Path(py).parent)) or "granian"
        command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(args.workers or 2), "--blocking-threads",
                   str(args.threads or 4), "--backlog", "2048", "--no-ws", "--access-log",
                   "--factory"]
        return [*command, f"{module}:{factory.removesuffix('()')}"]
    return [py, "-m", "flask", "--app", f"{module}:{factory}", "run", "--port", str(port),
            "--no-reload", "--with-threads"]


def start_server(
    args, env: dict[str, str], log_path: Path, app_spec: str = "app:create_app()",
    prepare: bool = True,
) -> tuple[subprocess.Popen, str]:
    """Migrate and sync the catalog (when `prepare`), then start the chosen server on
    127.0.0.1 with the production settings (gunicorn.conf.py) but for the ones given."""
    py = sys.executable
    if prepare:
        subprocess.run([py, "-m", "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        subprocess.run([py, "-m", "flask", "exercises", "sync"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    port = free_port()
    command = server_command(args, port, app_spec)
    log = open(log_path, "w")  # noqa: SIM115 (the server's log, kept for the run)
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"the server did not start; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server this script started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int, reaped_children: bool = False) -> tuple[int, float]:
    """(process group, CPU seconds) of one process from /proc; with reaped_children, plus the
    CPU of the children it has waited for (a gunicorn master's restarted workers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return int(fields[2]), ticks / CLOCK_TICKS


def all_pids() -> list[int]:
    """Every process id on the machine."""
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def group_cpu(group: int) -> float:
    """CPU seconds of a process group: the server this script started (its own session)."""
    total = 0.0
    for pid in all_pids():
        try:
            pgrp, seconds = process_cpu(pid, reaped_children=pid == group)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if pgrp == group:
            total += seconds
    return total


def listener_pid(port: int) -> int | None:
    """The process listening on a loopback TCP port (the PostgreSQL server), from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for pid in all_pids():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
        except OSError:
            continue
    return None


def tree_cpu(root: int) -> float:
    """CPU seconds of a server and its direct children (PostgreSQL's backends), including the
    children that have exited."""
    total = 0.0
    for pid in all_pids():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if pid == root or int(stat[1]) == root:  # stat[1]: the parent's id
                total += process_cpu(pid, reaped_children=pid == root)[1]
        except (OSError, IndexError, ValueError):
            continue
    return total


def machine_busy() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class CpuMeter:
    """CPU used by the server, the database server and this script while the learners work."""

    server_group: int
    database_pid: int | None
    used: dict[str, float] = field(default_factory=dict)
    _at_start: dict[str, float] = field(default_factory=dict)

    def sample(self) -> dict[str, float]:
        """Cumulative CPU seconds of each part now."""
        me = resource.getrusage(resource.RUSAGE_SELF)
        sample = {
            "server": group_cpu(self.server_group),
            "load generator": me.ru_utime + me.ru_stime,
            "machine": machine_busy(),
        }
        if self.database_pid is not None:
            sample["database server"] = tree_cpu(self.database_pid)
        return sample

    def start(self) -> None:
        """Take the first sample."""
        self._at_start = self.sample()

    def stop(self) -> None:
        """Take the second sample; `used` holds the differences."""
        end = self.sample()
        self.used = {name: end[name] - self._at_start[name] for name in end}
        self.used["everything else"] = max(0.0, self.used.pop("machine") - sum(self.used.values()))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def verify(
    database_url: str, acknowledged: set[str], table: str = "attempt"
) -> tuple[bool, str]:
    """Every acknowledged attempt is stored exactly once, and nothing unacknowledged."""
    import sqlalchemy as sa

    from app.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(f"SELECT client_id, COUNT(*) FROM {table} GROUP BY client_id")
        ).all()
    engine.dispose()
    stored = {client_id: n for client_id, n in rows}
    twice = [c for c, n in stored.items() if n != 1]
    missing = acknowledged - stored.keys()
    extra = stored.keys() - acknowledged
    ok = not twice and not missing and not extra
    return ok, (f"{len(stored)} stored, {len(acknowledged)} acknowledged: "
                f"{len(missing)} missing, {len(twice)} stored more than once, "
                f"{len(extra)} stored but never acknowledged")


async def run_load(
    url: str, learners: int, seconds: float, think_s: float, exercise, meter: CpuMeter
) -> tuple[Results, float]:
    """Sign everyone up, then let them all work for `seconds` (CPU measured over that part)."""
    parts = urlsplit(url)
    conns = [Connection(parts.hostname, parts.port) for _ in range(learners)]
    signups = asyncio.Semaphore(16)

    async def signed_up(n: int) -> str:
        async with signups:
            await sign_up(conns[n], n)
            return await csrf_token(conns[n], exercise.id)

    tokens = await asyncio.gather(*(signed_up(n) for n in range(learners)))
    results = Results()
    meter.start()
    started = time.monotonic()
    await asyncio.gather(*(
        learner(n, conns[n], exercise, started + seconds, results, think_s, tokens[n])
        for n in range(learners)
    ))
    elapsed = time.monotonic() - started
    meter.stop()
    for conn in conns:
        await conn.close()
    return results, elapsed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a load run (shared with scripts/load_floor.py)."""
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--server", choices=["flask", "gunicorn", "granian"], default="flask")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn worker processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=0,
                        help="gunicorn threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread",
                        help="gunicorn worker class")
    parser.add_argument("--database-url", default="",
                        help="default: a fresh SQLite file; a PostgreSQL URL is used as the "
                             "server to create a fresh database on, dropped afterwards")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean think time between a learner's requests, in seconds "
                             "(0: post again at once, which measures capacity)")


def check_arguments(parser: argparse.ArgumentParser, args) -> None:
    """Bounded runs only."""
    if not 1 <= args.learners <= 1000 or not 1 <= args.seconds <= 600:
        parser.error("at most 1000 learners and 600 seconds")
    if not 0 <= args.think <= 600:
        parser.error("--think is between 0 and 600 seconds")


@dataclass
class Measured:
    """One run's numbers."""

    label: str
    database: str
    elapsed: float
    results: Results
    used: dict[str, float]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    exactly_once: bool
    storage_summary: str
    server_log: Path

    @property
    def attempts(self) -> list[float]:
        """Latencies of every attempt (new and resent)."""
        latencies = self.results.latencies_ms
        return latencies.get("attempt", []) + latencies.get("attempt (resent)", [])

    @property
    def requests(self) -> int:
        """Every request answered."""
        return sum(len(values) for values in self.results.latencies_ms.values())


class FreshDatabase:
    """A database for one run: a new SQLite file, or a new database on a PostgreSQL server
    (created from the given URL's connection, dropped afterwards)."""

    def __init__(self, server_url: str, folder: Path) -> None:
        self.server_url, self.name = server_url, ""
        if not server_url:
            self.url = f"sqlite:///{folder / 'load.db'}"
            return
        import sqlalchemy as sa

        from app.config import normalise_database_url

        self.name = f"friction_load_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        engine.dispose()
        self.url = urlsplit(server_url)._replace(path=f"/{self.name}").geturl()

    def drop(self) -> None:
        """Drop the PostgreSQL database made for the run (a SQLite file stays with the log)."""
        if not self.name:
            return
        import sqlalchemy as sa

        from app.config import normalise_database_url

        engine = sa.create_engine(normalise_database_url(self.server_url),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


def measure(
    args, label: str = "app", app_spec: str = "app:create_app()", prepare: bool = True,
    table: str = "attempt", extra_env: dict[str, str] | None = None,
) -> Measured:
    """Start a server on a fresh database, run the learners against it, stop it, verify."""
    from app.exercises import load_catalog

    exercise = next(e for e in load_catalog(ROOT / "exercises").exercises.values()
                    if e.kind == "python")
    tmp = Path(tempfile.mkdtemp(prefix="friction-load-"))
    database = FreshDatabase(args.database_url, tmp)
    env = {
        **os.environ, "FLASK_APP": "app", "SECRET_KEY": "load-test-only",
        "DATABASE_URL": database.url, "RECHECK_MODE": "off",
        # One loopback address for everyone: the limits are for people, not for this script.
        "SIGNUP_RATE_LIMIT": "100000 per hour", "ACCOUNT_WRITE_LIMIT": "100000 per hour",
        "LOGIN_RATE_LIMIT": "100000 per hour", **(extra_env or {}),
        # The floor's app (scripts/load_floor.py) is imported from beside this script.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])
        ),
    }
    try:
        proc, url = start_server(args, env, tmp / "server.log", app_spec, prepare)
        where = urlsplit(database.url)
        database_pid = (
            listener_pid(where.port or 5432)
            if where.scheme.startswith("postgresql")
            and where.hostname in ("127.0.0.1", "localhost", "::1")
            else None
        )
        meter = CpuMeter(server_group=proc.pid, database_pid=database_pid)
        load_before = os.getloadavg()
        try:
            results, elapsed = asyncio.run(
                run_load(url, args.learners, args.seconds, args.think, exercise, meter)
            )
        finally:
            load_after = os.getloadavg()
            stop_server(proc)
        ok, summary = verify(database.url, results.acknowledged, table)
    finally:
        database.drop()
    return Measured(label, "SQLite" if database.url.startswith("sqlite") else "PostgreSQL",
                    elapsed, results, meter.used, load_before, load_after, ok, summary,
                    tmp / "server.log")


def report(args, run: Measured) -> None:
    """Print one run's throughput, latencies, load average, CPU, errors and storage check."""
    think = (f"thinking {args.think:g} s on average between requests (at most "
             f"{args.learners / args.think:.0f} requests/s offered)" if args.think
             else "posting again as soon as answered (capacity)")
    server = (f"gunicorn {args.worker_class} {args.workers or 'default'}x"
              f"{args.threads or 'default'}" if args.server == "gunicorn"
              else f"granian {args.workers or 2}x{args.threads or 4}" if args.server == "granian"
              else args.server)
    print(f"[{run.label}] {args.learners} learners for {run.elapsed:.0f} s against {server} "
          f"({run.database}), {think}")
    print(f"attempts: {len(run.attempts)} ({len(run.attempts) / run.elapsed:.0f}/s), "
          f"journal entries: {run.results.journal_acknowledged}, "
          f"all requests: {run.requests / run.elapsed:.0f}/s")
    for kind, values in sorted(run.results.latencies_ms.items()):
        print(f"  {kind:18} p50 {percentile(values, 50):7.1f} ms   "
              f"p99 {percentile(values, 99):7.1f} ms   n={len(values)}")
    # The machine may be shared: above its core count, the numbers are lower bounds.
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.1f}' for x in run.load_before)}, "
          f"after {' '.join(f'{x:.1f}' for x in run.load_after)}; {os.cpu_count()} cores")
    print_cpu(run.used, len(run.attempts), run.requests, run.elapsed)
    errors = run.results.errors
    print(f"errors: {sum(errors.values())}"
          + "".join(f"\n  {n} x {what}" for what, n in sorted(errors.items())))
    print(f"exactly once: {'yes' if run.exactly_once else 'NO'} ({run.storage_summary})")
    print(f"server log: {run.server_log}")


def main() -> int:
    """Run the load and print the numbers; exit 1 on errors or a storage mismatch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args()
    check_arguments(parser, args)
    run = measure(args)
    report(args, run)
    return 0 if run.exactly_once and not run.results.errors else 1


def print_cpu(used: dict[str, float], attempts: int, requests: int, elapsed: float) -> None:
    """Who used the machine's CPU during the run, and what the app's cost per attempt allows."""
    cores = os.cpu_count() or 1
    print(f"CPU over the run ({cores} cores = {cores * elapsed:.0f} CPU-seconds): " + ", ".join(
        f"{name} {seconds:.1f} s ({seconds / elapsed:.2f} cores)" for name, seconds in used.items()
    ))
    if not attempts:
        return
    # Journal entries ride along (one request in five): their CPU is charged to the attempts,
    # so "per attempt" is the cost of the whole mix divided by the attempts in it.
    app = used["server"] + used.get("database server", 0.0)
    print(f"  server: {1000 * used['server'] / requests:.2f} ms CPU per request, "
          f"{1000 * used['server'] / attempts:.2f} ms per attempt (journal entries included)"
          + (f"; database server: {1000 * used['database server'] / attempts:.2f} ms per attempt"
             if "database server" in used else ""))
    print(f"  => with the whole machine for the app ({cores} cores, no load generator), this "
          f"cost allows about {cores * attempts / app:.0f} attempts/s")


if __name__ == "__main__":
    sys.exit(main())
