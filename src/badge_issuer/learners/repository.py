"""Queries over learners."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from badge_issuer.kit import prepared
from badge_issuer.kit.unique_insert import attached
from badge_issuer.learners.models import Learner

# Built once (a webhook's hot path): building a select() costs about as much as running it.
# Core on the table, run on the driver's cursor (kit.prepared): the ORM's loading cost about
# ten times the statement itself.
_LEARNERS = cast(Table, Learner.__table__)
_BY_EMAIL_HASH = select(*_LEARNERS.c).where(_LEARNERS.c.email_hash == bindparam("email_hash"))


def by_email_hash(session: Session, email_hash: str) -> Learner | None:
    found = prepared.rows(session, _BY_EMAIL_HASH, {"email_hash": email_hash})
    if not found:
        return None
    return attached(session, Learner, dict(zip(_LEARNERS.c.keys(), found[0], strict=True)))


def learners_after(session: Session, *, after_id: int, limit: int) -> Sequence[Learner]:
    """One page of learners in id order (batched walks over everyone: skill map apply)."""
    query = select(Learner).where(Learner.id > after_id).order_by(Learner.id).limit(limit)
    return session.scalars(query).all()


def count_learners(session: Session) -> int:
    return int(session.scalar(select(func.count(Learner.id))) or 0)


def ids_by_email_hash(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    query = select(Learner.email_hash, Learner.id).where(Learner.email_hash.in_(hashes))
    return {row.email_hash: row.id for row in session.execute(query)}
