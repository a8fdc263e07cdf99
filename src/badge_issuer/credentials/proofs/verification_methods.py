"""Verification methods as a verifier sees them, and the resolver callback that supplies them.

The proof suite never fetches anything: the caller passes a `KeyResolver` that maps a
verification method id to a `VerificationMethod` (from this service's own key store, a
`did:key`, or an allow-listed `did:web` document) or raises `KeyResolutionError` saying why not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from badge_issuer.credentials.proofs.multikey import encode_ed25519_public_key

ASSERTION_METHOD = "assertionMethod"


class KeyResolutionError(LookupError):
    """A verification method cannot be resolved or must not be trusted (unknown, revoked, ...)."""


@dataclass(frozen=True)
class VerificationMethod:
    """An Ed25519 Multikey verification method and the relationships its controller grants it."""

    id: str
    controller: str
    public_key: bytes
    relationships: frozenset[str] = frozenset({ASSERTION_METHOD})
    type: str = "Multikey"

    @property
    def public_key_multibase(self) -> str:
        """The key as publicKeyMultibase (`z6Mk…`)."""
        return encode_ed25519_public_key(self.public_key)

    def as_json(self) -> dict[str, str]:
        """Return the verification method as it appears in a DID or controller document."""
        return {
            "id": self.id,
            "type": self.type,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }


KeyResolver = Callable[[str], VerificationMethod]


def chain_resolvers(*resolvers: KeyResolver) -> KeyResolver:
    """Return a resolver trying each resolver in turn; the last error is raised if none works."""

    def resolve(verification_method_id: str) -> VerificationMethod:
        error = KeyResolutionError(f"no resolver knows {verification_method_id!r}")
        for resolver in resolvers:
            try:
                return resolver(verification_method_id)
            except KeyResolutionError as failure:
                error = failure
        raise error

    return resolve
