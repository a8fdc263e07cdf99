"""Create, authenticate and revoke admin tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badge_issuer.admin.errors import InvalidToken, MissingScope, TokenNotFound
from badge_issuer.admin.models import AdminToken
from badge_issuer.admin.scopes import Scope

TOKEN_PREFIX = "bi_"  # noqa: S105 (a prefix, not a secret)


@dataclass(frozen=True, slots=True)
class AdminPrincipal:
    """Who is acting: recorded as the actor of audit events."""

    token_id: int
    name: str
    scopes: frozenset[Scope]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, *, name: str, scopes: Sequence[Scope], now: datetime
) -> tuple[AdminToken, str]:
    """Store a new token's hash and return the record with the token, shown once."""
    if not scopes:
        raise ValueError("a token needs at least one scope")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = AdminToken(
        name=name,
        token_hash=_digest(token),
        scopes=sorted({str(scope) for scope in scopes}),
        created_at=now,
    )
    session.add(record)
    session.flush()
    return record, token


def authenticate(
    session: Session, *, token: str | None, scope: Scope, now: datetime
) -> AdminPrincipal:
    """Resolve a bearer token to a principal holding `scope`, or raise 401/403 problems."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise InvalidToken("Send `Authorization: Bearer <admin token>`.")
    digest = _digest(token)
    record = session.scalars(select(AdminToken).where(AdminToken.token_hash == digest)).first()
    # compare_digest keeps the final comparison constant-time (the lookup is by hash already).
    if record is None or not hmac.compare_digest(record.token_hash, digest):
        raise InvalidToken("The admin token is not valid.")
    if record.revoked_at is not None:
        raise InvalidToken("The admin token was revoked.")
    if scope.value not in record.scopes:
        raise MissingScope(f"This operation needs the `{scope.value}` scope.")
    session.execute(update(AdminToken).where(AdminToken.id == record.id).values(last_used_at=now))
    return AdminPrincipal(
        token_id=record.id, name=record.name, scopes=frozenset(Scope(s) for s in record.scopes)
    )


def list_tokens(session: Session) -> Sequence[AdminToken]:
    return session.scalars(select(AdminToken).order_by(AdminToken.id)).all()


def revoke_token(session: Session, *, token_id: int, now: datetime) -> AdminToken:
    """Revoke a token (idempotent): it stops authenticating at once."""
    record = session.get(AdminToken, token_id)
    if record is None:
        raise TokenNotFound(f"No admin token with id {token_id}.")
    if record.revoked_at is None:
        record.revoked_at = now
        session.flush()
    return record
