"""Signing key use cases: lifecycle, the active signer, and resolving our own keys.

States: staged -> active -> retired, and revoked from any state. The database keeps at most one
active key per issuer (a partial unique index); activation retires the previous key in the same
transaction, and each state change is a conditional UPDATE so a concurrent change is never
silently overwritten.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.didweb import (
    issuer_did,
    split_verification_method,
    verification_method_id,
)
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import kek as kek_module
from badge_issuer.keys import material, repository
from badge_issuer.keys.didweb import did_document
from badge_issuer.keys.errors import (
    ConcurrentActivation,
    KeyNotFound,
    KeyRevoked,
    KeyStateConflict,
    KeyUnavailable,
    NoActiveKey,
)
from badge_issuer.keys.kek import KeyEncryptionKey
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.keys.signer import InMemoryEd25519Signer

log = structlog.get_logger(__name__)

TARGET_TYPE = "signing_key"
_KEY_ID_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class LocalKey:
    """One of our issuers' keys as a verifier needs it; `revoked` keys are not in the DID doc."""

    verification_method: str
    controller: str
    public_key_multibase: str
    state: KeyState
    revoked: bool


@lru_cache(maxsize=16)
def _load_kek(path: Path, allow_create: bool) -> KeyEncryptionKey:
    return kek_module.load_or_create(path, allow_create=allow_create)


def get_kek(settings: Settings) -> KeyEncryptionKey:
    """Return the key-encryption key (cached per file; created in development if missing)."""
    path = settings.key_encryption_key_file.expanduser().absolute()
    return _load_kek(path, not settings.is_production)


def audit_target(issuer: Issuer, key_id: str) -> str:
    """Return the audit target id of a key: stable across changes of the public URL."""
    return f"issuers/{issuer.slug}/keys/{key_id}"


def _record(
    session: Session,
    *,
    issuer: Issuer,
    key: SigningKey,
    action: str,
    actor: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        target_type=TARGET_TYPE,
        target_id=audit_target(issuer, key.key_id),
        now=now,
        details=details,
    )
    log.info(action, issuer=issuer.slug, key_id=key.key_id, state=key.state, **(details or {}))


def get_key(session: Session, *, issuer: Issuer, key_id: str) -> SigningKey:
    """Return the issuer's key `key_id`, or raise KeyNotFound (404)."""
    key = repository.get(session, issuer_id=issuer.id, key_id=key_id)
    if key is None:
        raise KeyNotFound(f"Issuer {issuer.slug!r} has no key {key_id!r}.", key_id=key_id)
    return key


def list_keys(
    session: Session, *, issuer: Issuer, after_id: int, limit: int
) -> Sequence[SigningKey]:
    return repository.list_page(session, issuer_id=issuer.id, after_id=after_id, limit=limit)


def _new_key_id(session: Session, issuer: Issuer) -> str:
    for _ in range(_KEY_ID_ATTEMPTS):
        key_id = "key-" + secrets.token_hex(4)
        if repository.get(session, issuer_id=issuer.id, key_id=key_id) is None:
            return key_id
    raise RuntimeError("could not draw an unused key id")


def create_key(
    session: Session, *, issuer: Issuer, settings: Settings, actor: str, now: datetime
) -> SigningKey:
    """Generate a staged Ed25519 key, its private half wrapped under the KEK."""
    key_id = _new_key_id(session, issuer)
    pair = material.generate_wrapped(
        get_kek(settings),
        associated_data=material.signing_key_associated_data(issuer.id, key_id),
    )
    key = SigningKey(
        issuer_id=issuer.id,
        key_id=key_id,
        state=KeyState.STAGED,
        algorithm="Ed25519",
        public_key_multibase=pair.public_key_multibase,
        wrapped_private_key=pair.wrapped_private_key,
        kek_fingerprint=pair.kek_fingerprint,
        created_at=now,
    )
    repository.add(session, key)
    _record(session, issuer=issuer, key=key, action="key.create", actor=actor, now=now)
    return key


def _refuse_revoked(key: SigningKey) -> None:
    if key.state == KeyState.REVOKED:
        raise KeyRevoked(f"Key {key.key_id!r} is revoked.", key_id=key.key_id)


def _swap_active(session: Session, *, issuer: Issuer, key: SigningKey, now: datetime) -> list[str]:
    """Retire the active key and activate `key` in one savepoint; return the retired key ids."""
    try:
        with session.begin_nested():
            retired = repository.retire_active(session, issuer_id=issuer.id, now=now)
            values = {"state": KeyState.ACTIVE, "activated_at": now}
            if not repository.transition(
                session, key, from_states=[KeyState.STAGED], values=values
            ):
                raise KeyStateConflict(
                    f"Key {key.key_id!r} changed state meanwhile; it is now {key.state}.",
                    key_id=key.key_id,
                    state=key.state,
                )
    except IntegrityError:
        # The partial unique index refused a second active key: another activation won.
        raise ConcurrentActivation(
            f"Another key of issuer {issuer.slug!r} was activated at the same time; "
            "list the keys and retry if this one should still become active.",
            key_id=key.key_id,
        ) from None
    return list(retired)


