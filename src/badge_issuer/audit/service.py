"""Record admin actions: who (token name), what, when, on which target."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.audit import repository
from badge_issuer.audit.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction (so it commits with the action)."""
    event = AuditEvent(
        occurred_at=now,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    return repository.add(session, event)
