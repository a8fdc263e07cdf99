"""Authenticate admin routes before FastAPI reads their body.

FastAPI parses a request body before it resolves dependencies, so `require_scope` ran after
the JSON: no token and broken JSON answered 422 with parse details, and an unauthenticated
chunked body over 1 MB answered 400/413, all before the 401. `AuthenticateFirstMiddleware`
knows every route that depends on `require_scope` (`guarded_routes`) and checks the token and
its scope first, from the headers alone; the principal is then handed to the dependency
through the request state, so the token is looked up once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.admin import service
from badge_issuer.admin.scopes import Scope as AdminScope
from badge_issuer.db import session_scope
from badge_issuer.problems import ProblemError, problem_response

PRINCIPAL_STATE = "admin_principal"
SCOPE_ATTRIBUTE = "__admin_scope__"


@dataclass(frozen=True, slots=True)
class GuardedRoute:
    path: re.Pattern[str]
    methods: frozenset[str]
    scope: AdminScope
    prefix: str = ""  # the path template's literal start, up to its first parameter


def guarded_routes(app: FastAPI) -> list[GuardedRoute]:
    """Every route that depends on `require_scope`, with the scope it needs."""
    found = []
    # FastAPI 0.163 keeps included routers as such: iterate the effective routes.
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if context.path is None or not isinstance(dependant, Dependant):
            continue
        required = _required_scope(dependant)
        if required is not None:
            regex, _format, _convertors = compile_path(context.path)
            methods = frozenset(context.methods or ())
            prefix = context.path.partition("{")[0]
            found.append(GuardedRoute(regex, methods, required, prefix))
    return found


def _required_scope(dependant: Dependant) -> AdminScope | None:
    for dependency in dependant.dependencies:
        found = getattr(dependency.call, SCOPE_ATTRIBUTE, None)
        if isinstance(found, AdminScope):
            return found
        nested = _required_scope(dependency)
        if nested is not None:
            return nested
    return None


class AuthenticateFirstMiddleware:
    """Check the bearer token of a guarded route from the headers, before anything reads."""

    def __init__(self, app: ASGIApp, *, routes: list[GuardedRoute]) -> None:
        self.app = app
        self.routes = routes
        # Most requests start with no guarded route's literal prefix: one startswith() spares
        # them a regex match per guarded route.
        self._prefixes = tuple({route.prefix for route in routes})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        required = self._required(scope) if scope["type"] == "http" else None
        if required is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        authorization = request.headers.get("authorization", "")
        kind, _, credentials = authorization.partition(" ")
        token = credentials.strip() if kind.lower() == "bearer" else None
        now: datetime = request.app.state.clock()
        try:
            principal = await run_in_threadpool(_authenticate, request, token, required, now)
        except ProblemError as exc:
            response = problem_response(
                request,
                status=exc.status,
                slug=exc.slug,
                title=exc.title,
                detail=exc.detail,
                headers=exc.headers or None,
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
        await self.app(scope, receive, send)

    def _required(self, scope: Scope) -> AdminScope | None:
        path, method = scope["path"], scope["method"]
        if not path.startswith(self._prefixes):
            return None
        for route in self.routes:
            if method in route.methods and route.path.match(path):
                return route.scope
        return None


def _authenticate(
    request: Request, token: str | None, scope: AdminScope, now: datetime
) -> service.AdminPrincipal:
    principal: service.AdminPrincipal | None = None
    # Let the loop finish: session_scope commits (the token's last use) after the body.
    for session in session_scope(request.app.state.session_factory):
        # Bound tokens pass here: the route's guard (admin/deps.py) applies the issuer binding.
        principal = service.authenticate(
            session, token=token, scope=scope, now=now, allow_bound=True
        )
    if principal is None:  # pragma: no cover - session_scope always yields once
        raise RuntimeError("session_scope yielded no session")
    return principal
