"""Admin tokens for tests: created through the service, as `badge-issuer token create` does."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from badge_issuer.admin import service
from badge_issuer.admin.scopes import Scope
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now


def make_token(
    app: FastAPI,
    *scopes: Scope | str,
    name: str = "test-admin",
    issuers: Sequence[str] | None = None,
    expires_in_days: int | None = None,
) -> str:
    """Create an admin token in the app's database (bound to `issuers` if given); return it."""
    wanted: Sequence[Scope] = [Scope(s) for s in scopes]
    for session in session_scope(app.state.session_factory):
        _record, token = service.create_token(
            session,
            name=name,
            scopes=wanted,
            issuers=issuers,
            expires_in_days=expires_in_days,
            now=utc_now(),
        )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
