"""ASGI middleware: every HTTP answer counted and timed by route template; webhook outcomes."""

from __future__ import annotations

import time

from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from badge_issuer.kit.asgi import HttpMiddleware
from badge_issuer.kit.metrics import HTTP_DURATION, HTTP_REQUESTS, WEBHOOK_DELIVERIES

WEBHOOK_ROUTE = "/v1/providers/{provider_id}/completions"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Refusals before the provider proved who it is: its path segment is any string a client sent.
_BEFORE_AUTHENTICATION = frozenset({400, 401, 404, 405, 413, 415, 429})


class MetricsMiddleware(HttpMiddleware):
    """Count and time each answer; label it with the route template, never the raw path."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500
        recorded = False

        def record() -> None:
            nonlocal recorded
            recorded = True
            route = _route_template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            HTTP_REQUESTS.labels(route, method, str(status)).inc()
            HTTP_DURATION.labels(route, method).observe(time.perf_counter() - started)
            if route == WEBHOOK_ROUTE and method == "POST":
                _record_webhook(scope, status)

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Counted before the last byte leaves: a client that reads /metrics right after
                # its answer must find that answer already counted (it raced, with two workers).
                record()
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            if not recorded:
                record()


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    # Refused before routing (a rate limit, a token checked before the body), or a 405: the
    # route that would have answered; no route at all (404) is one label for all such paths.
    app = scope.get("app")
    router = getattr(app, "router", None)
    for candidate in getattr(router, "routes", ()):
        match, _ = candidate.matches(scope)
        if match is not Match.NONE:
            return str(getattr(candidate, "path", "unmatched"))
    return "unmatched"


def _record_webhook(scope: Scope, status: int) -> None:
    state = scope.get("state") or {}
    slug = str(state.get("problem_slug", "")) if status >= 400 else ""
    provider = str(scope.get("path_params", {}).get("provider_id", ""))
    if status in _BEFORE_AUTHENTICATION or not provider:
        provider = "unauthenticated"
    outcome = "accepted" if status == 201 else "replayed" if status == 200 else "refused"
    WEBHOOK_DELIVERIES.labels(provider, outcome, slug).inc()
