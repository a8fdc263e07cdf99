"""Learners: matched across providers by HMAC of the normalised email, kept for statistics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class Learner(Base):
    __tablename__ = "learner"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # HMAC-SHA256(server secret, normalised email), hex.
    # insert_sentinel: a unique value made before the INSERT lets SQLite insert many rows in
    # one statement and still match the ids it returns (the bulk importer's batches).
    email_hash: Mapped[str] = mapped_column(String(64), unique=True, insert_sentinel=True)
    # Only when the operator sets BADGE_ISSUER_STORE_EMAILS.
    email: Mapped[str | None] = mapped_column(String(320))
    region: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
