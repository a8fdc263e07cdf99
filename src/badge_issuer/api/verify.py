"""POST /verify: employers verify an OB 3.0 credential (JSON-LD or VC-JWT) and get a report."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from badge_issuer.api.deps import get_app_settings, get_now, get_read_session
from badge_issuer.metrics.recording import record_verification
from badge_issuer.problems import problem_responses
from badge_issuer.verification import service
from badge_issuer.verification.schemas import VERIFY_REQUEST_BODY, VerificationReportRead

router = APIRouter(tags=["verification"])
JSON = "application/json"
# The read session, opened and closed in the endpoint's own worker thread.
_read_session = contextmanager(get_read_session)


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
    # The settings, the clock and the read session are taken here rather than as dependencies:
    # FastAPI runs each plain dependency in a worker thread of its own (and a session's set-up
    # and teardown in two more), and those hand-offs cost more than verifying the signature.
    # The report is serialized here too: FastAPI would validate the model once more first.
    settings, now = get_app_settings(request), get_now(request)
    body, content_type = submitted.body, submitted.content_type
    with _read_session(request) as session:
        report = service.verify_submission(
            session, body=body, content_type=content_type, settings=settings, now=now
        )
    record_verification(report.verified, report.checks)
    return Response(VerificationReportRead.of(report).model_dump_json(), media_type=JSON)
