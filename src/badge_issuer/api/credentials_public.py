"""Public credential access: the stored credential byte for byte, and its verification report."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from badge_issuer.api.deps import NowDep, ReadSessionDep, SettingsDep
from badge_issuer.pages import views as pages
from badge_issuer.pages.documentation import problems_or_pages
from badge_issuer.pages.negotiation import VARY
from badge_issuer.problems import problem_responses
from badge_issuer.verification import service
from badge_issuer.verification.schemas import VerificationReportRead

router = APIRouter(prefix="/credentials", tags=["credentials"])

VC_LD_JSON = "application/vc+ld+json"
JSON = "application/json"
PUBLIC_CACHE = "public, max-age=300"
UuidPath = Annotated[str, Path(max_length=64, description="The credential's uuid.")]
_DOCUMENT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed OB 3.0 credential exactly as issued.",
        "content": {
            JSON: {"schema": {"type": "object"}},
            VC_LD_JSON: {"schema": {"type": "object"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}


def vc_media_type(accept: str | None) -> str:
    """Return application/vc+ld+json when the Accept header asks for it, else application/json."""
    for part in (accept or "").split(","):
        media_type, *params = (piece.strip() for piece in part.split(";"))
        if media_type.lower() != VC_LD_JSON:
            continue
        refused = any(
            p.replace(" ", "").lower() in {"q=0", "q=0.0", "q=0.00", "q=0.000"} for p in params
        )
        if not refused:
            return VC_LD_JSON
    return JSON


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Return whether an If-None-Match header names `etag` (weak comparison, or `*`)."""
    if not if_none_match:
        return False
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    return "*" in candidates or etag in {candidate.removeprefix("W/") for candidate in candidates}


@router.get(
    "/{credential_id}",
    response_class=Response,
    responses={
        **_DOCUMENT_RESPONSE,
        304: {"description": "Not modified"},
        **problems_or_pages(404),
    },
)
def get_credential(
    credential_id: UuidPath,
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Return the signed credential as stored: the URL a learner hands an employer.

    A browser (Accept preferring text/html) gets the badge page instead, unless `?format=json`.
    """
    if pages.wants_html(request):
        return pages.credential_html(
            request, session, credential_id=credential_id, settings=settings, now=now
        )
    award = service.stored_award(session, credential_uuid=credential_id)
    etag = '"' + hashlib.sha256(award.document.encode("utf-8")).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": PUBLIC_CACHE, "Vary": VARY}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    media_type = vc_media_type(request.headers.get("accept"))
    return Response(award.document.encode("utf-8"), media_type=media_type, headers=headers)


@router.get(
    "/{credential_id}/verification",
    response_model=VerificationReportRead,
    response_model_exclude_none=False,
    responses=problem_responses(404),
)
def verify_stored_credential(
    credential_id: UuidPath, session: ReadSessionDep, settings: SettingsDep, now: NowDep
) -> VerificationReportRead:
    """Verify the stored credential now: proof, issuer key, validity and revocation."""
    report = service.verify_stored(
        session, credential_uuid=credential_id, settings=settings, now=now
    )
    return VerificationReportRead.of(report)
