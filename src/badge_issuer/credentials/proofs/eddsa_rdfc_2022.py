"""The `eddsa-rdfc-2022` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, section 3.2).

One function per algorithm of the specification, each citing its section. Canonicalization is
RDFC-1.0 through `Canonicalizer` (pyld, or a per-shape template proven equal to it); signing
goes through a `Signer`, so this module never holds private key bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.credentials.jsonld.canonicalizer import CanonicalForm, Canonicalizer
from badge_issuer.credentials.jsonld.strict import JsonLdRejected
from badge_issuer.credentials.proofs.multikey import (
    InvalidMultikey,
    decode_base58btc,
    encode_base58btc,
)
from badge_issuer.credentials.proofs.result import (
    DATA_LOSS_DETECTION_ERROR,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_PROOF_ERROR,
    MISMATCHED_PROOF_PURPOSE_ERROR,
    PROOF_VERIFICATION_ERROR,
    Check,
    SuiteVerification,
)
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    KeyResolver,
    VerificationMethod,
)

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
SIGNATURE_LENGTH = 64


@dataclass(frozen=True)
class SuiteId:
    """How a proof names its suite: `type`, and `cryptosuite` for DataIntegrityProof.

    Ed25519Signature2020 (the CCG suite wallets still use) runs exactly these algorithms
    (RDFC-1.0 of the document and of the proof options, SHA-256 of each, Ed25519) under its own
    proof type and without a `cryptosuite` member, so both suites share this module.
    """

    proof_type: str
    cryptosuite: str | None

    def names(self, options: Mapping[str, Any]) -> bool:
        """Return whether proof options name this suite."""
        return options.get("type") == self.proof_type and options.get("cryptosuite") == (
            self.cryptosuite
        )

    def __str__(self) -> str:
        return f"{self.proof_type} with {self.cryptosuite}" if self.cryptosuite else self.proof_type


EDDSA_RDFC_2022 = SuiteId(PROOF_TYPE, CRYPTOSUITE)

# XML Schema 1.1 dateTime lexical form; the timezone is optional, as section 3.2.5 allows.
_XSD_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")


class ProofGenerationError(ValueError):
    """Proof options are unusable: VC Data Integrity PROOF_GENERATION_ERROR."""


class ProofTransformationError(ValueError):
    """Transformation options name another suite: VC Data Integrity PROOF_TRANSFORMATION_ERROR."""


def is_xsd_datetime(value: object) -> bool:
    """Return whether `value` is a valid XML Schema 1.1 dateTime string."""
    if not isinstance(value, str) or _XSD_DATETIME.match(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def format_created(moment: datetime) -> str:
    """Return `moment` as an XML Schema dateTimeStamp in UTC with second precision."""
    if moment.tzinfo is None:
        raise ProofGenerationError("proof creation time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_options(
    signer: Signer,
    created: datetime,
    proof_purpose: str = "assertionMethod",
    *,
    suite: SuiteId = EDDSA_RDFC_2022,
) -> dict[str, Any]:
    """Return the proof options of a new proof by `signer` at `created`."""
    names = {"type": suite.proof_type}
    if suite.cryptosuite is not None:
        names["cryptosuite"] = suite.cryptosuite
    return {
        **names,
        "created": format_created(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": proof_purpose,
    }


def transformation(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    canonicalizer: Canonicalizer,
    *,
    suite: SuiteId = EDDSA_RDFC_2022,
) -> CanonicalForm:
    """Transform a document to canonical N-Quads (section 3.2.3, Transformation).

    Returns the canonical form together with any strict JSON-LD problems, which signing refuses
    and verification reports.
    """
    if not suite.names(options):
        raise ProofTransformationError(f"options are not {suite}")
    return canonicalizer.canonical_form(unsecured_document)


def hashing(transformed_document: str, canonical_proof_config: str) -> bytes:
    """Return SHA-256(proof config) || SHA-256(document) (section 3.2.4, Hashing)."""
    proof_config_hash = hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
    document_hash = hashlib.sha256(transformed_document.encode("utf-8")).digest()
    return proof_config_hash + document_hash


def proof_configuration(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    canonicalizer: Canonicalizer,
    *,
    suite: SuiteId = EDDSA_RDFC_2022,
) -> CanonicalForm:
    """Canonicalize the proof options with the document's @context (section 3.2.5).

    Returns the canonical form together with any strict JSON-LD problems of the options.
    """
    proof_config = dict(options)
    if not suite.names(proof_config):
        raise ProofGenerationError(f"proof options are not {suite}")
    if "created" in proof_config and not is_xsd_datetime(proof_config["created"]):
        raise ProofGenerationError(f"created {proof_config['created']!r} is not a dateTime")
    proof_config.pop("proofValue", None)
    proof_config["@context"] = unsecured_document.get("@context")
    return canonicalizer.canonical_form(proof_config)


def proof_serialization(hash_data: bytes, signer: Signer) -> bytes:
    """Sign the hash data with Ed25519 through the signer (section 3.2.6, Proof Serialization)."""
    proof_bytes = signer.sign(hash_data)
    if len(proof_bytes) != SIGNATURE_LENGTH:
        raise ProofGenerationError(f"an Ed25519 signature has 64 bytes, not {len(proof_bytes)}")
    return proof_bytes


def proof_verification(hash_data: bytes, proof_bytes: bytes, public_key: bytes) -> bool:
    """Verify an Ed25519 signature over the hash data (section 3.2.7, Proof Verification)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(proof_bytes, hash_data)
    except (InvalidSignature, ValueError):
        return False
    return True


