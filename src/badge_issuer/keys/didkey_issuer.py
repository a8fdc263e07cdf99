"""The test-only did:key issuer: one of our Ed25519 keys, exposed as `did:key` for conformance runs.

W3C test suites and wallet dashboards drive the VC API with an issuer they can resolve offline;
a did:key needs no did:web resolution. The key is an ordinary signing key (wrapped under the
KEK) of a dedicated issuer row with the reserved slug `did-key`, so its lifecycle (activate a
new key to rotate it, revoke it) is the keys admin API's. Its did:key is derived from the
public half of that issuer's active key. Nothing here works unless
`settings.enable_did_key_issuer` is on, which config.py refuses in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.credentials.didkey import did_key_for, did_key_verification_method_id
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.errors import IssuerSlugTaken
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import material
from badge_issuer.keys import repository as key_repository
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import ConcurrentActivation, KeyUnavailable, NoActiveKey
from badge_issuer.keys.models import SigningKey
from badge_issuer.keys.signer import InMemoryEd25519Signer

DID_KEY_ISSUER_SLUG = "did-key"
DID_KEY_ISSUER_NAME = "did:key test issuer (conformance runs only)"


class DidKeyIssuerDisabled(RuntimeError):
    """The did:key issuer was asked for while `enable_did_key_issuer` is off."""


@dataclass(frozen=True, slots=True)
class DidKeyIdentity:
    """The public identity of the did:key issuer's active key (no key material)."""

    did: str
    verification_method: str


def is_did_key_issuer(issuer: Issuer) -> bool:
    """Return whether an issuer row is the did:key issuer's (it never signs as did:web)."""
    return issuer.slug == DID_KEY_ISSUER_SLUG


def _refuse_unless_enabled(settings: Settings) -> None:
    if not settings.enable_did_key_issuer:
        raise DidKeyIssuerDisabled("the test-only did:key issuer is disabled")


def _identity(key: SigningKey) -> DidKeyIdentity:
    public_key = decode_ed25519_public_key(key.public_key_multibase)
    return DidKeyIdentity(
        did=did_key_for(public_key),
        verification_method=did_key_verification_method_id(public_key),
    )


def _get_or_create_issuer(session: Session, *, now: datetime) -> Issuer:
    existing = issuer_repository.get_by_slug(session, DID_KEY_ISSUER_SLUG)
    if existing is not None:
        return existing
    fields = {"slug": DID_KEY_ISSUER_SLUG, "name": DID_KEY_ISSUER_NAME}
    try:
        return issuer_service.insert_issuer(session, fields=fields, now=now)
    except IssuerSlugTaken:
        # Another request created it (with its key) and committed first.
        return issuer_service.get_issuer(session, DID_KEY_ISSUER_SLUG)


def _first_key(
    session: Session, *, issuer: Issuer, settings: Settings, actor: str, now: datetime
) -> SigningKey | None:
    """Generate and activate the issuer's first key; None if a concurrent request won."""
    key = key_service.create_key(session, issuer=issuer, settings=settings, actor=actor, now=now)
    try:
        return key_service.activate_key(
            session, issuer=issuer, key_id=key.key_id, actor=actor, now=now
        )
    except ConcurrentActivation:
        return key_repository.get_active(session, issuer_id=issuer.id)


def ensure_did_key_issuer(
    session: Session, *, settings: Settings, actor: str, now: datetime
) -> DidKeyIdentity:
    """Return the did:key identity, generating its key (wrapped under the KEK) on first use."""
    _refuse_unless_enabled(settings)
    issuer = _get_or_create_issuer(session, now=now)
    key = key_repository.get_active(session, issuer_id=issuer.id)
    if key is None and key_repository.count_for_issuer(session, issuer_id=issuer.id) == 0:
        key = _first_key(session, issuer=issuer, settings=settings, actor=actor, now=now)
    if key is None:
        # Its keys were retired or revoked by an admin: activating another one is theirs to do.
        raise NoActiveKey(
            f"Issuer {DID_KEY_ISSUER_SLUG!r} has no active signing key: create and activate one.",
            issuer=DID_KEY_ISSUER_SLUG,
        )
    return _identity(key)


def did_key_signer(session: Session, *, settings: Settings, did: str) -> Signer | None:
    """Return a signer for `did` if it is the did:key issuer's active key, else None."""
    _refuse_unless_enabled(settings)
    issuer = issuer_repository.get_by_slug(session, DID_KEY_ISSUER_SLUG)
    key = key_repository.get_active(session, issuer_id=issuer.id) if issuer else None
    if issuer is None or key is None:
        return None
    identity = _identity(key)
    if identity.did != did:
        return None
    private_key = _unwrap(key, issuer=issuer, settings=settings)
    signer = InMemoryEd25519Signer(private_key, identity.verification_method)
    if signer.public_key_multibase != key.public_key_multibase:
        raise KeyUnavailable(
            f"Key {key.key_id!r}: the wrapped private key does not match its public key.",
            key_id=key.key_id,
        )
    return signer


def _unwrap(key: SigningKey, *, issuer: Issuer, settings: Settings) -> Ed25519PrivateKey:
    kek = key_service.get_kek(settings)
    try:
        return material.unwrap_private_key(
            kek,
            key.wrapped_private_key,
            associated_data=material.signing_key_associated_data(issuer.id, key.key_id),
            label=f"signing key {key.key_id!r} of issuer {issuer.slug!r}",
        )
    except material.UnwrapFailed as error:
        raise KeyUnavailable(str(error), key_id=key.key_id) from None
