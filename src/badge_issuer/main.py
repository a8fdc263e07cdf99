"""The application factory: routers, problem handlers, middleware and shared state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from badge_issuer import __version__
from badge_issuer.admin.auth_first import AuthenticateFirstMiddleware, guarded_routes
from badge_issuer.admin.openapi import annotate_admin_routes
from badge_issuer.api import completions as completions_api
from badge_issuer.api import routers
from badge_issuer.api import verify as verify_api
from badge_issuer.awards import warming
from badge_issuer.config import Settings, get_settings, parse_rate
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.kit.activity import CountRequestsMiddleware, RequestsInFlight
from badge_issuer.kit.clock import Clock, utc_now
from badge_issuer.kit.containment import ErrorContainmentMiddleware
from badge_issuer.kit.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from badge_issuer.kit.public_headers import PublicHeadersMiddleware
from badge_issuer.kit.ratelimit import Rate
from badge_issuer.kit.ratelimit_middleware import RateLimitMiddleware, Rates, is_rate_limited
from badge_issuer.metrics.setup import install_observability
from badge_issuer.notifications import runtime as outbox_runtime
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
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    # Every serving process also delivers the outbox (mail, callbacks); see outbox/dispatcher.py.
    outbox = (
        outbox_runtime.start_background(
            app.state.engine,
            app.state.settings,
            app.state.clock,
            app.state.requests_in_flight.wait_idle,
        )
        if app.state.deliver_outbox and app.state.settings.outbox_dispatcher
        else None
    )
    if app.state.warm_shapes:
        # Each worker process has its own caches; this one warms them without delaying start.
        for session in session_scope(app.state.read_session_factory):
            warming.warm_in_background(session, app.state.settings)
    yield
    if outbox is not None:
        await anyio.to_thread.run_sync(outbox.stop)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = utc_now,
    deliver_outbox: bool = False,
    warm_shapes: bool = False,
) -> FastAPI:
    """Build the ASGI application for the given settings (default: from the environment).

    `deliver_outbox`: run the outbox dispatcher during the app's lifespan (what `serve` does).
    `warm_shapes`: warm the current skill map's credential shapes at start (`serve` too).
    """
    settings = settings or get_settings()
    # /docs and /redoc only in development, from assets bundled with fastapi-offline: the
    # stock pages load JavaScript from a CDN. Production serves /openapi.json alone.
    factory: Any = FastAPI if settings.is_production else FastAPIOffline
    app: FastAPI = factory(
        title="badge-issuer",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=routers.TAGS,
        lifespan=_lifespan,
        # FastAPI's own OpenTelemetry asks on every request whether a global provider exists
        # (~10 us); this service traces with its own provider (metrics/tracing.py) instead.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        **({"docs_url": None, "redoc_url": None} if settings.is_production else {}),
    )
    engine = create_db_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(engine, read_only=True)
    app.state.clock = clock
    app.state.deliver_outbox = deliver_outbox
    app.state.warm_shapes = warm_shapes
    app.state.requests_in_flight = RequestsInFlight()  # the outbox dispatcher gives way to them
    install_problem_handlers(app, type_base=settings.problem_type_base)
    for router in routers.ALL:
        app.include_router(router)
    annotate_admin_routes(app)
    _add_problem_schema(app)
    # Added innermost first; outermost: request id, headers, rate limit, admin token, size cap.
    app.add_middleware(completions_api.DirectWebhook)  # the completion webhook, as /verify
    app.add_middleware(verify_api.DirectVerify)  # POST /verify, inside every limit below
    app.add_middleware(ErrorContainmentMiddleware, type_base=settings.problem_type_base)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        type_base=settings.problem_type_base,
    )
    # Admin tokens are checked before a body is read (or refused as too large).
    app.add_middleware(AuthenticateFirstMiddleware, routes=guarded_routes(app))
    app.add_middleware(
        RateLimitMiddleware, rates=_rates(settings), type_base=settings.problem_type_base
    )
    app.add_middleware(PublicHeadersMiddleware)
    # Outside the limits: refusals (401 before the body, 429) are counted too.
    install_observability(app, settings, clock=clock)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(CountRequestsMiddleware, requests=app.state.requests_in_flight)
    return app


def _rates(settings: Settings) -> Rates:
    def rate(text: str) -> Rate | None:
        parsed = parse_rate(text)
        return Rate(*parsed) if parsed else None

    return Rates(
        public=rate(settings.rate_limit_public),
        webhook=rate(settings.rate_limit_webhook),
        admin=rate(settings.rate_limit_admin),
    )


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
        for path, path_item in schema.get("paths", {}).items():
            for method, operation in path_item.items():
                _document_operation_problems(operation)
                if is_rate_limited(method.upper(), path):
                    _document_rate_limit(operation)
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


def _document_rate_limit(operation: dict[str, Any]) -> None:
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    operation.setdefault("responses", {}).setdefault(
        "429",
        {
            "description": "Too many requests: see the Retry-After header (seconds)",
            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
            "content": content,
        },
    )
