"""Admin API schemas for signing keys, and the DID document shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from badge_issuer.issuers.didweb import verification_method_id
from badge_issuer.issuers.schemas import no_control_characters
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.kit.read_models import read_model
from badge_issuer.kit.schemas import InboundSchema

Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=500), AfterValidator(no_control_characters)
]


class KeyRevoke(InboundSchema):
    reason: Reason = Field(description="Why the key is revoked (kept in the audit log).")


class KeyRead(BaseModel):
    """A signing key's public record: never any private material."""

    key_id: str
    state: KeyState
    algorithm: str
    verification_method: str = Field(description="`<issuer did>#<key_id>`, as proofs cite it.")
    public_key_multibase: str
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None

    @classmethod
    def from_key(cls, key: SigningKey, *, did: str) -> KeyRead:
        method = verification_method_id(did, key.key_id)
        return read_model(cls, key, verification_method=method)


class ResignRead(BaseModel):
    """One batch of re-signing: call again until `done`."""

    key_id: str = Field(description="The key whose credentials are being re-signed.")
    signing_key_id: str = Field(description="The active key that signed this batch.")
    resigned: int
    remaining: int
    done: bool


class VerificationMethodRead(BaseModel):
    id: str
    type: str
    controller: str
    public_key_multibase: str = Field(alias="publicKeyMultibase")


class DidDocumentRead(BaseModel):
    """A did:web DID document (documentation of the public answer)."""

    model_config = ConfigDict(populate_by_name=True)

    context: list[str] = Field(alias="@context")
    id: str
    verification_method: list[VerificationMethodRead] = Field(alias="verificationMethod")
    assertion_method: list[str] = Field(alias="assertionMethod")
