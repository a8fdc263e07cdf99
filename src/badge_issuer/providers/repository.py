"""Queries over providers, their secrets, completions and webhook deliveries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from badge_issuer.kit import prepared
from badge_issuer.providers.models import Completion, Provider, ProviderSecret, WebhookDelivery

# The queries of a completion webhook are built once, with bind parameters: building a select()
# and its cache key cost about as much as running it (bench: 1.9 ms built vs 0.9 ms prebuilt
# per lookup on a loaded machine).
_LIVE_SECRETS = (
    select(ProviderSecret)
    .where(ProviderSecret.provider_id == bindparam("provider_id"))
    .where(or_(ProviderSecret.expires_at.is_(None), ProviderSecret.expires_at > bindparam("now")))
    .order_by(ProviderSecret.id.desc())
)
_DELIVERY = select(WebhookDelivery).where(
    WebhookDelivery.provider_id == bindparam("provider_id"),
    WebhookDelivery.webhook_id == bindparam("webhook_id"),
)
# A webhook's reads, as plain columns on the driver's cursor (`kit.prepared`): no ORM objects.
_PROVIDER_STATUS = select(Provider.status).where(Provider.id == bindparam("provider_id"))
_LIVE_SECRET_KEYS = _LIVE_SECRETS.with_only_columns(
    ProviderSecret.id, ProviderSecret.wrapped_secret
)
_DELIVERY_ANSWER = _DELIVERY.with_only_columns(
    WebhookDelivery.body_sha256, WebhookDelivery.response
)
# Core (on the table): an ORM UPDATE would also look for the row among the session's objects.
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_STORE_ANSWER = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("delivery_id"))
    .values(
        status_code=bindparam("status_code"),
        response=bindparam("response"),
        completion_id=bindparam("completion_id"),
    )
)
_COMPLETION = select(Completion).where(
    Completion.provider_id == bindparam("provider_id"),
    Completion.learner_id == bindparam("learner_id"),
    Completion.course_id == bindparam("course_id"),
    Completion.completed_at == bindparam("completed_at"),
)
_COMPLETIONS_OF_LEARNER = select(Completion).where(Completion.learner_id == bindparam("learner_id"))
_PROVIDER_NAMES = select(Provider.id, Provider.name)


def get_provider(session: Session, provider_id: str) -> Provider | None:
    return session.get(Provider, provider_id)


def provider_status(session: Session, provider_id: str) -> str | None:
    """The provider's status, or None when there is no such provider."""
    found = prepared.rows(session, _PROVIDER_STATUS, {"provider_id": provider_id})
    return str(found[0][0]) if found else None


def list_providers(session: Session, *, after: str, limit: int) -> Sequence[Provider]:
    """Providers in id order, keyset-paginated by id."""
    query = select(Provider).where(Provider.id > after).order_by(Provider.id).limit(limit)
    return session.scalars(query).all()


def live_secrets(session: Session, provider_id: str, *, now: datetime) -> Sequence[ProviderSecret]:
    """Secrets that still verify: the current one and those inside their overlap window."""
    return session.scalars(_LIVE_SECRETS, {"provider_id": provider_id, "now": now}).all()


def live_secret_keys(
    session: Session, provider_id: str, *, now: datetime
) -> list[tuple[int, bytes]]:
    """`live_secrets` as (row id, wrapped secret) pairs, newest first."""
    params = {"provider_id": provider_id, "now": now}
    return [(int(i), bytes(w)) for i, w in prepared.rows(session, _LIVE_SECRET_KEYS, params)]


def delete_expired_secrets(session: Session, provider_id: str, *, now: datetime) -> None:
    session.execute(
        delete(ProviderSecret)
        .where(ProviderSecret.provider_id == provider_id)
        .where(ProviderSecret.expires_at <= now)
    )


def get_delivery(session: Session, provider_id: str, webhook_id: str) -> WebhookDelivery | None:
    params = {"provider_id": provider_id, "webhook_id": webhook_id}
    return session.scalars(_DELIVERY, params).first()


def delivery_answer(
    session: Session, provider_id: str, webhook_id: str
) -> tuple[str, dict[str, Any]] | None:
    """A delivery's body digest and stored answer, or None when the webhook id is new."""
    params = {"provider_id": provider_id, "webhook_id": webhook_id}
    found = prepared.rows(session, _DELIVERY_ANSWER, params)
    return (str(found[0][0]), dict(found[0][1])) if found else None


def store_answer(
    session: Session,
    delivery_id: int,
    *,
    status_code: int,
    response: dict[str, Any],
    completion_id: int | None,
) -> None:
    """Record a claimed delivery's answer (one Core UPDATE: the row is not loaded)."""
    params = {
        "delivery_id": delivery_id,
        "status_code": status_code,
        "response": response,
        "completion_id": completion_id,
    }
    prepared.rows(session, _STORE_ANSWER, params)


def find_completion(
    session: Session, *, provider_id: str, learner_id: int, course_id: str, completed_at: datetime
) -> Completion | None:
    params = {
        "provider_id": provider_id,
        "learner_id": learner_id,
        "course_id": course_id,
        "completed_at": completed_at,
    }
    return session.scalars(_COMPLETION, params).first()


def completions_by_id(session: Session, ids: Sequence[int]) -> dict[int, Completion]:
    """The completions with these ids, by id."""
    return {c.id: c for c in session.scalars(select(Completion).where(Completion.id.in_(ids)))}


def completions_of_learner(session: Session, learner_id: int) -> Sequence[Completion]:
    return session.scalars(_COMPLETIONS_OF_LEARNER, {"learner_id": learner_id}).all()


def completions_of_learners(
    session: Session, learner_ids: Sequence[int]
) -> dict[int, list[Completion]]:
    """The completions of these learners, by learner id."""
    found: dict[int, list[Completion]] = defaultdict(list)
    for row in session.scalars(select(Completion).where(Completion.learner_id.in_(learner_ids))):
        found[row.learner_id].append(row)
    return found


def provider_names(session: Session) -> dict[str, str]:
    """Every provider's display name, by provider id."""
    return {row.id: row.name for row in session.execute(_PROVIDER_NAMES)}


def all_secrets(session: Session) -> Sequence[ProviderSecret]:
    return session.scalars(select(ProviderSecret).order_by(ProviderSecret.id)).all()
