"""`badge-issuer serve --workers N`: N processes behind one listener behave as one service.

On PostgreSQL, concurrent copies of one webhook store one completion and answer alike, and
concurrent new learners each get one credential with its own status index. Every worker's
connections have TCP_NODELAY: without it a keep-alive response waits ~40 ms for the client's
delayed ACK (uvicorn binds the shared listener with proto 0; see badge_issuer.serving).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn

from badge_issuer import serving
from badge_issuer.config import Settings
from tests.faults import ledger
from tests.faults.preparation import ACHIEVEMENT, COURSE, PROVIDER, prepare_deployment
from tests.faults.servers import ServerProcess, free_port, server_env
from tests.providers.factories import completion_body, completions_url, encode, signed_headers

WORKERS = 2
REQUESTS = 24
# A delayed ACK costs at least 40 ms on Linux; an answer from a live worker takes a few ms.
NAGLE_FLOOR_MS = 30.0


class TestTcpListener:
    def test_the_shared_listener_is_marked_tcp_so_accepted_sockets_get_tcp_nodelay(self) -> None:
        config = uvicorn.Config(serving.ASGI_APP, host="127.0.0.1", port=free_port(), workers=2)
        listener = serving.tcp_listener(config)
        try:
            assert (listener.family, listener.proto) == (socket.AF_INET, socket.IPPROTO_TCP)
            assert listener.get_inheritable()
        finally:
            listener.close()


@pytest.fixture
def workers_server(
    settings: Settings, db_backend: str, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """One `serve --workers 2` on the test's PostgreSQL database; its URL and the secret."""
    if db_backend != "postgresql":
        pytest.skip("the workers share the database as replicas do: PostgreSQL")
    server = ServerProcess(server_env(settings), tmp_path / "server.log", workers=WORKERS)
    try:
        server.start()
        server.wait_ready()
        yield server.base_url, prepare_deployment(settings)
    finally:
        server.stop()


def _post_all(requests: list[tuple[str, bytes, dict[str, str]]]) -> list[httpx.Response]:
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: client.post(r[0], content=r[1], headers=r[2]), requests))


@pytest.mark.postgres
@pytest.mark.slow
class TestSeveralWorkers:
    def test_copies_of_a_webhook_store_once_and_new_learners_each_get_one_credential(
        self, settings: Settings, workers_server: tuple[str, str]
    ) -> None:
        base, secret = workers_server
        url = base + completions_url(PROVIDER)
        same = encode(completion_body(course_id=COURSE, certificate_url=None))
        headers = signed_headers(secret, same)
        copies = _post_all([(url, same, headers)] * REQUESTS)
        bodies = [
            encode(completion_body(learner={"email": f"w{n}@example.jp"}, course_id=COURSE))
            for n in range(REQUESTS)
        ]
        learners = _post_all([(url, body, signed_headers(secret, body)) for body in bodies])

        assert sorted(r.status_code for r in copies) == [200] * (REQUESTS - 1) + [201]
        assert len({r.content for r in copies}) == 1
        assert [r.status_code for r in learners] == [201] * REQUESTS
        with ledger.session_on(settings) as session:
            stored = ledger.load(session)
            assert len(stored.completions) == 1 + REQUESTS
            assert set(ledger.awards_per_learner(stored, ACHIEVEMENT).values()) == {1}
            assert len(stored.awards) == 1 + REQUESTS
            assert ledger.shared_status_indexes(session) == []
            assert ledger.credential_problems(session, settings, stored.awards) == []

    def test_keep_alive_answers_do_not_wait_for_a_delayed_ack(
        self, workers_server: tuple[str, str]
    ) -> None:
        base, _secret = workers_server
        latencies = []
        with httpx.Client(timeout=10) as client:
            for _ in range(30):
                started = time.perf_counter()
                client.get(f"{base}/health").raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)
        # The fastest of 30: a loaded machine slows some requests, never all of them by 40 ms.
        assert min(latencies[1:]) < NAGLE_FLOOR_MS, latencies
