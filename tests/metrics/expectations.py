"""What the scripted run must add to the counters, exactly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

WEBHOOK = "/v1/providers/{provider_id}/completions"
Expectation = tuple[str, dict[str, str], float]


def expected_increments(credential: dict[str, Any]) -> Iterator[Expectation]:
    yield (
        "badge_issuer_webhook_deliveries_total",
        {"provider": "manabi-portal", "outcome": "accepted", "reason": ""},
        2,
    )
    yield (
        "badge_issuer_webhook_deliveries_total",
        {"provider": "manabi-portal", "outcome": "replayed", "reason": ""},
        1,
    )
    yield (
        "badge_issuer_webhook_deliveries_total",
        {
            "provider": "unauthenticated",
            "outcome": "refused",
            "reason": "webhook-signature-invalid",
        },
        1,
    )
    yield (
        "badge_issuer_webhook_deliveries_total",
        {"provider": "manabi-portal", "outcome": "refused", "reason": "unknown-course"},
        1,
    )
    achievement = credential["credentialSubject"]["achievement"]["id"].rsplit("/", 1)[1]
    yield (
        "badge_issuer_credentials_issued_total",
        {"issuer": "default", "achievement": achievement, "source": "rule"},
        1,
    )
    yield ("badge_issuer_credentials_revoked_total", {"issuer": "default"}, 1)
    yield ("badge_issuer_verifications_total", {"result": "not_verified"}, 1)
    for check in credential["failed_checks"]:
        yield ("badge_issuer_verification_failed_checks_total", {"check": check}, 1)
    yield (
        "badge_issuer_http_requests_total",
        {"route": WEBHOOK, "method": "POST", "status": "201"},
        2,
    )
    yield (
        "badge_issuer_http_requests_total",
        {"route": WEBHOOK, "method": "POST", "status": "401"},
        1,
    )
    yield (
        "badge_issuer_http_requests_total",
        {"route": "/verify", "method": "POST", "status": "200"},
        1,
    )
    yield (
        "badge_issuer_http_request_duration_seconds_count",
        {"route": WEBHOOK, "method": "POST"},
        5,
    )
    yield ("badge_issuer_credential_signing_duration_seconds_count", {}, 1)
