"""The Signer protocol: what a proof suite may know about a signing key, and nothing more.

Proof suites get the verification method id, the public key and a `sign` function; private
key bytes stay inside `badge_issuer.keys`, which implements this protocol.
"""

from __future__ import annotations

from typing import Protocol


class Signer(Protocol):
    """An Ed25519 signing capability bound to one verification method."""

    @property
    def key_id(self) -> str:
        """The key's local id (the fragment of its verification method id)."""
        ...

    @property
    def verification_method(self) -> str:
        """The full verification method id written into proofs, e.g. `did:web:…#key-1`."""
        ...

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `data`."""
        ...
