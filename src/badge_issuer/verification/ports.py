"""What the pure verifier asks of the outside world: keys, status lists, known issuers.

The verifier never fetches or queries anything itself; a `Resolver` does (from this service's
database, a did:key, or an allow-listed host) and raises `ResolutionError` saying why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badge_issuer.credentials.didkey import resolve_did_key
from badge_issuer.credentials.proofs.verification_methods import (
    ASSERTION_METHOD,
    KeyResolutionError,
    VerificationMethod,
)

PublicKey = Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey


class ResolutionError(LookupError):
    """A key or status list cannot be resolved (unknown, not allow-listed, unreachable, ...)."""


@dataclass(frozen=True)
class ResolvedKey:
    """A verification method as its controller publishes it.

    `relationships` are the verification relationships its controller document lists it under;
    a revoked key of this service keeps the ones it had, and `revoked` says it was revoked.
    """

    id: str
    controller: str
    public_key: PublicKey
    relationships: frozenset[str] = frozenset({ASSERTION_METHOD})
    revoked: bool = False
    source: str = ""

    def ed25519_method(self) -> VerificationMethod | None:
        """Return the method in the form the eddsa-rdfc-2022 suite takes, if it is Ed25519."""
        if not isinstance(self.public_key, Ed25519PublicKey):
            return None
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return VerificationMethod(
            id=self.id,
            controller=self.controller,
            public_key=raw,
            relationships=self.relationships,
        )


@dataclass(frozen=True)
class ResolvedStatusList:
    """A BitstringStatusListCredential; `trusted` when read from this service's own database,
    whose lists need no proof check (the service signed them itself).

    `covers`: when the list was read at some indexes only (an own list rebuilt from its revoked
    entries), those indexes; its other bits are unknown. None: every bit is the list's.
    """

    url: str
    document: Mapping[str, Any] = field(repr=False)
    trusted: bool = False
    covers: frozenset[int] | None = None


@dataclass(frozen=True)
class KnownIssuer:
    """An issuer the operator's registry knows: one of this service's, or a listed partner.

    `name` is the registry's name for it, the only issuer name a report vouches for.
    """

    id: str
    name: str
    source: str


def did_key_resolved(verification_method: str) -> ResolvedKey:
    """Resolve a did:key verification method offline, or raise ResolutionError."""
    try:
        method = resolve_did_key(verification_method)
    except KeyResolutionError as error:
        raise ResolutionError(str(error)) from None
    return ResolvedKey(
        id=method.id,
        controller=method.controller,
        public_key=Ed25519PublicKey.from_public_bytes(method.public_key),
        relationships=method.relationships,
        source="did:key",
    )


class DidKeyResolver:
    """Resolves did:key methods offline and nothing else (no database, no network)."""

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        return did_key_resolved(verification_method)

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        raise ResolutionError(f"{url}: status lists are not resolved offline")

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        return None


class Resolver(Protocol):
    """Supplies keys and status lists to the verifier."""

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        """Return the verification method with this id, or raise ResolutionError."""
        ...

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        """Return the status list credential at `url`, or raise ResolutionError."""
        ...

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        """Return the registry's entry for an issuer id, or None if it is not known."""
        ...
