"""Fixtures shared by the completion intake tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.providers.factories import create_provider


@pytest.fixture
def admin(app: FastAPI) -> dict[str, str]:
    """Headers of an admin allowed to import completions, with one provider registered."""
    create_provider(app)
    return bearer(make_token(app, Scope.PROVIDERS))
