"""Admin read access to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from badge_issuer.admin.deps import IssuersAdmin
from badge_issuer.api.deps import SessionDep
from badge_issuer.audit import repository
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.problems import problem_responses

router = APIRouter(prefix="/v1/admin/audit", tags=["admin: audit"])


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]


@router.get("", response_model=Page[AuditEventRead], responses=problem_responses(401, 403, 422))
def list_audit_events(
    session: SessionDep,
    _admin: IssuersAdmin,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="Cursor: the last id seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    target_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[AuditEventRead]:
    """List admin actions in the order they happened."""
    events = repository.list_events(session, after_id=after, limit=limit, target_id=target_id)
    items = [AuditEventRead.model_validate(event) for event in events]
    return Page[AuditEventRead].of(items, rows=items, limit=limit)
