"""Real slow clients and bursts against a real `badge-issuer serve` on loopback.

Figures are printed (run with -s) and asserted: trickled heads and bodies are cut after the
configured timeouts, connections over the per-client cap are refused at once, a burst from one
client is answered 429 while another client keeps its normal latency. Distinct clients are
made with X-Forwarded-For, which uvicorn trusts from 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from badge_issuer.config import Settings
from tests.faults.servers import ServerProcess, server_env

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 3.0
PER_CLIENT = 40
PUBLIC_RATE = 20  # per minute


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[ServerProcess]:
    env = server_env(settings) | {
        "BADGE_ISSUER_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "BADGE_ISSUER_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
        "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": str(PER_CLIENT),
        "BADGE_ISSUER_RATE_LIMIT_PUBLIC": f"{PUBLIC_RATE}/minute",
        "BADGE_ISSUER_LOG_LEVEL": "INFO",
    }
    process = ServerProcess(env, tmp_path / "server.log")
    try:
        process.start()
        process.wait_ready()
        yield process
    finally:
        process.stop()


async def _open(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def _trickle_until_closed(port: int, head: bytes, drip: bytes, limit: float) -> float:
    """Send `head`, then `drip` every 0.25 s; return the seconds until the server closed."""
    reader, writer = await _open(port)
    started = time.monotonic()
    writer.write(head)
    try:
        while time.monotonic() - started < limit:
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(65536), timeout=0.25) == b"":
                    break
            except TimeoutError:
                writer.write(drip)
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
    return time.monotonic() - started


async def _timed_get(port: int, path: str) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        answer = await client.get(path, headers={"x-forwarded-for": "198.51.100.99"})
    assert answer.status_code == 200
    return time.monotonic() - started


@pytest.mark.slow
def test_trickled_heads_and_bodies_are_cut(server: ServerProcess) -> None:
    port = server.port
    slow_heads, slow_bodies = 20, 15

    async def scenario() -> tuple[list[float], list[float], list[float]]:
        head = b"GET /health HTTP/1.1\r\nHost: x\r\n"
        body_head = (
            b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\nX-Forwarded-For: 192.0.2.%d\r\n\r\n{"
        )
        heads = [_trickle_until_closed(port, head, b"X-A: b\r\n", 30) for _ in range(slow_heads)]
        bodies = [
            _trickle_until_closed(port, body_head % (i + 1), b" ", 30) for i in range(slow_bodies)
        ]
        tasks = [asyncio.ensure_future(c) for c in [*heads, *bodies]]
        await asyncio.sleep(0.5)
        normal = [await _timed_get(port, "/health") for _ in range(5)]
        results = await asyncio.gather(*tasks)
        return list(results[:slow_heads]), list(results[slow_heads:]), normal

    heads, bodies, normal = asyncio.run(scenario())
    print(
        f"\nslow heads: {len(heads)} cut after {min(heads):.2f}-{max(heads):.2f} s "
        f"(header timeout {HEADER_TIMEOUT} s); slow bodies: {len(bodies)} cut after "
        f"{min(bodies):.2f}-{max(bodies):.2f} s (body timeout {BODY_TIMEOUT} s); "
        f"a normal client meanwhile: median {statistics.median(normal) * 1000:.0f} ms"
    )
    assert all(HEADER_TIMEOUT - 0.3 <= t <= HEADER_TIMEOUT + 3 for t in heads), heads
    assert all(BODY_TIMEOUT - 0.3 <= t <= BODY_TIMEOUT + 3 for t in bodies), bodies
    assert max(normal) < 2.0
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
    assert log.count('"level": "error"') == 0


@pytest.mark.slow
def test_connections_over_the_per_client_cap_are_refused(server: ServerProcess) -> None:
    port = server.port

    async def scenario() -> tuple[int, int]:
        held = [await _open(port) for _ in range(PER_CLIENT)]
        refused = 0
        for _ in range(10):
            reader, writer = await _open(port)
            answer = await asyncio.wait_for(reader.read(4096), timeout=5)
            refused += answer.startswith(b"HTTP/1.1 429")
            writer.close()
        for _reader, writer in held:
            writer.close()
        await asyncio.sleep(0.5)
        # Once they are closed, the client is served again.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            status = (await client.get("/health")).status_code
        return refused, status

    refused, status_after = asyncio.run(scenario())
    print(f"\nconnection cap {PER_CLIENT}: {refused}/10 extra connections refused with 429")
    assert refused == 10
    assert status_after == 200


@pytest.mark.slow
def test_a_burst_gets_429_while_another_client_keeps_its_latency(server: ServerProcess) -> None:
    base = server.base_url
    burst = 100

    def timed_post(client: httpx.Client, address: str) -> tuple[int, float, str | None]:
        started = time.monotonic()
        answer = client.post("/verify", json={}, headers={"x-forwarded-for": address})
        return answer.status_code, time.monotonic() - started, answer.headers.get("retry-after")

    with httpx.Client(base_url=base, timeout=30) as client:
        baseline = [timed_post(client, "198.51.100.2")[1] for _ in range(5)]

    async def scenario() -> tuple[list[tuple[int, float, str | None]], list[float]]:
        loop = asyncio.get_running_loop()
        with (
            httpx.Client(base_url=base, timeout=30) as noisy,
            httpx.Client(base_url=base, timeout=30) as quiet,
        ):
            flood = [
                loop.run_in_executor(None, timed_post, noisy, "203.0.113.1") for _ in range(burst)
            ]
            during = []
            for _ in range(5):
                during.append(timed_post(quiet, "198.51.100.3")[1])
            return list(await asyncio.gather(*flood)), during

    flood, during = asyncio.run(scenario())
    statuses = [status for status, _, _ in flood]
    limited = [row for row in flood if row[0] == 429]
    print(
        f"\nburst of {burst} from one client: {statuses.count(422)} answered, {len(limited)} "
        f"refused 429 (Retry-After {sorted({r[2] for r in limited})} s); another client: "
        f"median {statistics.median(baseline) * 1000:.0f} ms before, "
        f"{statistics.median(during) * 1000:.0f} ms during the burst"
    )
    assert statuses.count(422) == PUBLIC_RATE
    assert len(limited) == burst - PUBLIC_RATE
    assert all(r[2] is not None and int(r[2]) >= 1 for r in limited)
    assert statistics.median(during) < max(0.5, 5 * statistics.median(baseline))
