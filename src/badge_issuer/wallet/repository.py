"""Queries over claim links, exchanges, OpenID4VCI grants and nonces.

The single-use steps are conditional UPDATEs: the row changes only if it is still in the state
the caller saw, so of two concurrent requests exactly one wins (rowcount 1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from badge_issuer.wallet.models import ClaimLink, PreAuthorizedGrant, ProofNonce, WalletExchange


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def claim_by_public_id(session: Session, public_id: str) -> ClaimLink | None:
    return session.scalars(select(ClaimLink).where(ClaimLink.public_id == public_id)).first()


def exchange_by_public_id(session: Session, public_id: str) -> WalletExchange | None:
    query = select(WalletExchange).where(WalletExchange.public_id == public_id)
    return session.scalars(query).first()


def grant_by_code_hash(session: Session, code_hash: str) -> PreAuthorizedGrant | None:
    query = select(PreAuthorizedGrant).where(PreAuthorizedGrant.code_hash == code_hash)
    return session.scalars(query).first()


def grant_by_token_hash(session: Session, token_hash: str) -> PreAuthorizedGrant | None:
    query = select(PreAuthorizedGrant).where(PreAuthorizedGrant.access_token_hash == token_hash)
    return session.scalars(query).first()


def _changed(session: Session, statement: Any) -> bool:
    result: CursorResult[Any] = session.execute(
        statement, execution_options={"synchronize_session": False}
    )  # type: ignore[assignment]
    return result.rowcount == 1


def activate_exchange(session: Session, exchange_id: int) -> bool:
    """pending -> active (the challenge is handed out); False if it already moved on."""
    statement = (
        update(WalletExchange)
        .where(WalletExchange.id == exchange_id, WalletExchange.state == "pending")
        .values(state="active")
    )
    return _changed(session, statement)


def complete_exchange(
    session: Session, exchange_id: int, *, holder_did: str, now: datetime
) -> bool:
    """active -> complete, once: the winner issues the credential."""
    statement = (
        update(WalletExchange)
        .where(WalletExchange.id == exchange_id, WalletExchange.state == "active")
        .values(state="complete", holder_did=holder_did, completed_at=now)
    )
    return _changed(session, statement)


def use_code(
    session: Session,
    grant_id: int,
    *,
    token_hash: str | None,
    token_expires_at: datetime | None,
    now: datetime,
) -> bool:
    """Spend a pre-authorized code for an access token, once."""
    statement = (
        update(PreAuthorizedGrant)
        .where(PreAuthorizedGrant.id == grant_id, PreAuthorizedGrant.code_used_at.is_(None))
        .values(code_used_at=now, access_token_hash=token_hash, token_expires_at=token_expires_at)
    )
    return _changed(session, statement)


def complete_grant(session: Session, grant_id: int, *, holder_did: str, now: datetime) -> bool:
    """Issue the grant's one credential, once."""
    statement = (
        update(PreAuthorizedGrant)
        .where(PreAuthorizedGrant.id == grant_id, PreAuthorizedGrant.completed_at.is_(None))
        .values(completed_at=now, holder_did=holder_did)
    )
    return _changed(session, statement)


def use_nonce(session: Session, nonce_hash: str, *, now: datetime) -> bool:
    """Spend a c_nonce that exists, is unexpired and unused."""
    statement = (
        update(ProofNonce)
        .where(
            ProofNonce.nonce_hash == nonce_hash,
            ProofNonce.used_at.is_(None),
            ProofNonce.expires_at > now,
        )
        .values(used_at=now)
    )
    return _changed(session, statement)
