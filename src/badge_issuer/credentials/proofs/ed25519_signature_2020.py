"""The `Ed25519Signature2020` suite (W3C CCG Ed25519 Signature 2020, section 4; VC Data Integrity
EdDSA Cryptosuites v1.0 keeps it as a legacy suite with the same algorithms).

Wallets such as the DCC Learner Credential Wallet still sign DID-authentication presentations
with it. Its algorithms are those of `eddsa-rdfc-2022` (RDFC-1.0 of the document and of the proof
options with the document's `@context`, SHA-256 of each, options hash first, Ed25519 over the
64 bytes); only the proof's names differ: `type` `Ed25519Signature2020` and no `cryptosuite`.
The proof terms are defined by https://w3id.org/security/suites/ed25519-2020/v1, which the
document must carry (it is bundled, never fetched).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.proofs import eddsa_rdfc_2022 as rdfc_suite
from badge_issuer.credentials.proofs.result import SuiteVerification
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.credentials.proofs.verification_methods import KeyResolver

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
SUITE = rdfc_suite.SuiteId(PROOF_TYPE, None)


def proof_options(
    signer: Signer, created: datetime, proof_purpose: str = "assertionMethod"
) -> dict[str, Any]:
    """Return the proof options of a new Ed25519Signature2020 proof."""
    return rdfc_suite.proof_options(signer, created, proof_purpose, suite=SUITE)


def create_proof(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    signer: Signer,
    canonicalizer: Canonicalizer,
) -> dict[str, Any]:
    """Return an Ed25519Signature2020 proof over the document (section 4.1, Create Proof)."""
    return rdfc_suite.create_proof(unsecured_document, options, signer, canonicalizer, suite=SUITE)


def verify_proof(
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    resolve_key: KeyResolver,
    expected_proof_purpose: str,
    canonicalizer: Canonicalizer,
) -> SuiteVerification:
    """Verify one Ed25519Signature2020 proof (section 4.2, Verify Proof); never raises."""
    return rdfc_suite.verify_proof(
        unsecured_document,
        proof,
        resolve_key=resolve_key,
        expected_proof_purpose=expected_proof_purpose,
        canonicalizer=canonicalizer,
        suite=SUITE,
    )
