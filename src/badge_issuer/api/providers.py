"""Admin management of e-learning providers and their webhook secrets (scope `providers`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from badge_issuer.admin.deps import ProvidersAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.kit.pagination import Page
from badge_issuer.problems import problem_responses
from badge_issuer.providers import service
from badge_issuer.providers.schemas import (
    ProviderCreate,
    ProviderCreated,
    ProviderRead,
    ProviderUpdate,
    SecretRotate,
    SecretRotated,
)

router = APIRouter(prefix="/v1/admin/providers", tags=["admin: providers"])

ProviderIdPath = Annotated[str, Path(max_length=64, description="The provider's slug.")]


@router.post(
    "",
    status_code=201,
    response_model=ProviderCreated,
    responses=problem_responses(401, 403, 409, 422),
)
def create_provider(
    data: ProviderCreate,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: ProvidersAdmin,
) -> ProviderCreated:
    """Register a provider; the answer holds its webhook signing secret, shown only this once."""
    provider, secret = service.create_provider(
        session, data=data, actor=admin.actor, settings=settings, now=now
    )
    return ProviderCreated(**ProviderRead.model_validate(provider).model_dump(), secret=secret)


@router.get("", response_model=Page[ProviderRead], responses=problem_responses(401, 403, 422))
def list_providers(
    session: SessionDep,
    _admin: ProvidersAdmin,
    after: Annotated[str, Query(max_length=64, description="Cursor: the last id seen.")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[ProviderRead]:
    """List providers in id order."""
    items = [
        ProviderRead.model_validate(p)
        for p in service.list_providers(session, after=after, limit=limit)
    ]
    return Page[ProviderRead].of(items, rows=items, limit=limit)


@router.get(
    "/{provider_id}", response_model=ProviderRead, responses=problem_responses(401, 403, 404, 422)
)
def get_provider(
    provider_id: ProviderIdPath, session: SessionDep, _admin: ProvidersAdmin
) -> ProviderRead:
    """Show one provider."""
    return ProviderRead.model_validate(service.get_provider(session, provider_id=provider_id))


@router.patch(
    "/{provider_id}", response_model=ProviderRead, responses=problem_responses(401, 403, 404, 422)
)
def update_provider(
    provider_id: ProviderIdPath,
    changes: ProviderUpdate,
    session: SessionDep,
    now: NowDep,
    admin: ProvidersAdmin,
) -> ProviderRead:
    """Change a provider's name, status (`active`/`suspended`) or callback URL."""
    provider = service.update_provider(
        session, provider_id=provider_id, changes=changes, actor=admin.actor, now=now
    )
    return ProviderRead.model_validate(provider)


@router.post(
    "/{provider_id}/rotate-secret",
    response_model=SecretRotated,
    responses=problem_responses(401, 403, 404, 422),
)
def rotate_secret(
    provider_id: ProviderIdPath,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: ProvidersAdmin,
    rotation: Annotated[SecretRotate | None, Body()] = None,
) -> SecretRotated:
    """Issue a new signing secret (shown once); previous ones verify until the overlap ends."""
    overlap = timedelta(seconds=(rotation or SecretRotate()).overlap_seconds)
    secret, expire_at = service.rotate_secret(
        session,
        provider_id=provider_id,
        overlap=overlap,
        actor=admin.actor,
        settings=settings,
        now=now,
    )
    return SecretRotated(
        provider_id=provider_id, secret=secret, previous_secrets_expire_at=expire_at
    )
