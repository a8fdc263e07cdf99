"""Claim links and the single-use wallet exchanges and OpenID4VCI grants opened from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class ClaimLink(Base):
    """A learner's signed, expiring right to fetch one credential (page, wallet, OpenID4VCI).

    The link's token is `public_id` plus an HMAC over the id, the credential and the learner
    (see `tokens.py`), so a link cannot be forged or moved to another credential.
    """

    __tablename__ = "claim_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learner.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the OpenID4VCI transaction code sent to the learner separately, if any.
    tx_code_hash: Mapped[str | None] = mapped_column(String(64))


class WalletExchange(Base):
    """One VCALM exchange (or LCW request): DID authentication, then one credential, once."""

    __tablename__ = "wallet_exchange"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(43), unique=True)
    claim_link_id: Mapped[int] = mapped_column(ForeignKey("claim_link.id"), index=True)
    protocol: Mapped[str] = mapped_column(String(16))
    # pending (created) -> active (challenge handed out) -> complete (credential issued).
    state: Mapped[str] = mapped_column(String(16))
    challenge: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    holder_did: Mapped[str | None] = mapped_column(String(500))
    issued_award_id: Mapped[int | None] = mapped_column(ForeignKey("award.id"))


class PreAuthorizedGrant(Base):
    """An OpenID4VCI pre-authorized code and the access token it was exchanged for.

    Only SHA-256 hashes of the code and token are stored: a database read does not hand out
    credentials.
    """

    __tablename__ = "oid4vci_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_link_id: Mapped[int] = mapped_column(ForeignKey("claim_link.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    code_used_at: Mapped[datetime | None]
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    holder_did: Mapped[str | None] = mapped_column(String(500))
    issued_award_id: Mapped[int | None] = mapped_column(ForeignKey("award.id"))


class ProofNonce(Base):
    """A `c_nonce` from the Nonce Endpoint: a key proof may use it once, before it expires."""

    __tablename__ = "oid4vci_nonce"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
