"""Re-wrap the signing keys' private keys under a new KEK (`kek_rotation` runs every owner's).

Rows already under the new KEK are left alone, so running it again is harmless.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.keys import material, repository
from badge_issuer.keys.kek import KeyEncryptionKey


def rewrap_signing_keys(session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey) -> int:
    """Move every signing key to `new`; return how many moved."""
    slugs = issuer_repository.slugs_by_id(session)
    return material.rewrap_rows(
        repository.all_keys(session),
        old=old,
        new=new,
        column="wrapped_private_key",
        associated_data=lambda key: material.signing_key_associated_data(key.issuer_id, key.key_id),
        label=lambda key: f"signing key {key.key_id!r} of issuer {slugs.get(key.issuer_id)!r}",
    )
