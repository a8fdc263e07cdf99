"""Admin API schemas of endorsements (CONTRACT section 12)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Slug = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Inbound(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AchievementSubject(_Inbound):
    achievement_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class IssuerSubject(_Inbound):
    issuer: Slug


class EndorsementCreate(_Inbound):
    """An issuer (`endorser`) endorses another issuer's achievement or profile."""

    endorser: Slug
    subject: AchievementSubject | IssuerSubject
    comment: Comment


class EndorsementCreated(BaseModel):
    id: str
    url: str


class EndorsementRevoke(_Inbound):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class EndorsementRead(BaseModel):
    id: str
    url: str
    endorser: str
    subject_type: Literal["achievement", "issuer"]
    subject: str
    subject_issuer: str
    comment: str
    issued_at: datetime
    revoked_at: datetime | None
