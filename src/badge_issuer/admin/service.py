"""Create, authenticate and revoke admin tokens, optionally bound to issuers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badge_issuer.admin.errors import (
    InvalidToken,
    InvalidTokenRequest,
    MissingScope,
    PlatformOperation,
    TokenNotFound,
)
from badge_issuer.admin.models import AdminToken
from badge_issuer.admin.principal import AdminPrincipal
from badge_issuer.admin.scopes import Scope
from badge_issuer.audit import service as audit
from badge_issuer.issuers import repository as issuer_repository

TOKEN_PREFIX = "bi_"  # noqa: S105 (a prefix, not a secret)
TARGET_TYPE = "admin_token"
MAX_EXPIRES_IN_DAYS = 3650

__all__ = [
    "AdminPrincipal",
    "authenticate",
    "create_token",
    "expired",
    "list_tokens",
    "refuse_bound",
    "revoke_token",
]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked_issuers(session: Session, issuers: Collection[str] | None) -> list[str] | None:
    if issuers is None:
        return None
    slugs = sorted(set(issuers))
    if not slugs:
        raise InvalidTokenRequest("A bound token needs at least one issuer.")
    unknown = [slug for slug in slugs if issuer_repository.get_by_slug(session, slug) is None]
    if unknown:
        raise InvalidTokenRequest(f"No issuer with slug {', '.join(map(repr, unknown))}.")
    return slugs


def create_token(
    session: Session,
    *,
    name: str,
    scopes: Sequence[Scope],
    now: datetime,
    issuers: Collection[str] | None = None,
    expires_in_days: int | None = None,
    actor: str = "cli",
) -> tuple[AdminToken, str]:
    """Store a new token's hash (audited) and return the record with the token, shown once.

    `issuers` binds the token to those issuers (None: unbound); `expires_in_days` ends it.
    """
    if not scopes:
        raise InvalidTokenRequest("A token needs at least one scope.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRES_IN_DAYS:
        raise InvalidTokenRequest(f"--expires-in is 1 to {MAX_EXPIRES_IN_DAYS} days.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = AdminToken(
        name=name,
        token_hash=_digest(token),
        scopes=sorted({str(scope) for scope in scopes}),
        issuers=_checked_issuers(session, issuers),
        created_at=now,
        expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="admin_token.create",
        target_type=TARGET_TYPE,
        target_id=str(record.id),
        now=now,
        details={
            "name": name,
            "scopes": record.scopes,
            "issuers": record.issuers,
            "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        },
    )
    return record, token


def expired(record: AdminToken, now: datetime) -> bool:
    if record.expires_at is None:
        return False
    expires_at = record.expires_at
    # SQLite returns naive datetimes; every stored time is UTC.
    if expires_at.tzinfo is None and now.tzinfo is not None:
        expires_at = expires_at.replace(tzinfo=now.tzinfo)
    return now >= expires_at


def authenticate(
    session: Session,
    *,
    token: str | None,
    scope: Scope,
    now: datetime,
    allow_bound: bool = False,
) -> AdminPrincipal:
    """Resolve a bearer token to a principal holding `scope`, or raise 401/403 problems.

    A token bound to issuers is refused (403) unless the caller enforces the binding itself
    (`allow_bound`): an operation that does not say which issuer it acts on is a platform one.
    """
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise InvalidToken("Send `Authorization: Bearer <admin token>`.")
    digest = _digest(token)
    record = session.scalars(select(AdminToken).where(AdminToken.token_hash == digest)).first()
    # compare_digest keeps the final comparison constant-time (the lookup is by hash already).
    if record is None or not hmac.compare_digest(record.token_hash, digest):
        raise InvalidToken("The admin token is not valid.")
    if record.revoked_at is not None:
        raise InvalidToken("The admin token was revoked.")
    if expired(record, now):
        raise InvalidToken("The admin token has expired.")
    if scope.value not in record.scopes:
        raise MissingScope(f"This operation needs the `{scope.value}` scope.")
    principal = AdminPrincipal(
        token_id=record.id,
        name=record.name,
        scopes=frozenset(Scope(s) for s in record.scopes),
        issuers=None if record.issuers is None else frozenset(record.issuers),
    )
    if not allow_bound:
        refuse_bound(principal)
    session.execute(update(AdminToken).where(AdminToken.id == record.id).values(last_used_at=now))
    return principal


def refuse_bound(principal: AdminPrincipal) -> None:
    """Raise PlatformOperation (403) for an issuer-bound token: the operation is platform-wide."""
    if principal.issuers is not None:
        raise PlatformOperation(
            "This token is bound to issuers "
            f"{', '.join(sorted(principal.issuers))}; this operation acts on the whole platform "
            "and needs an unbound token."
        )


def list_tokens(session: Session) -> Sequence[AdminToken]:
    return session.scalars(select(AdminToken).order_by(AdminToken.id)).all()


def revoke_token(
    session: Session, *, token_id: int, now: datetime, actor: str = "cli"
) -> AdminToken:
    """Revoke a token (idempotent, audited once): it stops authenticating at once."""
    record = session.get(AdminToken, token_id)
    if record is None:
        raise TokenNotFound(f"No admin token with id {token_id} (see `badge-issuer token list`).")
    if record.revoked_at is None:
        record.revoked_at = now
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="admin_token.revoke",
            target_type=TARGET_TYPE,
            target_id=str(record.id),
            now=now,
            details={"name": record.name},
        )
    return record
