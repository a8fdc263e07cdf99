"""Provider administration: create, update, suspend, rotate webhook secrets, read live secrets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.providers import repository, webhook_secrets
from badge_issuer.providers.errors import ProviderExists, ProviderNotFound
from badge_issuer.providers.models import Provider, ProviderSecret, ProviderStatus
from badge_issuer.providers.schemas import ProviderCreate, ProviderUpdate


def get_provider(session: Session, *, provider_id: str) -> Provider:
    """Return the provider or raise ProviderNotFound."""
    provider = repository.get_provider(session, provider_id)
    if provider is None:
        raise ProviderNotFound(f"No provider {provider_id!r}.")
    return provider


def list_providers(session: Session, *, after: str = "", limit: int = 100) -> Sequence[Provider]:
    """Return providers in id order after the cursor."""
    return repository.list_providers(session, after=after, limit=limit)


def create_provider(
    session: Session, *, data: ProviderCreate, actor: str, settings: Settings, now: datetime
) -> tuple[Provider, str]:
    """Register a provider and its first webhook secret; return both (the secret only here)."""
    provider = Provider(
        **data.model_dump(), status=ProviderStatus.ACTIVE, created_at=now, updated_at=now
    )
    try:
        with session.begin_nested():
            session.add(provider)
    except IntegrityError:
        raise ProviderExists(f"Provider {data.id!r} already exists.") from None
    secret = _add_secret(session, provider_id=provider.id, settings=settings, now=now)
    _record(session, provider, "provider.create", actor, now, {"name": provider.name})
    return provider, secret


def update_provider(
    session: Session, *, provider_id: str, changes: ProviderUpdate, actor: str, now: datetime
) -> Provider:
    """Change a provider's name, status or callback URL (only the fields sent)."""
    provider = get_provider(session, provider_id=provider_id)
    fields = changes.model_dump(exclude_unset=True)
    if fields.get("name") is None:
        fields.pop("name", None)  # a name cannot be cleared
    if fields.get("status") is None:
        fields.pop("status", None)
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.updated_at = now
    session.flush()
    details = {key: str(value) for key, value in fields.items()}
    _record(session, provider, "provider.update", actor, now, details)
    return provider


def rotate_secret(
    session: Session,
    *,
    provider_id: str,
    overlap: timedelta,
    actor: str,
    settings: Settings,
    now: datetime,
) -> tuple[str, datetime | None]:
    """Add a new secret; older ones keep verifying for `overlap`. Return it and their expiry."""
    provider = get_provider(session, provider_id=provider_id)
    repository.delete_expired_secrets(session, provider.id, now=now)
    expires_at = now + overlap
    previous = repository.live_secrets(session, provider.id, now=now)
    for old in previous:
        if old.expires_at is None or old.expires_at > expires_at:
            old.expires_at = expires_at
    secret = _add_secret(session, provider_id=provider.id, settings=settings, now=now)
    provider.updated_at = now
    details = {"overlap_seconds": int(overlap.total_seconds())}
    _record(session, provider, "provider.rotate_secret", actor, now, details)
    return secret, (expires_at if previous else None)


# Unwrapped secrets by (KEK, provider, row, wrapped bytes): the key names the exact ciphertext,
# so a rotated, rewrapped or deleted secret can never be answered from here (the rows are still
# read on every call; only the unwrapping is saved).
_unwrapped: dict[tuple[str, str, int, bytes], str] = {}
_UNWRAPPED_MAX = 1024


def live_secrets(
    session: Session, *, provider_id: str, settings: Settings, now: datetime, cached: bool = False
) -> list[str]:
    """Return the plain secrets that verify webhooks now (newest first)."""
    rows = repository.live_secret_keys(session, provider_id, now=now)
    if not rows:
        return []
    kek = webhook_secrets.key_encryption_key(settings)
    plain = []
    for row_id, wrapped in rows:
        key = (kek.fingerprint, provider_id, row_id, wrapped)
        secret = _unwrapped.get(key) if cached else None
        if secret is None:
            secret = webhook_secrets.unwrap(
                kek, wrapped, provider_id=provider_id, secret_row_id=row_id
            )
            if cached:
                if len(_unwrapped) >= _UNWRAPPED_MAX:
                    _unwrapped.clear()
                _unwrapped[key] = secret
        plain.append(secret)
    return plain


def _add_secret(session: Session, *, provider_id: str, settings: Settings, now: datetime) -> str:
    # The row id is part of the wrapping's associated data, so the row is inserted first.
    kek = webhook_secrets.key_encryption_key(settings)
    secret = webhook_secrets.generate_secret()
    row = ProviderSecret(
        provider_id=provider_id,
        wrapped_secret=b"",
        kek_fingerprint=kek.fingerprint,
        created_at=now,
        expires_at=None,
    )
    session.add(row)
    session.flush()
    row.wrapped_secret = webhook_secrets.wrap(
        kek, secret, provider_id=provider_id, secret_row_id=row.id
    )
    session.flush()
    return secret


def _record(
    session: Session,
    provider: Provider,
    action: str,
    actor: str,
    now: datetime,
    details: dict[str, Any],
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        target_type="provider",
        target_id=provider.id,
        now=now,
        details=details,
    )
