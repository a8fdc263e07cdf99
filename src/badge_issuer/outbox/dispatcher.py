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
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

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
# A lease outlasts the attempt's timeout (twice over, plus a margin to record the outcome),
# so only a worker that died or hung loses its job to another.
LEASE_MARGIN = timedelta(seconds=5)


def worker_name() -> str:
    """Who holds a lease: host, process and a random suffix (several dispatchers per process)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Delivers due outbox jobs with the handler of each job's channel."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        handlers: Mapping[str, Handler],
        clock: Clock = utc_now,
        batch: int = 4,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.handlers = dict(handlers)
        self.clock = clock
        self.batch = batch
        self.owner = worker_name()
        self.delays = settings.outbox_retry_delays or schedule.RETRY_DELAYS
        self.lease = 2 * timedelta(seconds=settings.outbox_attempt_timeout_seconds) + LEASE_MARGIN
        self._rng = rng or random.SystemRandom()
        self._write: sessionmaker[Session] = make_session_factory(engine)
        self._read: sessionmaker[Session] = make_session_factory(engine, read_only=True)
        self._pool = ThreadPoolExecutor(max_workers=batch, thread_name_prefix="outbox-send")

    def run_once(self) -> int:
        """Claim and deliver one batch of due jobs; return how many were attempted."""
        if not self._work_due():
            return 0
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
        results = list(self._pool.map(self._deliver, claimed))
        for job, result in zip(claimed, results, strict=True):
            self._record(job, result)
        return len(claimed)

    def _work_due(self) -> bool:
        session = self._read()
        try:
            return repository.any_due(session, now=self.clock())
        finally:
            session.rollback()
            session.close()

    def _deliver(self, job: ClaimedJob) -> DeliveryResult:
        handler = self.handlers.get(job.channel)
        if handler is None:
            return DeliveryResult(False, error=f"no sender for channel {job.channel!r} here")
        try:
            return handler(job)
        except Exception as error:  # a sender bug must not stop the loop; the job is retried
            log.exception("outbox.deliver.crashed", job_id=job.job_id, channel=job.channel)
            return DeliveryResult(False, error=f"sender failed: {type(error).__name__}")

    def _record(self, job: ClaimedJob, result: DeliveryResult) -> None:
        with transaction(self._write) as session:
            state = service.record(
                session,
                claimed=job,
                owner=self.owner,
                result=result,
                jitter=self._rng.uniform(-1.0, 1.0),
                delays=self.delays,
                now=self.clock(),
            )
        log.info(
            "outbox.attempt",
            **job.log_fields(),
            delivered=result.delivered,
            status_code=result.status_code,
            error=result.error,
            state=state,
        )

    def run_forever(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set; sleep a poll interval whenever nothing was due."""
        while not stop.is_set():
            try:
                attempted = self.run_once()
            except Exception:  # the database may be restarting: keep going
                log.exception("outbox.loop.failed")
                attempted = 0
            if attempted == 0:
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
