"""GET /metrics: the Prometheus text format, for tokens with scope `metrics`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from badge_issuer.admin.deps import MetricsReader
from badge_issuer.metrics import exposition
from badge_issuer.metrics.errors import MetricsElsewhere
from badge_issuer.problems import problem_responses

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {exposition.CONTENT_TYPE: {}}},
        **problem_responses(401, 403, 404),
    },
)
def get_metrics(request: Request, _reader: MetricsReader) -> Response:
    """Return every worker's metrics and the database gauges (Prometheus text format)."""
    registry = getattr(request.app.state, "metrics_registry", None)
    if registry is None:
        raise MetricsElsewhere(
            "Metrics are served on BADGE_ISSUER_METRICS_PORT, or disabled, on this deployment."
        )
    return Response(exposition.render(registry), media_type=exposition.CONTENT_TYPE)
