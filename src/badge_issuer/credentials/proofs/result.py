"""Proof verification results: every check by name, never an exception for a bad credential."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from badge_issuer.credentials.proofs.verification_methods import VerificationMethod

CheckStatus = Literal["passed", "failed", "warning"]
NOT_CHECKED = "not checked: "

# Error types of VC Data Integrity 1.0 (section "Processing Errors") and Controlled
# Identifiers 1.0; the type of a problem is the URL https://w3id.org/security#<CODE>.
SECURITY_VOCAB = "https://w3id.org/security#"
MALFORMED_PROOF_ERROR = SECURITY_VOCAB + "MALFORMED_PROOF_ERROR"
MISMATCHED_PROOF_PURPOSE_ERROR = SECURITY_VOCAB + "MISMATCHED_PROOF_PURPOSE_ERROR"
PROOF_VERIFICATION_ERROR = SECURITY_VOCAB + "PROOF_VERIFICATION_ERROR"
PROOF_TRANSFORMATION_ERROR = SECURITY_VOCAB + "PROOF_TRANSFORMATION_ERROR"
DATA_LOSS_DETECTION_ERROR = SECURITY_VOCAB + "DATA_LOSS_DETECTION_ERROR"
INVALID_VERIFICATION_METHOD = SECURITY_VOCAB + "INVALID_VERIFICATION_METHOD"
INVALID_DOMAIN_ERROR = SECURITY_VOCAB + "INVALID_DOMAIN_ERROR"
INVALID_CHALLENGE_ERROR = SECURITY_VOCAB + "INVALID_CHALLENGE_ERROR"
INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD = (
    SECURITY_VOCAB + "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"
)


@dataclass(frozen=True)
class Check:
    """The outcome of one named check; `problem_type` is the W3C error URI of a failure.

    One type for every layer: a proof suite's sub-checks and a verification report's checks.
    """

    check: str
    status: CheckStatus
    detail: str
    problem_type: str | None = None

    @classmethod
    def passed(cls, check: str, detail: str) -> Check:
        """Return a passed check."""
        return cls(check, "passed", detail)

    @classmethod
    def failed(cls, check: str, detail: str, problem_type: str | None = None) -> Check:
        """Return a failed check, typed with its VC Data Integrity / status error when known."""
        return cls(check, "failed", detail, problem_type)

    @classmethod
    def warning(cls, check: str, detail: str) -> Check:
        """Return a check that neither passes nor fails."""
        return cls(check, "warning", detail)

    @classmethod
    def skipped(cls, check: str, reason: str) -> Check:
        """A check that could not run because an earlier one failed (a warning, never a pass)."""
        return cls(check, "warning", NOT_CHECKED + reason)

    def renamed(self, check: str) -> Check:
        """Return the same outcome under another name."""
        return Check(check, self.status, self.detail, self.problem_type)


@dataclass(frozen=True)
class SuiteVerification:
    """What a cryptosuite found about one proof: its checks, and the method if it verified."""

    checks: tuple[Check, ...]
    verification_method: VerificationMethod | None


@dataclass(frozen=True)
class ProofResult:
    """The verification of every proof on a document.

    `verified` is true when at least one proof was checked and no check failed.
    `verification_methods` lists the methods of the proofs whose signature verified, so a
    caller can compare their controllers with the credential's issuer.
    """

    checks: tuple[Check, ...]
    verification_methods: tuple[VerificationMethod, ...] = field(default=())

    @property
    def verified(self) -> bool:
        """Whether every check passed (warnings allowed) and at least one signature verified."""
        no_failure = all(check.status != "failed" for check in self.checks)
        return no_failure and bool(self.verification_methods)

    @property
    def problems(self) -> tuple[Check, ...]:
        """The failed checks."""
        return tuple(check for check in self.checks if check.status == "failed")

    @classmethod
    def of(cls, checks: Sequence[Check], methods: Sequence[VerificationMethod] = ()) -> ProofResult:
        """Build a result from checks and verified methods."""
        return cls(tuple(checks), tuple(methods))
