"""POST /verify: employers verify an OB 3.0 credential (JSON-LD or VC-JWT) and get a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from badge_issuer.kit.request import app_settings, now_of, read_session_of
from badge_issuer.metrics.recording import record_verification
from badge_issuer.problems import problem_responses
from badge_issuer.verification import service
from badge_issuer.verification.schemas import VERIFY_REQUEST_BODY, VerificationReportRead

router = APIRouter(tags=["verification"])
JSON = "application/json"


@dataclass(frozen=True)
class SubmittedBody:
    """The raw request body and its Content-Type, parsed by the verification service."""

    body: bytes
    content_type: str | None


async def submitted_body(request: Request) -> SubmittedBody:
    return SubmittedBody(await request.body(), request.headers.get("content-type"))


@router.post(
    "/verify",
    # Named before the route function was renamed; kept so clients' generated code is stable.
    operation_id="verify_credential_verify_post",
    summary="Verify Credential",
    response_model=VerificationReportRead,
    status_code=200,
    responses=problem_responses(413, 415, 422),
    openapi_extra={"requestBody": VERIFY_REQUEST_BODY},
)
def post_verify(
    request: Request, submitted: Annotated[SubmittedBody, Depends(submitted_body)]
) -> Response:
    """Verify a credential: every check is reported by name, with HTTP 200 even if it fails."""
    # The read session is opened and closed here, in the endpoint's own worker thread: as a
    # dependency its ending rollback would be one more hand-off to a worker thread, and each
    # hand-off costs about as much as verifying the signature. Settings and clock come with it.
    # The report is serialized here too: FastAPI would validate the model once more first.
    settings, now = app_settings(request), now_of(request)
    body, content_type = submitted.body, submitted.content_type
    with read_session_of(request) as session:
        report = service.verify_submission(
            session, body=body, content_type=content_type, settings=settings, now=now
        )
    record_verification(report.verified, report.checks)
    return Response(VerificationReportRead.of(report).model_dump_json(), media_type=JSON)
