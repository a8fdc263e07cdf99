"""Problems of the metrics endpoint."""

from __future__ import annotations

from badge_issuer.problems import NotFound


class MetricsElsewhere(NotFound):
    slug = "metrics-not-here"
    title = "Metrics are not served here"
