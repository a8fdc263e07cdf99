"""Status lists (public, signed BitstringStatusListCredentials) and admin revocation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from badge_issuer.admin.deps import CredentialsAdmin
from badge_issuer.api.deps import NowDep, OriginDep, SessionDep, SettingsDep
from badge_issuer.awards import revocation, status_lists
from badge_issuer.kit.http import VC_DOCUMENT_CONTENT, vc_document_response
from badge_issuer.problems import problem_responses
from badge_issuer.status.schemas import RevocationCreate, RevocationRead

router = APIRouter(prefix="/status-lists", tags=["status lists"])
admin_router = APIRouter(prefix="/v1/admin/credentials", tags=["admin: credentials"])

_LIST_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed BitstringStatusListCredential.",
        "content": VC_DOCUMENT_CONTENT,
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
    published = status_lists.published_list(
        session, public_id=list_id, settings=settings, now=now, origin=origin
    )
    return vc_document_response(request, published.document, etag=published.etag)


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
