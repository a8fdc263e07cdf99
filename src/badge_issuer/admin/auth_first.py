"""Authenticate admin routes before FastAPI reads their body.

FastAPI parses a request body before it resolves dependencies, so `require_scope` ran after
the JSON: no token and broken JSON answered 422 with parse details, and an unauthenticated
chunked body over 1 MB answered 400/413, all before the 401. `guard_admin_routes` wraps every
route that depends on `require_scope` so that the token and its scope are checked first, from
the headers alone; the principal is then handed to the dependency through the request state.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from badge_issuer.admin import service
from badge_issuer.admin.scopes import Scope as AdminScope
from badge_issuer.db import session_scope
from badge_issuer.problems import ProblemError, problem_response

PRINCIPAL_STATE = "admin_principal"
SCOPE_ATTRIBUTE = "__admin_scope__"


def guard_admin_routes(app: FastAPI) -> None:
    """Wrap every route guarded by `require_scope` so authentication precedes the body."""
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            required = _required_scope(route.dependant)
            if required is not None:
                route.app = _AuthenticateFirst(route.app, required)


def _required_scope(dependant: Dependant) -> AdminScope | None:
    for dependency in dependant.dependencies:
        found = getattr(dependency.call, SCOPE_ATTRIBUTE, None)
        if isinstance(found, AdminScope):
            return found
        nested = _required_scope(dependency)
        if nested is not None:
            return nested
    return None


class _AuthenticateFirst:
    def __init__(self, app: ASGIApp, scope: AdminScope) -> None:
        self.app = app
        self.scope = scope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        authorization = request.headers.get("authorization", "")
        kind, _, credentials = authorization.partition(" ")
        token = credentials.strip() if kind.lower() == "bearer" else None
        now: datetime = request.app.state.clock()
        try:
            principal = await run_in_threadpool(_authenticate, request, token, self.scope, now)
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


def _authenticate(
    request: Request, token: str | None, scope: AdminScope, now: datetime
) -> service.AdminPrincipal:
    for session in session_scope(request.app.state.session_factory):
        return service.authenticate(session, token=token, scope=scope, now=now)
    raise RuntimeError("session_scope yielded no session")  # pragma: no cover
