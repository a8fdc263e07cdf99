"""OpenTelemetry traces, off unless BADGE_ISSUER_OTLP_ENDPOINT is set.

FastAPI requests, SQLAlchemy statements and outbound httpx calls become spans exported over
OTLP/HTTP. Each server span carries the request id the logs carry (`badge_issuer.request_id`),
and the log lines of a traced request carry its trace id, so one finds the other.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer import __version__

SERVICE_NAME = "badge-issuer"


def tracer_provider(exporter: SpanExporter) -> TracerProvider:
    """Return a provider that batches spans to `exporter` (not installed globally)."""
    resource = Resource.create({"service.name": SERVICE_NAME, "service.version": __version__})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def otlp_exporter(endpoint: str) -> SpanExporter:
    """The OTLP/HTTP exporter for `endpoint` (e.g. http://collector:4318/v1/traces)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=endpoint)


def instrument(app: FastAPI, engine: Engine, provider: TracerProvider) -> None:
    """Trace the app's requests, its engine's statements and outbound httpx requests.

    Call it before the request-id middleware is added, so that one runs outside of this one.
    """
    app.state.tracer_provider = provider  # flushed and shut down by whoever owns the app
    app.add_middleware(RequestIdOnSpan)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
    trace_statements(engine, provider.get_tracer(__name__))
    httpx = HTTPXClientInstrumentor()
    if not httpx.is_instrumented_by_opentelemetry:
        httpx.instrument(tracer_provider=provider)


def trace_statements(engine: Engine, tracer: Tracer) -> None:
    """One client span per SQL statement: its text, never its parameters (they hold data).

    OpenTelemetry's SQLAlchemy instrumentation declares SQLAlchemy < 2.1 and pulls in the
    asyncio extension; the two engine events below are all it would use here.
    """
    system = engine.dialect.name

    @event.listens_for(engine, "before_cursor_execute")
    def _start(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        context._badge_issuer_span = tracer.start_span(
            f"{verb} {system}",
            kind=SpanKind.CLIENT,
            attributes={"db.system": system, "db.statement": statement[:4096]},
        )

    @event.listens_for(engine, "after_cursor_execute")
    def _end(
        _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        span = getattr(context, "_badge_issuer_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine, "handle_error")
    def _failed(exception_context: Any) -> None:
        context = exception_context.execution_context
        span = getattr(context, "_badge_issuer_span", None)
        if span is not None:
            span.set_status(
                Status(StatusCode.ERROR, type(exception_context.original_exception).__name__)
            )
            span.end()


class RequestIdOnSpan:
    """Copy the request id (set by RequestIdMiddleware, outside) onto the server span."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request_id = (scope.get("state") or {}).get("request_id")
            span = trace.get_current_span()
            if request_id and span.is_recording():
                span.set_attribute("badge_issuer.request_id", str(request_id))
                structlog.contextvars.bind_contextvars(
                    trace_id=format(span.get_span_context().trace_id, "032x")
                )
        await self.app(scope, receive, send)
