"""Public credential access: the stored credential byte for byte, and its verification report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from badge_issuer.api.deps import NowDep, ReadSessionDep, SettingsDep
from badge_issuer.kit.http import VC_DOCUMENT_CONTENT, etag_of, vc_document_response
from badge_issuer.metrics.recording import record_verification
from badge_issuer.pages import views as pages
from badge_issuer.pages.documentation import problems_or_pages
from badge_issuer.pages.negotiation import VARY
from badge_issuer.problems import problem_responses
from badge_issuer.verification import service
from badge_issuer.verification.schemas import VerificationReportRead

router = APIRouter(prefix="/credentials", tags=["credentials"])

UuidPath = Annotated[str, Path(max_length=64, description="The credential's uuid.")]
EmailQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=254,
        description="The email of the person presenting the credential (recipient check).",
    ),
]
_DOCUMENT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed OB 3.0 credential exactly as issued.",
        "content": {**VC_DOCUMENT_CONTENT, "text/html": {"schema": {"type": "string"}}},
    }
}


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
    return vc_document_response(request, award.document, etag=etag_of(award.document), vary=VARY)


@router.get(
    "/{credential_id}/verification",
    response_model=VerificationReportRead,
    response_model_exclude_none=False,
    responses=problem_responses(404),
)
def verify_stored_credential(
    credential_id: UuidPath,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    email: EmailQuery = None,
) -> VerificationReportRead:
    """Verify the stored credential now: proof, issuer key, validity and revocation.

    With `email`, also whether it was issued to that address (check `recipient`; a mismatch
    makes `verified` false). The email is never echoed back.
    """
    report = service.verify_stored(
        session, credential_uuid=credential_id, settings=settings, now=now, email=email
    )
    record_verification(report.verified, report.checks)
    return VerificationReportRead.of(report)
