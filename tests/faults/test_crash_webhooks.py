"""SIGKILL a server mid-stream: no acknowledged completion is lost, no credential doubled.

Two `badge-issuer serve` processes share one PostgreSQL database. Client threads stream signed
completions (a new learner each; the course alone earns a badge) at full speed, and one server
is killed with SIGKILL several times and restarted. A refused connection is retried on the
other server (what a load balancer does); a request that was sent but got no answer is retried
at the end with the same webhook id and body (what a provider does). Then every acknowledged
completion is stored with the answer the client saw, every completion earned exactly one
credential, every credential verifies, and no status index is shared.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from badge_issuer.config import Settings
from badge_issuer.learners import service as learner_service
from tests.faults import ledger
from tests.faults.preparation import ACHIEVEMENT, COURSE, PROVIDER, prepare_deployment
from tests.faults.servers import ServerProcess, server_env
from tests.providers.factories import completion_body, completions_url, encode, signed_headers

CLIENT_THREADS = 6
KILLS = 3
SECONDS_BETWEEN_KILLS = 1.0
CONNECT_RETRIES = 100


@dataclass
class Delivery:
    """One webhook as the provider sent it, and the answer it got (None: no answer)."""

    email: str
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    answer: dict[str, Any] | None = None

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _new_delivery(secret: str) -> Delivery:
    email = f"crash-{uuid.uuid4().hex}@example.jp"
    body = encode(
        completion_body(
            learner={"email": email, "region": "01-okhotsk"},
            course_id=COURSE,
            certificate_url=None,
        )
    )
    return Delivery(email=email, body=body, headers=signed_headers(secret, body))


def _send(client: httpx.Client, bases: list[str], delivery: Delivery, first: int) -> None:
    """Post once; a refused connection moves on to the next server, as a load balancer does."""
    for attempt in range(CONNECT_RETRIES):
        base = bases[(first + attempt) % len(bases)]
        try:
            response = client.post(
                base + completions_url(PROVIDER), content=delivery.body, headers=delivery.headers
            )
        except httpx.ConnectError:
            time.sleep(0.05)
            continue
        except httpx.TransportError:
            return  # sent, but the process died before answering: the outcome is unknown
        delivery.status = response.status_code
        delivery.answer = response.json()
        return
    raise RuntimeError("no server accepted a connection")


def _stream(bases: list[str], secret: str, stop: threading.Event, worker: int) -> list[Delivery]:
    sent: list[Delivery] = []
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            delivery = _new_delivery(secret)
            sent.append(delivery)
            _send(client, bases, delivery, first=worker + len(sent))
    return sent


@pytest.fixture
def deployment(
    settings: Settings, db_backend: str, tmp_path: Path
) -> Iterator[tuple[list[ServerProcess], str]]:
    """Two server processes on the test's PostgreSQL database, and the provider's secret."""
    if db_backend != "postgresql":
        pytest.skip("several processes share one database only on PostgreSQL")
    env = server_env(settings)
    servers = [ServerProcess(env, tmp_path / f"server-{n}.log") for n in range(2)]
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        # After the first start created the default issuer, which the skill map's badge names.
        yield servers, prepare_deployment(settings)
    finally:
        for server in servers:
            server.stop()


def _kill_and_restart_repeatedly(servers: list[ServerProcess]) -> None:
    for kill in range(KILLS):
        time.sleep(SECONDS_BETWEEN_KILLS)
        victim = servers[kill % len(servers)]
        victim.kill()
        victim.start()
        victim.wait_ready()
    time.sleep(SECONDS_BETWEEN_KILLS)


def _run_chaos(servers: list[ServerProcess], secret: str) -> list[Delivery]:
    bases = [server.base_url for server in servers]
    stop = threading.Event()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        streams = [pool.submit(_stream, bases, secret, stop, n) for n in range(CLIENT_THREADS)]
        try:
            _kill_and_restart_repeatedly(servers)
        finally:
            stop.set()
        return [delivery for stream in streams for delivery in stream.result()]


def _retry_unanswered(base: str, deliveries: list[Delivery]) -> None:
    """The provider's retry: same webhook id, same body, to a live server."""
    with httpx.Client(timeout=60) as client:
        for delivery in deliveries:
            if delivery.status is None:
                _send(client, [base], delivery, first=0)


@pytest.mark.postgres
@pytest.mark.slow
class TestServerKilledMidStream:
    def test_acknowledged_completions_are_stored_and_each_earned_one_sound_credential(
        self, settings: Settings, deployment: tuple[list[ServerProcess], str]
    ) -> None:
        servers, secret = deployment
        deliveries = _run_chaos(servers, secret)
        acknowledged_during_chaos = [d for d in deliveries if d.acknowledged]
        unanswered = [d for d in deliveries if d.status is None]
        assert [d.status for d in deliveries if d.status is not None and not d.acknowledged] == []
        _retry_unanswered(servers[0].base_url, deliveries)
        print(
            f"{len(deliveries)} deliveries, {len(unanswered)} unanswered when a server died, "
            f"{KILLS} kills"
        )

        assert len(acknowledged_during_chaos) > 50  # the stream really ran
        assert all(d.acknowledged for d in deliveries), [d.status for d in deliveries]
        with ledger.session_on(settings) as session:
            stored = ledger.load(session)
            _assert_answers_match_storage(settings, deliveries, stored)
            _assert_one_award_per_completion(stored, expected=len(deliveries))
            assert ledger.shared_status_indexes(session) == []
            assert ledger.credential_problems(session, settings, stored.awards) == []


def _assert_answers_match_storage(
    settings: Settings, deliveries: list[Delivery], stored: ledger.Stored
) -> None:
    """Each answer names the stored completion of its learner and the credential it earned."""
    completions = {c.id: c for c in stored.completions}
    credentials = {a.uuid: a for a in stored.awards}
    assert [w for w, d in stored.deliveries.items() if d.status_code not in (200, 201)] == []
    for delivery in deliveries:
        assert delivery.answer is not None
        row = stored.deliveries[delivery.webhook_id]
        completion = completions[delivery.answer["completion_id"]]
        email_hash = learner_service.hash_email(delivery.email, settings=settings)
        learner_id = stored.learner_by_hash[email_hash]
        assert (row.completion_id, completion.learner_id) == (completion.id, learner_id)
        assert [a["achievement_id"] for a in delivery.answer["awards"]] == [ACHIEVEMENT]
        award = credentials[delivery.answer["awards"][0]["credential_id"]]
        assert award.learner_id == learner_id
        assert stored.evidence[award.id] == [completion.id]


def _assert_one_award_per_completion(stored: ledger.Stored, *, expected: int) -> None:
    assert len(stored.completions) == expected
    per_learner = ledger.awards_per_learner(stored, ACHIEVEMENT)
    assert len(stored.awards) == expected
    assert set(per_learner.values()) == {1}
    assert set(per_learner) == {c.learner_id for c in stored.completions}
