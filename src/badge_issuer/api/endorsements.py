"""Endorsements: admin creation and revocation (scope `endorsements`), public documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from badge_issuer.admin import ownership
from badge_issuer.admin.deps import EndorsementAdmin, EndorsementsListAdmin
from badge_issuer.api.deps import NowDep, ReadSessionDep, SessionDep, SettingsDep
from badge_issuer.awards import status_lists
from badge_issuer.endorsements import service
from badge_issuer.endorsements.models import Endorsement
from badge_issuer.endorsements.schemas import (
    EndorsementCreate,
    EndorsementCreated,
    EndorsementRead,
    EndorsementRevoke,
)
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.http import VC_DOCUMENT_CONTENT, etag_of, vc_document_response
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.pages import endorsement_page
from badge_issuer.pages import views as pages
from badge_issuer.pages.documentation import problems_or_pages
from badge_issuer.pages.negotiation import VARY
from badge_issuer.problems import problem_responses
from badge_issuer.status import repository as status_repository

admin_router = APIRouter(prefix="/v1/admin/endorsements", tags=["admin: endorsements"])
public_router = APIRouter(prefix="/endorsements", tags=["endorsements"])

UuidPath = Annotated[str, Path(max_length=64, description="The endorsement's uuid.")]
_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed OB 3.0 EndorsementCredential exactly as issued.",
        "content": {**VC_DOCUMENT_CONTENT, "text/html": {"schema": {"type": "string"}}},
    },
    304: {"description": "Not modified"},
}


def _read(session: SessionDep, endorsement: Endorsement, settings: SettingsDep) -> EndorsementRead:
    subject_issuer = session.get(Issuer, endorsement.subject_issuer_id)
    return EndorsementRead(
        id=endorsement.uuid,
        url=service.endorsement_url(settings, endorsement.uuid),
        endorser=service.endorser_slug(session, endorsement),
        subject_type="issuer" if endorsement.subject_type == service.ISSUER else "achievement",
        subject=endorsement.subject_ref,
        subject_issuer=subject_issuer.slug if subject_issuer else "",
        comment=endorsement.comment,
        issued_at=endorsement.issued_at,
        revoked_at=endorsement.revoked_at,
    )


@admin_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EndorsementCreated,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_endorsement(
    data: EndorsementCreate,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: EndorsementAdmin,
) -> EndorsementCreated:
    """Endorse another issuer's achievement or profile, signed by the endorser's active key.

    Credentials issued afterwards for an endorsed achievement carry the endorsement in
    `achievement.endorsement`; an endorsed issuer's Profile carries it in `endorsement`.
    """
    admin.require_issuer(data.endorser, what="the endorser")
    endorsement = service.create_endorsement(
        session, data=data, settings=settings, actor=admin.actor, now=now
    )
    return EndorsementCreated(
        id=endorsement.uuid, url=service.endorsement_url(settings, endorsement.uuid)
    )


@admin_router.get(
    "", response_model=Page[EndorsementRead], responses=problem_responses(401, 403, 422)
)
def list_endorsements(
    session: SessionDep,
    settings: SettingsDep,
    admin: EndorsementsListAdmin,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="Cursor from `next_cursor`.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[EndorsementRead]:
    """List endorsements in the order they were made (a bound token: its issuers' own)."""
    found = service.list_endorsements(
        session,
        after_id=after,
        limit=limit,
        endorser_ids=ownership.issuer_ids(session, admin.issuers),
    )
    items = [_read(session, endorsement, settings) for endorsement in found]
    return Page[EndorsementRead].of(items, rows=found, limit=limit)


@admin_router.post(
    "/{endorsement_id}/revoke",
    response_model=EndorsementRead,
    responses=problem_responses(401, 403, 404, 422),
)
def revoke_endorsement(
    endorsement_id: UuidPath,
    data: EndorsementRevoke,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: EndorsementAdmin,
) -> EndorsementRead:
    """Revoke an endorsement (idempotent): its bit is set in the endorser's status list."""
    found = service.get_endorsement(session, endorsement_id)
    admin.require_issuer(service.endorser_slug(session, found), what="the endorser")
    endorsement, already = service.revoke_endorsement(
        session, endorsement_uuid=endorsement_id, reason=data.reason, actor=admin.actor, now=now
    )
    status_list = status_repository.get(session, endorsement.status_list_id)
    if not already and status_list is not None:
        status_lists.refresh_after_change(
            session, status_list=status_list, settings=settings, now=now
        )
    return _read(session, endorsement, settings)


@public_router.get(
    "/{endorsement_id}",
    response_class=Response,
    responses={**_DOCUMENT, **problems_or_pages(404)},
)
def get_endorsement(
    endorsement_id: UuidPath,
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Return the signed EndorsementCredential as stored.

    A browser (Accept preferring text/html) gets the endorsement page instead, unless
    `?format=json`.
    """
    if pages.wants_html(request):
        page = endorsement_page.endorsement_html(
            request, session, endorsement_id=endorsement_id, settings=settings, now=now
        )
        return page if page is not None else pages.not_found_html(request)
    endorsement = service.get_endorsement(session, endorsement_id)
    return vc_document_response(
        request, endorsement.document, etag=etag_of(endorsement.document), vary=VARY
    )
