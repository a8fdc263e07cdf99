"""Queries over the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.audit.models import AuditEvent


def add(session: Session, event: AuditEvent) -> AuditEvent:
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session, *, after_id: int = 0, limit: int = 100, target_id: str | None = None
) -> Sequence[AuditEvent]:
    """Return events in insertion order, keyset-paginated by id."""
    query = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id).limit(limit)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return session.scalars(query).all()
