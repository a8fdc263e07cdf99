"""Fixtures shared by the skill map tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badge_issuer.admin.scopes import Scope
from badge_issuer.db import session_scope
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.clock import utc_now
from tests.admin.factories import bearer, make_token


def _ensure_default_issuer(app: FastAPI) -> None:
    for session in session_scope(app.state.session_factory):
        if session.scalars(select(Issuer).where(Issuer.slug == "default")).first() is None:
            now = utc_now()
            session.add(Issuer(slug="default", name="Hokkaido", created_at=now, updated_at=now))


@pytest.fixture
def admin(app: FastAPI) -> dict[str, str]:
    """Headers of an admin allowed to change the skill map (the maps name issuer `default`)."""
    _ensure_default_issuer(app)
    return bearer(make_token(app, Scope.SKILLMAP, name="policy-team"))
