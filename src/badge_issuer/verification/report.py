"""The verification report: named checks, a summary of the credential, the recipient answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# The one Check type of every layer lives with the proof suites (the lowest layer using it).
from badge_issuer.credentials.proofs.result import NOT_CHECKED as NOT_CHECKED
from badge_issuer.credentials.proofs.result import Check as Check
from badge_issuer.credentials.proofs.result import CheckStatus as CheckStatus


class CheckName(StrEnum):
    """Every check a report can hold, in the order they run."""

    BAKED_IMAGE = "baked-image"
    WORK_LIMIT = "work-limit"
    JSON = "json"
    CONTEXTS = "contexts"
    TYPES = "types"
    DATA_MODEL = "data-model"
    SCHEMA = "schema"
    UNDEFINED_TERMS = "undefined-terms"
    PROOF = "proof"
    ISSUER_KEY = "issuer-key"
    KEY_NOT_REVOKED = "key-not-revoked"
    VALID_FROM = "valid-from"
    VALID_UNTIL = "valid-until"
    REVOCATION = "revocation"
    ISSUER_RECOGNIZED = "issuer-recognized"
    RECIPIENT = "recipient"
    # Presentations.
    PRESENTATION = "presentation"
    HOLDER = "holder"
    CREDENTIALS = "credentials"


class Format(StrEnum):
    """How the credential was presented."""

    LDP_VC = "ldp_vc"
    VC_JWT = "vc-jwt"


@dataclass(frozen=True)
class CredentialSummary:
    """What an employer reads first: which credential, from whom, for what, valid when."""

    id: str | None = None
    issuer: str | None = None
    # The registry's name for a recognized issuer; None otherwise (never the credential's own).
    issuer_name: str | None = None
    # What the credential calls its issuer: a claim, shown as such.
    claimed_issuer_name: str | None = None
    achievement_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None


@dataclass(frozen=True)
class RecipientMatch:
    """Whether the credential was issued to the email the verifier gave (never echoed back)."""

    matched: bool
    detail: str


class CheckLookup:
    """The failed checks and lookup by name, for a report that holds its checks in order."""

    checks: tuple[Check, ...]

    @property
    def problems(self) -> tuple[Check, ...]:
        """The report's own failed checks (a presentation's credentials have their own)."""
        return tuple(check for check in self.checks if check.status == "failed")

    def check(self, name: str) -> Check:
        """Return the check named `name` (KeyError if the report has none)."""
        for check in self.checks:
            if check.check == name:
                return check
        raise KeyError(name)


@dataclass(frozen=True)
class VerificationReport(CheckLookup):
    """The whole answer: `verified` is true when no check failed (warnings allowed)."""

    format: Format
    checks: tuple[Check, ...]
    credential: CredentialSummary
    recipient: RecipientMatch | None = None

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.status != "failed" for check in self.checks)

    @property
    def recognized_issuer(self) -> bool:
        """Whether the issuer is in the registry and the credential is its valid signature."""
        return any(
            check.check == CheckName.ISSUER_RECOGNIZED and check.status == "passed"
            for check in self.checks
        )


def report_of(
    checks: Sequence[Check],
    *,
    format: Format,
    credential: CredentialSummary,
    recipient: RecipientMatch | None = None,
) -> VerificationReport:
    """Build a report from its checks."""
    return VerificationReport(format, tuple(checks), credential, recipient)
