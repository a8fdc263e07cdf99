"""Fixtures shared by the badge image HTTP tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.images.http_factories import load_skill_map


@pytest.fixture
def admin(app: FastAPI) -> dict[str, str]:
    """Headers of an admin allowed to manage achievement images, with a skill map loaded."""
    load_skill_map(app)
    return bearer(make_token(app, Scope.SKILLMAP, name="design-team"))
