"""API schemas of revocation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from badge_issuer.kit.schemas import InboundSchema


class RevocationCreate(InboundSchema):
    """Why the credential is revoked: kept privately, never published."""

    reason: Annotated[str, Field(min_length=1, max_length=500)]


class RevocationRead(BaseModel):
    """The credential's revocation state after the call."""

    credential_id: str = Field(description="The credential's uuid.")
    revoked_at: datetime
    already_revoked: bool = Field(
        description="True when the credential was revoked before this call (nothing changed)."
    )
    status_list_credential: str
    status_list_index: int
