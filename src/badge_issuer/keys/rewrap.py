"""Re-wrap every stored secret (signing keys, provider webhook secrets) under a new KEK.

Runs in the caller's transaction: either every row moves to the new KEK or none does. Rows
already under the new KEK are left alone, so running it again is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import material, repository
from badge_issuer.keys.kek import KeyEncryptionKey
from badge_issuer.providers.models import ProviderSecret


@dataclass(frozen=True, slots=True)
class RewrapCounts:
    signing_keys: int
    provider_secrets: int


def _rewrap_signing_keys(session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey) -> int:
    slugs = dict(session.execute(select(Issuer.id, Issuer.slug)).tuples().all())
    count = 0
    for key in repository.all_keys(session):
        if key.kek_fingerprint == new.fingerprint:
            continue
        key.wrapped_private_key = material.rewrap(
            old,
            new,
            key.wrapped_private_key,
            associated_data=material.signing_key_associated_data(key.issuer_id, key.key_id),
            label=f"signing key {key.key_id!r} of issuer {slugs.get(key.issuer_id)!r}",
        )
        key.kek_fingerprint = new.fingerprint
        count += 1
    return count


def _rewrap_provider_secrets(
    session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey
) -> int:
    count = 0
    for secret in session.scalars(select(ProviderSecret).order_by(ProviderSecret.id)):
        if secret.kek_fingerprint == new.fingerprint:
            continue
        secret.wrapped_secret = material.rewrap(
            old,
            new,
            secret.wrapped_secret,
            associated_data=material.provider_secret_associated_data(secret.provider_id, secret.id),
            label=f"webhook secret {secret.id} of provider {secret.provider_id!r}",
        )
        secret.kek_fingerprint = new.fingerprint
        count += 1
    return count


def rewrap_all(session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey) -> RewrapCounts:
    """Move every wrapped secret from `old` to `new`; raise UnwrapFailed on the first that fails."""
    if old.fingerprint == new.fingerprint:
        raise ValueError("the new key-encryption key is the one in use")
    counts = RewrapCounts(
        signing_keys=_rewrap_signing_keys(session, old=old, new=new),
        provider_secrets=_rewrap_provider_secrets(session, old=old, new=new),
    )
    session.flush()
    return counts
