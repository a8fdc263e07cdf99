"""Fixtures shared by the status list and revocation tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token


@pytest.fixture
def admin(app: FastAPI) -> dict[str, str]:
    """Headers of an admin allowed to revoke credentials."""
    return bearer(make_token(app, Scope.CREDENTIALS, name="registrar"))
