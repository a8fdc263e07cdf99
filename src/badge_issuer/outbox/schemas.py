"""API schemas of the outbox's admin view: deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from badge_issuer.kit.read_models import read_model
from badge_issuer.outbox.models import OutboxAttempt, OutboxJob

ChannelName = Literal["mail", "callbacks"]
StateName = Literal["pending", "delivered", "dead"]


class AttemptRead(BaseModel):
    """One attempt: `started` with no `finished_at` is running, or its worker died."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    worker: str
    started_at: datetime
    finished_at: datetime | None
    outcome: Literal["started", "delivered", "failed"]
    status_code: int | None = Field(description="The receiver's HTTP status (callbacks).")
    error: str | None


class DeliveryRead(BaseModel):
    """One queued message: a learner mail or a provider callback."""

    id: int
    event_id: str = Field(description="The webhook-id (callbacks) or Message-ID (mail).")
    channel: ChannelName
    event_type: str
    provider_id: str | None = Field(description="The provider a callback goes to.")
    state: StateName
    attempts: int
    next_attempt_at: datetime | None = Field(description="When the next attempt is due.")
    last_error: str | None
    recipient_held: bool = Field(
        description="Whether the sealed learner address is still stored (erased on delivery)."
    )
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptRead]

    @classmethod
    def of(cls, job: OutboxJob, attempts: list[OutboxAttempt]) -> DeliveryRead:
        return read_model(
            cls,
            job,
            provider_id=job.target,
            next_attempt_at=job.next_attempt_at if job.state == "pending" else None,
            recipient_held=job.sealed_recipient is not None,
            attempt_log=[AttemptRead.model_validate(a) for a in attempts],
        )
