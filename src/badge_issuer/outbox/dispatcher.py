"""The delivery loop: claim due jobs, deliver each outside any transaction, record the outcome.

Every `serve` process runs one in a background thread, and `badge-issuer worker` runs one in
the foreground; they share the work through the database. A claim is a short transaction that
numbers the attempt and leases the job (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent
claimers take different jobs; SQLite: one writer at a time). Delivery happens after that
transaction committed, and the outcome is recorded only if the lease is still ours. A process
killed mid-delivery leaves a lease that runs out, and the job is attempted again: delivery is
at least once, and the receiver deduplicates by the event id.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from typing import Protocol

import structlog
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from badge_issuer.config import Settings
from badge_issuer.db import make_session_factory, session_scope
from badge_issuer.keys.sealing import SealedValueUnreadable
from badge_issuer.kit.clock import Clock, utc_now
from badge_issuer.outbox import repository, schedule, service
from badge_issuer.outbox.service import ClaimedJob, DeliveryResult

log = structlog.get_logger(__name__)
transaction = contextmanager(session_scope)

Handler = Callable[[ClaimedJob], DeliveryResult]
Send = Callable[[], DeliveryResult]
# A lease outlasts the attempt's timeout (twice over, plus a margin to record the outcome),
# so only a worker that died or hung loses its job to another.
LEASE_MARGIN = timedelta(seconds=5)
BATCH = 8
# Attempts running at once (as many connections to one receiver at most, as before batches).
SENDERS = 4
# Inside `serve`, the longest the loop waits for a moment without requests before each piece
# of its work (the claim, the mails' facts, each attempt, the outcomes): under full load a
# batch of 8 still goes out in about half a second; at half load the wait is a few ms.
YIELD_SECONDS = 0.05
# Waits for "no request in flight": given a timeout, whether it is so (kit/activity.py).
WaitIdle = Callable[[float], bool]


class BatchHandler(Protocol):
    """A handler that gets its channel's jobs of a batch together before sending any: it can
    read for all of them in one session and write what must exist before sending (the mail's
    claim links) in one transaction. `prepare` returns one send per job, in order."""

    def __call__(self, job: ClaimedJob) -> DeliveryResult: ...

    def prepare(self, jobs: Sequence[ClaimedJob]) -> Sequence[Send]: ...


def worker_name() -> str:
    """Who holds a lease: host, process and a random suffix (several dispatchers per process)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _failed(error: str) -> Send:
    return lambda: DeliveryResult(False, error=error)


