"""Every metric the service records in process (names follow Prometheus conventions).

A leaf module: domains time their own work here without depending on the metrics package.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "badge_issuer_http_requests_total",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "badge_issuer_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
CREDENTIALS_ISSUED = Counter(
    "badge_issuer_credentials_issued_total",
    "Credentials issued (committed), by issuer, achievement and source of the award.",
    ["issuer", "achievement", "source"],
)
CREDENTIALS_REVOKED = Counter(
    "badge_issuer_credentials_revoked_total",
    "Credentials revoked (committed), by issuer.",
    ["issuer"],
)
VERIFICATIONS = Counter(
    "badge_issuer_verifications_total",
    "Verification reports given, by result (verified or not_verified).",
    ["result"],
)
VERIFICATION_FAILED_CHECKS = Counter(
    "badge_issuer_verification_failed_checks_total",
    "Failed checks in verification reports, by check name.",
    ["check"],
)
WEBHOOK_DELIVERIES = Counter(
    "badge_issuer_webhook_deliveries_total",
    "Completion webhooks received, by provider, outcome (accepted, replayed, refused) and the "
    "refusal's problem type. Providers that did not authenticate are labelled 'unauthenticated'.",
    ["provider", "outcome", "reason"],
)
SIGNING_DURATION = Histogram(
    "badge_issuer_credential_signing_duration_seconds",
    "Time to assemble, canonicalize and sign one credential.",
    buckets=(0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1),
)
