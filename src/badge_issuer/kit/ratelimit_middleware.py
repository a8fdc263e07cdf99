"""Per-client, per-provider and per-token request rates, answered with 429 and Retry-After.

Which bucket a request takes from (CONTRACT section 13, issue 21):
- `POST /v1/providers/{id}/completions`: the provider's bucket (webhook rate), whoever sends;
- admin routes (`/v1/admin/...`, `POST /credentials/issue`): the bearer token's bucket (admin
  rate), or, without a token, the client address's bucket at the same rate;
- any other POST (verification): the client address's bucket (public rate);
- everything else (public GETs) is not limited here.
The client address is the peer, or the `X-Forwarded-For` address when uvicorn trusts the proxy
(`--forwarded-allow-ips`). Buckets live in this process: with several workers or replicas each
keeps its own, so a global limit is the load balancer's job (README, "Limits").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.kit.asgi import send_problem
from badge_issuer.kit.ratelimit import Rate, TokenBuckets, retry_after_seconds

_WEBHOOK = re.compile(r"^/v1/providers/([^/]+)/completions/?$")
_ADMIN_PREFIXES = ("/v1/admin/", "/credentials/issue")


@dataclass(frozen=True, slots=True)
class Rates:
    public: Rate | None
    webhook: Rate | None
    admin: Rate | None


class RateLimitMiddleware:
    """Answer 429 problem+json with Retry-After once a key's bucket is empty."""

    def __init__(self, app: ASGIApp, *, rates: Rates, type_base: str) -> None:
        self.app = app
        self.type_base = type_base
        self._buckets = {
            name: TokenBuckets(rate)
            for name, rate in (
                ("public", rates.public),
                ("webhook", rates.webhook),
                ("admin", rates.admin),
            )
            if rate is not None
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            kind, key, who = classify(scope)
            buckets = self._buckets.get(kind) if kind else None
            if buckets is not None:
                wait = buckets.take(key)
                if wait > 0:
                    await self._refuse(scope, send, buckets.rate, wait, who)
                    return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, rate: Rate, wait: float, who: str) -> None:
        retry_after = retry_after_seconds(wait)
        await send_problem(
            scope,
            send,
            problem_type=f"{self.type_base}rate-limited",
            title="Too many requests",
            status=429,
            detail=f"More than {rate.describe()} requests from {who}; retry after {retry_after} s.",
            headers=[(b"retry-after", str(retry_after).encode())],
        )


def classify(scope: Scope) -> tuple[str | None, str, str]:
    """Return (bucket kind or None, key, who in words) for one request."""
    path: str = scope["path"]
    method: str = scope["method"]
    client = scope.get("client")
    address = client[0] if client else "unknown"
    webhook = _WEBHOOK.match(path) if method == "POST" else None
    if webhook:
        return "webhook", f"provider:{webhook.group(1)}", f"provider {webhook.group(1)!r}"
    if path.startswith(_ADMIN_PREFIXES):
        token = _bearer(scope)
        if token:
            # Keyed by a digest: the token itself is never kept in memory longer than needed.
            return "admin", "token:" + hashlib.sha256(token).hexdigest()[:32], "this admin token"
        return "admin", f"client:{address}", "this client address"
    if method == "POST":
        return "public", f"client:{address}", "this client address"
    return None, "", ""


def is_rate_limited(method: str, path_template: str) -> bool:
    """Whether requests to an operation (OpenAPI path template) can be answered 429."""
    return method == "POST" or path_template.startswith(_ADMIN_PREFIXES)


def _bearer(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credentials = value.partition(b" ")
            return credentials.strip() if scheme.lower() == b"bearer" else b""
    return b""
