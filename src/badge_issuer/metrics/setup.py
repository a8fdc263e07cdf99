"""Wire metrics and traces into an application (called once by `create_app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from badge_issuer.config import Settings
from badge_issuer.kit.clock import Clock
from badge_issuer.metrics import exposition, recording
from badge_issuer.metrics.collectors import DatabaseCollector
from badge_issuer.metrics.http import MetricsMiddleware

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter


def install_observability(
    app: FastAPI, settings: Settings, *, clock: Clock, exporter: SpanExporter | None = None
) -> None:
    """Count requests and awards, answer GET /metrics (unless on its own port), trace if asked.

    Call it after the middleware that must run inside the metrics (body limits) and before
    the request-id middleware, which must run outside both.
    """
    if settings.metrics_enabled:
        recording.install()
        app.add_middleware(MetricsMiddleware)
        if settings.metrics_port is None:
            collector = DatabaseCollector(app.state.read_session_factory, app.state.engine, clock)
            app.state.metrics_registry = exposition.metrics_registry(collector)
    if exporter is None and not settings.otlp_endpoint:
        return
    # Imported only when tracing: OpenTelemetry's SDK and instrumentations cost every worker
    # process ~0.5 s of CPU at start (a fifth of its imports), and tracing is off by default.
    from badge_issuer.metrics import tracing

    if exporter is None and settings.otlp_endpoint:
        exporter = tracing.otlp_exporter(settings.otlp_endpoint)
    if exporter is not None:
        tracing.instrument(app, app.state.engine, tracing.tracer_provider(exporter))
