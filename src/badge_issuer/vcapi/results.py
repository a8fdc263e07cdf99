"""The verifier's report as a VC API verification result (pure).

Passed checks are listed by name in `checks`; each warning and each failed check becomes a
ProblemDetails in `warnings` or `errors`, typed with the W3C error the check carries (VC Data
Integrity, Bitstring Status List) or the VC Data Model error that fits its kind, and pointing
at the property of `verifiableCredential` it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from badge_issuer.credentials.proofs.result import DATA_LOSS_DETECTION_ERROR
from badge_issuer.vcapi.problem_details import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    RANGE_ERROR,
    ProblemDetail,
    json_pointer,
    problem,
)
from badge_issuer.verification.presentation import PresentationReport, embedded_credentials
from badge_issuer.verification.report import Check, CheckName, VerificationReport
from badge_issuer.verification.rules_generic import validity_property

ROOT = "/verifiableCredential"
PRESENTATION_ROOT = "/verifiablePresentation"

_FAILURE_TYPES = {
    CheckName.JSON: PARSING_ERROR,
    CheckName.CONTEXTS: PARSING_ERROR,
    CheckName.TYPES: MALFORMED_VALUE_ERROR,
    CheckName.DATA_MODEL: MALFORMED_VALUE_ERROR,
    CheckName.SCHEMA: MALFORMED_VALUE_ERROR,
    CheckName.UNDEFINED_TERMS: DATA_LOSS_DETECTION_ERROR,
    CheckName.PROOF: CRYPTOGRAPHIC_SECURITY_ERROR,
    CheckName.ISSUER_KEY: CRYPTOGRAPHIC_SECURITY_ERROR,
    CheckName.KEY_NOT_REVOKED: CRYPTOGRAPHIC_SECURITY_ERROR,
    CheckName.VALID_FROM: RANGE_ERROR,
    CheckName.VALID_UNTIL: RANGE_ERROR,
    CheckName.PRESENTATION: MALFORMED_VALUE_ERROR,
    CheckName.HOLDER: CRYPTOGRAPHIC_SECURITY_ERROR,
}
_PROPERTIES = {
    CheckName.CONTEXTS: "@context",
    CheckName.TYPES: "type",
    CheckName.PROOF: "proof",
    CheckName.ISSUER_KEY: "issuer",
    CheckName.KEY_NOT_REVOKED: "proof",
    CheckName.REVOCATION: "credentialStatus",
    CheckName.HOLDER: "holder",
    CheckName.CREDENTIALS: "verifiableCredential",
}


@dataclass(frozen=True)
class VerificationResult:
    """`verified`, the passed check names, and the warnings and errors as ProblemDetails."""

    verified: bool
    checks: tuple[str, ...]
    warnings: tuple[ProblemDetail, ...]
    errors: tuple[ProblemDetail, ...]

    def as_json(self) -> dict[str, Any]:
        """Return the result's members (also the extension members of a failure problem)."""
        return {
            "verified": self.verified,
            "checks": list(self.checks),
            "warnings": [warning.as_json() for warning in self.warnings],
            "errors": [error.as_json() for error in self.errors],
        }


def _pointer(document: Any, check: str, root: str) -> str:
    name = _PROPERTIES.get(CheckName(check)) if check in set(CheckName) else None
    if isinstance(document, Mapping) and name is None:
        name = validity_property(document, check)
    return json_pointer(root, name) if name else root


def _problem_of(check: Check, document: Any, type_base: str, root: str = ROOT) -> ProblemDetail:
    """Return the ProblemDetails of a failed or warning check."""
    if check.problem_type:
        type_uri, title = check.problem_type, None
    elif check.status == "failed" and check.check in _FAILURE_TYPES:
        type_uri, title = _FAILURE_TYPES[CheckName(check.check)], None
    else:
        outcome = "failed" if check.status == "failed" else "warning"
        type_uri, title = f"{type_base}verification-{outcome}", f"{check.check} check {outcome}"
    return problem(
        type_uri,
        pointer=_pointer(document, check.check, root),
        detail=check.detail,
        title=title,
        check=check.check,
    )


def verification_result(
    report: VerificationReport | PresentationReport,
    document: Any,
    *,
    type_base: str,
    root: str = ROOT,
) -> VerificationResult:
    """Map a verification report to the VC API result; `type_base` types our own problems."""
    return VerificationResult(
        verified=report.verified,
        checks=tuple(check.check for check in report.checks if check.status == "passed"),
        warnings=tuple(
            _problem_of(check, document, type_base, root)
            for check in report.checks
            if check.status == "warning"
        ),
        errors=tuple(_problem_of(check, document, type_base, root) for check in report.problems),
    )


@dataclass(frozen=True)
class PresentationResult:
    """The presentation's own result, the authenticated holder, and each credential's result."""

    presentation: VerificationResult
    holder: str | None
    credentials: tuple[VerificationResult, ...]

    @property
    def verified(self) -> bool:
        return self.presentation.verified and all(c.verified for c in self.credentials)

    @property
    def errors(self) -> tuple[ProblemDetail, ...]:
        return self.presentation.errors

    def as_json(self) -> dict[str, Any]:
        """Return the result's members (also the extension members of a failure problem)."""
        return {
            **self.presentation.as_json(),
            "verified": self.verified,
            "holder": self.holder,
            "credentialResults": [credential.as_json() for credential in self.credentials],
        }


def presentation_result(
    report: PresentationReport, document: Any, *, type_base: str
) -> PresentationResult:
    """Map a presentation report to the VC API result (pointers under /verifiablePresentation)."""
    embedded = embedded_credentials(document) if isinstance(document, Mapping) else []
    credentials = tuple(
        verification_result(
            credential,
            embedded[index] if index < len(embedded) else None,
            type_base=type_base,
            root=json_pointer(PRESENTATION_ROOT, "verifiableCredential", index),
        )
        for index, credential in enumerate(report.credentials)
    )
    own = verification_result(report, document, type_base=type_base, root=PRESENTATION_ROOT)
    return PresentationResult(own, report.holder, credentials)
