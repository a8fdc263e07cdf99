"""Signing keys: public half in clear, private half wrapped under the key-encryption key."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base
from badge_issuer.kit.partial_index import partial_index


class KeyState(StrEnum):
    STAGED = "staged"
    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


class SigningKey(Base):
    __tablename__ = "signing_key"
    __table_args__ = (
        UniqueConstraint("issuer_id", "key_id"),
        # Exactly one active key per issuer, enforced by the database for concurrent activations.
        partial_index(
            "uq_signing_key_one_active_per_issuer",
            "issuer_id",
            where="state = 'active'",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    # The DID URL fragment: verificationMethod = <issuer did>#<key_id>.
    key_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    algorithm: Mapped[str] = mapped_column(String(16), default="Ed25519")
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    kek_fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        # Never show the wrapped key, even though it is encrypted.
        return f"SigningKey(id={self.id!r}, key_id={self.key_id!r}, state={self.state!r})"
