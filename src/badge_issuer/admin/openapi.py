"""State each admin operation's scope and issuer binding in the OpenAPI document."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from badge_issuer.admin.deps import AdminGuard


def _guard(dependant: Dependant) -> AdminGuard | None:
    stack = [dependant]
    while stack:
        node = stack.pop()
        if isinstance(node.call, AdminGuard):
            return node.call
        stack.extend(node.dependencies)
    return None


def annotate_admin_routes(app: FastAPI) -> None:
    """Add `x-admin-scope` and `x-issuer-binding` to every operation an AdminGuard protects."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        guard = _guard(route.dependant)
        if guard is not None:
            route.openapi_extra = {
                **(route.openapi_extra or {}),
                "x-admin-scope": guard.scope.value,
                "x-issuer-binding": guard.binding.value,
            }
