"""DID authentication of a wallet's presentation (pure), until `verification/` offers it.

Stand-in built to fold into the presentation rule set of helper `verify`: the same inputs
(presentation, challenge, domain) and the same answer (the authenticated holder, or why not).
It accepts what a DID-authentication exchange needs and nothing more:

- one proof: `Ed25519Signature2020` (what the DCC Learner Credential Wallet signs with) or a
  Data Integrity proof with cryptosuite `eddsa-rdfc-2022`;
- `proofPurpose` `authentication`, `challenge` equal to the one issued, `domain` equal to ours
  when one is expected (VC Data Integrity section 4.4 / 2.2);
- a `did:key` verification method (`did:key:X#X`, resolved offline) whose controller is the
  presentation's `holder`: the key is the holder's;
- the signature: Ed25519 over SHA-256(canonical proof options with the document's `@context`)
  || SHA-256(canonical presentation without proof), both RDFC-1.0 (URDNA2015) over bundled
  contexts only (Ed25519Signature2020 and eddsa-rdfc-2022 hash the same way).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld.jsonld import JsonLdError

from badge_issuer.credentials.didkey import resolve_did_key
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer, default_canonicalizer
from badge_issuer.credentials.proofs.verification_methods import KeyResolutionError

AUTHENTICATION = "authentication"
SUITES = ("Ed25519Signature2020", "eddsa-rdfc-2022")
MAX_PRESENTATION_KEYS = 32


class DidAuthFailed(ValueError):
    """The presentation does not authenticate its holder; the message says why."""


@dataclass(frozen=True, slots=True)
class DidAuthentication:
    holder: str
    verification_method: str
    suite: str


def holder_of(presentation: Mapping[str, Any]) -> str | None:
    """The presentation's holder id (a URL, or an object with an `id`)."""
    holder = presentation.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def _suite(proof: Mapping[str, Any]) -> str:
    if proof.get("type") == "Ed25519Signature2020":
        return "Ed25519Signature2020"
    if proof.get("type") == "DataIntegrityProof" and proof.get("cryptosuite") == "eddsa-rdfc-2022":
        return "eddsa-rdfc-2022"
    raise DidAuthFailed(f"the proof must be one of {', '.join(SUITES)}")


def _one_proof(presentation: Mapping[str, Any]) -> Mapping[str, Any]:
    proof = presentation.get("proof")
    if proof is None:
        raise DidAuthFailed("the presentation has no proof: unsigned presentations are refused")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise DidAuthFailed("a DID-authentication presentation carries one proof")
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise DidAuthFailed("the proof must be an object")
    return proof


def _check_options(proof: Mapping[str, Any], *, challenge: str, domain: str | None) -> None:
    if proof.get("proofPurpose") != AUTHENTICATION:
        raise DidAuthFailed("the proof's purpose must be authentication")
    if proof.get("challenge") != challenge:
        raise DidAuthFailed("the proof's challenge is not the one this exchange issued")
    if domain is not None and proof.get("domain") != domain:
        raise DidAuthFailed(f"the proof's domain must be {domain}")


def _signature(proof: Mapping[str, Any]) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 200:
        raise DidAuthFailed("proofValue must be a base58btc multibase string")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as error:
        raise DidAuthFailed("proofValue is not base58btc") from error
    if len(signature) != 64:
        raise DidAuthFailed("proofValue is not an Ed25519 signature")
    return signature


def _hash_data(
    presentation: Mapping[str, Any], proof: Mapping[str, Any], canonicalizer: Canonicalizer
) -> bytes:
    document = {key: value for key, value in presentation.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = presentation.get("@context")
    try:
        canonical_options = canonicalizer.canonicalize_full(options)
        canonical_document = canonicalizer.canonicalize_full(document)
    except (JsonLdError, ValueError, TypeError, KeyError, RecursionError) as error:
        raise DidAuthFailed("the presentation is not JSON-LD over known contexts") from error
    return (
        hashlib.sha256(canonical_options.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def authenticate(
    presentation: Any,
    *,
    challenge: str,
    domain: str | None,
    canonicalizer: Canonicalizer | None = None,
) -> DidAuthentication:
    """Return who the presentation authenticates; raise DidAuthFailed saying why not."""
    if not isinstance(presentation, Mapping) or len(presentation) > MAX_PRESENTATION_KEYS:
        raise DidAuthFailed("the presentation must be a JSON object")
    types = presentation.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        raise DidAuthFailed("type must include VerifiablePresentation")
    holder = holder_of(presentation)
    if holder is None:
        raise DidAuthFailed("the presentation names no holder")
    proof = _one_proof(presentation)
    suite = _suite(proof)
    _check_options(proof, challenge=challenge, domain=domain)
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise DidAuthFailed("the proof names no verificationMethod")
    try:
        method = resolve_did_key(method_id)
    except KeyResolutionError as error:
        raise DidAuthFailed(f"the key is not a did:key: {error}") from error
    if method.controller != holder:
        raise DidAuthFailed("the signing key is not controlled by the holder")
    signature = _signature(proof)
    hash_data = _hash_data(presentation, proof, canonicalizer or default_canonicalizer())
    try:
        Ed25519PublicKey.from_public_bytes(method.public_key).verify(signature, hash_data)
    except InvalidSignature as error:
        raise DidAuthFailed("the signature does not verify with the holder's key") from error
    return DidAuthentication(holder=holder, verification_method=method_id, suite=suite)
