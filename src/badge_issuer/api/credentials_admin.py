"""Admin access to credentials: list, direct award, learner progress (scope `credentials`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from badge_issuer.admin import ownership
from badge_issuer.admin.deps import CredentialAdmin, CredentialsListAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.audit import service as audit
from badge_issuer.awards import repository, service
from badge_issuer.awards.schemas import (
    CredentialState,
    DirectAwardCreate,
    IssuedCredentialRead,
    LearnerProgressRead,
)
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.problems import problem_responses

router = APIRouter(tags=["admin: credentials"])


@router.get(
    "/v1/admin/credentials",
    response_model=Page[IssuedCredentialRead],
    responses=problem_responses(401, 403, 422),
)
def list_credentials(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: CredentialsListAdmin,
    achievement: Annotated[str | None, Query(max_length=100)] = None,
    provider: Annotated[str | None, Query(max_length=64)] = None,
    state: CredentialState | None = None,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="Cursor from `next_cursor`.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[IssuedCredentialRead]:
    """List issued credentials, filtered by achievement, provider of the evidence, and state."""
    awards = repository.list_page(
        session,
        after_id=after,
        limit=limit,
        achievement_id=achievement,
        provider_id=provider,
        state=state,
        now=now,
        issuer_ids=ownership.issuer_ids(session, admin.issuers),
    )
    items = [service.summary(award, settings=settings, now=now) for award in awards]
    return Page[IssuedCredentialRead].of(items, rows=awards, limit=limit)


@router.post(
    "/v1/admin/credentials",
    response_model=IssuedCredentialRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def award_credential(
    data: DirectAwardCreate,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: CredentialAdmin,
) -> IssuedCredentialRead:
    """Award an achievement directly to an email, with evidence (e.g. practical experience)."""
    ownership.require_achievement(session, admin, data.achievement_id)
    award = service.award_directly(session, data=data, settings=settings, now=now)
    audit.record(
        session,
        actor=admin.actor,
        action="credential.award",
        target_type="credential",
        target_id=award.uuid,
        now=now,
        details={"achievement_id": award.achievement_id},
    )
    return service.summary(award, settings=settings, now=now)


@router.get(
    "/v1/admin/learners/progress",
    response_model=LearnerProgressRead,
    responses=problem_responses(401, 403, 422),
)
def learner_progress(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: CredentialsListAdmin,
    email: Annotated[str, Query(min_length=3, max_length=320)],
) -> LearnerProgressRead:
    """Show what a learner holds and how far they are toward every other badge."""
    progress = service.learner_progress(session, email=email, settings=settings, now=now)
    if admin.issuers is None:
        return progress
    # A bound token sees the learner's badges of its own issuers only.
    owners = ownership.achievement_issuers(session)
    visible = admin.issuers
    return LearnerProgressRead(
        held=[h for h in progress.held if owners.get(h.achievement_id) in visible],
        progress=[p for p in progress.progress if owners.get(p.achievement_id) in visible],
    )
