"""The completion webhook: authenticate, deduplicate by webhook id, record, answer.

The signature is checked, and a replay of a committed delivery answered, before anything is
written: on SQLite in a read-only session, so a forged, badly signed or replayed webhook never
takes the write lock, and the write transaction is only as long as the recording itself. On
PostgreSQL the caller may pass the write session as `read_session`: its reads then begin the
transaction that records (a connection, a BEGIN and a ROLLBACK fewer; nothing is locked before
the first write either way).

The webhook id is claimed by inserting the WebhookDelivery row first (`INSERT … ON CONFLICT DO
NOTHING`): of concurrent deliveries of one webhook, one inserts and the others insert nothing
(on PostgreSQL after waiting for the winner to commit) and replay the winner's stored answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from badge_issuer.awards import issuing
from badge_issuer.config import Settings
from badge_issuer.intake import service as intake
from badge_issuer.kit.unique_insert import insert_row_once
from badge_issuer.providers import repository, signatures
from badge_issuer.providers import service as provider_service
from badge_issuer.providers.errors import WebhookIdReused, WebhookRejected
from badge_issuer.providers.models import ProviderStatus, WebhookDelivery
from badge_issuer.providers.schemas import CompletionIn

_UNVERIFIED = "The webhook signature does not verify for this provider."
_IN_PROGRESS = 0  # status of a claimed delivery until its answer is stored (same transaction)
_DELIVERY_KEY = ("provider_id", "webhook_id")


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    status_code: int
    body: dict[str, Any]


def receive_completion(
    session: Session,
    *,
    read_session: Session,
    provider_id: str,
    webhook_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    settings: Settings,
    now: datetime,
) -> WebhookAnswer:
    """Verify a signed completion webhook and record it once; replays get the first answer."""
    headers = signatures.read_headers(
        webhook_id=webhook_id,
        timestamp=timestamp,
        signature=signature,
        now=now,
        tolerance_seconds=settings.webhook_tolerance_seconds,
    )
    _authenticate(read_session, provider_id, headers, body, settings=settings, now=now)
    digest = hashlib.sha256(body).hexdigest()
    stored = repository.delivery_answer(read_session, provider_id, headers.webhook_id)
    if stored is not None:  # committed, so its answer is complete
        return _replay(stored, headers.webhook_id, digest)
    completion = parse_completion(body)
    presigned: list[issuing.Presigned] = []
    if read_session is not session:
        # SQLite: sign before the write lock is taken; the write checks it signed the same.
        presigned = intake.presign_completion(
            read_session,
            engine=_engine_of(session),
            provider_id=provider_id,
            completion=completion,
            settings=settings,
            now=now,
        )
        read_session.close()  # end the read transaction: the write below needs no snapshot
    delivery = _claim(session, provider_id, headers.webhook_id, digest, now=now)
    if isinstance(delivery, WebhookAnswer):
        return delivery
    with issuing.signed_before(session, presigned):
        outcome = intake.record_completion(
            session,
            provider_id=provider_id,
            completion=completion,
            courses=intake.known_courses(session),
            settings=settings,
            now=now,
        )
    return _store_answer(session, delivery, outcome)


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _store_answer(
    session: Session, delivery_id: int, outcome: intake.RecordOutcome
) -> WebhookAnswer:
    """Keep the answer on the delivery row, so replays get exactly this."""
    answer = WebhookAnswer(
        status_code=201 if outcome.is_new else 200,
        body=outcome.result().model_dump(mode="json"),
    )
    repository.store_answer(
        session,
        delivery_id,
        status_code=answer.status_code,
        response=answer.body,
        completion_id=outcome.completion_id,
    )
    return answer


def parse_completion(body: bytes) -> CompletionIn:
    """Validate a webhook body; every invalid field is listed in a 422 problem."""
    try:
        return CompletionIn.model_validate_json(body)
    except ValidationError as exc:
        raise intake.invalid_completion(exc) from None


def _authenticate(
    session: Session,
    provider_id: str,
    headers: signatures.SignedHeaders,
    body: bytes,
    *,
    settings: Settings,
    now: datetime,
) -> None:
    # Unknown, suspended and badly signed all get the same answer: ids cannot be probed.
    status = repository.provider_status(session, provider_id) if len(provider_id) <= 64 else None
    if status != ProviderStatus.ACTIVE:
        raise WebhookRejected(_UNVERIFIED)
    secrets = provider_service.live_secrets(
        session, provider_id=provider_id, settings=settings, now=now, cached=True
    )
    if not signatures.signature_matches(secrets, headers, body):
        raise WebhookRejected(_UNVERIFIED)


def _replay(stored: tuple[str, dict[str, Any]], webhook_id: str, digest: str) -> WebhookAnswer:
    body_sha256, response = stored
    if body_sha256 != digest:
        raise WebhookIdReused(
            f"webhook-id {webhook_id!r} was first used with a different body; "
            "send a new id for a new event."
        )
    return WebhookAnswer(status_code=200, body=response)


def _claim(
    session: Session, provider_id: str, webhook_id: str, digest: str, *, now: datetime
) -> int | WebhookAnswer:
    """Insert the delivery row (its id), or replay the answer of whoever inserted it first."""
    values = {
        "provider_id": provider_id,
        "webhook_id": webhook_id,
        "body_sha256": digest,
        "status_code": _IN_PROGRESS,
        "response": {},
        "received_at": now,
    }
    claimed = insert_row_once(session, WebhookDelivery, values, key=_DELIVERY_KEY)
    if claimed is not None:
        return int(claimed["id"])
    winner = repository.delivery_answer(session, provider_id, webhook_id)
    if winner is None:  # the key was taken, so a committed row has it: never expected
        raise RuntimeError(f"webhook delivery {webhook_id!r} conflicted, yet is not stored")
    return _replay(winner, webhook_id, digest)
