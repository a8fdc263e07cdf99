"""Issuers: admin management (scope `issuers`) and the public Profile and DID document."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response

from badge_issuer.admin.deps import IssuerPathAdmin, IssuersAdmin, IssuersListAdmin
from badge_issuer.api.deps import NowDep, OriginDep, ReadSessionDep, SessionDep, SettingsDep
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.issuers import service
from badge_issuer.issuers.profile import profile_document
from badge_issuer.issuers.schemas import IssuerCreate, IssuerRead, IssuerUpdate, ProfileDocument
from badge_issuer.keys import onboarding
from badge_issuer.keys import service as key_service
from badge_issuer.keys.schemas import DidDocumentRead
from badge_issuer.kit.http import PUBLIC_CACHE
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.pages import views as pages
from badge_issuer.pages.documentation import HTML_MEDIA_TYPE, problems_or_pages
from badge_issuer.pages.negotiation import VARY
from badge_issuer.problems import problem_responses

admin_router = APIRouter(prefix="/v1/admin/issuers", tags=["admin: issuers"])
public_router = APIRouter(prefix="/issuers", tags=["issuers"])

JSON_LD = "application/ld+json"
DID_JSON_LD = "application/did+ld+json"
# Short enough that a revoked key leaves caches quickly.
SlugPath = Annotated[str, Path(max_length=64, description="The issuer's slug, e.g. `default`.")]


@admin_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IssuerRead,
    responses=problem_responses(401, 403, 409, 422),
)
def create_issuer(
    data: IssuerCreate, session: SessionDep, settings: SettingsDep, now: NowDep, admin: IssuersAdmin
) -> IssuerRead:
    """Create an issuer with an active Ed25519 signing key: it can issue at once."""
    issuer = onboarding.create_signing_issuer(
        session, data=data, settings=settings, actor=admin.actor, now=now
    )
    return IssuerRead.from_issuer(issuer, settings.public_origin)


@admin_router.get("", response_model=Page[IssuerRead], responses=problem_responses(401, 403, 422))
def list_issuers(
    session: SessionDep,
    settings: SettingsDep,
    admin: IssuersListAdmin,
    after: Annotated[
        int, Query(ge=0, le=MAX_CURSOR, description="Cursor: `next_cursor` of the last page.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[IssuerRead]:
    """List issuers in the order they were created (a bound token sees its own issuers)."""
    issuers = service.list_issuers(session, after_id=after, limit=limit, slugs=admin.issuers)
    items = [IssuerRead.from_issuer(issuer, settings.public_origin) for issuer in issuers]
    return Page[IssuerRead].of(items, rows=issuers, limit=limit)


@admin_router.get(
    "/{slug}", response_model=IssuerRead, responses=problem_responses(401, 403, 404, 422)
)
def get_issuer(
    slug: SlugPath, session: SessionDep, settings: SettingsDep, _admin: IssuerPathAdmin
) -> IssuerRead:
    """Return one issuer."""
    return IssuerRead.from_issuer(service.get_issuer(session, slug), settings.public_origin)


@admin_router.patch(
    "/{slug}", response_model=IssuerRead, responses=problem_responses(401, 403, 404, 422)
)
def update_issuer(
    slug: SlugPath,
    data: IssuerUpdate,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: IssuerPathAdmin,
) -> IssuerRead:
    """Change an issuer's name, URL, email, description or image (`null` clears)."""
    issuer = service.update_issuer(session, slug=slug, data=data, actor=admin.actor, now=now)
    return IssuerRead.from_issuer(issuer, settings.public_origin)


@public_router.get(
    "/{slug}",
    response_model=ProfileDocument,
    response_model_by_alias=True,
    response_class=JSONResponse,
    responses={
        **problems_or_pages(404),
        **problem_responses(422),
        200: {"content": {JSON_LD: {}, HTML_MEDIA_TYPE: {"schema": {"type": "string"}}}},
    },
)
def get_profile(
    slug: SlugPath,
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    origin: OriginDep,
) -> Response:
    """Return the issuer's Open Badges 3.0 Profile (JSON-LD); its id is the issuer's DID.

    A browser (Accept preferring text/html) gets the issuer page instead.
    """
    if pages.wants_html(request):
        return pages.issuer_html(request, session, slug=slug, settings=settings)
    issuer = service.get_issuer(session, slug)
    document = profile_document(issuer, origin)
    endorsements = endorsement_service.documents_in_force(
        session, subject_type=endorsement_service.ISSUER, subject_ref=issuer.slug
    )
    if endorsements:
        document["endorsement"] = endorsements
    return JSONResponse(
        document,
        media_type=JSON_LD,
        headers={"Cache-Control": PUBLIC_CACHE, "Vary": VARY},
    )


@public_router.get(
    "/{slug}/did.json",
    response_model=DidDocumentRead,
    response_model_by_alias=True,
    response_class=JSONResponse,
    responses={**problem_responses(404, 422), 200: {"content": {DID_JSON_LD: {}}}},
)
def get_did_document(
    slug: SlugPath, session: ReadSessionDep, settings: SettingsDep, origin: OriginDep
) -> JSONResponse:
    """Return the issuer's did:web DID document: every key that is not revoked."""
    issuer = service.get_issuer(session, slug)
    document = key_service.issuer_did_document(
        session, issuer=issuer, settings=settings, origin=origin
    )
    return JSONResponse(document, media_type=DID_JSON_LD, headers={"Cache-Control": PUBLIC_CACHE})
