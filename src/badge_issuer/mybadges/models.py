"""One-time sign-in links and learner sessions: only hashes of their secrets are stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class SignInLink(Base):
    """A mailed one-time sign-in link: SHA-256 of its token, used at most once, short-lived."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LearnerSession(Base):
    """A signed-in browser. The cookie carries a random secret (SHA-256 stored here) and a MAC;
    signing out or expiry ends the row, so a copied cookie stops working at once."""

    __tablename__ = "learner_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    # How it began: "mail" (one-time link) or "claim" (a claim link).
    started_by: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