def activate_key(
    session: Session, *, issuer: Issuer, key_id: str, actor: str, now: datetime
) -> SigningKey:
    """Make a staged key the signing key; the previous active key becomes retired, atomically."""
    key = get_key(session, issuer=issuer, key_id=key_id)
    if key.state == KeyState.ACTIVE:
        return key
    _refuse_revoked(key)
    if key.state != KeyState.STAGED:
        raise KeyStateConflict(
            f"Key {key_id!r} is {key.state}; only a staged key can be activated.",
            key_id=key_id,
            state=key.state,
        )
    retired = _swap_active(session, issuer=issuer, key=key, now=now)
    _record(
        session,
        issuer=issuer,
        key=key,
        action="key.activate",
        actor=actor,
        now=now,
        details={"retired": retired},
    )
    return key


def retire_key(
    session: Session, *, issuer: Issuer, key_id: str, actor: str, now: datetime
) -> SigningKey:
    """Stop signing with a key; it stays in the DID document so what it signed still verifies."""
    key = get_key(session, issuer=issuer, key_id=key_id)
    if key.state == KeyState.RETIRED:
        return key
    _refuse_revoked(key)
    values = {"state": KeyState.RETIRED, "retired_at": now}
    moved = repository.transition(
        session, key, from_states=[KeyState.STAGED, KeyState.ACTIVE], values=values
    )
    if not moved:
        _refuse_revoked(key)
        return key
    _record(session, issuer=issuer, key=key, action="key.retire", actor=actor, now=now)
    return key


def revoke_key(
    session: Session, *, issuer: Issuer, key_id: str, reason: str, actor: str, now: datetime
) -> SigningKey:
    """Revoke a key from any state: it leaves the DID document and what it signed fails."""
    key = get_key(session, issuer=issuer, key_id=key_id)
    if key.state == KeyState.REVOKED:
        return key
    previous = key.state
    values = {"state": KeyState.REVOKED, "revoked_at": now, "revocation_reason": reason}
    live = [KeyState.STAGED, KeyState.ACTIVE, KeyState.RETIRED]
    if not repository.transition(session, key, from_states=live, values=values):
        return key
    _record(
        session,
        issuer=issuer,
        key=key,
        action="key.revoke",
        actor=actor,
        now=now,
        details={"reason": reason, "previous_state": previous},
    )
    return key


def signer_for(
    key: SigningKey, *, issuer: Issuer, settings: Settings, origin: str | None = None
) -> Signer:
    """Unwrap a key into an in-memory signer for `<did>#<key_id>` (the DID under `origin`)."""
    kek = get_kek(settings)
    label = f"signing key {key.key_id!r} of issuer {issuer.slug!r}"
    try:
        private_key = material.unwrap_private_key(
            kek,
            key.wrapped_private_key,
            associated_data=material.signing_key_associated_data(issuer.id, key.key_id),
            label=label,
        )
    except material.UnwrapFailed as error:
        hint = ""
        if key.kek_fingerprint != kek.fingerprint:
            hint = (
                f"; it was wrapped under KEK {key.kek_fingerprint}, "
                f"the configured KEK is {kek.fingerprint}"
            )
        raise KeyUnavailable(f"{error}{hint}", key_id=key.key_id) from None
    did = issuer_did(origin or settings.public_origin, issuer.slug)
    return InMemoryEd25519Signer(private_key, verification_method_id(did, key.key_id))


def active_signer(
    session: Session, *, issuer: Issuer, settings: Settings, origin: str | None = None
) -> tuple[SigningKey, Signer]:
    """Return the issuer's active key and a signer for it, or raise NoActiveKey (409).

    `origin` names a previous origin whose DID the signature's verification method must name.
    """
    key = repository.get_active(session, issuer_id=issuer.id)
    if key is None:
        raise NoActiveKey(
            f"Issuer {issuer.slug!r} has no active signing key: create and activate one.",
            issuer=issuer.slug,
        )
    return key, signer_for(key, issuer=issuer, settings=settings, origin=origin)


def issuer_did_document(
    session: Session, *, issuer: Issuer, settings: Settings, origin: str | None = None
) -> dict[str, Any]:
    """Return the issuer's DID document under `origin` (default: the public origin).

    The keys are the same under every origin: a previous origin's DID names them too.
    """
    keys = repository.published(session, issuer_id=issuer.id)
    did = issuer_did(origin or settings.public_origin, issuer.slug)
    return did_document(did, [(key.key_id, key.public_key_multibase) for key in keys])


def resolve_local_verification_method(
    session: Session,
    *,
    verification_method: str,
    settings: Settings,
    find_issuer: Callable[[str], Issuer | None] | None = None,
) -> LocalKey | None:
    """Return our key behind `<did>#<key_id>`, or None when it is not one of our keys.

    `find_issuer` looks up the issuer of a DID (a verifier passes its per-request memo, so one
    verification reads each issuer once); by default it is read from the database.
    """
    parts = split_verification_method(verification_method)
    if parts is None:
        return None
    did, key_id = parts
    if find_issuer is None:
        issuer = issuer_service.get_issuer_by_did(session, did, settings)
    else:
        issuer = find_issuer(did)
    if issuer is None:
        return None
    key = repository.get(session, issuer_id=issuer.id, key_id=key_id)
    if key is None:
        return None
    state = KeyState(key.state)
    return LocalKey(
        verification_method=verification_method,
        controller=did,
        public_key_multibase=key.public_key_multibase,
        state=state,
        revoked=state is KeyState.REVOKED,
    )
