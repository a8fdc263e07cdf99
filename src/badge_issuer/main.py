"""The application factory: routers, problem handlers, middleware and shared state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from badge_issuer import __version__
from badge_issuer.api import routers
from badge_issuer.config import Settings, get_settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.kit.clock import Clock, utc_now
from badge_issuer.kit.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from badge_issuer.metrics.setup import install_observability
from badge_issuer.problems import PROBLEM_MEDIA_TYPE, Problem, install_problem_handlers

DESCRIPTION = """Issues Open Badges 3.0 credentials for course completions reported by e-learning
providers, stacked by a configurable skill map, and verifies them for employers.
Every error is an RFC 9457 `application/problem+json` document."""

# Sync endpoints wait for a database connection inside a worker thread, and FastAPI validates
# their answers in a worker thread while the request's session still holds its connection. With
# anyio's default 40 threads, 40 requests waiting for the pool's 15-20 connections took every
# thread, the requests holding connections could not finish, and the process stalled until the
# pool timeout answered 500s. A blocked thread costs little; a stall costs every request.
WORKER_THREADS = 1000


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    """Build the ASGI application for the given settings (default: from the environment)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="badge-issuer",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=routers.TAGS,
        lifespan=_lifespan,
    )
    engine = create_db_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(engine, read_only=True)
    app.state.clock = clock
    install_problem_handlers(app, type_base=settings.problem_type_base)
    for router in routers.ALL:
        app.include_router(router)
    _add_problem_schema(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        type_base=settings.problem_type_base,
    )
    install_observability(app, settings, clock=clock)
    app.add_middleware(RequestIdMiddleware)
    return app


def _add_problem_schema(app: FastAPI) -> None:
    """Document problem+json answers: the Problem schema, a 500 on every operation, and 422s."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("Problem", problem)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                _document_operation_problems(operation)
        # FastAPI's own validation-error schemas are replaced by Problem everywhere.
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation_problems(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    problem_content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if "422" in responses:
        responses["422"] = {"description": "Validation Error", "content": problem_content}
    if "requestBody" in operation:
        # FastAPI answers 400 when it cannot read a body at all (e.g. JSON that is not UTF-8).
        responses.setdefault(
            "400", {"description": "Unreadable request body", "content": problem_content}
        )
    responses.setdefault(
        "500", {"description": "Internal Server Error", "content": problem_content}
    )
