"""Admin API schemas for issuers, and the public Profile and DID document shapes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from badge_issuer.issuers.didweb import SLUG_PATTERN, issuer_did, issuer_path
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.read_models import read_model
from badge_issuer.kit.schemas import InboundSchema
from badge_issuer.kit.validators import refuse, require

# C0 controls and DEL: pyld and RDFC-1.0 escape them differently, so proofs over them would not
# verify elsewhere (../shared/FINDINGS.md #1). Names also refuse line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


_no_line_controls = refuse(
    _LINE_CONTROL.search, "must not contain control characters or line breaks"
)
no_control_characters = refuse(
    _CONTROL.search, "must not contain control characters (line breaks are allowed)"
)
_email = require(_EMAIL.match, "must be an email address")


def _absolute_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or _LINE_CONTROL.search(value):
        raise ValueError("must be an absolute http(s) URL")
    if " " in value:
        raise ValueError("must not contain spaces (percent-encode them)")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_line_controls)
]
Description = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(no_control_characters)
]
HttpUrlText = Annotated[str, StringConstraints(max_length=500), AfterValidator(_absolute_http_url)]
Email = Annotated[str, StringConstraints(max_length=320), AfterValidator(_email)]


class IssuerBase(InboundSchema):
    name: Name
    url: HttpUrlText | None = Field(default=None, description="The issuer's home page.")
    email: Email | None = None
    description: Description | None = None
    image: HttpUrlText | None = Field(default=None, description="URL of the issuer's logo.")


class IssuerCreate(IssuerBase):
    slug: Slug = Field(description="Lower-case letters, digits, hyphens; fixed once created.")


class IssuerUpdate(InboundSchema):
    """Every field optional; `null` clears an optional field. The slug never changes."""

    name: Name | None = None
    url: HttpUrlText | None = None
    email: Email | None = None
    description: Description | None = None
    image: HttpUrlText | None = None

    @field_validator("name")
    @classmethod
    def _name_is_not_cleared(cls, value: str | None) -> str | None:
        # Runs only when the client sent `name`: omitting it keeps the name, null is refused.
        if value is None:
            raise ValueError("name cannot be null (every Profile has a name)")
        return value

    def changes(self) -> dict[str, Any]:
        """Return the fields the client sent, under the model's column names."""
        sent = self.model_dump(exclude_unset=True)
        if "image" in sent:
            sent["image_url"] = sent.pop("image")
        return sent


class IssuerRead(BaseModel):
    slug: str
    did: str = Field(description="The issuer's did:web identifier (the Profile id).")
    name: str
    url: str | None
    email: str | None
    description: str | None
    image: str | None
    profile_url: str
    did_document_url: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_issuer(cls, issuer: Issuer, public_origin: str) -> IssuerRead:
        profile_url = public_origin + issuer_path(issuer.slug)
        return read_model(
            cls,
            issuer,
            did=issuer_did(public_origin, issuer.slug),
            image=issuer.image_url,
            profile_url=profile_url,
            did_document_url=profile_url + "/did.json",
        )


class ImageRead(BaseModel):
    id: str
    type: str


class ProfileDocument(BaseModel):
    """OB 3.0 Profile as JSON-LD (documentation of the public answer)."""

    model_config = ConfigDict(populate_by_name=True)

    context: list[str] = Field(alias="@context")
    id: str
    type: list[str]
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image: ImageRead | None = None
