"""A session on the per-test database, an award factory bound to it, and the app at NOW."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.main import create_app
from tests.stats.factories import AwardFactory

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.fixture
def factory(session: Session) -> AwardFactory:
    return AwardFactory(session, NOW)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    """The application with its clock fixed at NOW."""
    application = create_app(settings, clock=lambda: NOW)
    yield application
    application.state.engine.dispose()
