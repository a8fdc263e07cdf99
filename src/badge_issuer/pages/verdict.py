"""The verdict a non-expert reads first, from a verification report (pure).

有効 (valid), 失効 (revoked, with the date when known), 期限切れ (expired), or 検証できない
(cannot be verified) with one plain sentence saying why. The report comes from the verification
engine; this module only translates its failed checks into words a reader understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from badge_issuer.verification.report import Check, VerificationReport

REVOCATION = "revocation"
VALID_UNTIL = "valid-until"
# Whether the badge was issued to an email someone typed is shown apart, never as the verdict.
RECIPIENT = "recipient"


class VerdictKind(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNVERIFIABLE = "unverifiable"


class Reason(StrEnum):
    """Why a badge is what the verdict says; each has one sentence in the message catalogues."""

    ALL_CHECKS_PASSED = "all-checks-passed"
    REVOKED = "revoked"
    EXPIRED = "expired"
    TAMPERED = "tampered"
    WRONG_ISSUER_KEY = "wrong-issuer-key"
    KEY_REVOKED = "key-revoked"
    NOT_YET_VALID = "not-yet-valid"
    NOT_A_BADGE = "not-a-badge"
    STATUS_UNKNOWN = "status-unknown"
    CHECK_FAILED = "check-failed"


# Checks that fail when the document is not a well-formed Open Badge.
_FORM_CHECKS = frozenset({"json", "contexts", "types", "data-model", "schema", "undefined-terms"})
# Which failed check explains the verdict first, most serious first.
_REASON_BY_CHECK: tuple[tuple[str, Reason], ...] = (
    ("proof", Reason.TAMPERED),
    ("issuer-key", Reason.WRONG_ISSUER_KEY),
    ("key-not-revoked", Reason.KEY_REVOKED),
    ("valid-from", Reason.NOT_YET_VALID),
)


@dataclass(frozen=True)
class Verdict:
    """What the page says at the top: kind, one reason, and the date that goes with it."""

    kind: VerdictKind
    reason: Reason
    revoked_at: datetime | None = None
    valid_until: str | None = None

    @property
    def trustworthy(self) -> bool:
        return self.kind is VerdictKind.VALID


def _is_revoked(check: Check) -> bool:
    # The status check fails with a typed problem when the list itself is wrong (range,
    # signature); a set bit is a failure without a problem type: the issuer revoked it.
    return check.status == "failed" and check.problem_type is None


def verdict_of(report: VerificationReport, *, revoked_at: datetime | None = None) -> Verdict:
    """Turn a report into a verdict; `revoked_at` is the revocation date when the issuer is us."""
    failed = {check.check: check for check in report.problems if check.check != RECIPIENT}
    valid_until = report.credential.valid_until
    if not failed:
        return Verdict(VerdictKind.VALID, Reason.ALL_CHECKS_PASSED, valid_until=valid_until)
    if failed.keys() & _FORM_CHECKS:
        return Verdict(VerdictKind.UNVERIFIABLE, Reason.NOT_A_BADGE)
    for name, reason in _REASON_BY_CHECK:
        if name in failed:
            return Verdict(VerdictKind.UNVERIFIABLE, reason)
    if failed.keys() - {REVOCATION, VALID_UNTIL}:
        # A check this page does not know failed: nothing else the badge says can be trusted.
        return Verdict(VerdictKind.UNVERIFIABLE, Reason.CHECK_FAILED)
    revocation = failed.get(REVOCATION)
    if revocation is not None:
        if _is_revoked(revocation):
            return Verdict(VerdictKind.REVOKED, Reason.REVOKED, revoked_at=revoked_at)
        return Verdict(VerdictKind.UNVERIFIABLE, Reason.STATUS_UNKNOWN)
    return Verdict(VerdictKind.EXPIRED, Reason.EXPIRED, valid_until=valid_until)