def create_proof(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    signer: Signer,
    canonicalizer: Canonicalizer,
    *,
    suite: SuiteId = EDDSA_RDFC_2022,
) -> dict[str, Any]:
    """Return a DataIntegrityProof over the document (section 3.2.1, Create Proof).

    Raises JsonLdRejected if the document or the options are not strict JSON-LD.
    """
    if options.get("verificationMethod") != signer.verification_method:
        raise ProofGenerationError("verificationMethod must be the signer's verification method")
    proof = dict(options)
    proof_config = proof_configuration(unsecured_document, options, canonicalizer, suite=suite)
    transformed = transformation(unsecured_document, options, canonicalizer, suite=suite)
    problems = [*transformed.problems, *proof_config.problems]
    if problems or transformed.nquads is None or proof_config.nquads is None:
        raise JsonLdRejected(problems)
    hash_data = hashing(transformed.nquads, proof_config.nquads)
    proof["proofValue"] = encode_base58btc(proof_serialization(hash_data, signer))
    return proof


def verify_proof(
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    resolve_key: KeyResolver,
    expected_proof_purpose: str,
    canonicalizer: Canonicalizer,
    suite: SuiteId = EDDSA_RDFC_2022,
) -> SuiteVerification:
    """Verify one proof over a document without proofs (section 3.2.2, Verify Proof).

    Every check is reported by name; a bad proof or document never raises.
    """
    proof_options = {key: value for key, value in proof.items() if key != "proofValue"}
    proof_bytes, value_check = _decode_proof_value(proof.get("proofValue"))
    method, method_checks = _resolve_method(proof_options, resolve_key, expected_proof_purpose)
    checks = [value_check, _created_check(proof_options), *method_checks]
    try:
        transformed = transformation(unsecured_document, proof_options, canonicalizer, suite=suite)
        proof_config = proof_configuration(
            unsecured_document, proof_options, canonicalizer, suite=suite
        )
    except (ProofTransformationError, ProofGenerationError) as error:
        checks.append(Check.failed("signature", f"not checked: {error}", MALFORMED_PROOF_ERROR))
        return SuiteVerification(tuple(checks), None)
    checks.append(_strict_check("document-json-ld", transformed))
    checks.append(_strict_check("proof-options-json-ld", proof_config))
    signature_check = _signature_check(transformed, proof_config, proof_bytes, method)
    checks.append(signature_check)
    verified = method if signature_check.status == "passed" else None
    return SuiteVerification(tuple(checks), verified)


