"""Signed EndorsementCredentials, each with its place in the endorser's revocation list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class Endorsement(Base):
    __tablename__ = "endorsement"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        Index("ix_endorsement_subject", "subject_type", "subject_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The public id: <PUBLIC_URL>/endorsements/<uuid>.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    # "achievement" (subject_ref: the achievement's id) or "issuer" (the issuer's slug).
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_ref: Mapped[str] = mapped_column(String(128))
    # The issuer owning the subject (the endorsed issuer, or the achievement's issuer).
    subject_issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    comment: Mapped[str] = mapped_column(Text)
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"), index=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    # The signed credential exactly as served.
    document: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Kept privately, like a credential's.
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
