"""API schemas of verification: the report as JSON, and the documented request shapes."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from badge_issuer.verification.report import VerificationReport


class CheckRead(BaseModel):
    """One named check: passed, failed, or a warning (including checks that could not run)."""

    check: str
    status: Literal["passed", "failed", "warning"]
    detail: str


class ProblemRead(BaseModel):
    """A failed check typed with its VC Data Integrity / Bitstring Status List error URI."""

    type: str | None
    check: str
    detail: str


class CredentialSummaryRead(BaseModel):
    """The credential's id, issuer, achievement and validity period, as it states them."""

    model_config = ConfigDict(
        alias_generator=to_camel, serialize_by_alias=True, validate_by_name=True
    )

    id: str | None
    issuer: str | None
    issuer_name: str | None = Field(
        description="The registry's name for a recognized issuer; null for any other issuer "
        "(the credential's own claim is `claimedIssuerName`)."
    )
    claimed_issuer_name: str | None = Field(
        default=None,
        description="The name the credential gives its issuer: a claim nobody checked.",
    )
    achievement_name: str | None
    valid_from: str | None
    valid_until: str | None


class RecipientRead(BaseModel):
    """Whether the credential was issued to the email sent with the request."""

    matched: bool
    detail: str


class VerificationReportRead(BaseModel):
    """The verification report: `verified` is true when no check failed."""

    verified: bool
    recognized_issuer: bool = Field(
        description="The issuer is one of this service's issuers or a listed partner, and the "
        "credential carries its valid signature (check `issuer-recognized`)."
    )
    format: Literal["ldp_vc", "vc-jwt"] = Field(description="How the credential was presented.")
    checks: list[CheckRead]
    credential: CredentialSummaryRead
    recipient: RecipientRead | None = Field(
        default=None, description="Present when an email was sent with the credential."
    )
    problems: list[ProblemRead]

    @classmethod
    def of(cls, report: VerificationReport) -> VerificationReportRead:
        # One validation of plain data: validating each check from its attributes cost more
        # than verifying the credential's signature.
        summary = report.credential
        recipient = report.recipient
        return cls.model_validate(
            {
                "verified": report.verified,
                "recognized_issuer": report.recognized_issuer,
                "format": report.format.value,
                "checks": [
                    {"check": c.check, "status": c.status, "detail": c.detail}
                    for c in report.checks
                ],
                "credential": {
                    "id": summary.id,
                    "issuer": summary.issuer,
                    "issuer_name": summary.issuer_name,
                    "claimed_issuer_name": summary.claimed_issuer_name,
                    "achievement_name": summary.achievement_name,
                    "valid_from": summary.valid_from,
                    "valid_until": summary.valid_until,
                },
                "recipient": (
                    {"matched": recipient.matched, "detail": recipient.detail}
                    if recipient
                    else None
                ),
                "problems": [
                    {"type": c.problem_type, "check": c.check, "detail": c.detail}
                    for c in report.problems
                ],
            }
        )


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def report_json(report: VerificationReport) -> bytes:
    """The report as `VerificationReportRead.of(report).model_dump_json()` writes it, byte for
    byte, without the model: validating it cost about as much as the rest of the answer (a
    test compares the two on arbitrary reports, so the model stays the definition).

    A lone surrogate (possible in text read from a credential) cannot be written as UTF-8,
    which the model refuses with an error; here it is escaped, as JSON allows.
    """
    summary, recipient, checks = report.credential, report.recipient, report.checks
    document = {
        "verified": report.verified,
        "recognized_issuer": report.recognized_issuer,
        "format": report.format.value,
        "checks": [{"check": c.check, "status": c.status, "detail": c.detail} for c in checks],
        "credential": {
            "id": summary.id,
            "issuer": summary.issuer,
            "issuerName": summary.issuer_name,
            "claimedIssuerName": summary.claimed_issuer_name,
            "achievementName": summary.achievement_name,
            "validFrom": summary.valid_from,
            "validUntil": summary.valid_until,
        },
        "recipient": (
            {"matched": recipient.matched, "detail": recipient.detail} if recipient else None
        ),
        "problems": [
            {"type": c.problem_type, "check": c.check, "detail": c.detail}
            for c in checks
            if c.status == "failed"
        ],
    }
    text = _ENCODER.encode(document)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode("ascii")


class VerifyWrapper(BaseModel):
    """A credential with the email of the person who presented it (for the recipient check)."""

    model_config = ConfigDict(extra="forbid")

    verifiable_credential: dict[str, Any] | str = Field(
        alias="verifiableCredential",
        description="The credential as a JSON object, or a VC-JWT (compact JWS) string.",
    )
    email: str | None = Field(default=None, max_length=254)


VERIFY_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        'The credential as the JSON body; or a wrapper object `{"verifiableCredential": '
        '<credential or VC-JWT>, "email": "<recipient email>"}` to also check the recipient; '
        "or a VC-JWT as the body with Content-Type `application/vc+jwt` (or `application/jwt`); "
        "or a baked badge image (`image/png` or `image/svg+xml`, OB 3.0 baking): the report then "
        "starts with a `baked-image` check."
    ),
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"type": "object", "description": "An OB 3.0 credential (ldp_vc)."},
                    VerifyWrapper.model_json_schema(by_alias=True),
                    {"type": "string", "description": "A VC-JWT (compact JWS)."},
                ]
            }
        },
        "application/vc+ld+json": {"schema": {"type": "object"}},
        "application/vc+jwt": {"schema": {"type": "string"}},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
        "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
    },
}
