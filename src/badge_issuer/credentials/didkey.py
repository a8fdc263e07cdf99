"""did:key for Ed25519 (W3C CCG did:key v0.7): DID <-> public key, pure and offline.

`did:key:z6Mk…` embeds its Ed25519 public key as a Multikey; its single verification method is
`did:key:z6Mk…#z6Mk…`, controlled by the DID itself and usable for every relationship.
"""

from __future__ import annotations

from badge_issuer.credentials.proofs.multikey import (
    InvalidMultikey,
    decode_ed25519_public_key,
    encode_ed25519_public_key,
)
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    VerificationMethod,
)

DID_KEY_PREFIX = "did:key:"
_RELATIONSHIPS = frozenset(
    {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"}
)


def did_key_for(public_key: bytes) -> str:
    """Return the did:key DID of a raw Ed25519 public key."""
    return DID_KEY_PREFIX + encode_ed25519_public_key(public_key)


def did_key_verification_method_id(public_key: bytes) -> str:
    """Return the verification method id (`did:key:X#X`) of a raw Ed25519 public key."""
    return f"{did_key_for(public_key)}#{encode_ed25519_public_key(public_key)}"


def resolve_did_key(verification_method_id: str) -> VerificationMethod:
    """Resolve a `did:key:X#X` verification method id; raise KeyResolutionError otherwise."""
    if not verification_method_id.startswith(DID_KEY_PREFIX):
        raise KeyResolutionError(f"{verification_method_id!r} is not a did:key")
    did, _, fragment = verification_method_id.partition("#")
    multibase = did.removeprefix(DID_KEY_PREFIX)
    if fragment != multibase:
        raise KeyResolutionError(
            f"{verification_method_id!r}: a did:key verification method is did:key:X#X"
        )
    try:
        public_key = decode_ed25519_public_key(multibase)
    except InvalidMultikey as error:
        raise KeyResolutionError(f"{verification_method_id!r}: {error}") from error
    return VerificationMethod(
        id=verification_method_id,
        controller=did,
        public_key=public_key,
        relationships=_RELATIONSHIPS,
    )
