"""ASGI middleware: every HTTP answer counted and timed by route template; webhook outcomes."""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import BaseRoute
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
            requests, duration = _series(route, method, status)
            requests.inc()
            duration.observe(time.perf_counter() - started)
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
    # Refused before routing (a rate limit, a token checked before the body): the route that
    # would have answered; no route at all (404) is one label for all such paths.
    app = scope.get("app")
    if getattr(app, "router", None) is None:
        return UNMATCHED
    return _labels_of(app).template(get_route_path(scope))


UNMATCHED = "unmatched"


class RouteLabels:
    """The template of the first route whose path matches a path, in one regex match.

    Asking each route's `matches()` in turn cost ~0.85 ms per 404 (every route was tried), and
    FastAPI's included routers have no `path`, so a refusal before routing (a 429 of the
    webhook) was labelled "unmatched". Here every effective route, in routing order, is one
    branch of a single alternation; the first branch that matches the whole path names it.
    """

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        branches: list[str] = []
        self._templates: dict[str, str] = {}
        for context in iter_route_contexts(routes):
            regex = getattr(context, "path_regex", None)
            if context.path is None or not isinstance(regex, re.Pattern):
                continue  # nothing an HTTP path selects (e.g. a websocket route)
            name = f"r{len(branches)}"
            self._templates[name] = context.path
            # Each route's own regex, unanchored; its named groups become plain ones (names
            # repeat across routes, and only the branch's own group is read).
            body = _NAMED_GROUP.sub("(?:", regex.pattern.removeprefix("^").removesuffix("$"))
            branches.append(f"(?P<{name}>{body})")
        self._pattern = re.compile("(?:" + "|".join(branches) + ")") if branches else None

    def template(self, path: str) -> str:
        found = self._pattern.fullmatch(path) if self._pattern is not None else None
        if found is None or found.lastgroup is None:
            return UNMATCHED
        return self._templates[found.lastgroup]


_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")
_tables: weakref.WeakKeyDictionary[Any, tuple[int, RouteLabels]] = weakref.WeakKeyDictionary()


def _labels_of(app: Any) -> RouteLabels:
    """The app's table, rebuilt when routes were added to it (tests add probe routes late)."""
    version = len(app.router.routes)
    cached = _tables.get(app)
    if cached is not None and cached[0] == version:
        return cached[1]
    labels = RouteLabels(app.router.routes)
    _tables[app] = (version, labels)
    return labels


_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _series(route: str, method: str, status: int) -> tuple[Any, Any]:
    """The request counter and duration histogram of these labels (bounded: route templates).

    `labels()` validates and locks on each call: looking the pair up here is a third of the
    middleware's cost. prometheus_client hands out one child per label set, as kept here.
    """
    key = (route, method, status)
    found = _SERIES.get(key)
    if found is None:
        found = (
            HTTP_REQUESTS.labels(route, method, str(status)),
            HTTP_DURATION.labels(route, method),
        )
        _SERIES[key] = found
    return found


def _record_webhook(scope: Scope, status: int) -> None:
    state = scope.get("state") or {}
    slug = str(state.get("problem_slug", "")) if status >= 400 else ""
    provider = str(scope.get("path_params", {}).get("provider_id", ""))
    if status in _BEFORE_AUTHENTICATION or not provider:
        provider = "unauthenticated"
    outcome = "accepted" if status == 201 else "replayed" if status == 200 else "refused"
    WEBHOOK_DELIVERIES.labels(provider, outcome, slug).inc()
