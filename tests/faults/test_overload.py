"""A burst of more concurrent requests than worker threads must slow the service, not stall it.

Sync endpoints run in anyio's worker threads, and FastAPI validates their answers in a worker
thread too, while the request's session still holds its database connection. With anyio's
default 40 threads and a pool of 15 (SQLite) or 20 (PostgreSQL) connections, 40 requests waiting
for a connection took every thread, the requests holding the connections could not finish, and
the process stalled until the pool timeout (30 s) answered 500s, again and again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from badge_issuer.config import Settings
from tests.faults.preparation import COURSE, PROVIDER, prepare_deployment
from tests.faults.servers import ServerProcess, server_env
from tests.providers.factories import completion_body, completions_url, encode, signed_headers

BURST = 150  # concurrent requests: well above 40 threads + 20 connections
POOL_TIMEOUT_SECONDS = 30.0


@pytest.fixture
def server_with_credential(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """One `serve` process; its URL and one credential it issued."""
    server = ServerProcess(server_env(settings), tmp_path / "server.log")
    try:
        server.start()
        server.wait_ready()
        secret = prepare_deployment(settings)
        body = encode(completion_body(course_id=COURSE, certificate_url=None))
        url = server.base_url + completions_url(PROVIDER)
        answer = httpx.post(url, content=body, headers=signed_headers(secret, body), timeout=60)
        path = answer.raise_for_status().json()["awards"][0]["credential_url"]
        credential = httpx.get(server.base_url + path.removeprefix(settings.public_url), timeout=60)
        yield server.base_url, credential.raise_for_status().content
    finally:
        server.stop()


@pytest.mark.slow
class TestBurstOfVerifications:
    def test_a_burst_beyond_the_thread_pool_is_answered_without_a_stall(
        self, server_with_credential: tuple[str, bytes]
    ) -> None:
        base, credential = server_with_credential
        limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
        headers = {"content-type": "application/json"}
        started = time.monotonic()
        with httpx.Client(timeout=120, limits=limits) as client, ThreadPoolExecutor(BURST) as pool:
            answers = list(
                pool.map(
                    lambda _: client.post(f"{base}/verify", content=credential, headers=headers),
                    range(BURST),
                )
            )
        elapsed = time.monotonic() - started

        assert [a.status_code for a in answers] == [200] * BURST
        assert all(a.json()["verified"] for a in answers)
        assert elapsed < POOL_TIMEOUT_SECONDS
