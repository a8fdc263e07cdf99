"""Outbox use cases: enqueue in the caller's transaction, claim, record outcomes, list, retry.

Like every service, these functions `flush()` and never commit: `enqueue` runs inside the
transaction of the award or revocation it announces, so the job exists if and only if that
transaction commits. The dispatcher commits claims and outcomes in its own short transactions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.keys import sealing
from badge_issuer.kit.lookup import found
from badge_issuer.outbox import repository, schedule
from badge_issuer.outbox.errors import DeliveryNotFound, DeliveryNotRetryable
from badge_issuer.outbox.models import (
    AttemptOutcome,
    Channel,
    JobState,
    OutboxAttempt,
    OutboxJob,
)

SEAL_PURPOSE = "outbox-recipient"
_ERROR_LENGTH = 500


def new_event_id() -> str:
    """A Standard Webhooks message id (`msg_` + 32 hex digits)."""
    return "msg_" + uuid.uuid4().hex


def enqueue(
    session: Session,
    *,
    channel: Channel,
    event_type: str,
    payload: dict[str, Any],
    recipient: str | None,
    settings: Settings,
    now: datetime,
    target: str | None = None,
    flush: bool = True,
) -> OutboxJob:
    """Add a job to the caller's transaction; the recipient address is stored sealed.
    `flush=False`: the caller flushes (many jobs then go in one INSERT)."""
    job = OutboxJob(
        **job_columns(
            channel=channel,
            event_type=event_type,
            payload=payload,
            recipient=recipient,
            settings=settings,
            now=now,
            target=target,
        )
    )
    session.add(job)
    if flush:
        session.flush()
    return job


def job_columns(
    *,
    channel: Channel,
    event_type: str,
    payload: dict[str, Any],
    recipient: str | None,
    settings: Settings,
    now: datetime,
    target: str | None = None,
) -> dict[str, Any]:
    """The columns of a new pending job (`enqueue`'s; a bulk writer inserts many in one go)."""
    event_id = new_event_id()
    sealed = (
        sealing.seal(settings, recipient, purpose=SEAL_PURPOSE, record=event_id)
        if recipient is not None
        else None
    )
    return {
        "event_id": event_id,
        "channel": channel,
        "event_type": event_type,
        "target": target,
        "payload": payload,
        "sealed_recipient": sealed,
        "state": JobState.PENDING,
        "attempts": 0,
        "schedule_offset": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job a worker now owns for one attempt (until its lease ends)."""

    job_id: int
    event_id: str
    channel: str
    event_type: str
    target: str | None
    payload: dict[str, Any]
    attempt: int
    created_at: datetime
    recipient: str | None = field(repr=False)

    def log_fields(self) -> dict[str, Any]:
        """What logs may say about the job: never its payload or recipient."""
        return {name: getattr(self, name) for name in _LOGGED}


# The job's own columns a claim copies (the rest are renamed, copied or opened on the way).
_COPIED = ("event_id", "channel", "event_type", "target", "created_at")
_LOGGED = ("job_id", "event_id", "channel", "event_type", "attempt")


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What one attempt achieved. `give_up` dead-letters at once (nothing left to deliver to)."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None
    give_up: bool = False


def claim(
    session: Session,
    *,
    owner: str,
    lease: timedelta,
    limit: int,
    settings: Settings,
    now: datetime,
) -> list[ClaimedJob]:
    """Take up to `limit` due jobs for one attempt each: number the attempt, lease the job.

    Three statements whatever the number of jobs (select the due rows locked, lease them all
    in one UPDATE, insert their attempts in one INSERT): on SQLite the claim holds the
    process's write lock, which the request handlers wait for."""
    rows = repository.lock_due(session, now=now, limit=limit)
    if not rows:
        return []
    repository.lease(session, [row.id for row in rows], owner=owner, until=now + lease)
    repository.add_attempts(
        session,
        [
            {
                "job_id": row.id,
                "number": row.attempts + 1,
                "worker": owner,
                "started_at": now,
                "outcome": AttemptOutcome.STARTED,
            }
            for row in rows
        ],
    )
    return [
        ClaimedJob(
            job_id=row.id,
            payload=dict(row.payload),
            attempt=row.attempts + 1,
            recipient=(
                sealing.open_sealed(
                    settings, row.sealed_recipient, purpose=SEAL_PURPOSE, record=row.event_id
                )
                if row.sealed_recipient is not None
                else None
            ),
            **{name: getattr(row, name) for name in _COPIED},
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finished attempt to record: the job, what happened, the jitter of its retry."""

    claimed: ClaimedJob
    result: DeliveryResult
    jitter: float = 0.0


def record(
    session: Session,
    *,
    claimed: ClaimedJob,
    owner: str,
    result: DeliveryResult,
    jitter: float,
    delays: tuple[timedelta, ...],
    now: datetime,
) -> str | None:
    """Record an attempt's outcome; return the job's new state (None if the lease was lost)."""
    [state] = record_many(
        session, [Outcome(claimed, result, jitter)], owner=owner, delays=delays, now=now
    )
    return state


def record_many(
    session: Session,
    outcomes: Sequence[Outcome],
    *,
    owner: str,
    delays: tuple[timedelta, ...],
    now: datetime,
) -> list[str | None]:
    """Record the outcomes of a batch of attempts in a few statements; return each job's new
    state (None where the lease was lost: another worker took the job, its attempt decides)."""
    if not outcomes:
        return []
    errors = [o.result.error[:_ERROR_LENGTH] if o.result.error else None for o in outcomes]
    repository.finish_attempts(
        session,
        [
            {
                "b_job": o.claimed.job_id,
                "b_number": o.claimed.attempt,
                "finished_at": now,
                "outcome": AttemptOutcome.DELIVERED
                if o.result.delivered
                else AttemptOutcome.FAILED,
                "status_code": o.result.status_code,
                "error": error,
            }
            for o, error in zip(outcomes, errors, strict=True)
        ],
    )
    leases = repository.leases_for_update(session, [o.claimed.job_id for o in outcomes])
    changes: list[dict[str, Any]] = []
    states: list[str | None] = []
    for outcome, error in zip(outcomes, errors, strict=True):
        job = leases.get(outcome.claimed.job_id)
        if job is None or job.lease_owner != owner or job.attempts != outcome.claimed.attempt:
            states.append(None)  # our lease ran out and another worker took the job
            continue
        change: dict[str, Any] = {"b_job": job.id, "lease_owner": None, "lease_until": None}
        if outcome.result.delivered:
            # Accepted: the address is no longer needed.
            change |= {
                "state": JobState.DELIVERED,
                "delivered_at": now,
                "last_error": None,
                "sealed_recipient": None,
            }
        else:
            retry_at = schedule.next_attempt_at(
                job.attempts - job.schedule_offset, now=now, jitter=outcome.jitter, delays=delays
            )
            change["last_error"] = error
            if retry_at is None or outcome.result.give_up:
                change["state"] = JobState.DEAD
            else:
                change["next_attempt_at"] = retry_at
        changes.append(change)
        states.append(change.get("state", JobState.PENDING))
    repository.update_jobs(session, changes)
    return states


def retry(session: Session, *, job_id: int, now: datetime) -> OutboxJob:
    """Make a pending or dead-lettered job due now, with a fresh retry schedule."""
    job = repository.get_for_update(session, job_id)
    if job is None:
        raise DeliveryNotFound(f"No delivery {job_id}.")
    if job.state == JobState.DELIVERED:
        raise DeliveryNotRetryable("This delivery was accepted by its receiver.")
    if job.lease_until is not None and job.lease_until > now:
        raise DeliveryNotRetryable("An attempt is running now; retry after it ends.")
    job.state = JobState.PENDING
    job.next_attempt_at = now
    job.schedule_offset = job.attempts
    job.lease_owner = None
    job.lease_until = None
    session.flush()
    return job


def get_job(session: Session, *, job_id: int) -> OutboxJob:
    return found(repository.get(session, job_id), DeliveryNotFound(f"No delivery {job_id}."))


def list_jobs(
    session: Session,
    *,
    channel: str | None = None,
    state: str | None = None,
    target: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> Sequence[OutboxJob]:
    """Jobs newest first, filtered."""
    return repository.list_jobs(
        session, channel=channel, state=state, target=target, after=after, limit=limit
    )


def attempts_by_job(session: Session, jobs: Sequence[OutboxJob]) -> dict[int, list[OutboxAttempt]]:
    grouped: dict[int, list[OutboxAttempt]] = {job.id: [] for job in jobs}
    for attempt in repository.attempts_of(session, [job.id for job in jobs]):
        grouped[attempt.job_id].append(attempt)
    return grouped


@dataclass(frozen=True, slots=True)
class QueueStats:
    """The queue of one channel: for metrics and readiness dashboards."""

    channel: str
    pending: int
    oldest_pending_age_seconds: float
    dead: int


def queue_stats(session: Session, *, now: datetime) -> list[QueueStats]:
    """Pending depth, age of the oldest pending job, and dead-lettered count per channel."""
    depth = {
        channel: (count, oldest) for channel, count, oldest in repository.pending_depth(session)
    }
    dead = dict(repository.count_dead(session))
    stats = []
    for channel in Channel:
        count, oldest = depth.get(channel, (0, None))
        age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        stats.append(QueueStats(channel, count, age, dead.get(channel, 0)))
    return stats
