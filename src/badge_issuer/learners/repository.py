"""Queries over learners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from badge_issuer.learners.models import Learner

# Built once (a webhook's hot path): building a select() costs about as much as running it.
_BY_EMAIL_HASH = select(Learner).where(Learner.email_hash == bindparam("email_hash"))


def by_email_hash(session: Session, email_hash: str) -> Learner | None:
    return session.scalars(_BY_EMAIL_HASH, {"email_hash": email_hash}).first()


def learners_after(session: Session, *, after_id: int, limit: int) -> Sequence[Learner]:
    """One page of learners in id order (batched walks over everyone: skill map apply)."""
    query = select(Learner).where(Learner.id > after_id).order_by(Learner.id).limit(limit)
    return session.scalars(query).all()


def count_learners(session: Session) -> int:
    return int(session.scalar(select(func.count(Learner.id))) or 0)


def ids_by_email_hash(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    query = select(Learner.email_hash, Learner.id).where(Learner.email_hash.in_(hashes))
    return {row.email_hash: row.id for row in session.execute(query)}
