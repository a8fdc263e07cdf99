"""A proof-suite key resolver over the service's own keys, for tests that check stored proofs.

The service itself verifies through `verification/` (which also reports why a key fails);
tests that only need "does this stored proof verify with our key" use this direct resolver.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    KeyResolver,
    VerificationMethod,
)
from badge_issuer.keys.service import resolve_local_verification_method


def local_key_resolver(session: Session, *, settings: Settings) -> KeyResolver:
    """Return a proof-suite KeyResolver over our own keys; revoked and unknown keys fail."""

    def resolve(verification_method: str) -> VerificationMethod:
        local = resolve_local_verification_method(
            session, verification_method=verification_method, settings=settings
        )
        if local is None:
            raise KeyResolutionError(f"{verification_method!r} is not a key of this service")
        if local.revoked:
            raise KeyResolutionError(
                f"{verification_method!r} was revoked: it is not in its issuer's DID document"
            )
        return VerificationMethod(
            id=local.verification_method,
            controller=local.controller,
            public_key=decode_ed25519_public_key(local.public_key_multibase),
        )

    return resolve
