"""Status lists (public, signed BitstringStatusListCredentials) and admin revocation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from badge_issuer.admin.deps import CredentialsAdmin
from badge_issuer.api.credentials_public import (
    JSON,
    PUBLIC_CACHE,
    VC_LD_JSON,
    etag_matches,
    vc_media_type,
)
from badge_issuer.api.deps import NowDep, OriginDep, SessionDep, SettingsDep
from badge_issuer.problems import problem_responses
from badge_issuer.status import publication, revocation
from badge_issuer.status.schemas import RevocationCreate, RevocationRead

router = APIRouter(prefix="/status-lists", tags=["status lists"])
admin_router = APIRouter(prefix="/v1/admin/credentials", tags=["admin: credentials"])

_LIST_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed BitstringStatusListCredential.",
        "content": {
            JSON: {"schema": {"type": "object"}},
            VC_LD_JSON: {"schema": {"type": "object"}},
        },
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


@router.get(
    "/{list_id}",
    response_class=Response,
    responses={**_LIST_RESPONSE, **problem_responses(404, 503)},
)
def get_status_list(
    list_id: Annotated[str, Path(max_length=64)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    origin: OriginDep,
) -> Response:
    """Return the issuer's signed revocation list; cacheable for five minutes, with an ETag."""
    published = publication.published_list(
        session, public_id=list_id, settings=settings, now=now, origin=origin
    )
    headers = {"ETag": published.etag, "Cache-Control": PUBLIC_CACHE, "Vary": "Accept"}
    if etag_matches(request.headers.get("if-none-match"), published.etag):
        return Response(status_code=304, headers=headers)
    media_type = vc_media_type(request.headers.get("accept"))
    return Response(published.document.encode("utf-8"), media_type=media_type, headers=headers)


@admin_router.post(
    "/{credential_id}/revoke",
    response_model=RevocationRead,
    status_code=200,
    responses=problem_responses(401, 403, 404, 422),
)
def revoke_credential(
    credential_id: Annotated[str, Path(max_length=64)],
    data: RevocationCreate,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: CredentialsAdmin,
) -> RevocationRead:
    """Revoke a credential (idempotent); the reason is kept privately, never published."""
    result = revocation.revoke_credential(
        session,
        credential_uuid=credential_id,
        reason=data.reason,
        actor=admin.name,
        settings=settings,
        now=now,
    )
    if result.award.revoked_at is None:
        raise RuntimeError("a revoked award has no revocation time")
    return RevocationRead(
        credential_id=result.award.uuid,
        revoked_at=result.award.revoked_at,
        already_revoked=result.already_revoked,
        status_list_credential=result.status_list_credential,
        status_list_index=result.award.status_index,
    )
