"""Completion intake: the signed provider webhook, and bulk import for admins."""

from __future__ import annotations

import io
import re
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.admin.deps import ProvidersAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.intake import importer, webhooks
from badge_issuer.kit.http import json_request_body, read_bounded_body, request_body
from badge_issuer.kit.request import app_settings, now_of, respond
from badge_issuer.problems import problem_responses
from badge_issuer.providers.errors import (
    CompletionTooLarge,
    UnreadableImport,
    UnsupportedImportFormat,
)
from badge_issuer.providers.schemas import CompletionIn, CompletionResult, ImportSummary

router = APIRouter(tags=["completions"])
admin_router = APIRouter(prefix="/v1/admin/providers", tags=["admin: providers"])

# A completion is a few hundred bytes; the global limit is for imports and credentials.
WEBHOOK_MAX_BYTES = 64 * 1024
_IMPORT_MEDIA_TYPES = {
    "application/x-ndjson": importer.ImportFormat.JSONL,
    "application/jsonl": importer.ImportFormat.JSONL,
    "application/json-lines": importer.ImportFormat.JSONL,
    "application/x-jsonlines": importer.ImportFormat.JSONL,
    "text/csv": importer.ImportFormat.CSV,
}


def _completion_too_large() -> CompletionTooLarge:
    return CompletionTooLarge(f"A completion body is at most {WEBHOOK_MAX_BYTES} bytes.")


async def read_webhook_body(request: Request) -> bytes:
    """Read the raw body (the signature covers its exact bytes), refusing more than 64 KiB."""
    return await read_bounded_body(
        request, limit=WEBHOOK_MAX_BYTES, too_large=_completion_too_large
    )


WebhookBody = Annotated[bytes, Depends(read_webhook_body)]
WEBHOOK_PATH = "/v1/providers/{provider_id}/completions"
# The path's one parameter as Starlette's `{name}` converter matches it: anything but "/".
_WEBHOOK_PATTERN = re.compile(r"/v1/providers/([^/]+)/completions")
_COMPLETION_BODY = json_request_body(CompletionIn)


@router.post(
    WEBHOOK_PATH,
    status_code=201,
    response_model=CompletionResult,
    responses={
        200: {"description": "A replay, or a completion already recorded: the stored answer."},
        **problem_responses(401, 409, 413, 422),
    },
    openapi_extra=_COMPLETION_BODY,
)
def receive_completion(
    request: Request,
    provider_id: str,
    body: WebhookBody,
    webhook_id: Annotated[str | None, Header(description="Idempotency key.")] = None,
    webhook_timestamp: Annotated[str | None, Header(description="Unix seconds.")] = None,
    webhook_signature: Annotated[str | None, Header(description="`v1,<base64>` …")] = None,
) -> JSONResponse:
    """Record a course completion signed with the Standard Webhooks scheme, then award badges."""
    # Reached only in an app without DirectWebhook; it answers the same way (the headers are
    # declared for the OpenAPI document and read from the request).
    return answer_webhook(request, provider_id, body)


def answer_webhook(request: Request, provider_id: str, body: bytes) -> JSONResponse:
    """Record a webhook in the caller's worker thread: read, write and commit, then the answer.

    The commit happens here, before the answer exists, so a failed commit is never a false 2xx;
    the sessions are opened and closed in this one thread (as dependencies, the commit was one
    more hand-off to a worker thread).
    """
    state = request.app.state
    headers = request.headers
    session: Session = state.session_factory()
    # SQLite: the reads before the write lock in a read-only session; PostgreSQL: in the same
    # transaction (see intake.webhooks).
    sqlite = state.engine.dialect.name == "sqlite"
    read_session: Session = state.read_session_factory() if sqlite else session
    try:
        answer = webhooks.receive_completion(
            session,
            read_session=read_session,
            provider_id=provider_id,
            webhook_id=headers.get("webhook-id"),
            timestamp=headers.get("webhook-timestamp"),
            signature=headers.get("webhook-signature"),
            body=body,
            settings=app_settings(request),
            now=now_of(request),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        read_session.close()
        session.close()
    return JSONResponse(answer.body, status_code=answer.status_code)


class DirectWebhook:
    """Answer POST /v1/providers/{provider_id}/completions straight from the middleware stack.

    As `api.verify.DirectVerify` does for /verify: FastAPI's routing, request wrapper and
    dependency solving (nine parameters) and the session dependency's separate hand-off for the
    commit cost about as much CPU as recording the completion's rows. Install it innermost;
    other requests pass through untouched. It sets what FastAPI's routing would (route, path
    parameters) and answers the problems the application has handlers for with those handlers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._route = next(r for r in router.routes if getattr(r, "path", "") == WEBHOOK_PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = _WEBHOOK_PATTERN.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if matched is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        provider_id = matched.group(1)
        scope["route"] = self._route
        scope["path_params"] = {"provider_id": provider_id}
        request = Request(scope, receive)

        async def answer() -> Response:
            body = await read_webhook_body(request)
            return await anyio.to_thread.run_sync(answer_webhook, request, provider_id, body)

        await respond(request, send, answer)


async def read_import_body(request: Request) -> tuple[importer.ImportFormat, str]:
    """Pick the format from Content-Type and decode the body (bounded by the global limit)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = _IMPORT_MEDIA_TYPES.get(media_type)
    if fmt is None:
        raise UnsupportedImportFormat(
            f"Send Content-Type text/csv or application/x-ndjson, not {media_type or 'nothing'}."
        )
    try:
        return fmt, (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableImport("The import body is not UTF-8 text.") from None


ImportBody = Annotated[tuple[importer.ImportFormat, str], Depends(read_import_body)]
_IMPORT_BODY = request_body(
    {"application/x-ndjson": {"type": "string"}, "text/csv": {"type": "string"}}
)


@admin_router.post(
    "/{provider_id}/completions:import",
    response_model=ImportSummary,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=_IMPORT_BODY,
)
def import_completions(
    provider_id: Annotated[str, Path(max_length=64)],
    admin: ProvidersAdmin,
    upload: ImportBody,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ImportSummary:
    """Import completions (JSON Lines of webhook bodies, or CSV with a header) for a provider."""
    fmt, text = upload
    return importer.import_completions(
        session,
        provider_id=provider_id,
        lines=io.StringIO(text),
        fmt=fmt,
        actor=admin.actor,
        settings=settings,
        now=now,
    )
