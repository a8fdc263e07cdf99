"""Load benchmark: completions/s (each issuing a credential) and verifications/s over HTTP.

For each backend (a SQLite file, a throwaway PostgreSQL) and worker count, starts
`badge-issuer serve --workers N` on loopback, registers a provider and a skill map where one
course earns a badge, then measures two workloads from this process (asyncio + httpx):

- complete: signed webhooks, each from a new learner, each answered 201 with a credential;
- verify: POST /verify of credentials issued in the first workload.

A closed-loop run (C clients back to back, bounded by a request count and a time limit) finds
the maximum rate. Open-loop runs then send at a fixed arrival rate of 50% and 90% of it for a
bounded time, latency counted from each request's scheduled send time, so a server that falls
behind shows its queue instead of slowing the client down. The raw floor (Ed25519 sign and
verify of 64 bytes, in this process) and the load average are printed with the table.

    .venv/bin/python bench/load.py [--backends sqlite,postgresql] [--workers 1,2]
        [--requests 300] [--concurrency 8] [--seconds 8] [--max-seconds 30] [--metrics on,off]
        [--workloads complete,verify]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from standardwebhooks.webhooks import Webhook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import throwaway_postgres  # noqa: E402

PROVIDER = "load-lms"
COURSE = "LOAD-101"
WARMUP = 20
KEPT_CREDENTIALS = 50
COMPLETE, VERIFY = "complete", "verify"  # the two workloads
# One request: returns whether it did its job (a credential issued, a credential verified).
Request = Callable[[httpx.AsyncClient], Awaitable[bool]]


@dataclass
class Run:
    """One measured run: the arrival rate asked (open loop), its duration, latencies, failures."""

    target_rate: float | None
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    server_cpu_ms: float = 0.0  # the server's CPU time per request (closed loop only)

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def slowest(self) -> float:
        """The slowest request's latency (ms): the targets bound every request, not a share."""
        return max(self.latencies_ms, default=0.0)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


@dataclass
class Row:
    backend: str
    workers: int
    workload: str
    runs: list[Run]
    load_average: float
    metrics: bool = True


async def _timed(request: Request, client: httpx.AsyncClient, since: float, run: Run) -> None:
    try:
        ok = await request(client)
    except httpx.HTTPError:
        ok = False
    run.latencies_ms.append((time.perf_counter() - since) * 1000)
    run.failures += 0 if ok else 1


async def closed_loop(
    request: Request, *, concurrency: int, requests: int, max_seconds: float
) -> Run:
    """C clients back to back until `requests` are done or `max_seconds` passed."""
    run = Run(None)
    async with _client(concurrency) as client:
        for _ in range(WARMUP):
            await request(client)
        started = time.perf_counter()
        deadline = started + max_seconds
        remaining = iter(range(requests))

        async def client_loop() -> None:
            while next(remaining, None) is not None and time.perf_counter() < deadline:
                await _timed(request, client, time.perf_counter(), run)

        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        run.seconds = time.perf_counter() - started
    return run


async def open_loop(request: Request, *, rate: float, seconds: float) -> Run:
    """Send at a fixed arrival rate; latency counts from each request's scheduled time."""
    run = Run(rate)
    count = max(1, int(rate * seconds))
    async with _client(256) as client:
        started = time.perf_counter() + 0.05

        async def one(number: int) -> None:
            scheduled = started + number / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            await _timed(request, client, scheduled, run)

        await asyncio.gather(*(one(n) for n in range(count)))
        run.seconds = time.perf_counter() - started
    return run


