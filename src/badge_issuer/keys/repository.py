"""Queries over signing keys, and over the awards a key signed (for re-signing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from badge_issuer.keys.models import KeyState, SigningKey


def get(session: Session, *, issuer_id: int, key_id: str) -> SigningKey | None:
    query = select(SigningKey).where(SigningKey.issuer_id == issuer_id, SigningKey.key_id == key_id)
    return session.scalars(query).first()


# Built once (a completion's hot path): building a select() costs about as much as running it.
_ACTIVE = select(SigningKey).where(
    SigningKey.issuer_id == bindparam("issuer_id"), SigningKey.state == KeyState.ACTIVE
)


def get_active(session: Session, *, issuer_id: int) -> SigningKey | None:
    return session.scalars(_ACTIVE, {"issuer_id": issuer_id}).first()


def list_page(
    session: Session, *, issuer_id: int, after_id: int, limit: int
) -> Sequence[SigningKey]:
    """Return an issuer's keys in creation order, keyset-paginated by row id."""
    query = (
        select(SigningKey)
        .where(SigningKey.issuer_id == issuer_id, SigningKey.id > after_id)
        .order_by(SigningKey.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def count_for_issuer(session: Session, *, issuer_id: int) -> int:
    query = select(func.count()).select_from(SigningKey).where(SigningKey.issuer_id == issuer_id)
    return int(session.scalar(query) or 0)


def published(session: Session, *, issuer_id: int) -> Sequence[SigningKey]:
    """Return the keys listed in the issuer's DID document: every one that is not revoked."""
    query = (
        select(SigningKey)
        .where(SigningKey.issuer_id == issuer_id, SigningKey.state != KeyState.REVOKED)
        .order_by(SigningKey.id)
    )
    return session.scalars(query).all()


def all_keys(session: Session) -> Sequence[SigningKey]:
    return session.scalars(select(SigningKey).order_by(SigningKey.id)).all()


def add(session: Session, key: SigningKey) -> SigningKey:
    session.add(key)
    session.flush()
    return key


def transition(
    session: Session, key: SigningKey, *, from_states: Sequence[KeyState], values: dict[str, Any]
) -> bool:
    """Update `key` only if it is still in one of `from_states`; return whether it was.

    The state is checked by the UPDATE itself, so a concurrent change made since the key was
    read (say, a revocation) is never overwritten.
    """
    statement = (
        update(SigningKey)
        .where(SigningKey.id == key.id, SigningKey.state.in_([str(s) for s in from_states]))
        .values(**values)
        .returning(SigningKey.id)
        .execution_options(synchronize_session="fetch")
    )
    changed = session.execute(statement).first() is not None
    session.refresh(key)
    return changed


def retire_active(session: Session, *, issuer_id: int, now: datetime) -> Sequence[str]:
    """Retire the issuer's active key, if any; return the key ids retired."""
    statement = (
        update(SigningKey)
        .where(SigningKey.issuer_id == issuer_id, SigningKey.state == KeyState.ACTIVE)
        .values(state=KeyState.RETIRED, retired_at=now)
        .returning(SigningKey.key_id)
        .execution_options(synchronize_session="fetch")
    )
    return session.scalars(statement).all()


def state_counts(session: Session) -> Sequence[tuple[int, str, int]]:
    """Return (issuer_id, state, number of keys) for every issuer and key state present."""
    rows = session.execute(
        select(SigningKey.issuer_id, SigningKey.state, func.count())
        .group_by(SigningKey.issuer_id, SigningKey.state)
        .order_by(SigningKey.issuer_id, SigningKey.state)
    )
    return [(int(issuer_id), str(state), int(count)) for issuer_id, state, count in rows]


def active_since(session: Session) -> Sequence[tuple[int, datetime]]:
    """Return (issuer_id, activation time) of every issuer's active key."""
    rows = session.execute(
        select(SigningKey.issuer_id, SigningKey.activated_at).where(
            SigningKey.state == KeyState.ACTIVE.value, SigningKey.activated_at.is_not(None)
        )
    )
    return [(int(issuer_id), activated) for issuer_id, activated in rows if activated]