def _signature_check(
    transformed: CanonicalForm,
    proof_config: CanonicalForm,
    proof_bytes: bytes | None,
    method: VerificationMethod | None,
) -> Check:
    """Hash and verify the signature, or say which earlier failure prevents it."""
    if transformed.nquads is None or proof_config.nquads is None:
        detail = "not checked: the document or proof options are not processable JSON-LD"
        return Check.failed("signature", detail, PROOF_VERIFICATION_ERROR)
    if proof_bytes is None or method is None:
        reason = "proofValue" if proof_bytes is None else "verification method"
        detail = f"not checked: no usable {reason}"
        return Check.failed("signature", detail, PROOF_VERIFICATION_ERROR)
    hash_data = hashing(transformed.nquads, proof_config.nquads)
    if not proof_verification(hash_data, proof_bytes, method.public_key):
        detail = f"Ed25519 signature does not verify with {method.id}"
        return Check.failed("signature", detail, PROOF_VERIFICATION_ERROR)
    return Check.passed("signature", f"Ed25519 signature verifies with {method.id}")


def _decode_proof_value(value: object) -> tuple[bytes | None, Check]:
    """Decode proofValue (multibase base58-btc) into the 64 signature bytes."""
    if not isinstance(value, str):
        return None, Check.failed("proof-value", "proofValue is missing", MALFORMED_PROOF_ERROR)
    try:
        proof_bytes = decode_base58btc(value)
    except InvalidMultikey as error:
        return None, Check.failed("proof-value", str(error), MALFORMED_PROOF_ERROR)
    if len(proof_bytes) != SIGNATURE_LENGTH:
        detail = f"proofValue decodes to {len(proof_bytes)} bytes, not 64"
        return None, Check.failed("proof-value", detail, MALFORMED_PROOF_ERROR)
    return proof_bytes, Check.passed("proof-value", "64-byte base58-btc signature")


def _created_check(options: Mapping[str, Any]) -> Check:
    """Check that `created`, when present, is an XML Schema dateTime."""
    if "created" not in options:
        return Check.passed("proof-created", "no creation time given")
    if not is_xsd_datetime(options["created"]):
        detail = f"created {options['created']!r} is not a dateTime"
        return Check.failed("proof-created", detail, MALFORMED_PROOF_ERROR)
    return Check.passed("proof-created", f"created {options['created']}")


def _resolve_method(
    options: Mapping[str, Any], resolve_key: KeyResolver, expected_purpose: str
) -> tuple[VerificationMethod | None, list[Check]]:
    """Check the proof purpose, resolve the verification method and its relationship."""
    purpose = options.get("proofPurpose")
    checks = [
        Check.passed("proof-purpose", f"proofPurpose is {purpose}")
        if purpose == expected_purpose
        else Check.failed(
            "proof-purpose",
            f"proofPurpose is {purpose!r}, expected {expected_purpose!r}",
            MISMATCHED_PROOF_PURPOSE_ERROR,
        )
    ]
    method_id = options.get("verificationMethod")
    if not isinstance(method_id, str):
        detail = "verificationMethod is missing"
        checks.append(Check.failed("verification-method", detail, INVALID_VERIFICATION_METHOD))
        return None, checks
    try:
        method = resolve_key(method_id)
    except KeyResolutionError as error:
        checks.append(Check.failed("verification-method", str(error), INVALID_VERIFICATION_METHOD))
        return None, checks
    checks.append(Check.passed("verification-method", f"{method_id} resolved"))
    checks.append(_relationship_check(method, purpose))
    return method, checks


def _relationship_check(method: VerificationMethod, purpose: object) -> Check:
    """Check that the method's controller authorises it for the proof purpose."""
    if purpose in method.relationships:
        return Check.passed("verification-relationship", f"{method.id} is authorised for {purpose}")
    return Check.failed(
        "verification-relationship",
        f"{method.id} is not authorised for {purpose!r}",
        INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    )


def _strict_check(name: str, form: CanonicalForm) -> Check:
    """Report strict JSON-LD problems (data that canonicalization would lose) as one check."""
    if not form.problems:
        return Check.passed(name, "every term and type is defined and every IRI is absolute")
    detail = "; ".join(str(problem) for problem in form.problems)
    return Check.failed(name, detail, DATA_LOSS_DETECTION_ERROR)
