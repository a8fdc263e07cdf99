"""The outbox under faults, with real processes, a real loopback receiver, on both databases.

- A server killed after an award committed, before its callback went out, delivers it after
  a restart (killed before the dispatcher ran, and killed in the middle of the attempt).
- Two `badge-issuer worker` processes draining one queue never deliver one attempt twice at
  the same time: every event arrives once, and no two requests for one event overlap.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.outbox import service as outbox
from badge_issuer.outbox.callbacks import events
from badge_issuer.outbox.models import Channel, OutboxAttempt, OutboxJob
from badge_issuer.providers import service as provider_service
from badge_issuer.providers.schemas import ProviderUpdate
from tests.faults.ledger import session_on
from tests.faults.preparation import ACHIEVEMENT, COURSE, PROVIDER, prepare_deployment
from tests.faults.servers import ServerProcess, server_env
from tests.outbox.receivers import CallbackReceiver
from tests.providers.factories import completion_body, completions_url, encode, signed_headers

pytestmark = pytest.mark.slow

ATTEMPT_TIMEOUT = 2  # seconds; the lease is 2 x timeout + 5 s
EVENTS = 40


def _env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    return server_env(settings) | {
        "BADGE_ISSUER_MAIL_DIR": str(tmp_path / "mail"),
        "BADGE_ISSUER_OUTBOX_POLL_SECONDS": "0.2",
        "BADGE_ISSUER_OUTBOX_ATTEMPT_TIMEOUT_SECONDS": str(ATTEMPT_TIMEOUT),
        "BADGE_ISSUER_LOG_LEVEL": "INFO",
        **extra,
    }


def _point_callbacks_at(settings: Settings, url: str) -> None:
    with session_on(settings) as session:
        provider_service.update_provider(
            session,
            provider_id=PROVIDER,
            changes=ProviderUpdate(callback_url=url),
            actor="test",
            now=utc_now(),
        )


def _complete(server: ServerProcess, secret: str) -> dict[str, object]:
    payload = encode(completion_body(course_id=COURSE))
    response = httpx.post(
        server.base_url + completions_url(PROVIDER),
        content=payload,
        headers=signed_headers(secret, payload),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    answer: dict[str, object] = response.json()
    return answer


def _callback_jobs(settings: Settings) -> list[tuple[OutboxJob, list[OutboxAttempt]]]:
    with session_on(settings) as session:
        jobs = list(
            session.scalars(
                select(OutboxJob).where(OutboxJob.channel == "callbacks").order_by(OutboxJob.id)
            )
        )
        attempts = list(session.scalars(select(OutboxAttempt).order_by(OutboxAttempt.number)))
        session.expunge_all()
    return [(job, [a for a in attempts if a.job_id == job.id]) for job in jobs]


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as listening:
        yield listening


class TestKilledBetweenCommitAndDelivery:
    def test_killed_before_the_dispatcher_ran_delivers_after_restart(
        self, settings: Settings, tmp_path: Path, receiver: CallbackReceiver
    ) -> None:
        bootstrap.prepare(settings)
        secret = prepare_deployment(settings)
        _point_callbacks_at(settings, receiver.url)
        # The first life commits the award and dies before any attempt (its dispatcher is off,
        # which is exactly the database's state when a process dies right after a commit).
        first = ServerProcess(
            _env(settings, tmp_path, BADGE_ISSUER_OUTBOX_DISPATCHER="false"), tmp_path / "s.log"
        )
        first.start()
        try:
            first.wait_ready()
            answer = _complete(first, secret)
        finally:
            first.kill()
        assert receiver.received == []
        second = ServerProcess(_env(settings, tmp_path), tmp_path / "s.log", port=first.port)
        second.start()
        try:
            [event] = receiver.wait_for(1, timeout=60)
            time.sleep(0.5)
        finally:
            second.stop()
        body = event.verify(secret)
        assert body["type"] == "award.created"
        assert body["data"]["achievement_id"] == ACHIEVEMENT
        assert body["data"]["completion_id"] == answer["completion_id"]
        [(job, attempts)] = _callback_jobs(settings)
        assert (job.state, job.attempts, job.sealed_recipient) == ("delivered", 1, None)
        assert [a.outcome for a in attempts] == ["delivered"]

    def test_killed_during_the_attempt_delivers_after_restart_with_the_same_id(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        bootstrap.prepare(settings)
        secret = prepare_deployment(settings)
        with CallbackReceiver(hang_first=True) as receiver:
            _point_callbacks_at(settings, receiver.url)
            first = ServerProcess(_env(settings, tmp_path), tmp_path / "s.log")
            first.start()
            try:
                first.wait_ready()
                _complete(first, secret)
                receiver.wait_for(1, timeout=60)  # the attempt is in flight: kill now
            finally:
                first.kill()
            second = ServerProcess(_env(settings, tmp_path), tmp_path / "s.log", port=first.port)
            second.start()
            try:
                # The dead process's lease runs out (2 x 2 s + 5 s), then the job is retried.
                hung, retried = receiver.wait_for(2, timeout=90)
                time.sleep(0.5)
            finally:
                second.stop()
        assert hung.webhook_id == retried.webhook_id
        assert hung.body == retried.body
        assert retried.status == 204
        retried.verify(secret)
        [(job, attempts)] = _callback_jobs(settings)
        assert (job.state, job.attempts) == ("delivered", 2)
        # The first attempt died with its process: started, never finished.
        assert [(a.outcome, a.finished_at is None) for a in attempts] == [
            ("started", True),
            ("delivered", False),
        ]


class TestTwoWorkers:
    def test_never_deliver_one_attempt_twice_at_the_same_time(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        bootstrap.prepare(settings)
        prepare_deployment(settings)
        with CallbackReceiver(delay=0.05) as receiver:
            _point_callbacks_at(settings, receiver.url)
            now = utc_now()
            with session_on(settings) as session:
                for number in range(EVENTS):
                    outbox.enqueue(
                        session,
                        channel=Channel.CALLBACKS,
                        event_type=events.AWARD_CREATED,
                        target=PROVIDER,
                        payload=events.queued_payload(
                            event_type=events.AWARD_CREATED,
                            occurred_at=now,
                            achievement_id=ACHIEVEMENT,
                            credential_id=f"credential-{number}",
                            credential_url=f"http://localhost:8000/credentials/{number}",
                            completion_id=number,
                        ),
                        recipient=f"learner{number}@example.jp",
                        settings=settings,
                        now=now - timedelta(seconds=1),
                    )
            env = _env(settings, tmp_path, BADGE_ISSUER_OUTBOX_POLL_SECONDS="0.05")
            with ExitStack() as logs:
                workers = [
                    subprocess.Popen(
                        [sys.executable, "-m", "badge_issuer", "worker"],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=logs.enter_context((tmp_path / f"worker{n}.log").open("wb")),
                    )
                    for n in range(2)
                ]
                try:
                    receiver.wait_for(EVENTS, timeout=120)
                    time.sleep(1.0)  # anything delivered twice would arrive now
                finally:
                    for worker in workers:
                        worker.terminate()
                        worker.wait(timeout=30)
        ids = [r.webhook_id for r in receiver.received]
        assert len(ids) == EVENTS
        assert len(set(ids)) == EVENTS, "an event was delivered twice"
        assert receiver.overlaps == []
        rows = _callback_jobs(settings)
        assert {(job.state, job.attempts) for job, _ in rows} == {("delivered", 1)}
        workers_seen = {a.worker for _, attempts in rows for a in attempts}
        assert len(workers_seen) >= 1
        print(f"{EVENTS} events, delivered once each, by {len(workers_seen)} worker(s)")
