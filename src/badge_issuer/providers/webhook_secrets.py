"""Webhook signing secrets: generation (Standard Webhooks `whsec_` format) and KEK wrapping."""

from __future__ import annotations

import base64
import secrets

from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.keys import material
from badge_issuer.keys import service as key_service
from badge_issuer.keys.kek import KeyEncryptionKey
from badge_issuer.providers import repository

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32


def generate_secret() -> str:
    """Return a new secret: `whsec_` then base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def associated_data(provider_id: str, secret_row_id: int) -> bytes:
    """Bind a wrapped secret to its row: `provider-secret:{provider_id}:{row id}`."""
    return material.provider_secret_associated_data(provider_id, secret_row_id)


def key_encryption_key(settings: Settings) -> KeyEncryptionKey:
    """Return the service's KEK (cached; created on first use outside production)."""
    return key_service.get_kek(settings)


def wrap(kek: KeyEncryptionKey, secret: str, *, provider_id: str, secret_row_id: int) -> bytes:
    return kek.wrap(
        secret.encode("ascii"), associated_data=associated_data(provider_id, secret_row_id)
    )


def unwrap(kek: KeyEncryptionKey, wrapped: bytes, *, provider_id: str, secret_row_id: int) -> str:
    plain = kek.unwrap(wrapped, associated_data=associated_data(provider_id, secret_row_id))
    return plain.decode("ascii")


def rewrap_all(session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey) -> int:
    """Move every provider secret to `new`; return how many moved."""
    return material.rewrap_rows(
        repository.all_secrets(session),
        old=old,
        new=new,
        column="wrapped_secret",
        associated_data=lambda secret: associated_data(secret.provider_id, secret.id),
        label=lambda secret: f"webhook secret {secret.id} of provider {secret.provider_id!r}",
    )
