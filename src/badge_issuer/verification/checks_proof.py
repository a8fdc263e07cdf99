"""The Data Integrity proof (eddsa-rdfc-2022, assertionMethod) and the strict JSON-LD check.

Both come from one run of the credentials core's verifier: its `document-json-ld` sub-check is
the undefined-terms check (undefined terms and types, relative IRIs), and every other sub-check
makes up the proof check. When no supported proof ran, the strict check runs on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.jsonld.rdfc import CanonicalizationLimitExceeded
from badge_issuer.credentials.jsonld.strict import JsonLdProblem, find_problems
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.credentials.proofs.result import (
    DATA_LOSS_DETECTION_ERROR,
    PROOF_TRANSFORMATION_ERROR,
    PROOF_VERIFICATION_ERROR,
    Check,
    ProofResult,
)
from badge_issuer.credentials.proofs.verification_methods import ASSERTION_METHOD
from badge_issuer.verification.checks_keys import KeyCache
from badge_issuer.verification.data_model import member_strings
from badge_issuer.verification.report import CheckName

_DOCUMENT_STRICTNESS = "document-json-ld"
_MAX_LISTED = 5


@dataclass(frozen=True)
class ProofOutcome:
    """The two checks, and the verification methods the proofs name."""

    undefined_terms: Check
    proof: Check
    method_ids: tuple[str, ...]


def proof_method_ids(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the verificationMethod of every proof object, in order."""
    return member_strings(document, "proof", "verificationMethod")


def undefined_terms_check(problems: list[JsonLdProblem] | tuple[JsonLdProblem, ...]) -> Check:
    """Report the strict JSON-LD problems: what canonicalization would silently drop."""
    if not problems:
        return Check.passed(
            CheckName.UNDEFINED_TERMS, "every term and type is defined and every IRI is absolute"
        )
    listed = "; ".join(str(problem) for problem in problems[:_MAX_LISTED])
    return Check.failed(CheckName.UNDEFINED_TERMS, listed, DATA_LOSS_DETECTION_ERROR)


def data_integrity_checks(
    document: Mapping[str, Any],
    keys: KeyCache,
    canonicalizer: Canonicalizer | None = None,
    *,
    purpose: str = ASSERTION_METHOD,
    challenge: str | None = None,
    domain: str | None = None,
) -> ProofOutcome:
    """Verify the document's Data Integrity proofs for `purpose`, and its strictness."""
    canonicalizer = canonicalizer or default_canonicalizer()
    method_ids = proof_method_ids(document)
    try:
        result = verify_credential_proof(
            document,
            keys.ed25519_resolver(),
            expected_proof_purpose=purpose,
            expected_challenge=challenge,
            expected_domain=domain,
            canonicalizer=canonicalizer,
        )
    except CanonicalizationLimitExceeded as error:
        # A poison graph: refused within the work limit, reported like any other bad proof.
        return ProofOutcome(
            Check.skipped(CheckName.UNDEFINED_TERMS, "the proof could not be processed"),
            Check.failed(CheckName.PROOF, str(error), PROOF_TRANSFORMATION_ERROR),
            method_ids,
        )
    except Exception as error:
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        detail = f"the proof could not be processed ({type(error).__name__})"
        return ProofOutcome(
            undefined_terms_check(find_problems(unsecured, canonicalizer.loader)),
            Check.failed(CheckName.PROOF, detail, PROOF_VERIFICATION_ERROR),
            method_ids,
        )
    return ProofOutcome(
        _strictness(result, document, canonicalizer), _proof_check(result, purpose), method_ids
    )


def _is_strictness(check: Check) -> bool:
    return check.check.rpartition(".")[2] == _DOCUMENT_STRICTNESS


def _strictness(
    result: ProofResult, document: Mapping[str, Any], canonicalizer: Canonicalizer
) -> Check:
    """Return the undefined-terms check from the proof run, or run the strict check itself."""
    reported = [check for check in result.checks if _is_strictness(check)]
    if not reported:
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        return undefined_terms_check(find_problems(unsecured, canonicalizer.loader))
    failed = [check for check in reported if check.status == "failed"]
    if failed:
        return Check.failed(CheckName.UNDEFINED_TERMS, failed[0].detail, failed[0].problem_type)
    return Check.passed(CheckName.UNDEFINED_TERMS, reported[0].detail)


def _proof_check(result: ProofResult, purpose: str) -> Check:
    """Fold the suite's sub-checks (type, value, purpose, method, signature) into one check."""
    checks = [check for check in result.checks if not _is_strictness(check)]
    failed = [check for check in checks if check.status == "failed"]
    warnings = [f"{check.check}: {check.detail}" for check in checks if check.status == "warning"]
    if failed or not result.verification_methods:
        details = [f"{check.check}: {check.detail}" for check in failed] + warnings
        problem = failed[0].problem_type if failed else PROOF_VERIFICATION_ERROR
        return Check.failed(CheckName.PROOF, "; ".join(details) or "no proof verified", problem)
    methods = ", ".join(method.id for method in result.verification_methods)
    suites = ", ".join(
        dict.fromkeys(
            c.detail for c in checks if c.check.endswith("proof-type") and c.status == "passed"
        )
    )
    detail = f"{suites} proof for {purpose} verifies with {methods}"
    return Check.passed(CheckName.PROOF, "; ".join([detail, *warnings]))
