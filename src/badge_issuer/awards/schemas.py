"""API shapes of admin credential endpoints and learner progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, HttpUrl, StringConstraints

from badge_issuer.kit.schemas import InboundSchema
from badge_issuer.learners.identity import email_problem, normalise_email

ShortCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]


def _no_controls(value: str) -> str:
    if any((ord(ch) < 0x20 and ch not in "\n\t") or ord(ch) == 0x7F for ch in value):
        raise ValueError("control characters are not allowed")
    return value


def _email(value: str) -> str:
    normalised = normalise_email(value)
    problem = email_problem(normalised)
    if problem:
        raise ValueError(problem)
    return normalised


Email = Annotated[str, StringConstraints(max_length=320), AfterValidator(_email)]
Narrative = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_no_controls),
]


class DirectAwardCreate(InboundSchema):
    """Award an achievement directly, e.g. for proven practical experience."""

    achievement_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    email: Email
    narrative: Narrative
    evidence_urls: list[HttpUrl] = Field(default=[], max_length=10)
    region: ShortCode | None = None
    category: ShortCode | None = None


CredentialState = Literal["valid", "expired", "revoked"]


# A credential this service issued, as the admin listing shows it (a docstring would change the
# OpenAPI description).
class IssuedCredentialRead(BaseModel):
    uuid: str
    url: str
    achievement_id: str
    source: str
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    state: CredentialState
    skill_map_version_id: int | None


class HeldAchievement(BaseModel):
    achievement_id: str
    credential_url: str
    state: CredentialState


class ProgressRead(BaseModel):
    achievement_id: str
    met: int
    required: int


class LearnerProgressRead(BaseModel):
    held: list[HeldAchievement]
    progress: list[ProgressRead]
