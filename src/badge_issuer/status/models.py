"""Status lists: each credential holds one index; indexes come from a keyed permutation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class StatusList(Base):
    __tablename__ = "status_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The public id in /status-lists/{public_id}.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), default="revocation")
    size: Mapped[int] = mapped_column(Integer)
    # How many indexes were handed out: the input of the permutation, advanced atomically.
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    # Key of the permutation that turns the counter into a random-looking index.
    permutation_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    # The signed BitstringStatusListCredential, regenerated when a bit changes.
    signed_document: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime]
