"""Standard Webhooks verification: headers, timestamp tolerance, and the v1 HMAC signatures."""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from badge_issuer.providers.errors import WebhookRejected

_WEBHOOK_ID = re.compile(r"[\x21-\x7e]{1,200}")
_TIMESTAMP = re.compile(r"\d{1,12}")
MAX_SIGNATURE_HEADER = 4096


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """The three Standard Webhooks headers of a delivery, checked for shape and freshness."""

    webhook_id: str
    timestamp: datetime
    signature: str


def read_headers(
    *,
    webhook_id: str | None,
    timestamp: str | None,
    signature: str | None,
    now: datetime,
    tolerance_seconds: int,
) -> SignedHeaders:
    """Check the headers are present and well-formed and the timestamp is within tolerance."""
    if not webhook_id or not timestamp or not signature:
        raise WebhookRejected(
            "Send the webhook-id, webhook-timestamp and webhook-signature headers."
        )
    if (
        not _WEBHOOK_ID.fullmatch(webhook_id)
        or not _TIMESTAMP.fullmatch(timestamp)
        or len(signature) > MAX_SIGNATURE_HEADER
    ):
        raise WebhookRejected("The webhook headers are malformed.")
    # Compared as numbers first: a timestamp such as 999999999999 (year 33658) is outside what
    # a datetime can hold, and is simply too far from the clock.
    if abs(now.timestamp() - int(timestamp)) > tolerance_seconds:
        raise WebhookRejected(
            f"webhook-timestamp is more than {tolerance_seconds} s away from the server's clock."
        )
    sent_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    return SignedHeaders(webhook_id=webhook_id, timestamp=sent_at, signature=signature)


def _offered_signatures(header: str) -> list[bytes]:
    """The v1 signatures of a `v1,<base64> v1,<base64>` header; malformed entries are skipped."""
    offered = []
    for entry in header.split(" "):
        version, _, encoded = entry.partition(",")
        if version != "v1" or not encoded:
            continue
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return offered


def signature_matches(secrets: Iterable[str], headers: SignedHeaders, body: bytes) -> bool:
    """True if any offered v1 signature is the HMAC of the body under any of the secrets."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    offered = _offered_signatures(headers.signature)
    for secret in secrets:
        expected = Webhook(secret).sign(headers.webhook_id, headers.timestamp, text)
        expected_bytes = base64.b64decode(expected.partition(",")[2])
        if any(hmac.compare_digest(expected_bytes, candidate) for candidate in offered):
            return True
    return False


def sign(secret: str, *, webhook_id: str, timestamp: datetime, body: bytes) -> str:
    """Return the webhook-signature header value a provider sends (used by tests and tools)."""
    return Webhook(secret).sign(webhook_id, timestamp, body.decode("utf-8"))
