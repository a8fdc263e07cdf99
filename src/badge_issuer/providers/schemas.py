"""API schemas: provider administration, the completion webhook body, intake and import answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from badge_issuer.kit.schemas import InboundSchema
from badge_issuer.kit.validators import refuse
from badge_issuer.learners import identity
from badge_issuer.providers.models import ProviderStatus

_SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_SHORT_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_NO_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST_COMPLETION = datetime(1970, 1, 1, tzinfo=UTC)
_printable = refuse(_NO_CONTROL.search, "must not contain control characters")


def _email(value: str) -> str:
    normalised = identity.normalise_email(value)
    problem = identity.email_problem(normalised)
    if problem:
        raise ValueError(problem)
    return normalised


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    if any(ch.isspace() for ch in value) or _NO_CONTROL.search(value):
        raise ValueError("must not contain whitespace or control characters")
    return value


def _iso_text(value: Any) -> Any:
    # JSON has no datetime type: insist on ISO 8601 text, not epoch numbers.
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string with a time zone")
    return value


def _not_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number from 0 to 100")
    return value


def _representable(value: datetime) -> datetime:
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date-time is out of range") from None
    if in_utc < EARLIEST_COMPLETION:
        raise ValueError("date-time is before 1970")
    return value


ProviderId = Annotated[str, StringConstraints(pattern=_SLUG, max_length=64)]
ProviderName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
HttpUrlText = Annotated[str, Field(max_length=1000), AfterValidator(_http_url)]
EmailText = Annotated[str, Field(max_length=320), AfterValidator(_email)]
ShortCode = Annotated[str, StringConstraints(pattern=_SHORT_CODE)]
CourseId = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_printable)]
Score = Annotated[float, BeforeValidator(_not_boolean), Field(ge=0, le=100, allow_inf_nan=False)]
CompletionTime = Annotated[
    AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_representable)
]


class LearnerIn(InboundSchema):
    email: EmailText = Field(description="Matched across providers; stored only as a keyed hash.")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    region: ShortCode | None = Field(None, description="Short code, e.g. `01-kitami`.")
    category: ShortCode | None = Field(None, description="Short code, e.g. `worker-non-it`.")


class CompletionIn(InboundSchema):
    """The body of a completion webhook, and one row of a bulk import."""

    learner: LearnerIn
    course_id: CourseId
    completed_at: CompletionTime
    score: Score | None = None
    certificate_url: HttpUrlText | None = None


class AwardSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    achievement_id: str
    credential_id: str
    credential_url: str


class ProgressSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    achievement_id: str
    met: int
    required: int


class CompletionResult(BaseModel):
    """What a recorded completion led to: new credentials and progress toward achievements."""

    completion_id: int
    awards: list[AwardSummary]
    progress: list[ProgressSummary]


class ProviderCreate(InboundSchema):
    id: ProviderId = Field(description="Slug used in the webhook URL, e.g. `manabi-portal`.")
    name: ProviderName
    callback_url: HttpUrlText | None = None


class ProviderUpdate(InboundSchema):
    name: ProviderName | None = None
    status: ProviderStatus | None = None
    callback_url: HttpUrlText | None = None


class ProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    status: ProviderStatus
    callback_url: str | None
    created_at: datetime
    updated_at: datetime


class ProviderCreated(ProviderRead):
    secret: str = Field(description="The webhook signing secret (`whsec_…`); shown only once.")


class SecretRotate(InboundSchema):
    overlap_seconds: Annotated[int, Field(ge=0, le=30 * 86400)] = Field(
        86400, description="How long the previous secrets keep verifying."
    )


class SecretRotated(BaseModel):
    provider_id: str
    secret: str = Field(description="The new webhook signing secret; shown only once.")
    previous_secrets_expire_at: datetime | None


class ImportRejection(BaseModel):
    line: int
    reason: str


class ImportSummary(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    rejections: list[ImportRejection] = Field(
        description="Each rejected row with its line number (the first 1000)."
    )
