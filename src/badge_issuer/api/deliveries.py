"""Admin view of the outbox: learner mail and provider callbacks (scope `providers`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from badge_issuer.admin.deps import ProvidersAdmin
from badge_issuer.api.deps import NowDep, SessionDep
from badge_issuer.audit import service as audit
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.outbox import service
from badge_issuer.outbox.schemas import ChannelName, DeliveryRead, StateName
from badge_issuer.problems import problem_responses

router = APIRouter(prefix="/v1/admin/deliveries", tags=["admin: deliveries"])

DeliveryIdPath = Annotated[int, Path(ge=1, le=MAX_CURSOR, description="The delivery's id.")]


@router.get("", response_model=Page[DeliveryRead], responses=problem_responses(401, 403, 422))
def list_deliveries(
    session: SessionDep,
    _admin: ProvidersAdmin,
    channel: ChannelName | None = None,
    state: StateName | None = None,
    provider_id: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="Cursor: last id seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[DeliveryRead]:
    """List deliveries newest first, with their attempts and last error."""
    jobs = service.list_jobs(
        session, channel=channel, state=state, target=provider_id, after=after, limit=limit
    )
    attempts = service.attempts_by_job(session, jobs)
    items = [DeliveryRead.of(job, attempts[job.id]) for job in jobs]
    return Page[DeliveryRead].of(items, rows=items, limit=limit)


@router.get(
    "/{delivery_id}", response_model=DeliveryRead, responses=problem_responses(401, 403, 404, 422)
)
def get_delivery(
    delivery_id: DeliveryIdPath, session: SessionDep, _admin: ProvidersAdmin
) -> DeliveryRead:
    """Show one delivery with its attempts."""
    job = service.get_job(session, job_id=delivery_id)
    return DeliveryRead.of(job, service.attempts_by_job(session, [job])[job.id])


@router.post(
    "/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def retry_delivery(
    delivery_id: DeliveryIdPath, session: SessionDep, now: NowDep, admin: ProvidersAdmin
) -> DeliveryRead:
    """Attempt a pending or dead-lettered delivery again now, with a fresh retry schedule."""
    job = service.retry(session, job_id=delivery_id, now=now)
    audit.record(
        session,
        actor=admin.actor,
        action="delivery.retry",
        target_type="delivery",
        target_id=str(job.id),
        now=now,
        details={"event_id": job.event_id, "channel": job.channel},
    )
    return DeliveryRead.of(job, service.attempts_by_job(session, [job])[job.id])
