"""VC API request and response bodies, with the VC API's camelCase member names."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

_MAX_OPTION_TEXT = 2000


class _Inbound(BaseModel):
    """A request body: camelCase on the wire, unknown members refused."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, extra="forbid")


class _Options(BaseModel):
    """Options: unknown ones are kept so the service can name them (UNKNOWN_OPTION_PROVIDED)."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, extra="allow")


class IssueOptions(_Options):
    """How to issue; eddsa-rdfc-2022 has no selective disclosure, so no mandatoryPointers."""

    credential_id: str | None = Field(
        default=None,
        max_length=_MAX_OPTION_TEXT,
        description="An id to refer to the credential by when it has no `id`; only audited.",
    )
    mandatory_pointers: list[str] | None = Field(
        default=None, description="Not supported (selective disclosure suites only)."
    )


class IssueRequest(_Inbound):
    """`POST /credentials/issue`: an unsecured credential and issuing options."""

    credential: dict[str, Any] = Field(
        description="A VC 2.0 or VC 1.1 credential without a proof; its `issuer` (or "
        "`issuer.id`) must be one of the ids listed by `GET /credentials/issuer-ids`."
    )
    options: IssueOptions = Field(default_factory=IssueOptions)


class VerifyOptions(_Options):
    """How to verify; every check always runs, whatever `checks` asks for."""

    checks: list[str] | None = Field(
        default=None, description="Accepted for compatibility; all checks always run."
    )
    expected_proof_purpose: str | None = Field(
        default=None, description="Only `assertionMethod` (the purpose of credential proofs)."
    )


class VerifyRequest(_Inbound):
    """`POST /credentials/verify`: a verifiable credential (embedded Data Integrity proof)."""

    verifiable_credential: dict[str, Any] = Field(description="The secured credential.")
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyPresentationOptions(_Options):
    """The challenge and domain the verifier gave the holder; the proof must carry both."""

    challenge: str | None = Field(default=None, max_length=_MAX_OPTION_TEXT)
    domain: str | None = Field(default=None, max_length=_MAX_OPTION_TEXT)


class VerifyPresentationRequest(_Inbound):
    """`POST /presentations/verify`: a signed presentation (Data Integrity proof)."""

    verifiable_presentation: dict[str, Any] = Field(
        description="The presentation, signed for `authentication` (eddsa-rdfc-2022 or "
        "Ed25519Signature2020 over a did:key or an allow-listed did:web); unsigned ones are "
        "refused. Each embedded credential gets the checks of `POST /credentials/verify`."
    )
    options: VerifyPresentationOptions = Field(default_factory=VerifyPresentationOptions)


class _Outbound(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, serialize_by_alias=True, validate_by_name=True
    )


class IssueResponse(_Outbound):
    """The issued credential, with one `eddsa-rdfc-2022` DataIntegrityProof."""

    verifiable_credential: dict[str, Any]


class ProblemDetailRead(BaseModel):
    """A VC API ProblemDetails; `pointer`/`message` locate it in the request."""

    type: str
    title: str
    detail: str
    pointer: str
    message: str
    check: str | None = Field(default=None, description="The verifier's check that found it.")


class VerifyResponse(BaseModel):
    """The VC API verification result of a credential that verified (`errors` is empty)."""

    verified: bool
    checks: list[str] = Field(description="The checks that passed.")
    warnings: list[ProblemDetailRead]
    errors: list[ProblemDetailRead]


class CredentialResultRead(BaseModel):
    """The verification result of one embedded credential."""

    verified: bool
    checks: list[str]
    warnings: list[ProblemDetailRead]
    errors: list[ProblemDetailRead]


class VerifyPresentationResponse(_Outbound):
    """The result of a presentation that verified: its checks, holder and credentials."""

    verified: bool
    checks: list[str] = Field(description="The presentation's checks that passed.")
    warnings: list[ProblemDetailRead]
    errors: list[ProblemDetailRead]
    holder: str | None = Field(description="The DID the proof authenticated.")
    credential_results: list[CredentialResultRead]


class IssuerIdentityRead(_Outbound):
    """An issuer id `POST /credentials/issue` accepts, and the key its proofs will name."""

    id: str
    name: str
    verification_method: str
    method: Literal["did:web", "did:key"]
    test_only: bool = Field(description="True for the did:key issuer of conformance runs.")


class IssuerIdentitiesRead(BaseModel):
    """Every issuer id that can sign now (issuers with an active key)."""

    issuers: list[IssuerIdentityRead]
