"""RFC 9457 problem details: one error hierarchy and the handlers that render it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger(__name__)


class ProblemError(Exception):
    """An error that knows how it is shown to clients: subclasses set slug, title and status."""

    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"
    status: ClassVar[int] = 500
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions


class BadRequest(ProblemError):
    slug = "bad-request"
    title = "Bad request"
    status = 400


class Unauthorized(ProblemError):
    slug = "unauthorized"
    title = "Authentication required"
    status = 401
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(ProblemError):
    slug = "forbidden"
    title = "Not allowed"
    status = 403


class NotFound(ProblemError):
    slug = "not-found"
    title = "Not found"
    status = 404


class Conflict(ProblemError):
    slug = "conflict"
    title = "Conflict"
    status = 409


class PayloadTooLarge(ProblemError):
    slug = "payload-too-large"
    title = "Request body too large"
    status = 413


class UnsupportedMediaType(ProblemError):
    slug = "unsupported-media-type"
    title = "Unsupported media type"
    status = 415


class ValidationFailed(ProblemError):
    slug = "validation-error"
    title = "Request is not valid"
    status = 422


class InvalidField(BaseModel):
    """One invalid field of a request: where it is and what is wrong."""

    pointer: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details (extension members such as `errors` may follow)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[InvalidField] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Declare problem responses on a route, for the OpenAPI document."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render one problem as application/problem+json."""
    base: str = getattr(request.app.state, "problem_type_base", "about:blank#")
    body: dict[str, Any] = {
        "type": f"{base}{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    headers = dict(headers or {})
    request.state.problem_slug = slug  # metrics label refusals by their problem type
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
        # 500s are rendered outside the request-id middleware, so the header is set here too.
        headers.setdefault("x-request-id", request_id)
    body.update(extensions or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _pointer(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location]
    return "/" + "/".join(parts)


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ProblemError):
        raise TypeError("handler registered for ProblemError only")
    if exc.status >= 500:
        log.error("problem", slug=exc.slug, detail=exc.detail)
    return problem_response(
        request,
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        extensions=exc.extensions,
        headers=exc.headers or None,
    )


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise TypeError("handler registered for RequestValidationError only")
    errors = [
        {"pointer": _pointer(error.get("loc", ())), "message": str(error.get("msg", "invalid"))}
        for error in exc.errors()
    ]
    return problem_response(
        request,
        status=422,
        slug=ValidationFailed.slug,
        title=ValidationFailed.title,
        detail=f"{len(errors)} invalid field(s): "
        + "; ".join(f"{e['pointer']}: {e['message']}" for e in errors[:5]),
        extensions={"errors": errors},
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):
        raise TypeError("handler registered for HTTPException only")
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    if status == 404:
        detail = detail or f"No resource at {request.url.path}"
    elif status == 405:
        detail = detail or f"{request.method} is not allowed on {request.url.path}"
    slug = phrase.lower().replace(" ", "-").replace("'", "")
    return problem_response(
        request,
        status=status,
        slug=slug,
        title=phrase,
        detail=detail or phrase,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _handle_data_error(request: Request, exc: Exception) -> JSONResponse:
    # The database refused a value taken from the request, e.g. PostgreSQL rejects a NUL
    # character in any text it compares or stores (`/issuers/a%00b` was a 500): the client's
    # input is at fault. Logged, since a value the code produced itself would be a bug.
    log.warning("database refused a request value", error=str(getattr(exc, "orig", exc))[:300])
    message = "a value cannot be stored or compared (e.g. a NUL character)"
    return problem_response(
        request,
        status=422,
        slug=ValidationFailed.slug,
        title=ValidationFailed.title,
        detail=f"The request is not valid: {message}.",
        extensions={"errors": [{"pointer": "", "message": message}]},
    )


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log with the request id; the client gets nothing internal.
    log.exception("unhandled error", exc_type=type(exc).__name__)
    return problem_response(
        request,
        status=500,
        slug=ProblemError.slug,
        title=ProblemError.title,
        detail="The server could not complete the request; quote the request id when asking.",
    )


def install_problem_handlers(app: FastAPI, *, type_base: str) -> None:
    """Make every error answer, including FastAPI's own 404/405/422/500, a problem document."""
    app.state.problem_type_base = type_base
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(DataError, _handle_data_error)
    app.add_exception_handler(Exception, _handle_unexpected)
