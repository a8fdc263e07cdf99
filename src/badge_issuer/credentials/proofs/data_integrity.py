"""Add and verify Data Integrity proofs (VC Data Integrity 1.0 sections 4.2 and 4.4).

These are the two calls the rest of the service makes: `sign_credential` for the issuer and
`verify_credential_proof` for the verifier. The cryptosuite is looked up in the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from badge_issuer.credentials.didkey import resolve_did_key
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.proofs.registry import UnknownCryptosuite, suite_for, suite_of_proof
from badge_issuer.credentials.proofs.result import (
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    MALFORMED_PROOF_ERROR,
    PROOF_VERIFICATION_ERROR,
    Check,
    ProofResult,
)
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.credentials.proofs.verification_methods import (
    ASSERTION_METHOD,
    KeyResolver,
    VerificationMethod,
)

DEFAULT_CRYPTOSUITE = "eddsa-rdfc-2022"
AUTHENTICATION = "authentication"


class DocumentAlreadySigned(ValueError):
    """The document already carries a proof; strip it before signing again."""


def sign_credential(
    document: Mapping[str, Any],
    signer: Signer,
    created: datetime,
    *,
    cryptosuite: str = DEFAULT_CRYPTOSUITE,
    proof_purpose: str = ASSERTION_METHOD,
    canonicalizer: Canonicalizer | None = None,
) -> dict[str, Any]:
    """Return a copy of `document` with a `proof` array holding one new proof (section 4.2).

    Raises JsonLdRejected (naming each offending path) if the document is not strict JSON-LD.
    """
    if "proof" in document:
        raise DocumentAlreadySigned("the document already has a proof")
    suite = suite_for(cryptosuite)
    options = suite.proof_options(signer, created, proof_purpose)
    proof = suite.create_proof(document, options, signer, canonicalizer or default_canonicalizer())
    return {**document, "proof": [proof]}


def sign_presentation(
    document: Mapping[str, Any],
    signer: Signer,
    created: datetime,
    *,
    challenge: str | None,
    domain: str | None,
    cryptosuite: str = DEFAULT_CRYPTOSUITE,
    canonicalizer: Canonicalizer | None = None,
) -> dict[str, Any]:
    """Return a copy of a presentation with one `authentication` proof (as wallets sign them).

    `cryptosuite` is `eddsa-rdfc-2022` or `Ed25519Signature2020` (whose context the
    presentation must carry). The proof is a single object, bound to `challenge` and `domain`.
    """
    if "proof" in document:
        raise DocumentAlreadySigned("the document already has a proof")
    suite = suite_for(cryptosuite)
    options = suite.proof_options(signer, created, AUTHENTICATION)
    options.update(
        {
            name: value
            for name, value in (("challenge", challenge), ("domain", domain))
            if value is not None
        }
    )
    proof = suite.create_proof(document, options, signer, canonicalizer or default_canonicalizer())
    return {**document, "proof": proof}


def verify_credential_proof(
    document: Mapping[str, Any],
    resolve_key: KeyResolver = resolve_did_key,
    *,
    expected_proof_purpose: str = ASSERTION_METHOD,
    expected_challenge: str | None = None,
    expected_domain: str | None = None,
    canonicalizer: Canonicalizer | None = None,
) -> ProofResult:
    """Verify every proof of a secured document and report each check by name (section 4.4).

    Never raises for a bad document: failures are failed checks. Proofs of unsupported types
    are reported as warnings; at least one supported proof must verify. With an expected
    challenge or domain (section 4.4 steps on `options.challenge` / `options.domain`), each
    supported proof must carry it.
    """
    proofs = document.get("proof")
    if not proofs:
        return ProofResult.of([Check.failed("proof", "no proof", MALFORMED_PROOF_ERROR)])
    proofs = proofs if isinstance(proofs, list) else [proofs]
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    canonicalizer = canonicalizer or default_canonicalizer()
    checks: list[Check] = []
    methods: list[VerificationMethod] = []
    for index, proof in enumerate(proofs):
        prefix = f"proof[{index}]." if len(proofs) > 1 else ""
        proof_checks, method = _verify_one(
            unsecured, proof, resolve_key, expected_proof_purpose, canonicalizer
        )
        if isinstance(proof, Mapping) and _supported(proof_checks):
            bound = _binding_checks(proof, expected_challenge, expected_domain)
            proof_checks = (*proof_checks, *bound)
            method = method if all(check.status == "passed" for check in bound) else None
        checks.extend(_prefixed(check, prefix) for check in proof_checks)
        methods.extend([method] if method else [])
    if all(check.status == "warning" for check in checks):
        checks.append(
            Check.failed("proof", "no proof of a supported type", PROOF_VERIFICATION_ERROR)
        )
    return ProofResult.of(checks, methods)


def _verify_one(
    unsecured: Mapping[str, Any],
    proof: object,
    resolve_key: KeyResolver,
    expected_proof_purpose: str,
    canonicalizer: Canonicalizer,
) -> tuple[tuple[Check, ...], VerificationMethod | None]:
    """Verify one proof with the cryptosuite it names."""
    if not isinstance(proof, Mapping):
        return (Check.failed("proof", "proof is not an object", MALFORMED_PROOF_ERROR),), None
    try:
        suite = suite_of_proof(proof)
    except UnknownCryptosuite as error:
        return (Check.warning("proof-type", f"{proof.get('type')!r}: {error}"),), None
    if proof.get("type") != suite.proof_type:
        detail = f"a {suite.name} proof has type {suite.proof_type}, not {proof.get('type')!r}"
        return (Check.failed("proof-type", detail, MALFORMED_PROOF_ERROR),), None
    result = suite.verify_proof(
        unsecured,
        proof,
        resolve_key=resolve_key,
        expected_proof_purpose=expected_proof_purpose,
        canonicalizer=canonicalizer,
    )
    named = (
        suite.proof_type
        if suite.name == suite.proof_type
        else f"{suite.proof_type} with {suite.name}"
    )
    type_check = Check.passed("proof-type", named)
    return (type_check, *result.checks), result.verification_method


def _prefixed(check: Check, prefix: str) -> Check:
    """Return the check with its name prefixed by the proof's position in a proof set."""
    if not prefix:
        return check
    return Check(prefix + check.check, check.status, check.detail, check.problem_type)


def _supported(checks: tuple[Check, ...]) -> bool:
    """Return whether a proof's checks say its suite is supported (its type check passed)."""
    return any(check.check == "proof-type" and check.status == "passed" for check in checks)


def _binding_checks(
    proof: Mapping[str, Any], challenge: str | None, domain: str | None
) -> tuple[Check, ...]:
    """Check the proof's `challenge` and `domain` against the verifier's (section 4.4)."""
    checks: list[Check] = []
    if challenge is not None:
        if proof.get("challenge") == challenge:
            checks.append(Check.passed("challenge", "the proof carries the expected challenge"))
        else:
            detail = "the proof's challenge is not the one this verifier issued"
            checks.append(Check.failed("challenge", detail, INVALID_CHALLENGE_ERROR))
    if domain is not None:
        given = proof.get("domain")
        domains = given if isinstance(given, list) else [given]
        if domain in domains:
            checks.append(Check.passed("domain", f"the proof is bound to the domain {domain}"))
        else:
            detail = f"the proof is not bound to the domain {domain!r}"
            checks.append(Check.failed("domain", detail, INVALID_DOMAIN_ERROR))
    return tuple(checks)
