"""Queries over outbox jobs and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from badge_issuer.outbox.models import OutboxAttempt, OutboxJob


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxJob.state == "pending",
        OutboxJob.next_attempt_at <= now,
        or_(OutboxJob.lease_until.is_(None), OutboxJob.lease_until < now),
    )


def any_due(session: Session, *, now: datetime) -> bool:
    """A cheap read: is there work at all (so idle polls take no write lock on SQLite)."""
    return session.scalar(select(OutboxJob.id).where(_due(now)).limit(1)) is not None


# Core tables: an UPDATE keyed by other columns than the primary key, run as one executemany.
_ATTEMPTS = cast(Table, OutboxAttempt.__table__)
_JOBS = cast(Table, OutboxJob.__table__)

# What a claim reads of each due job (the rest of the row stays on disk).
_CLAIMED_COLUMNS = (
    OutboxJob.id,
    OutboxJob.event_id,
    OutboxJob.channel,
    OutboxJob.event_type,
    OutboxJob.target,
    OutboxJob.payload,
    OutboxJob.sealed_recipient,
    OutboxJob.attempts,
    OutboxJob.created_at,
)


def lock_due(session: Session, *, now: datetime, limit: int) -> Sequence[Row[Any]]:
    """Due jobs, locked for this transaction. PostgreSQL skips rows other workers are claiming
    (FOR UPDATE SKIP LOCKED); SQLite has one writer at a time (BEGIN IMMEDIATE), so the clause
    is not needed there and the dialect leaves it out."""
    statement = (
        select(*_CLAIMED_COLUMNS)
        .where(_due(now))
        .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.execute(statement).all()


def lease(session: Session, job_ids: Sequence[int], *, owner: str, until: datetime) -> None:
    """Number the next attempt of each job and lease it to `owner` (one UPDATE)."""
    session.execute(
        update(OutboxJob)
        .where(OutboxJob.id.in_(job_ids))
        .values(attempts=OutboxJob.attempts + 1, lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False)
    )


def add_attempts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert started attempts (one multi-row INSERT)."""
    session.execute(insert(_ATTEMPTS), list(rows))


def finish_attempts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Set each attempt's outcome (one executemany). A row names its attempt by `b_job` and
    `b_number` and carries the columns to set (`finished_at`, `outcome`, `status_code`,
    `error`)."""
    if rows:
        session.execute(
            _ATTEMPTS.update().where(
                _ATTEMPTS.c.job_id == bindparam("b_job"),
                _ATTEMPTS.c.number == bindparam("b_number"),
            ),
            list(rows),
        )


def leases_for_update(
    session: Session, job_ids: Sequence[int]
) -> dict[int, Row[int, str | None, int, int]]:
    """The lease and schedule of each job, locked until the transaction ends."""
    rows = session.execute(
        select(
            OutboxJob.id,
            OutboxJob.lease_owner,
            OutboxJob.attempts,
            OutboxJob.schedule_offset,
        )
        .where(OutboxJob.id.in_(job_ids))
        .with_for_update()
    )
    return {row.id: row for row in rows.all()}


def update_jobs(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Set columns of jobs (one executemany per set of columns). A row names its job by
    `b_job` and carries the columns to set."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for group in by_columns.values():
        session.execute(_JOBS.update().where(_JOBS.c.id == bindparam("b_job")), group)


def get_for_update(session: Session, job_id: int) -> OutboxJob | None:
    return session.scalars(
        select(OutboxJob).where(OutboxJob.id == job_id).with_for_update()
    ).first()


def get(session: Session, job_id: int) -> OutboxJob | None:
    return session.get(OutboxJob, job_id)


def attempts_of(session: Session, job_ids: Sequence[int]) -> Sequence[OutboxAttempt]:
    if not job_ids:
        return []
    return session.scalars(
        select(OutboxAttempt)
        .where(OutboxAttempt.job_id.in_(job_ids))
        .order_by(OutboxAttempt.job_id, OutboxAttempt.number)
    ).all()


def list_jobs(
    session: Session,
    *,
    channel: str | None,
    state: str | None,
    target: str | None,
    after: int,
    limit: int,
) -> Sequence[OutboxJob]:
    """Jobs newest first (keyset on id: `after` is the last id seen, 0 for the first page)."""
    statement = select(OutboxJob).order_by(OutboxJob.id.desc()).limit(limit)
    if after:
        statement = statement.where(OutboxJob.id < after)
    if channel is not None:
        statement = statement.where(OutboxJob.channel == channel)
    if state is not None:
        statement = statement.where(OutboxJob.state == state)
    if target is not None:
        statement = statement.where(OutboxJob.target == target)
    return session.scalars(statement).all()


def pending_depth(session: Session) -> list[tuple[str, int, datetime | None]]:
    """Per channel: pending jobs and the creation time of the oldest."""
    rows = session.execute(
        select(OutboxJob.channel, func.count(), func.min(OutboxJob.created_at))
        .where(OutboxJob.state == "pending")
        .group_by(OutboxJob.channel)
    )
    return [(channel, int(count), oldest) for channel, count, oldest in rows]


def count_dead(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(OutboxJob.channel, func.count())
        .where(OutboxJob.state == "dead")
        .group_by(OutboxJob.channel)
    )
    return [(channel, int(count)) for channel, count in rows]


def erase_recipient(session: Session, job_id: int) -> None:
    session.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(sealed_recipient=None))
