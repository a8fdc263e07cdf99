"""Completion intake throughput: signed webhooks through HTTP to one `badge-issuer serve` worker.

Starts a real server subprocess on loopback (SQLite file, then a throwaway PostgreSQL), registers
a provider through the CLI, loads a skill map that knows the course, then posts a bounded number
of signed completion webhooks (one new learner each) from a thread pool and prints
completions/s with p50/p99 latency per backend. With --awards every completion also earns a
badge, so each request signs a credential too.

    .venv/bin/python bench/intake.py [--requests 600] [--concurrency 8] [--awards]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from standardwebhooks.webhooks import Webhook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import throwaway_postgres  # noqa: E402

PROVIDER = "bench-lms"
COURSE = "BENCH-101"
WARMUP = 20


@dataclass(frozen=True)
class Result:
    backend: str
    requests: int
    concurrency: int
    failures: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "badge_issuer", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def _skill_map(awards: bool) -> str:
    document: dict[str, object] = {
        "version": "bench",
        "frameworks": [{"id": "fw", "name": "Framework", "url": "https://example.jp/fw"}],
        "skills": [{"id": "sk", "name": "Skill", "framework": "fw", "code": "SK"}],
        "courses": [{"provider": PROVIDER, "course_id": COURSE, "name": "Bench", "skills": ["sk"]}],
        "achievements": [],
    }
    if awards:
        document["achievements"] = [
            {
                "id": "bench-badge",
                "name": "Bench badge",
                "description": "Completed the bench course.",
                "criteria": "Complete BENCH-101.",
                "image": "https://badges.example.jp/bench.png",
                "skills": ["sk"],
                "rule": {"course": {"provider": PROVIDER, "course_id": COURSE}},
            }
        ]
    return json.dumps(document)


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "badge_issuer", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=sink,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise SystemExit(f"server exited early; see {log}")
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"server did not start; see {log}")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _post(client: httpx.Client, url: str, secret: Webhook) -> tuple[float, int]:
    body = json.dumps(
        {
            "learner": {"email": f"{uuid.uuid4().hex}@example.jp", "region": "01-kitami"},
            "course_id": COURSE,
            "completed_at": "2026-10-01T10:00:00+09:00",
            "score": 90,
        }
    )
    msg_id = f"msg_{uuid.uuid4().hex}"
    moment = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": secret.sign(msg_id, moment, body),
    }
    started = time.perf_counter()
    try:
        status = client.post(url, content=body.encode(), headers=headers).status_code
    except httpx.TransportError:
        status = 0  # e.g. the server closed the connection after a 500
    return (time.perf_counter() - started) * 1000, status


def _drive(base: str, secret: str, *, requests: int, concurrency: int) -> tuple[float, list]:
    url = f"{base}/v1/providers/{PROVIDER}/completions"
    signer = Webhook(secret)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(timeout=60, limits=limits) as client, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: _post(client, url, signer), range(WARMUP)))
        started = time.perf_counter()
        outcomes = list(pool.map(lambda _: _post(client, url, signer), range(requests)))
        return time.perf_counter() - started, outcomes


def run_backend(backend: str, database_url: str, work: Path, args: argparse.Namespace) -> Result:
    env = {
        "BADGE_ISSUER_DATABASE_URL": database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        # A load test is one client at full speed: the per-client limits would answer 429s.
        "BADGE_ISSUER_RATE_LIMIT_PUBLIC": "off",
        "BADGE_ISSUER_RATE_LIMIT_WEBHOOK": "off",
        "BADGE_ISSUER_RATE_LIMIT_ADMIN": "off",
        "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": "100000",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    log = work / f"server-{backend}.log"
    try:
        return _measure(backend, env, log, work, args)
    except Exception:
        # The temporary folder goes away: show why the server failed while it is still here.
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        print("\n".join(tail), file=sys.stderr)
        raise


def _measure(
    backend: str, env: dict[str, str], log: Path, work: Path, args: argparse.Namespace
) -> Result:
    with _server(env, log) as base:
        secret = _cli(env, "provider", "create", "--id", PROVIDER, "--name", "Bench LMS")
        skill_map = work / f"skill-map-{backend}.json"
        skill_map.write_text(_skill_map(args.awards), encoding="utf-8")
        _cli(env, "skillmap", "load", str(skill_map))
        seconds, outcomes = _drive(
            base,
            secret.strip().splitlines()[-1],
            requests=args.requests,
            concurrency=args.concurrency,
        )
    latencies = [latency for latency, _status in outcomes]
    failures = sum(1 for _latency, status in outcomes if status != 201)
    return Result(backend, args.requests, args.concurrency, failures, seconds, latencies)


def _table(results: list[Result], awards: bool) -> str:
    header = (
        f"{'backend':<11} {'requests':>8} {'conc':>4} {'fail':>4} {'seconds':>8} "
        f"{'compl/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'mean ms':>8}"
    )
    lines = [f"intake bench, 1 worker, awards={'on' if awards else 'off'}", header]
    for r in results:
        lines.append(
            f"{r.backend:<11} {r.requests:>8} {r.concurrency:>4} {r.failures:>4} "
            f"{r.seconds:>8.2f} {r.per_second:>8.1f} {r.percentile(0.5):>7.1f} "
            f"{r.percentile(0.99):>7.1f} {statistics.fmean(r.latencies_ms):>8.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=600, choices=range(1, 20_001), metavar="N (1-20000)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, choices=range(1, 129), metavar="C (1-128)"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--awards", action="store_true", help="every completion earns a badge")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as folder:
        work = Path(folder)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{work / 'bench.db'}"
                results.append(run_backend(backend, url, work, args))
            elif backend == "postgresql":
                server = throwaway_postgres.start()
                try:
                    results.append(run_backend(backend, server.url, work, args))
                finally:
                    throwaway_postgres.stop(server)
            else:
                parser.error(f"unknown backend {backend!r}")
    print(_table(results, args.awards))
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
