"""POST /verify: employers verify an OB 3.0 credential (JSON-LD or VC-JWT) and get a report.

The route is declared here as usual (the OpenAPI document, and 405 for other methods), but a
POST is answered by `DirectVerify`, the innermost middleware: FastAPI's routing, request
wrapper, dependency solving and exception middleware cost about as much CPU as the
verification's own SQL, for an endpoint that needs none of them (it takes the raw body, and
reads settings, clock and session itself). Everything outside it still applies: request id,
metrics, headers, rate and size limits, error containment.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.kit.request import app_settings, now_of, respond
from badge_issuer.metrics.recording import record_verification
from badge_issuer.problems import problem_responses
from badge_issuer.verification import service
from badge_issuer.verification.schemas import (
    VERIFY_REQUEST_BODY,
    VerificationReportRead,
    report_json,
)

router = APIRouter(tags=["verification"])
JSON = "application/json"
PATH = "/verify"


async def submitted_body(request: Request) -> bytes:
    return await request.body()


@router.post(
    PATH,
    # Named before the route function was renamed; kept so clients' generated code is stable.
    operation_id="verify_credential_verify_post",
    summary="Verify Credential",
    response_model=VerificationReportRead,
    status_code=200,
    responses=problem_responses(413, 415, 422),
    openapi_extra={"requestBody": VERIFY_REQUEST_BODY},
)
def post_verify(request: Request, body: Annotated[bytes, Depends(submitted_body)]) -> Response:
    """Verify a credential: every check is reported by name, with HTTP 200 even if it fails."""
    # Reached only in an app without DirectVerify; it answers the same way.
    return verify_body(request, body)


def verify_body(request: Request, body: bytes) -> Response:
    """Verify a POSTed body, in the caller's worker thread: the report as JSON (200)."""
    # The reads go through the read-only engine's pooled connection, taken and given back
    # here, in this worker thread: as a dependency its ending rollback would be one more
    # hand-off to a worker thread (each costs about as much as verifying the signature), and a
    # Session's or Connection's bookkeeping cost as much as the reads. The report is serialized
    # here too, straight from the report (FastAPI would validate the model once more first).
    settings, now = app_settings(request), now_of(request)
    content_type = request.headers.get("content-type")
    engine = request.app.state.read_session_factory.kw["bind"]
    with service.reading(engine) as reader:
        report = service.verify_submission(
            reader, body=body, content_type=content_type, settings=settings, now=now
        )
    record_verification(report.verified, report.checks)
    return Response(report_json(report), media_type=JSON)


class DirectVerify:
    """Answer POST /verify straight from the middleware stack (see the module's docstring).

    Install it innermost. Other requests pass through untouched. It sets what FastAPI's routing
    would (the route, for the metrics label) and answers the exceptions the application has
    handlers for (problems such as 413, 415, 422) with those handlers, as FastAPI's exception
    middleware would; anything else propagates to the error containment outside.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # What FastAPI's routing puts in the scope for this route: the route of `router`.
        self._route = next(route for route in router.routes if getattr(route, "path", "") == PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        scope["route"] = self._route
        scope.setdefault("path_params", {})
        request = Request(scope, receive)
        body = await request.body()
        await respond(request, send, lambda: anyio.to_thread.run_sync(verify_body, request, body))
