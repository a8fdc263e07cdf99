"""The HTTP layer's own cost: server CPU per request of GET /health and POST /verify.

Starts one real `badge-issuer serve` worker (SQLite, loopback) as bench/verify.py does, then
sends `--requests` requests per path and concurrency from a thread pool and prints the server's
CPU time per request (from /proc: the HTTP protocol, the event loop, every middleware, the
endpoint) with its ratio to the bare Ed25519 verify floor measured in this process. GET /health
does no work of its own: its figure is the HTTP layer (parsing, middlewares, FastAPI routing,
one worker-thread hand-off). With `--profile FILE`, py-spy samples the server (--gil: the thread
running Python) during the last run and writes its raw stacks there. With PYTHONPATH set, the
server runs that checkout's code.

`--in-process N` then measures the same layer with no other process in the way: the HTTP
protocol and event loop that `serving.run` configures (read from the tree's own code, so a
before/after pair compares the trees' choices), serving the app on loopback to a raw client in
the same process, one request at a time; it prints the process CPU per GET /health (client
included, the best of 5 runs of N requests).

    .venv/bin/python bench/http_layer.py [--requests 2000] [--concurrency 1 4]
        [--paths health verify] [--profile FILE] [--in-process 1000]
"""

from __future__ import annotations

import argparse
import asyncio
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
import uvicorn

from badge_issuer import models_registry, serving
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


def _served_config(settings: Settings) -> uvicorn.Config:
    """The uvicorn configuration `serving.run` builds for one worker (captured, not run)."""
    captured: list[uvicorn.Config] = []
    original = uvicorn.Server.run
    uvicorn.Server.run = lambda server, *_a, **_k: captured.append(server.config)  # type: ignore[method-assign]
    try:
        serving.run(host="127.0.0.1", port=0, workers=1, settings=settings)
    finally:
        uvicorn.Server.run = original  # type: ignore[method-assign]
    return captured[0]


def _in_process(settings: Settings, requests: int) -> tuple[str, float]:
    """(protocol and loop, best CPU ms per GET /health of 5 runs), server and client in here."""
    config = _served_config(settings)
    config.lifespan = "off"
    config.load()
    protocol = config.http_protocol_class
    state = uvicorn.server.ServerState()
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"

    async def measure() -> float:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: protocol(config=config, server_state=state, app_state={}), "127.0.0.1", 0
        )
        reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])

        async def one() -> None:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"GET /health answered {head[:40]!r}")
            length = head.lower().split(b"content-length:")[1].split(b"\r\n")[0]
            await reader.readexactly(int(length))

        for _ in range(WARMUP):
            await one()
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            for _ in range(requests):
                await one()
            best = min(best, (time.process_time() - started) * 1000 / requests)
        writer.close()
        server.close()
        return best

    factory = config.get_loop_factory()
    with asyncio.Runner(loop_factory=factory) as runner:
        best = runner.run(measure())
    return f"{protocol.__name__} on {config.loop}", best


def _profiled(pid: int, out: str) -> subprocess.Popen[bytes] | None:
    py_spy = shutil.which("py-spy") or "/root/.pyenv/shims/py-spy"
    if not Path(py_spy).exists():
        print("py-spy not found: no profile")
        return None
    command = [py_spy, "record", "--gil", "--nonblocking", "-f", "raw", "-r", "200", "-p", str(pid)]
    return subprocess.Popen([*command, "-o", out], stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--paths", nargs="+", choices=["health", "verify"], default=["health"])
    parser.add_argument("--profile", help="py-spy raw output of the server during the last run")
    parser.add_argument("--in-process", type=int, default=0, metavar="N")
    args = parser.parse_args()
    models_registry.metadata()  # every table mapped, so the Award's foreign keys resolve
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    _, floor_ms = load.ed25519_floor()
    print(f"floor (this process): Ed25519 verify of 64 bytes {floor_ms:.3f} ms")
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        work = Path(folder)
        port = verify._free_port()
        env, settings = verify.server_setup(work, port)
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
        if args.in_process:  # after the server: this process then imports the app itself
            os.environ.update(env)  # the tree's asgi module reads its settings from there
            what, cpu_ms = _in_process(settings, args.in_process)
            print(
                f"  in process, GET /health over loopback ({what}): {cpu_ms:5.3f} ms CPU/request"
                f" ({cpu_ms / floor_ms:4.1f}x floor, client included)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
