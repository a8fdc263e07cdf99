"""Sign-in request rates: per client address and per email (known or not, so a 429 says
nothing about whether an address is known). Buckets live in this process, as the public ones."""

from __future__ import annotations

from badge_issuer.config import Settings, parse_rate
from badge_issuer.kit.ratelimit import Rate, TokenBuckets, retry_after_seconds


def _buckets(text: str) -> TokenBuckets | None:
    parsed = parse_rate(text)
    return TokenBuckets(Rate(*parsed)) if parsed else None


class SignInLimits:
    """Take one token from the client's and the email's bucket; say how long to wait if empty."""

    def __init__(self, settings: Settings) -> None:
        self._client = _buckets(settings.sign_in_rate_client)
        self._email = _buckets(settings.sign_in_rate_email)

    def wait_seconds(self, *, client: str, email_hash: str) -> int:
        """0 when the request may go on, else the Retry-After seconds."""
        waits = [
            buckets.take(key)
            for buckets, key in ((self._client, client), (self._email, email_hash))
            if buckets is not None
        ]
        wait = max(waits, default=0.0)
        return retry_after_seconds(wait) if wait > 0 else 0
