"""Outbox jobs (one per message to deliver) and their delivery attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class Channel(StrEnum):
    MAIL = "mail"
    CALLBACKS = "callbacks"


class JobState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class AttemptOutcome(StrEnum):
    STARTED = "started"  # still running, or its process died (the lease then expires)
    DELIVERED = "delivered"
    FAILED = "failed"


class OutboxJob(Base):
    """One message, written in the transaction of the award or revocation it announces.

    `event_id` is the Standard Webhooks `webhook-id` (and the mail's Message-ID): the same on
    every attempt. `sealed_recipient` holds the learner's email sealed under the KEK until the
    receiver accepted the message, then it is erased. A worker owns a job while `lease_until`
    lies in the future; `attempts` numbers the attempts started so far.
    """

    __tablename__ = "outbox_job"
    __table_args__ = (Index("ix_outbox_job_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # insert_sentinel: a unique value made before the INSERT lets SQLite insert many rows in
    # one statement and still match the ids it returns (the bulk importer's batches).
    event_id: Mapped[str] = mapped_column(String(64), unique=True, insert_sentinel=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_type: Mapped[str] = mapped_column(String(64))
    # The provider a callback goes to (None for mail).
    target: Mapped[str | None] = mapped_column(String(64), index=True)
    # Ids and facts of the event; never the learner's address.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_recipient: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts made before the last manual retry: the backoff schedule restarts after it.
    schedule_offset: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"OutboxJob(id={self.id!r}, channel={self.channel!r}, state={self.state!r})"


class OutboxAttempt(Base):
    """One delivery attempt. The unique (job, number) pair means two workers can never both
    record the same attempt: the database refuses the second claim."""

    __tablename__ = "outbox_attempt"
    __table_args__ = (UniqueConstraint("job_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("outbox_job.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(16), default=AttemptOutcome.STARTED)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
