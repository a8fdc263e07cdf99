"""Queries over outbox jobs and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
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


def lock_due(session: Session, *, now: datetime, limit: int) -> Sequence[OutboxJob]:
    """Due jobs, locked for this transaction. PostgreSQL skips rows other workers are claiming
    (FOR UPDATE SKIP LOCKED); SQLite has one writer at a time (BEGIN IMMEDIATE), so the clause
    is not needed there and the dialect leaves it out."""
    statement = (
        select(OutboxJob)
        .where(_due(now))
        .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(statement).all()


def get_for_update(session: Session, job_id: int) -> OutboxJob | None:
    return session.scalars(
        select(OutboxJob).where(OutboxJob.id == job_id).with_for_update()
    ).first()


def get(session: Session, job_id: int) -> OutboxJob | None:
    return session.get(OutboxJob, job_id)


def attempt(session: Session, job_id: int, number: int) -> OutboxAttempt | None:
    return session.scalars(
        select(OutboxAttempt).where(OutboxAttempt.job_id == job_id, OutboxAttempt.number == number)
    ).first()


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
