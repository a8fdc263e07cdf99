"""State each admin operation's scope and issuer binding in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from badge_issuer.admin.deps import AdminGuard


def _guard(dependant: Dependant) -> AdminGuard | None:
    stack = [dependant]
    while stack:
        node = stack.pop()
        if isinstance(node.call, AdminGuard):
            return node.call
        stack.extend(node.dependencies)
    return None


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Yield every APIRoute, also those of included routers (kept apart by recent FastAPI)."""
    stack = list(routes)
    while stack:
        route = stack.pop()
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            stack.extend(included.routes)


def annotate_admin_routes(app: FastAPI) -> None:
    """Add `x-admin-scope` and `x-issuer-binding` to every operation an AdminGuard protects."""
    for route in _api_routes(app.routes):
        guard = _guard(route.dependant)
        if guard is not None:
            route.openapi_extra = {
                **(route.openapi_extra or {}),
                "x-admin-scope": guard.scope.value,
                "x-issuer-binding": guard.binding.value,
            }
