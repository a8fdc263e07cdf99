"""The HTTP layer's own cost: server CPU per request of GET /health and POST /verify.

Starts one real `badge-issuer serve` worker (SQLite, loopback) as bench/verify.py does, then
sends `--requests` requests per path and concurrency from a thread pool and prints the server's
CPU time per request (from /proc: the HTTP protocol, the event loop, every middleware, the
endpoint) with its ratio to the bare Ed25519 verify floor measured in this process. GET /health
does no work of its own: its figure is the HTTP layer (parsing, middlewares, FastAPI routing,
one worker-thread hand-off). With `--profile FILE`, py-spy samples the server during the last
run and writes its raw stacks there. With PYTHONPATH set, the server runs that checkout's code.

    .venv/bin/python bench/http_layer.py [--requests 2000] [--concurrency 1 4]
        [--paths health verify] [--profile FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from badge_issuer import models_registry
from badge_issuer.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/load.py: the Ed25519 floor; bench/verify.py: the server and the stored credentials.
import load
import verify

WARMUP = 50


def _get_health(client: httpx.Client, base: str) -> Callable[[int], None]:
    def send(_: int) -> None:
        answer = client.get(f"{base}/health")
        if answer.status_code != 200:
            raise SystemExit(f"GET /health answered {answer.status_code}")

    return send


def _post_verify(client: httpx.Client, base: str, bodies: list[str]) -> Callable[[int], None]:
    encoded = [body.encode() for body in bodies]

    def send(index: int) -> None:
        answer = client.post(
            f"{base}/verify",
            content=encoded[index % len(encoded)],
            headers={"content-type": "application/json"},
        )
        if answer.status_code != 200 or b'"verified":true' not in answer.content.replace(b" ", b""):
            raise SystemExit(f"verification failed: {answer.status_code} {answer.text[:300]}")

    return send


def _run(
    pid: int, make: Callable[[httpx.Client], Callable[[int], None]], requests: int, workers: int
) -> tuple[float, float]:
    """(requests/s, server CPU ms per request), warm-up requests included in the CPU."""
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with httpx.Client(timeout=60, limits=limits) as client, ThreadPoolExecutor(workers) as pool:
        send = make(client)
        list(pool.map(send, range(WARMUP)))
        cpu_before = verify._cpu_seconds(pid)
        started = time.perf_counter()
        list(pool.map(send, range(requests)))
        seconds = time.perf_counter() - started
        cpu_ms = (verify._cpu_seconds(pid) - cpu_before) * 1000 / requests
    return requests / seconds, cpu_ms


def _profiled(pid: int, out: str) -> subprocess.Popen[bytes] | None:
    py_spy = shutil.which("py-spy") or "/root/.pyenv/shims/py-spy"
    if not Path(py_spy).exists():
        print("py-spy not found: no profile")
        return None
    command = [py_spy, "record", "--nonblocking", "-f", "raw", "-r", "200", "-p", str(pid)]
    return subprocess.Popen([*command, "-o", out], stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--paths", nargs="+", choices=["health", "verify"], default=["health"])
    parser.add_argument("--profile", help="py-spy raw output of the server during the last run")
    args = parser.parse_args()
    models_registry.metadata()  # every table mapped, so the Award's foreign keys resolve
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    _, floor_ms = load.ed25519_floor()
    print(f"floor (this process): Ed25519 verify of 64 bytes {floor_ms:.3f} ms")
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        work = Path(folder)
        port = verify._free_port()
        env = {
            "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
            "BADGE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "BADGE_ISSUER_LOG_LEVEL": "WARNING",
            "BADGE_ISSUER_RATE_LIMIT_PUBLIC": "off",
            "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": "100000",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        }
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=env["BADGE_ISSUER_DATABASE_URL"],
            key_encryption_key_file=Path(env["BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE"]),
            public_url=env["BADGE_ISSUER_PUBLIC_URL"],
        )
        with verify._server(env, port, work / "server.log") as (base, pid):
            bodies = verify._issue(settings, 20) if "verify" in args.paths else []
            runs = [(path, c) for path in args.paths for c in args.concurrency]
            for number, (path, concurrency) in enumerate(runs):
                profiler = None
                if args.profile and number == len(runs) - 1:
                    profiler = _profiled(pid, args.profile)
                make: Callable[[httpx.Client], Callable[[int], None]] = (
                    (lambda client: _get_health(client, base))
                    if path == "health"
                    else (lambda client: _post_verify(client, base, bodies))
                )
                rate, cpu_ms = _run(pid, make, args.requests, concurrency)
                if profiler is not None:
                    profiler.send_signal(2)  # SIGINT: py-spy writes what it sampled
                    profiler.wait(timeout=60)
                label = "GET /health" if path == "health" else "POST /verify"
                print(
                    f"  {label:<13} concurrency {concurrency}: {rate:7.1f}/s"
                    f"  server CPU {cpu_ms:5.3f} ms/request ({cpu_ms / floor_ms:5.1f}x floor)"
                    f"  ({args.requests} requests, load {os.getloadavg()[0]:.1f})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