class Dispatcher:
    """Delivers due outbox jobs with the handler of each job's channel.

    One batch costs the database three short write transactions whatever its size: the claim,
    the senders' own (the mail's claim links) and the outcomes. On SQLite each write
    transaction queues on the process's writer lock with the request handlers, so the loop
    takes a full batch at once and, after a batch that was not full, waits a poll interval:
    under load the jobs gather into bigger, rarer batches instead of a claim per completion."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        handlers: Mapping[str, Handler | BatchHandler],
        clock: Clock = utc_now,
        batch: int = BATCH,
        rng: random.Random | None = None,
        wait_idle: WaitIdle | None = None,
    ) -> None:
        self.settings = settings
        self.handlers = dict(handlers)
        self.clock = clock
        self.batch = batch
        self.owner = worker_name()
        self.delays = settings.outbox_retry_delays or schedule.RETRY_DELAYS
        # The outcome is recorded once the whole batch was attempted, SENDERS at a time: the
        # lease covers every round of attempts plus one more timeout, and a margin.
        rounds = -(-batch // SENDERS)
        timeout = timedelta(seconds=settings.outbox_attempt_timeout_seconds)
        self.lease = (rounds + 1) * timeout + LEASE_MARGIN
        self._rng = rng or random.SystemRandom()
        self._wait_idle = wait_idle
        self._write: sessionmaker[Session] = make_session_factory(engine)
        self._read: sessionmaker[Session] = make_session_factory(engine, read_only=True)
        self._pool = ThreadPoolExecutor(
            max_workers=min(batch, SENDERS), thread_name_prefix="outbox-send"
        )

    def run_once(self) -> int:
        """Claim and deliver one batch of due jobs; return how many were attempted."""
        if not self._work_due():
            return 0
        self._give_way()
        try:
            with transaction(self._write) as session:
                claimed = service.claim(
                    session,
                    owner=self.owner,
                    lease=self.lease,
                    limit=self.batch,
                    settings=self.settings,
                    now=self.clock(),
                )
        except SealedValueUnreadable as error:
            # Another KEK sealed it (a misconfigured replica): leave the job to the others.
            log.error("outbox.claim.unsealable", error=str(error))
            return 0
        if not claimed:
            return 0
        self._give_way()
        sends = self._prepare(claimed)
        results = list(self._pool.map(self._deliver, claimed, sends))
        self._give_way()
        self._record(claimed, results)
        return len(claimed)

    def _give_way(self) -> None:
        """Inside `serve`: wait (a little) for a moment when no request is in flight. The mail
        is pure Python: run while a request is, it takes the GIL from it at each of its
        statements and awaits (see kit/activity.py)."""
        if self._wait_idle is not None:
            self._wait_idle(YIELD_SECONDS)

    def _work_due(self) -> bool:
        # A read session: an idle poll takes no write lock.
        session = self._read()
        try:
            return repository.any_due(session, now=self.clock())
        finally:
            session.rollback()
            session.close()

    def _prepare(self, claimed: Sequence[ClaimedJob]) -> list[Send]:
        """One send per job, in order: each channel's handler prepares its jobs together."""
        sends: list[Send] = [_failed("not prepared")] * len(claimed)
        by_channel: dict[str, list[int]] = {}
        for index, job in enumerate(claimed):
            by_channel.setdefault(job.channel, []).append(index)
        for channel, indexes in by_channel.items():
            jobs = [claimed[i] for i in indexes]
            for index, send in zip(indexes, self._channel_sends(channel, jobs), strict=True):
                sends[index] = send
        return sends

    def _channel_sends(self, channel: str, jobs: list[ClaimedJob]) -> Sequence[Send]:
        handler = self.handlers.get(channel)
        if handler is None:
            return [_failed(f"no sender for channel {channel!r} here")] * len(jobs)
        prepare = getattr(handler, "prepare", None)
        if prepare is None:
            return [partial(handler, job) for job in jobs]
        try:
            sends: Sequence[Send] = prepare(jobs)
        except Exception as error:  # a sender bug must not stop the loop; the jobs are retried
            log.exception("outbox.prepare.crashed", channel=channel, jobs=len(jobs))
            return [_failed(f"sender failed: {type(error).__name__}")] * len(jobs)
        return sends

    def _deliver(self, job: ClaimedJob, send: Send) -> DeliveryResult:
        self._give_way()
        try:
            return send()
        except Exception as error:  # a sender bug must not stop the loop; the job is retried
            log.exception("outbox.deliver.crashed", job_id=job.job_id, channel=job.channel)
            return DeliveryResult(False, error=f"sender failed: {type(error).__name__}")

    def _record(self, claimed: Sequence[ClaimedJob], results: Sequence[DeliveryResult]) -> None:
        outcomes = [
            service.Outcome(job, result, jitter=self._rng.uniform(-1.0, 1.0))
            for job, result in zip(claimed, results, strict=True)
        ]
        with transaction(self._write) as session:
            states = service.record_many(
                session, outcomes, owner=self.owner, delays=self.delays, now=self.clock()
            )
        for job, result, state in zip(claimed, results, states, strict=True):
            log.info(
                "outbox.attempt",
                **job.log_fields(),
                delivered=result.delivered,
                status_code=result.status_code,
                error=result.error,
                state=state,
            )

    def run_forever(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set. After a batch that was not full (nothing or little was
        due) wait a poll interval, so that jobs arriving meanwhile go in one batch."""
        while not stop.is_set():
            try:
                attempted = self.run_once()
            except Exception:  # the database may be restarting: keep going
                log.exception("outbox.loop.failed")
                attempted = 0
            if attempted < self.batch:
                stop.wait(self.settings.outbox_poll_seconds)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class BackgroundDispatcher:
    """A dispatcher on a daemon thread, for the app's lifespan."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=dispatcher.run_forever, args=(self._stop,), name="outbox", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self.dispatcher.close()
