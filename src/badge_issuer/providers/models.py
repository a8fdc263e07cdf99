"""Providers, their webhook secrets (wrapped), completions and webhook deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class ProviderStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Provider(Base):
    __tablename__ = "provider"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=ProviderStatus.ACTIVE)
    callback_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProviderSecret(Base):
    """A webhook signing secret; during rotation the old one verifies until `expires_at`."""

    __tablename__ = "provider_secret"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("provider.id"), index=True)
    wrapped_secret: Mapped[bytes] = mapped_column(LargeBinary)
    kek_fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"ProviderSecret(id={self.id!r}, provider_id={self.provider_id!r})"


class Completion(Base):
    """One course completion: the evidence badges stand on. Stored once per distinct time."""

    __tablename__ = "completion"
    __table_args__ = (UniqueConstraint("provider_id", "learner_id", "course_id", "completed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("provider.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime]
    score: Mapped[float | None] = mapped_column(Float)
    certificate_url: Mapped[str | None] = mapped_column(String(1000))
    recorded_at: Mapped[datetime]


class WebhookDelivery(Base):
    """The idempotency record of a webhook: a replay gets the stored first answer."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("provider_id", "webhook_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("provider.id"))
    webhook_id: Mapped[str] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    completion_id: Mapped[int | None] = mapped_column(ForeignKey("completion.id"))
    received_at: Mapped[datetime]