def cli(env: dict[str, str], *args: str) -> str:
    """Run `badge-issuer ARGS` and return its standard output."""
    command = [sys.executable, "-m", "badge_issuer", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise SystemExit(f"badge-issuer {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def skill_map_file(folder: Path) -> Path:
    """A skill map where the one course alone earns a badge: every completion, one credential."""
    achievement = {
        "id": "load-badge",
        "name": "Load badge",
        "description": "Completed the load course.",
        "criteria": "Complete LOAD-101.",
        "image": "https://badges.example.jp/load.png",
        "skills": ["sk"],
        "rule": {"course": {"provider": PROVIDER, "course_id": COURSE}},
    }
    document = {
        "version": "load",
        "frameworks": [{"id": "fw", "name": "Framework", "url": "https://example.jp/fw"}],
        "skills": [{"id": "sk", "name": "Skill", "framework": "fw", "code": "SK"}],
        "courses": [{"provider": PROVIDER, "course_id": COURSE, "name": "Load", "skills": ["sk"]}],
        "achievements": [achievement],
    }
    path = folder / "skill-map.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], log: Path, *, workers: int) -> Iterator[tuple[str, int]]:
    """`badge-issuer serve --workers N` on a free loopback port until /health/ready; its URL
    and process id."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "badge_issuer", "serve", "--port", str(port)]
    with log.open("wb") as sink:
        command += ["--workers", str(workers)]
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
        try:
            _wait_ready(base, process, log)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited early; see {log}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not become ready; see {log}")


def _client(connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(timeout=120, limits=limits)


def completion_request(base: str, secret: str, issued: list[str]) -> Request:
    """A signed webhook from a new learner; ok when it was answered 201 with a credential."""
    signer = Webhook(secret)
    url = f"{base}/v1/providers/{PROVIDER}/completions"

    async def send(client: httpx.AsyncClient) -> bool:
        body = json.dumps(
            {
                "learner": {"email": f"{uuid.uuid4().hex}@example.jp", "region": "01-kitami"},
                "course_id": COURSE,
                "completed_at": "2026-10-01T10:00:00+09:00",
                "score": 90,
            }
        )
        msg_id, moment = f"msg_{uuid.uuid4().hex}", datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signer.sign(msg_id, moment, body),
        }
        response = await client.post(url, content=body.encode(), headers=headers)
        awards = response.json().get("awards") if response.status_code == 201 else None
        if awards and len(issued) < KEPT_CREDENTIALS:
            issued.append(awards[0]["credential_url"])
        return bool(awards)

    return send


def verify_request(base: str, documents: list[bytes]) -> Request:
    """POST /verify of a stored credential (in turn); ok when the report says verified."""
    turn = itertools.cycle(documents)

    async def send(client: httpx.AsyncClient) -> bool:
        document = next(turn)
        response = await client.post(
            f"{base}/verify", content=document, headers={"content-type": "application/json"}
        )
        return response.status_code == 200 and response.json().get("verified") is True

    return send


def _fetch_documents(base: str, urls: list[str], public_url: str) -> list[bytes]:
    with httpx.Client(timeout=60) as client:
        return [client.get(base + url.removeprefix(public_url)).content for url in urls]


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process `pid` and its children (uvicorn's workers)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += server_cpu_seconds(int(child))
    except OSError:  # a process that ended meanwhile
        pass
    return total


def measure_workload(request: Request, args: argparse.Namespace, server_pid: int) -> list[Run]:
    """The closed-loop maximum, then open loops at 50% and 90% of it."""
    closed = closed_loop(
        request, concurrency=args.concurrency, requests=args.requests, max_seconds=args.max_seconds
    )
    # Server CPU per request: less sensitive than rates to what else runs on the machine.
    cpu_before = server_cpu_seconds(server_pid)
    maximum = asyncio.run(closed)
    spent = server_cpu_seconds(server_pid) - cpu_before
    maximum.server_cpu_ms = spent * 1000 / max(1, len(maximum.latencies_ms))
    shares = (0.5, 0.9)
    opened = [open_loop(request, rate=s * maximum.rate, seconds=args.seconds) for s in shares]
    return [maximum, *(asyncio.run(run) for run in opened)]


def measure_deployment(
    backend: str,
    workers: int,
    database_url: str,
    work: Path,
    args: argparse.Namespace,
    *,
    metrics: bool = True,
) -> list[Row]:
    env = {
        "BADGE_ISSUER_METRICS_ENABLED": "true" if metrics else "false",
        "BADGE_ISSUER_METRICS_DIR": str(work / "metrics"),
        "BADGE_ISSUER_DATABASE_URL": database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        # A load test is one client at full speed: the per-client limits would answer 429s.
        "BADGE_ISSUER_RATE_LIMIT_PUBLIC": "off",
        "BADGE_ISSUER_RATE_LIMIT_WEBHOOK": "off",
        "BADGE_ISSUER_RATE_LIMIT_ADMIN": "off",
        "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": "100000",
        "BADGE_ISSUER_PUBLIC_URL": "http://localhost:8000",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # Lets a before/after comparison run another checkout's code with this venv.
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    log = work / f"server-{backend}-{workers}-{metrics}.log"
    with serving(env, log, workers=workers) as (base, pid):
        secret = cli(env, "provider", "create", "--id", PROVIDER, "--name", "Load LMS")
        cli(env, "skillmap", "load", str(skill_map_file(work)))
        issued: list[str] = []
        request = completion_request(base, secret.strip().splitlines()[-1], issued)
        completions = measure_workload(request, args, pid)
        rows = [Row(backend, workers, COMPLETE, completions, os.getloadavg()[0], metrics)]
        if VERIFY in args.workloads:
            documents = _fetch_documents(base, issued, env["BADGE_ISSUER_PUBLIC_URL"])
            verifications = measure_workload(verify_request(base, documents), args, pid)
            rows.append(Row(backend, workers, VERIFY, verifications, os.getloadavg()[0], metrics))
    if any(run.failures for row in rows for run in row.runs):
        # The folder is temporary: show why requests failed while the log still exists.
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        print(f"failures on {backend} with {workers} worker(s); server log tail:", *tail, sep="\n")
    return rows


def ed25519_floor(operations: int = 2000) -> tuple[float, float]:
    """Median milliseconds of one Ed25519 sign and one verify of 64 bytes, in this process."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    messages = [os.urandom(64) for _ in range(operations)]
    signs, verifies = [], []
    for message in messages:
        started = time.perf_counter()
        signature = key.sign(message)
        signs.append(time.perf_counter() - started)
        started = time.perf_counter()
        public.verify(signature, message)
        verifies.append(time.perf_counter() - started)
    return statistics.median(signs) * 1000, statistics.median(verifies) * 1000


def _table(rows: list[Row], floor: tuple[float, float]) -> str:
    sign_ms, verify_ms = floor
    lines = [
        f"floor (this process): Ed25519 sign {sign_ms:.3f} ms ({1000 / sign_ms:.0f}/s), "
        f"verify {verify_ms:.3f} ms ({1000 / verify_ms:.0f}/s), 64-byte messages",
        f"{'backend':<10} {'wrk':>3} {'metrics':<7} {'workload':<8} {'max/s':>6} {'floor':>5} "
        f"{'at50%/s':>8} {'p50':>6} {'p99':>7} {'max':>7} {'at90%/s':>8} {'p50':>6} {'p99':>7} "
        f"{'max':>7} "
        f"{'fail':>4} {'load':>4} {'cpu ms':>6} {'floor':>5}",
    ]
    for row in rows:
        closed, half, most = row.runs
        floor_ms = sign_ms if row.workload == COMPLETE else verify_ms
        floor_rate = 1000 / floor_ms
        failures = sum(run.failures for run in row.runs)
        lines.append(
            f"{row.backend:<10} {row.workers:>3} {'on' if row.metrics else 'off':<7} "
            f"{row.workload:<8} {closed.rate:>6.1f} "
            f"{floor_rate / closed.rate:>4.0f}x "
            f"{half.target_rate or 0:>8.1f} {half.percentile(0.5):>6.1f} "
            f"{half.percentile(0.99):>7.1f} {half.slowest:>7.1f} {most.target_rate or 0:>8.1f} "
            f"{most.percentile(0.5):>6.1f} {most.percentile(0.99):>7.1f} {most.slowest:>7.1f} "
            f"{failures:>4} {row.load_average:>4.1f} "
            f"{closed.server_cpu_ms:>6.2f} {closed.server_cpu_ms / floor_ms:>4.0f}x"
        )
    lines += [
        "max/s: closed loop. at50%/s, at90%/s: open-loop arrival rates; p50/p99/max (the slowest",
        "request) in ms from each request's scheduled send time. floor: floor ops/s per max/s.",
        "load: 1-min load average.",
        "cpu ms: the server's CPU time (all its processes) per request in the closed loop, and",
        "that as a multiple of the floor operation.",
    ]
    return "\n".join(lines)


def _postgres_database(server_url: str, name: str) -> str:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(False)


def run_backend(backend: str, work: Path, args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    server = throwaway_postgres.start() if backend == "postgresql" else None
    try:
        runs = itertools.product(args.workers, args.metrics)
        for number, (workers, metrics) in enumerate(runs):
            folder = work / f"{backend}-{number}"
            folder.mkdir()
            url = (
                _postgres_database(server.url, f"load_{number}")
                if server
                else f"sqlite:///{folder / 'load.db'}"
            )
            rows += measure_deployment(backend, workers, url, folder, args, metrics=metrics)
    finally:
        if server:
            throwaway_postgres.stop(server)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2", type=lambda v: [int(n) for n in v.split(",")])
    parser.add_argument("--requests", type=int, default=300, choices=range(1, 20_001), metavar="N")
    parser.add_argument("--concurrency", type=int, default=8, choices=range(1, 129), metavar="C")
    parser.add_argument("--seconds", type=float, default=8.0, help="each open-loop run")
    parser.add_argument(
        "--workloads",
        default=f"{COMPLETE},{VERIFY}",
        type=lambda v: v.split(","),
        help="complete (always: it issues the credentials verify needs), verify",
    )
    parser.add_argument("--max-seconds", type=float, default=30.0, help="closed-loop time limit")
    parser.add_argument(
        "--metrics",
        default="on",
        type=lambda v: [part == "on" for part in v.split(",")],
        help="on, off, or on,off (both, one after the other: the overhead of metrics)",
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        for backend in args.backends.split(","):
            if backend not in ("sqlite", "postgresql"):
                parser.error(f"unknown backend {backend!r}")
            rows += run_backend(backend, Path(folder), args)
    print(_table(rows, ed25519_floor()))
    return 1 if any(run.failures for row in rows for run in row.runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
